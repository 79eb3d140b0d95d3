/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: LVM2 metadata text, past the checksums that stop fuzz-image.
 * The input is the text of PV A's metadata area, then optionally a NUL
 * and PV B's own copy (else PV B has no metadata area, as with
 * "pvcreate --metadatacopies 0"). This harness writes both PVs' labels,
 * PV headers and area headers with correct CRCs on an MBR disk held in
 * memory; a text of odd length is placed so that it wraps around the end
 * of the circular area. Then the image stack runs: VG assembly, the LVs'
 * segment tables, reads and locates across segment and stripe edges, and
 * a mount attempt on each volume. PV UUIDs (for the seeds and the dict):
 * PV A "GbFuzzPvA0000000000000000000000a", PV B "...b". */
#include "guestboot.h"
#include "volume/volume.h"
#include "bytes.h"

#include <stdlib.h>
#include <string.h>

#define DISK (3u << 20)
#define PV_A (1u << 20)              /* MBR partition 1: 1 MiB at 1 MiB */
#define PV_B (2u << 20)              /* partition 2: 1 MiB at 2 MiB */
#define PV_SIZE (1u << 20)
#define MDA_OFF 4096u
#define MDA_SIZE (60u << 10)
#define PE_START (64u << 10)         /* data area: after the metadata area */
#define TEXT_MAX (MDA_SIZE - 512 - 1)

/* LVM's CRC: zlib's polynomial, its own initial value, no final inversion */
static uint32_t lvm_crc(const uint8_t *p, size_t n)
{
	return crc32_raw(0xf597a6cfu, p, n);
}

/* Label in sector 1 of the PV, PV header, and when text is given the
 * metadata area: its header and the text (with its NUL, as LVM writes). */
static void write_pv(uint8_t *disk, uint32_t at, char which, const uint8_t *text, size_t len)
{
	uint8_t *l = disk + at + 512;
	memcpy(l, "LABELONE", 8);
	put64(l + 8, 1);
	put32(l + 20, 32);
	memcpy(l + 24, "LVM2 001", 8);
	uint8_t *h = l + 32;
	memcpy(h, "GbFuzzPvA0000000000000000000000a", 32);
	h[8] = (uint8_t)which;
	h[31] = (uint8_t)(which == 'A' ? 'a' : 'b');
	put64(h + 32, PV_SIZE);
	put64(h + 40, PE_START); /* data area (size 0: to the end), then 0 */
	if (text) {
		put64(h + 72, MDA_OFF); /* metadata area, then 0 */
		put64(h + 80, MDA_SIZE);
	}
	put32(l + 16, lvm_crc(l + 20, 512 - 20));
	if (!text)
		return;
	uint8_t *m = disk + at + MDA_OFF;
	size_t n = len + 1;
	uint64_t off = 512;
	if (n & 1 && n > 1024)
		off = MDA_SIZE - 512; /* wraps: the rest follows the header */
	memcpy(m + 4, " LVM2 x[5A%r0N*>", 16);
	put32(m + 20, 1);
	put64(m + 24, MDA_OFF);
	put64(m + 32, MDA_SIZE);
	put64(m + 40, off);
	put64(m + 48, n);
	uint8_t *t = malloc(n);
	if (!t)
		abort();
	memcpy(t, text, len);
	t[len] = 0;
	size_t first = n < MDA_SIZE - off ? n : MDA_SIZE - off;
	memcpy(m + off, t, first);
	memcpy(m + 512, t + first, n - first);
	put32(m + 56, lvm_crc(t, n));
	put32(m, lvm_crc(m + 4, 512 - 4));
	free(t);
}

static void mbr_entry(uint8_t *disk, int i, uint32_t start, uint32_t size)
{
	uint8_t *e = disk + 446 + 16 * i;
	e[4] = 0x8e;
	put32(e + 8, start / 512);
	put32(e + 12, size / 512);
}

static void exercise(struct gb_ctx *ctx, struct gb_volume *v)
{
	static uint8_t buf[12288];
	uint64_t size = v->size;
	if (size >= sizeof(buf)) {
		/* both ends, the middle, and a piece across every 64 KiB
		 * boundary (stripe chunks, extents of small sizes) */
		uint64_t at[] = { 0, size / 2, size - sizeof(buf), 65536 - 4096, 3 * 65536 - 4096 };
		for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			gb_ctx_clear(ctx);
			if (at[i] + sizeof(buf) <= size)
				gb_vol_read(ctx, v, at[i], buf, sizeof(buf));
		}
	}
	/* the copy path's view: runs until the first megabyte is covered */
	for (uint64_t off = 0, n = 0; off < size && off < (1u << 20) && n < 64; n++) {
		int fd;
		uint64_t abs, run;
		gb_ctx_clear(ctx);
		if (gb_vol_locate(ctx, v, off, size - off, &fd, &abs, &run) || !run)
			off += 4096;
		else
			off += run;
	}
	struct gb_fs *fs;
	gb_ctx_clear(ctx);
	gb_volume_mount(ctx, v, &fs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t len_a = nul ? (size_t)(nul - data) : size;
	const uint8_t *text_b = nul ? nul + 1 : NULL;
	size_t len_b = nul ? size - len_a - 1 : 0;
	if (len_a > TEXT_MAX || len_b > TEXT_MAX)
		return 0;
	/* one disk for every run (a fresh 3 MiB one costs more in page faults
	 * than the parse): the MBR and data areas once, the labels and
	 * metadata areas (the first 64 KiB of each PV) every time */
	static uint8_t *disk;
	if (!disk) {
		if (!(disk = calloc(1, DISK)))
			abort();
		mbr_entry(disk, 0, PV_A, PV_SIZE);
		mbr_entry(disk, 1, PV_B, PV_SIZE);
		disk[510] = 0x55;
		disk[511] = 0xaa;
		/* each PV's data area: its offset in the image, every 512
		 * bytes, so that a wrong mapping shows in what a probe reads */
		for (uint32_t o = PE_START; o < PV_SIZE; o += 512) {
			put32(disk + PV_A + o, PV_A + o);
			put32(disk + PV_B + o, PV_B + o);
		}
	}
	memset(disk + PV_A, 0, PE_START);
	memset(disk + PV_B, 0, PE_START);
	write_pv(disk, PV_A, 'A', data, len_a);
	write_pv(disk, PV_B, 'B', len_b ? text_b : NULL, len_b);
	struct gb_ctx *ctx = gb_ctx_new();
	struct gb_image *img;
	if (ctx && gb_image_open_mem(ctx, "lvm.img", disk, DISK, NULL, &img) == 0) {
		for (size_t i = 0; i < gb_image_volume_count(img); i++)
			exercise(ctx, gb_image_volume(img, i));
		gb_image_close(img);
	}
	gb_ctx_free(ctx);
	return 0;
}
