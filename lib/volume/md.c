/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Linux MD RAID member superblocks (include/uapi/linux/raid/md_p.h, a
 * documented ABI): 0.90 in the last 64 KiB-aligned 64 KiB of the member,
 * 1.0 at the end less 8 KiB, 1.1 at the start, 1.2 at 4 KiB. Only what is
 * needed to expose a RAID1 array over one member's data is read.
 */
#include "volume/volume.h"

#include <stdio.h>
#include <string.h>

#define MD_MAGIC 0xa92b4efcu
#define MD_RESERVED 65536u       /* 0.90: MD_RESERVED_BYTES */
#define MD_SB090_SIZE 4096u      /* 0.90: MD_SB_BYTES */
#define MD_SB1_SIZE 256u         /* 1.x: the fixed part, before dev_roles */

/* An MD RAID member: what its superblock says. */
struct gb_md_member {
	uint8_t uuid[16];
	char version[8];        /* "0.90", "1.0", "1.1", "1.2" */
	char name[40];          /* GRUB's name: minor ("0") or set_name after ':' */
	int level;
	uint32_t raid_disks;
	uint64_t data_offset;   /* bytes in the member */
	uint64_t data_size;     /* bytes */
	uint64_t events;
};

/* 0.90: 32-bit words in the writer's byte order. x86 and every other
 * little-endian host write little-endian; a big-endian writer's superblock
 * is recognised by its byte-swapped magic. */
static uint32_t w32(const uint8_t *sb, int word, bool be)
{
	return be ? gb_be32(sb + 4 * word) : gb_le32(sb + 4 * word);
}

static int probe_090(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_md_member *m)
{
	if (vol->size < 2 * MD_RESERVED)
		return GB_E_NOT_MINE;
	uint64_t sb_off = (vol->size & ~(uint64_t)(MD_RESERVED - 1)) - MD_RESERVED;
	uint8_t sb[MD_SB090_SIZE];
	int r = gb_vol_read(ctx, vol, sb_off, sb, sizeof(sb));
	if (r)
		return r;
	bool be = gb_le32(sb) != MD_MAGIC;
	if (be && gb_be32(sb) != MD_MAGIC)
		return GB_E_NOT_MINE;
	if (w32(sb, 1, be) != 0 || w32(sb, 2, be) != 90)
		return GB_E_NOT_MINE;
	/* words: 5 set_uuid0, 7 level, 8 size (KiB per member), 10 raid_disks,
	 * 11 md_minor, 13-15 set_uuid1-3 */
	uint32_t u[4] = { w32(sb, 5, be), w32(sb, 13, be), w32(sb, 14, be), w32(sb, 15, be) };
	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 4; b++)
			m->uuid[4 * i + b] = (uint8_t)(u[i] >> (24 - 8 * b));
	snprintf(m->version, sizeof(m->version), "0.90");
	snprintf(m->name, sizeof(m->name), "%u", w32(sb, 11, be));
	m->level = (int)w32(sb, 7, be);
	m->raid_disks = w32(sb, 10, be);
	m->data_offset = 0;
	m->data_size = (uint64_t)w32(sb, 8, be) * 1024;
	/* Events are not read: the first good member is used. */
	if (m->data_size == 0 || m->data_size > sb_off)
		m->data_size = sb_off;
	return 0;
}

static int probe_1x(struct gb_ctx *ctx, struct gb_volume *vol, uint64_t sb_off,
		    int minor, struct gb_md_member *m)
{
	uint8_t sb[MD_SB1_SIZE];
	if (!gb_range_ok(sb_off, sizeof(sb), vol->size))
		return GB_E_NOT_MINE;
	int r = gb_vol_read(ctx, vol, sb_off, sb, sizeof(sb));
	if (r)
		return r;
	if (gb_le32(sb) != MD_MAGIC || gb_le32(sb + 4) != 1 ||
	    gb_le64(sb + 144) != sb_off / 512)
		return GB_E_NOT_MINE;
	memcpy(m->uuid, sb + 16, 16);
	snprintf(m->version, sizeof(m->version), "1.%d", minor);
	/* set_name is "homehost:name"; GRUB names the array after the part
	 * behind the colon. */
	char name[33];
	gb_copy_label(name, sizeof(name), sb + 32, 32);
	const char *colon = strchr(name, ':');
	snprintf(m->name, sizeof(m->name), "%s", colon ? colon + 1 : name);
	m->level = (int)gb_le32(sb + 72);
	m->raid_disks = gb_le32(sb + 92);
	uint64_t size = gb_le64(sb + 80), data_off = gb_le64(sb + 128),
		 data_size = gb_le64(sb + 136);
	m->events = gb_le64(sb + 200);
	if (size == 0 || size > data_size)
		size = data_size;
	if (!gb_mul_ok(data_off, 512, &m->data_offset) || !gb_mul_ok(size, 512, &m->data_size) ||
	    !gb_range_ok(m->data_offset, m->data_size, vol->size) || m->data_size == 0)
		return gb_error(ctx, GB_E_CORRUPT,
				"md %s superblock: data (offset %llu, %llu sectors) lies outside the member",
				m->version, (unsigned long long)data_off, (unsigned long long)size);
	return 0;
}

/* GB_E_NOT_MINE when vol carries no md superblock. */
static int md_probe(struct gb_ctx *ctx, struct gb_volume *vol, struct gb_md_member *m)
{
	*m = (struct gb_md_member){ 0 };
	int r = probe_1x(ctx, vol, 4096, 2, m);
	if (r != GB_E_NOT_MINE)
		return r;
	if ((r = probe_1x(ctx, vol, 0, 1, m)) != GB_E_NOT_MINE)
		return r;
	if (vol->size >= 8192 + 4096) {
		/* md_p.h / mdadm: (sectors - 16) & ~7, i.e. 8-12 KiB from the end. */
		uint64_t sb_off = ((vol->size / 512 - 16) & ~(uint64_t)7) * 512;
		if ((r = probe_1x(ctx, vol, sb_off, 0, m)) != GB_E_NOT_MINE)
			return r;
	}
	return probe_090(ctx, vol, m);
}

/* ---- the container driver -------------------------------------------- */

/* The members found while an image opens. */
struct md_state {
	struct md_found {
		struct gb_volume *vol;
		struct gb_md_member m;
		bool used;
	} md[GB_MAX_VOLUMES];
	size_t n;
};

static int md_member(struct gb_ctx *ctx, void *state, struct gb_volume *v)
{
	struct md_state *s = state;
	/* one slot per volume probed, and volumes are bounded: checked here
	 * all the same, where the slots are taken */
	if (s->n == sizeof(s->md) / sizeof(s->md[0]))
		return gb_error(ctx, GB_E_LIMIT, "more than %d md members", GB_MAX_VOLUMES);
	struct md_found *f = &s->md[s->n];
	struct gb_ctx quiet = { 0 };
	int r = md_probe(&quiet, v, &f->m);
	if (r == GB_E_NOT_MINE)
		return r;
	if (r)
		return gb_vol_trouble(ctx, v, "md member", &quiet, r);
	f->vol = v;
	s->n++;
	v->container = true;
	snprintf(v->container_kind, sizeof(v->container_kind), "md member (%s)", f->m.version);
	return 0;
}

/* An array over the first member of each set (RAID1 members hold the
 * same data; a degraded array is fine). */
static int md_assemble(struct gb_ctx *ctx, void *state, struct gb_vol_list *l)
{
	struct md_state *s = state;
	for (size_t i = 0; i < s->n; i++) {
		struct md_found *f = &s->md[i];
		if (f->used)
			continue;
		for (size_t j = i; j < s->n; j++)
			if (!memcmp(s->md[j].m.uuid, f->m.uuid, 16))
				s->md[j].used = true;
		struct gb_volume *v;
		int r = gb_vol_add(ctx, l, &v);
		if (r)
			return r;
		v->info.number = -1;
		v->scheme = "md";
		snprintf(v->id, sizeof(v->id), "md/%s", f->m.name);
		/* /dev/md0 for 0.90 (GRUB: md/md0), the set name for 1.x. */
		snprintf(v->name, sizeof(v->name), "%s%s",
			 strcmp(f->m.version, "0.90") ? "" : "md", f->m.name);
		snprintf(v->type, sizeof(v->type), "raid%d", f->m.level);
		snprintf(v->stack, sizeof(v->stack), "%s > %s", f->vol->stack, v->id);
		if (f->m.level != 1) {
			v->parent = f->vol;
			v->src = f->vol->src;
			v->info.disk = f->vol->info.disk;
			v->depth = f->vol->depth + 1;
			v->err_code = GB_E_UNSUPPORTED;
			snprintf(v->err, sizeof(v->err),
				 "RAID level %d is not supported (only RAID1)", f->m.level);
			continue;
		}
		if ((r = gb_vol_window(ctx, v, f->vol, f->m.data_offset, f->m.data_size)))
			return r;
	}
	return 0;
}

const struct gb_container_driver gb_container_md = {
	.name = "md",
	.state_size = sizeof(struct md_state),
	.probe = md_member,
	.assemble = md_assemble,
};
