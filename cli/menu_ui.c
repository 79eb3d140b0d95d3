/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interactive boot menu, as pygrub shows it on the pty libxl gives the
 * bootloader (TERM=vt100) or as GRUB shows it on a console: the entries of
 * one menu level, a countdown, a one-line command line editor.
 *
 * Everything drawn from the guest (titles, command lines) goes through
 * next_glyph(), which lets through printable text only: a title must not be
 * able to send escape sequences to the host's terminal.
 */
#define _GNU_SOURCE
#include "menu_ui.h"
#include "cli.h"

#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define MAX_DEPTH 8           /* as the library's submenu nesting */
#define EDIT_ROOM 4096        /* bytes the editor lets the user add */
#define ESC_DELAY_MS 200      /* a lone Esc vs. the start of a key sequence */
#define MAX_QUICK_ERRORS 1000 /* reads failing at once: the terminal is gone */
#define IDLE_POLL_MS 1000     /* how often an idle menu looks for a stop signal */

enum { KEY_CTRL_A = 1, KEY_CTRL_C = 3, KEY_CTRL_E = 5, KEY_CTRL_H = 8, KEY_CTRL_K = 11,
       KEY_CTRL_U = 21, KEY_ESCAPE = 27, KEY_DEL_CHAR = 127 };
/* read_key's pseudo keys, outside curses' range */
enum { KEY_NONE = -2, KEY_EXPIRED = -3, KEY_LOST = -4, KEY_STOP = -5 };
/* what menu actions return to keep the menu going */
#define GO_ON (-100)

/* ---- guest text made safe for a terminal -------------------------------- */

static bool utf8_locale;

/* One character of guest text as it may be shown: its bytes, its width in
 * columns, and how many bytes of the source it stands for. */
struct glyph {
	char bytes[4];
	size_t len, used;
	int width;
};

/* The glyph for the text at s (n > 0 bytes): printable ASCII as is; in a
 * UTF-8 locale, a valid sequence the locale can print; anything else
 * (C0 and C1 controls, DEL, stray bytes) is one '?'. C1 controls are
 * refused even when well encoded: some terminals act on U+0080..U+009F. */
static void next_glyph(const char *s, size_t n, struct glyph *g)
{
	const unsigned char *u = (const unsigned char *)s;
	g->used = 1;
	if (u[0] >= 0x20 && u[0] < 0x7f) {
		g->bytes[0] = s[0];
		g->len = 1;
		g->width = 1;
		return;
	}
	uint32_t cp;
	size_t k = u[0] >= 0x80 && utf8_locale ? gb_utf8_decode(u, n, &cp) : 0;
	if (k) {
		g->used = k;
		int w = wcwidth((wchar_t)cp);
		if (cp >= 0xa0 && w >= 0) {
			memcpy(g->bytes, s, k);
			g->len = k;
			g->width = w;
			return;
		}
	}
	g->bytes[0] = '?';
	g->len = 1;
	g->width = 1;
}

/* Columns the text takes once made safe. */
static int text_width(const char *s, size_t n)
{
	int w = 0;
	struct glyph g;
	for (size_t i = 0; i < n; i += g.used) {
		next_glyph(s + i, n - i, &g);
		w += g.width;
	}
	return w;
}

/* Draw guest text at the cursor in at most maxw columns, cut with "..."
 * when it does not fit. Returns the columns used. */
static int put_text(const char *s, int maxw)
{
	size_t n = s ? strlen(s) : 0;
	if (maxw <= 0)
		return 0;
	bool cut = text_width(s, n) > maxw;
	int room = cut && maxw > 3 ? maxw - 3 : maxw, w = 0;
	struct glyph g;
	for (size_t i = 0; i < n; i += g.used) {
		next_glyph(s + i, n - i, &g);
		if (w + g.width > room)
			break;
		addnstr(g.bytes, (int)g.len);
		w += g.width;
	}
	if (cut && maxw > 3) {
		addstr("...");
		w += 3;
	}
	return w;
}

/* ---- the terminal ---------------------------------------------------------- */

/* Sequences terminals send for keys vt100's terminfo does not describe
 * (libxl runs the bootloader with TERM=vt100 whatever the console really
 * is): both cursor-key modes, and the VT220/xterm editing keys. */
static void define_extra_keys(void)
{
	static const struct {
		const char *seq;
		int key;
	} keys[] = {
		{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN }, { "\033[C", KEY_RIGHT },
		{ "\033[D", KEY_LEFT }, { "\033OA", KEY_UP }, { "\033OB", KEY_DOWN },
		{ "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT }, { "\033[H", KEY_HOME },
		{ "\033OH", KEY_HOME }, { "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME },
		{ "\033[F", KEY_END }, { "\033OF", KEY_END }, { "\033[4~", KEY_END },
		{ "\033[8~", KEY_END }, { "\033[5~", KEY_PPAGE }, { "\033[6~", KEY_NPAGE },
		{ "\033[3~", KEY_DC }, { "\033OM", KEY_ENTER },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		define_key(keys[i].seq, keys[i].key);
}

/* newterm on the given streams; NULL when the terminal cannot show a menu
 * (an unknown type, or one without cursor addressing such as "dumb").
 * Everything that reads a file (terminfo) happens here, so that the rest
 * can run in the sandbox, which opens nothing. */
static SCREEN *open_screen(FILE *in, FILE *out)
{
	const char *term = getenv("TERM");
	SCREEN *s = newterm(term && *term ? term : "vt100", out, in);
	if (!s)
		return NULL;
	set_term(s);
	const char *cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(s);
		return NULL;
	}
	set_escdelay(ESC_DELAY_MS);
	define_extra_keys();
	return s;
}

/* The modes the menu runs in, set only when it is shown: until then ^C
 * still interrupts (a slow parse, say). raw: ^C then arrives as a key, so
 * quitting goes through the same exit as everything else and the terminal
 * is always restored. */
static void enter_menu_modes(void)
{
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
}

/* Leave a clean screen: what comes next (the kernel's console, the
 * caller's output) should not appear over the menu. */
static void stop_terminal(SCREEN *s, bool shown)
{
	if (shown) {
		erase();
		refresh();
	}
	endwin();
	delscreen(s);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- menu state ------------------------------------------------------------ */

struct level {
	const struct gb_entry *list;
	size_t n, sel, top;
	const char *title; /* the submenu's; NULL at the top */
};

struct ui {
	const struct gb_menu *m;
	struct level lv[MAX_DEPTH];
	size_t depth;          /* lv[depth] is shown */
	const size_t *def_path;
	size_t def_depth;
	int countdown;         /* seconds left; -1: not counting */
	long tick;             /* when the next second ends (now_ms) */
	int quick_errors;
	char status[128];      /* a one-line message, ours (never guest text) */
};

static struct level *cur(struct ui *u)
{
	return &u->lv[u->depth];
}

static int list_rows(void)
{
	return LINES > 7 ? LINES - 6 : 1;
}

/* Index of the default entry (or the submenu leading to it) at the shown
 * level, or SIZE_MAX when the default is elsewhere. */
static size_t default_here(const struct ui *u)
{
	if (u->depth >= u->def_depth)
		return SIZE_MAX;
	for (size_t d = 0; d < u->depth; d++)
		if (u->lv[d].sel != u->def_path[d])
			return SIZE_MAX;
	return u->def_path[u->depth];
}

static const char *kind_label(enum gb_entry_kind k)
{
	switch (k) {
	case GB_ENTRY_LINUX: return "";
	case GB_ENTRY_MULTIBOOT: return " (multiboot)";
	case GB_ENTRY_CHAIN: return " (chainloader)";
	case GB_ENTRY_SUBMENU: return " >";
	case GB_ENTRY_EMPTY: return " (no kernel)";
	}
	return "";
}

/* ---- drawing ---------------------------------------------------------------- */

static void draw_header(const struct ui *u)
{
	move(0, 0);
	clrtoeol();
	attron(A_BOLD);
	mvaddstr(0, 1, "guestboot " GB_VERSION);
	attroff(A_BOLD);
	move(1, 0);
	clrtoeol();
	if (u->depth) {
		/* where we are: the submenus entered, outermost first */
		mvaddstr(1, 1, "In:");
		for (size_t d = 1; d <= u->depth && getcurx(stdscr) < COLS - 4; d++) {
			addstr(d > 1 ? " > " : " ");
			put_text(u->lv[d].title, COLS - 1 - getcurx(stdscr));
		}
	}
}

static void draw_entry(const struct ui *u, int row, size_t i)
{
	const struct level *l = &u->lv[u->depth];
	const struct gb_entry *e = &l->list[i];
	bool selected = i == l->sel;
	move(row, 0);
	clrtoeol();
	if (selected)
		attron(A_REVERSE);
	mvaddstr(row, 1, selected ? "> " : "  ");
	addstr(i == default_here(u) ? "* " : "  ");
	const char *suffix = kind_label(e->kind);
	int room = COLS - 6 - (int)strlen(suffix);
	put_text(e->title && *e->title ? e->title : "(untitled)", room);
	addstr(suffix);
	/* the highlight runs across the line, as a menu bar */
	while (selected && getcurx(stdscr) < COLS - 1)
		addch(' ');
	if (selected)
		attroff(A_REVERSE);
}

static void scroll_to_selection(struct level *l)
{
	size_t rows = (size_t)list_rows();
	if (l->sel < l->top)
		l->top = l->sel;
	else if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
}

static void draw_status(const struct ui *u)
{
	move(LINES - 1, 0);
	clrtoeol();
	move(LINES - 1, 1);
	if (u->countdown >= 0)
		printw("Will boot selected entry in %d second%s", u->countdown,
		       u->countdown == 1 ? "" : "s");
	else
		addnstr(u->status, COLS > 2 ? COLS - 2 : 0);
}

static void draw_help(const char *line1, const char *line2)
{
	move(LINES - 3, 0);
	clrtoeol();
	mvaddnstr(LINES - 3, 1, line1, COLS > 2 ? COLS - 2 : 0);
	move(LINES - 2, 0);
	clrtoeol();
	mvaddnstr(LINES - 2, 1, line2, COLS > 2 ? COLS - 2 : 0);
}

static void draw_menu(struct ui *u)
{
	struct level *l = cur(u);
	int rows = list_rows();
	erase();
	draw_header(u);
	scroll_to_selection(l);
	for (int r = 0; r < rows && l->top + (size_t)r < l->n; r++)
		draw_entry(u, 2 + r, l->top + (size_t)r);
	if (!l->n)
		mvaddstr(2, 3, "(empty)");
	draw_help("Up/Down, j/k, PgUp/PgDn, Home/End: select. Enter: boot or open a submenu.",
		  "e: edit the command line. Esc/Left: leave a submenu. q: quit.");
	draw_status(u);
	refresh();
}

/* ---- input ------------------------------------------------------------------ */

/* Stop the countdown for good: any key does (but not a window resize). */
static void stop_countdown(struct ui *u)
{
	u->countdown = -1;
}

/* A signal asking us to stop (SIGTERM, SIGHUP, SIGINT) while the menu is
 * up: the menu ends through its normal exit, so the terminal is restored
 * and the caller removes what it made. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static const int stop_signals[] = { SIGTERM, SIGHUP, SIGINT };
#define NSTOP_SIGNALS (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* Installed before newterm: curses then leaves these signals to us. No
 * SA_RESTART, so that a read waiting for a key is interrupted. */
static void catch_stop_signals(struct sigaction *saved)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	for (size_t i = 0; i < NSTOP_SIGNALS; i++) {
		sigaction(stop_signals[i], NULL, &saved[i]);
		if (saved[i].sa_handler != SIG_IGN) /* nohup and the like: keep */
			sigaction(stop_signals[i], &sa, NULL);
	}
}

static void restore_stop_signals(const struct sigaction *saved)
{
	for (size_t i = 0; i < NSTOP_SIGNALS; i++)
		sigaction(stop_signals[i], &saved[i], NULL);
}

/* The next key; while counting down, KEY_NONE after each second and
 * KEY_EXPIRED when the time is up. Idle, it wakes up every second (to see
 * a stop signal even where curses restarts interrupted reads). KEY_LOST
 * when input fails for good, KEY_STOP on a stop signal. */
static int read_key(struct ui *u)
{
	long start = now_ms(), wait = IDLE_POLL_MS;
	if (u->countdown > 0)
		wait = u->tick > start ? u->tick - start : 0;
	timeout((int)wait);
	int key = getch();
	if (stop_signal)
		return KEY_STOP;
	if (key != ERR) {
		u->quick_errors = 0;
		if (key != KEY_RESIZE && u->countdown >= 0)
			stop_countdown(u);
		return key;
	}
	if (u->countdown > 0 && now_ms() >= u->tick) {
		u->tick += 1000;
		if (--u->countdown > 0)
			return KEY_NONE;
		stop_countdown(u);
		return KEY_EXPIRED;
	}
	if (now_ms() - start >= wait) { /* the wait simply ran out */
		u->quick_errors = 0;
		return KEY_NONE;
	}
	/* ERR well before the time is up: an interrupted read, once; a closed
	 * or hung-up terminal reads as end of file over and over, so give up
	 * after many in a row. */
	return ++u->quick_errors > MAX_QUICK_ERRORS ? KEY_LOST : KEY_NONE;
}

/* ---- the command line editor ------------------------------------------------- */

struct line {
	char *buf;
	size_t len, cap, cur;
	int hscroll; /* first column shown */
};

/* Byte offset of the glyph before pos (glyphs are found from the start:
 * stray bytes make UTF-8 unsafe to walk backwards). */
static size_t glyph_before(const struct line *l, size_t pos)
{
	size_t prev = 0;
	struct glyph g;
	for (size_t i = 0; i < pos; i += g.used) {
		prev = i;
		next_glyph(l->buf + i, l->len - i, &g);
	}
	return prev;
}

static size_t glyph_after(const struct line *l, size_t pos)
{
	struct glyph g;
	if (pos >= l->len)
		return l->len;
	next_glyph(l->buf + pos, l->len - pos, &g);
	return pos + g.used;
}

static void erase_range(struct line *l, size_t from, size_t to)
{
	memmove(l->buf + from, l->buf + to, l->len - to);
	l->len -= to - from;
	l->buf[l->len] = '\0';
	if (l->cur > to)
		l->cur -= to - from;
	else if (l->cur > from)
		l->cur = from;
}

static bool insert_char(struct line *l, char c)
{
	if (l->len + 1 >= l->cap)
		return false;
	memmove(l->buf + l->cur + 1, l->buf + l->cur, l->len - l->cur);
	l->buf[l->cur++] = c;
	l->buf[++l->len] = '\0';
	return true;
}

/* Draw the line from column x to the screen's edge, scrolled so that the
 * cursor shows; '<' and '>' mark text beyond either side. */
static void draw_line(struct line *l, int row, int x)
{
	int avail = COLS - x - 1;
	if (avail < 2)
		avail = 2;
	int ccol = text_width(l->buf, l->cur);
	if (ccol < l->hscroll)
		l->hscroll = ccol;
	else if (ccol >= l->hscroll + avail)
		l->hscroll = ccol - avail + 1;
	move(row, 0);
	clrtoeol();
	if (l->hscroll > 0)
		mvaddch(row, x - 1, '<');
	move(row, x);
	int col = 0;
	struct glyph g;
	for (size_t i = 0; i < l->len; i += g.used) {
		next_glyph(l->buf + i, l->len - i, &g);
		if (col >= l->hscroll && col + g.width <= l->hscroll + avail)
			addnstr(g.bytes, (int)g.len);
		else if (col >= l->hscroll) {
			mvaddch(row, x + avail, '>');
			break;
		}
		col += g.width;
	}
	move(row, x + ccol - l->hscroll);
}

static void draw_editor(struct line *l, const struct gb_entry *e)
{
	erase();
	attron(A_BOLD);
	mvaddstr(0, 1, "guestboot " GB_VERSION);
	attroff(A_BOLD);
	mvaddstr(2, 1, "Kernel command line of: ");
	put_text(e->title && *e->title ? e->title : "(untitled)", COLS - 1 - getcurx(stdscr));
	draw_help("Enter: boot with this command line. Esc: back to the menu, unchanged.",
		  "Left/Right, Home/End, ^A/^E: move. Backspace/Delete: erase. ^K/^U: kill to end/start.");
	move(LINES - 1, 0);
	clrtoeol();
	draw_line(l, 4, 2);
	refresh();
}

enum edit_result { EDIT_BOOT, EDIT_CANCEL, EDIT_QUIT, EDIT_LOST };

/* Apply one key to the line; false when the key is not the editor's. */
static bool edit_key(struct line *l, int key)
{
	switch (key) {
	case KEY_LEFT: l->cur = glyph_before(l, l->cur); return true;
	case KEY_RIGHT: l->cur = glyph_after(l, l->cur); return true;
	case KEY_HOME: case KEY_CTRL_A: l->cur = 0; return true;
	case KEY_END: case KEY_CTRL_E: l->cur = l->len; return true;
	case KEY_BACKSPACE: case KEY_DEL_CHAR: case KEY_CTRL_H:
		if (l->cur)
			erase_range(l, glyph_before(l, l->cur), l->cur);
		return true;
	case KEY_DC: erase_range(l, l->cur, glyph_after(l, l->cur)); return true;
	case KEY_CTRL_K: erase_range(l, l->cur, l->len); return true;
	case KEY_CTRL_U: erase_range(l, 0, l->cur); return true;
	}
	/* Printable ASCII only: what getch returns for other characters is
	 * one byte of a multibyte sequence, not something to insert alone. */
	if (key >= 0x20 && key < 0x7f) {
		if (!insert_char(l, (char)key))
			beep();
		return true;
	}
	return false;
}

/* Edit e's command line; on EDIT_BOOT *out is the edited line (malloc'd). */
static enum edit_result edit_args(struct ui *u, const struct gb_entry *e, char **out)
{
	const char *orig = e->args ? e->args : "";
	struct line l = { .len = strlen(orig) };
	l.cap = l.len + EDIT_ROOM;
	l.cur = l.len;
	if (!(l.buf = malloc(l.cap)))
		return EDIT_CANCEL;
	memcpy(l.buf, orig, l.len + 1);
	enum edit_result r = EDIT_CANCEL;
	curs_set(1);
	for (;;) { /* one key per pass, until Enter, Esc or ^C */
		draw_editor(&l, e);
		int key = read_key(u);
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			r = EDIT_BOOT;
			break;
		}
		if (key == KEY_ESCAPE)
			break;
		if (key == KEY_CTRL_C || key == KEY_STOP || key == KEY_LOST) {
			r = key == KEY_LOST ? EDIT_LOST : EDIT_QUIT;
			break;
		}
		edit_key(&l, key);
	}
	curs_set(0);
	if (r == EDIT_BOOT)
		*out = l.buf;
	else
		free(l.buf);
	return r;
}

/* ---- menu actions ------------------------------------------------------------ */

static void move_selection(struct ui *u, long delta)
{
	struct level *l = cur(u);
	if (!l->n)
		return;
	long sel = (long)l->sel + delta;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)l->n)
		sel = (long)l->n - 1;
	l->sel = (size_t)sel;
	u->status[0] = '\0';
}

static void enter_submenu(struct ui *u)
{
	struct level *l = cur(u);
	const struct gb_entry *e = l->n ? &l->list[l->sel] : NULL;
	if (!e || e->kind != GB_ENTRY_SUBMENU)
		return;
	if (!e->nchildren || u->depth + 1 >= MAX_DEPTH) {
		snprintf(u->status, sizeof(u->status), "This submenu is empty.");
		return;
	}
	u->lv[++u->depth] = (struct level){ .list = e->children, .n = e->nchildren,
					    .title = e->title ? e->title : "(untitled)" };
	size_t d = default_here(u);
	cur(u)->sel = d != SIZE_MAX && d < e->nchildren ? d : 0;
	u->status[0] = '\0';
}

static void leave_submenu(struct ui *u)
{
	if (u->depth)
		u->depth--;
	u->status[0] = '\0';
}

/* Can e be handed over? If not, say why on the status line. */
static bool bootable(struct ui *u, const struct gb_entry *e)
{
	if (e->kind == GB_ENTRY_LINUX)
		return true;
	const char *why = e->kind == GB_ENTRY_CHAIN ? "a chainloader entry" :
			  e->kind == GB_ENTRY_MULTIBOOT ? "a multiboot entry" : "an entry with no kernel";
	snprintf(u->status, sizeof(u->status), "Cannot boot this: %s. Choose another entry.", why);
	return false;
}

static int choose(const struct gb_entry *e, const char *args, const struct gb_entry **chosen,
		  char **out)
{
	if (!(*out = strdup(args ? args : "")))
		return CLI_MENU_NO_TERM; /* out of memory: the caller's fallback */
	*chosen = e;
	return 0;
}

/* Enter on the selection: open a submenu or boot. Returns GO_ON to go on. */
static int activate(struct ui *u, const struct gb_entry **chosen, char **args)
{
	struct level *l = cur(u);
	if (!l->n)
		return GO_ON;
	const struct gb_entry *e = &l->list[l->sel];
	if (e->kind == GB_ENTRY_SUBMENU) {
		enter_submenu(u);
		return GO_ON;
	}
	return bootable(u, e) ? choose(e, e->args, chosen, args) : GO_ON;
}

static int edit_selected(struct ui *u, const struct gb_entry **chosen, char **args)
{
	struct level *l = cur(u);
	if (!l->n)
		return GO_ON;
	const struct gb_entry *e = &l->list[l->sel];
	if (e->kind != GB_ENTRY_LINUX) {
		snprintf(u->status, sizeof(u->status), "Only Linux entries have a command line to edit.");
		return GO_ON;
	}
	char *edited = NULL;
	switch (edit_args(u, e, &edited)) {
	case EDIT_BOOT:
		*chosen = e;
		*args = edited;
		return 0;
	case EDIT_QUIT:
		return CLI_MENU_QUIT;
	case EDIT_LOST:
		return CLI_MENU_NO_TERM;
	case EDIT_CANCEL:
		break;
	}
	return GO_ON;
}

/* The timeout ran out: boot the default, wherever it is. */
static int expire(struct ui *u, const struct gb_entry **chosen, char **args)
{
	const struct gb_entry *e = gb_menu_default(u->m, NULL, NULL);
	if (!e) {
		snprintf(u->status, sizeof(u->status), "There is no default entry: choose one.");
		return GO_ON;
	}
	return bootable(u, e) ? choose(e, e->args, chosen, args) : GO_ON;
}

/* One key in the menu; GO_ON to go on, else cli_menu_run's result. */
static int menu_key(struct ui *u, int key, const struct gb_entry **chosen, char **args)
{
	long page = list_rows();
	switch (key) {
	case KEY_UP: case 'k': move_selection(u, -1); break;
	case KEY_DOWN: case 'j': move_selection(u, 1); break;
	case KEY_PPAGE: move_selection(u, -page); break;
	case KEY_NPAGE: move_selection(u, page); break;
	case KEY_HOME: move_selection(u, -(long)cur(u)->n); break;
	case KEY_END: move_selection(u, (long)cur(u)->n); break;
	case KEY_RIGHT: enter_submenu(u); break;
	case KEY_LEFT: case KEY_ESCAPE: leave_submenu(u); break;
	case '\r': case '\n': case KEY_ENTER: return activate(u, chosen, args);
	case 'e': return edit_selected(u, chosen, args);
	case 'q': case KEY_CTRL_C: case KEY_STOP: return CLI_MENU_QUIT;
	case KEY_EXPIRED: return expire(u, chosen, args);
	case KEY_LOST: return CLI_MENU_NO_TERM;
	}
	return GO_ON;
}

static void init_ui(struct ui *u, const struct gb_menu *m)
{
	*u = (struct ui){ .m = m, .countdown = gb_menu_timeout(m) };
	gb_menu_default(m, &u->def_path, &u->def_depth);
	u->lv[0].list = gb_menu_entries(m, &u->lv[0].n);
	u->lv[0].sel = u->def_depth ? u->def_path[0] : 0;
	u->tick = now_ms() + 1000;
}

static int run_menu(struct ui *u, const struct gb_entry **chosen, char **args)
{
	int r = GO_ON;
	while (r == GO_ON) { /* until the user decides */
		draw_menu(u);
		r = menu_key(u, read_key(u), chosen, args);
	}
	return r;
}

/* The terminal between cli_menu_prepare and its release. */
static struct {
	SCREEN *screen;
	FILE *in, *out;
	char *locale;       /* the caller's LC_CTYPE, put back at the end */
	struct sigaction sigs[NSTOP_SIGNALS];
	bool prepared, shown;
} term;

int cli_menu_prepare(FILE *in, FILE *out)
{
	if (term.prepared)
		return in == term.in && out == term.out && term.screen ? 0 : CLI_MENU_NO_TERM;
	/* The user's locale decides whether UTF-8 titles show as such. */
	const char *was = setlocale(LC_CTYPE, NULL);
	term.locale = was ? strdup(was) : NULL;
	setlocale(LC_CTYPE, "");
	utf8_locale = !strcmp(nl_langinfo(CODESET), "UTF-8");
	/* Ours before newterm's: curses then leaves these signals alone. */
	catch_stop_signals(term.sigs);
	term.screen = open_screen(in, out);
	term.in = in;
	term.out = out;
	term.prepared = true;
	return term.screen ? 0 : CLI_MENU_NO_TERM;
}

void cli_menu_release(void)
{
	if (!term.prepared)
		return;
	if (term.screen)
		stop_terminal(term.screen, term.shown);
	restore_stop_signals(term.sigs);
	if (term.locale)
		setlocale(LC_CTYPE, term.locale);
	free(term.locale);
	memset(&term, 0, sizeof(term));
}

/* The menu itself, on the prepared screen. */
static int show_menu(const struct gb_menu *m, const struct gb_entry **chosen, char **args)
{
	struct ui u;
	term.shown = true;
	enter_menu_modes();
	init_ui(&u, m);
	int r = run_menu(&u, chosen, args);
	if (stop_signal && !r) { /* it came as the menu closed: still a stop */
		free(*args);
		*args = NULL;
		*chosen = NULL;
		r = CLI_MENU_QUIT;
	}
	return r;
}

int cli_menu_run(const struct gb_menu *m, FILE *in, FILE *out,
		 const struct gb_entry **chosen, char **args)
{
	size_t n;
	int r = CLI_MENU_NO_TERM;
	*chosen = NULL;
	*args = NULL;
	gb_menu_entries(m, &n);
	if (n && gb_menu_timeout(m) == 0) { /* as GRUB: no menu at all */
		const struct gb_entry *e = gb_menu_default(m, NULL, NULL);
		r = e ? choose(e, e->args, chosen, args) : CLI_MENU_NO_TERM;
	} else if (n && !cli_menu_prepare(in, out)) {
		r = show_menu(m, chosen, args);
	}
	cli_menu_release();
	return r;
}

static bool locate_in(const struct gb_entry *list, size_t n, const struct gb_entry *e,
		      size_t *path, size_t depth, size_t *out_depth)
{
	for (size_t i = 0; i < n && depth < MAX_DEPTH; i++) {
		path[depth] = i;
		if (&list[i] == e) {
			*out_depth = depth + 1;
			return true;
		}
		if (locate_in(list[i].children, list[i].nchildren, e, path, depth + 1, out_depth))
			return true;
	}
	return false;
}

bool cli_menu_locate(const struct gb_menu *m, const struct gb_entry *e, size_t *path,
		     size_t *depth)
{
	size_t n;
	const struct gb_entry *list = gb_menu_entries(m, &n);
	*depth = 0;
	return locate_in(list, n, e, path, 0, depth);
}
