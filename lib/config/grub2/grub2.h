/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB 2 script interpreter, internal to lib/config. The lexer and parser
 * follow GRUB's grammar (grub-core/script/{yylex.l,parser.y}); the
 * executor follows its run-time rules (argument expansion, `$?`, loops,
 * functions); builtins record what `linux`/`initrd`/... would load into
 * the entry being evaluated instead of loading it. All state lives in one
 * struct gb_grub2; nothing is global. */
#ifndef GB_GRUB2_H
#define GB_GRUB2_H

#include "config/config.h"

/* One named limit per hazard (a config is untrusted input). */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/* a tenth under the fuzzers' sanitizers, which run endless loops 30 times
 * slower: reaching the bound must stay far inside libFuzzer's timeout */
#define GB_GRUB2_MAX_STEPS 100000u
#else
#define GB_GRUB2_MAX_STEPS 1000000u   /* commands run + tokens lexed */
#endif
#define GB_GRUB2_MAX_CALL_DEPTH 64    /* function calls, as GRUB */
#define GB_GRUB2_MAX_SOURCE_DEPTH 16  /* source/configfile/eval nesting */
#define GB_GRUB2_MAX_PARSE_DEPTH 32   /* nested if/for/while/{ } in one chunk */
#define GB_GRUB2_MAX_EXEC_DEPTH 512   /* nested commands being run, all kinds: bounds the C stack */
#define GB_GRUB2_MAX_VARS 1024
#define GB_GRUB2_MAX_VALUE (64u * 1024)       /* one variable's value */
#define GB_GRUB2_MAX_ENV_BYTES (1024u * 1024) /* all variables together */
#define GB_GRUB2_MAX_ARGS 4096                /* words of one command */
#define GB_GRUB2_MAX_ARG_BYTES (256u * 1024)  /* one expanded word */
#define GB_GRUB2_MAX_FUNCS 256
#define GB_GRUB2_MAX_ITEMS GB_MENU_MAX_ENTRIES

/* ---- arena: every parse allocates here and frees in one go ---------- */
struct gb_grub2_chunk;
struct gb_grub2_arena {
	struct gb_grub2_chunk *head;
};
void *gb_grub2_alloc(struct gb_grub2_arena *a, size_t size);
char *gb_grub2_strndup(struct gb_grub2_arena *a, const char *s, size_t n);
void gb_grub2_arena_free(struct gb_grub2_arena *a);

/* ---- syntax tree ----------------------------------------------------- */
enum gb_grub2_part_type {
	GB_GRUB2_TEXT,  /* unquoted text, backslash escapes still in place */
	GB_GRUB2_VAR,   /* $name: value split into fields */
	GB_GRUB2_DQVAR, /* "$name": value kept whole */
	GB_GRUB2_DQSTR, /* "..." text (always produces an argument) */
	GB_GRUB2_SQSTR, /* '...' text */
	GB_GRUB2_GETTEXT, /* $"..." text: its $variables are expanded when run */
};

struct gb_grub2_part {
	enum gb_grub2_part_type type;
	const char *str;
	struct gb_grub2_part *next;
};

struct gb_grub2_word {
	struct gb_grub2_part *parts;
	struct gb_grub2_word *next;
};

enum gb_grub2_node_kind { GB_GRUB2_CMD, GB_GRUB2_IF, GB_GRUB2_FOR, GB_GRUB2_WHILE };

struct gb_grub2_node {
	enum gb_grub2_node_kind kind;
	size_t line;
	struct gb_grub2_node *next;   /* next command of the same list */
	struct gb_grub2_word *words;  /* CMD: name and arguments; FOR: items */
	const char *block;            /* CMD: text inside a trailing { } */
	size_t block_line;
	struct gb_grub2_node *cond, *body, *orelse; /* IF, WHILE (cond/body), FOR (body) */
	const char *name;             /* FOR variable */
	bool until;
};

/* ---- lexer ------------------------------------------------------------ */
enum gb_grub2_tok {
	GB_GRUB2_T_EOF, GB_GRUB2_T_NEWLINE, GB_GRUB2_T_SEMI, GB_GRUB2_T_LBR,
	GB_GRUB2_T_RBR, GB_GRUB2_T_WORD, GB_GRUB2_T_BAD,
};

enum gb_grub2_kw {
	GB_GRUB2_KW_NONE, GB_GRUB2_KW_CASE, GB_GRUB2_KW_DO, GB_GRUB2_KW_DONE,
	GB_GRUB2_KW_ELIF, GB_GRUB2_KW_ELSE, GB_GRUB2_KW_ESAC, GB_GRUB2_KW_FI,
	GB_GRUB2_KW_FOR, GB_GRUB2_KW_IF, GB_GRUB2_KW_IN, GB_GRUB2_KW_SELECT,
	GB_GRUB2_KW_THEN, GB_GRUB2_KW_UNTIL, GB_GRUB2_KW_WHILE, GB_GRUB2_KW_FUNCTION,
};

struct gb_grub2_token {
	enum gb_grub2_tok type;
	enum gb_grub2_kw kw;          /* a reserved word (type WORD) */
	bool name;                    /* a plain NAME ([A-Za-z_][A-Za-z0-9_]*) */
	const char *text;             /* plain text of a NAME or reserved word */
	struct gb_grub2_word *word;   /* WORD */
	size_t line, col;             /* 1-based, of the first character */
	size_t start, end;            /* byte offsets in the source */
	const char *bad;              /* BAD: what was found */
};

struct gb_grub2_lexer {
	const char *src;
	size_t len, pos, line, line_start;
	struct gb_grub2_arena *arena;
	unsigned long *steps;         /* shared budget; NULL: unbounded */
	bool oom;
};

void gb_grub2_lex_init(struct gb_grub2_lexer *lx, const char *src, size_t len,
		       size_t first_line, struct gb_grub2_arena *arena, unsigned long *steps);
void gb_grub2_lex_next(struct gb_grub2_lexer *lx, struct gb_grub2_token *t);
/* Skip the rest of the current physical line (after a syntax error). */
void gb_grub2_lex_skip_line(struct gb_grub2_lexer *lx);
const char *gb_grub2_kw_name(enum gb_grub2_kw kw);

/* ---- parser: one top-level chunk at a time, as GRUB reads configs ----- */
struct gb_grub2;
struct gb_grub2_parser {
	struct gb_grub2_lexer lx;
	struct gb_grub2_token tok;    /* lookahead */
	bool have_tok;
	int refs;                     /* open constructs, as GRUB's lexer counts them */
	int depth;
	struct gb_grub2 *g;           /* receives function definitions; may be NULL */
	const char *file;
	/* the first syntax error of the chunk */
	bool error;
	size_t err_line, err_col;
	char err_msg[160];
};

enum gb_grub2_chunk_result { GB_GRUB2_CHUNK_OK, GB_GRUB2_CHUNK_EOF, GB_GRUB2_CHUNK_ERROR };

void gb_grub2_parser_init(struct gb_grub2_parser *p, struct gb_grub2 *g, const char *file,
			  const char *src, size_t len, size_t first_line,
			  struct gb_grub2_arena *arena, unsigned long *steps);
/* Parse the next chunk (the statements of one line, or one multi-line
 * construct) into *list. After an error the parser has skipped what GRUB
 * would have thrown away: the rest of the line, or of the file when the
 * error was inside an open construct. */
enum gb_grub2_chunk_result gb_grub2_parse_chunk(struct gb_grub2_parser *p,
						struct gb_grub2_node **list);

/* ---- variables ---------------------------------------------------------- */
struct gb_grub2_var {
	char *name, *value;
	bool exported;
	int next;                     /* hash chain */
};

#define GB_GRUB2_HASH 256
struct gb_grub2_env {
	struct gb_grub2_var *v;
	size_t n, cap, bytes;
	int head[GB_GRUB2_HASH];
};

struct gb_grub2_env *gb_grub2_env_new(void);
void gb_grub2_env_free(struct gb_grub2_env *env);
/* A copy: everything, or only exported variables (a new GRUB context). */
struct gb_grub2_env *gb_grub2_env_copy(const struct gb_grub2_env *env, bool exported_only);
const char *gb_grub2_env_get(const struct gb_grub2_env *env, const char *name);
/* 0, GB_E_LIMIT or GB_E_NOMEM (recorded in g->ctx, fatal). */
int gb_grub2_env_set(struct gb_grub2 *g, const char *name, const char *value);
void gb_grub2_env_unset(struct gb_grub2 *g, const char *name);
int gb_grub2_env_export(struct gb_grub2 *g, const char *name);
/* Parse a grubenv block; calls set for each variable (whitelist applied by
 * the caller). Returns false when the signature is missing. */
bool gb_grub2_envblk_parse(const char *data, size_t len,
			   int (*set)(void *arg, const char *name, const char *value), void *arg);

/* ---- interpreter state --------------------------------------------------- */
/* A menuentry/submenu as defined: run later, when the entry is evaluated. */
struct gb_grub2_item {
	char *title, *id;
	char **args;                  /* title and extra arguments: $1... */
	size_t nargs;
	char *body;                   /* source text of the block */
	char *file;                   /* where it was defined */
	size_t line, body_line;
	bool submenu;
};

struct gb_grub2_items {
	struct gb_grub2_item *v;
	size_t n;
};

struct gb_grub2_func {
	char *name, *body, *file;
	size_t body_line;
};

struct gb_grub2_scope {
	char **argv;                  /* owned */
	size_t argc, shift;
};

/* The GRUB the guest boots with, as far as blscfg depends on it: read
 * once, from the modules directory next to $prefix (command.lst says
 * which module provides blscfg, modinfo.sh the version) or from the SBAT
 * section of a GRUB core image on the EFI system partition. */
enum gb_grub2_blscfg {
	GB_BLSCFG_ASSUMED_FEDORA, /* nothing found: Fedora's, the common case */
	GB_BLSCFG_FEDORA,         /* Fedora/RHEL's patched GRUB (module blscfg) */
	GB_BLSCFG_UPSTREAM,       /* GRUB 2.14 and later (module blsuki) */
	GB_BLSCFG_NONE,           /* a GRUB without the command */
};

struct gb_grub2_build {
	bool probed;
	enum gb_grub2_blscfg blscfg;
	char version[32];  /* "2.14" ("" when unknown) */
	char vendor[32];   /* an SBAT vendor component ("grub.rh"), or "" */
	char source[300];  /* where it was read, as a GRUB file name */
};
void gb_grub2_probe_build(struct gb_grub2 *g);
/* Is version v ("2.12", as struct gb_grub2_build holds it) MAJOR.MINOR
 * or later? False when it is unknown (""). */
bool gb_grub2_version_at_least(const char *v, unsigned long major, unsigned long minor);

struct gb_grub2 {
	struct gb_ctx *ctx;
	const struct gb_cfg_devices *devs;
	const struct gb_cfg_options *opt;
	struct gb_menu *menu;         /* warnings go here */
	struct gb_grub2_env *env;
	struct gb_grub2_func funcs[GB_GRUB2_MAX_FUNCS];
	size_t nfuncs;
	struct gb_grub2_items *items; /* where menuentry definitions go; NULL: refused */
	struct gb_grub2_scope *scope; /* positional parameters; NULL at top level */
	struct gb_entry *target;      /* entry whose body runs; NULL at top level */
	/* the menu path of the entry or submenu whose body runs (depth 0: the
	 * script's top level), for save_env (struct gb_menu_save) */
	size_t path[GB_MENU_MAX_DEPTH];
	size_t depth;
	const char *file;             /* file of the command being run */
	size_t line;
	unsigned long steps;
	unsigned call_depth, source_depth, exec_depth;
	unsigned long active_loops, active_breaks;
	bool is_continue, func_return;
	bool replaced;                /* configfile took over: stop the old script */
	bool blscfg_used;             /* Fedora's GRUB: default matching by name first */
	struct gb_grub2_build build;
	bool wildcards;               /* the regexp module is loaded: globs expand */
	int fatal;                    /* a limit or allocation failure: stop everything */
	char syntax[256];             /* the first syntax error, "file:line:col: ..." */
};

/* Run a script text chunk by chunk (GRUB's execute_sourcecode). */
int gb_grub2_run_source(struct gb_grub2 *g, const char *text, size_t len, const char *file,
			size_t first_line);
/* Run a whole file from a device path as GRUB's normal mode does. */
int gb_grub2_run_file(struct gb_grub2 *g, const char *name, bool *found);
int gb_grub2_exec_list(struct gb_grub2 *g, struct gb_grub2_node *list);
int gb_grub2_define_function(struct gb_grub2 *g, const char *name, const char *body,
			     size_t len, size_t body_line);
/* Count one step; false (and g->fatal set) once the budget is spent. */
bool gb_grub2_step(struct gb_grub2 *g);
/* Charge work proportional to bytes (copies, matching) to the same
 * budget, so that quadratic scripts (a string grown in a loop) stop. */
bool gb_grub2_charge(struct gb_grub2 *g, size_t bytes);
/* Costly operations (compiling a regex, a file system lookup, reading a
 * file) count as this many steps. */
#define GB_GRUB2_COST_REGEX 64
#define GB_GRUB2_COST_LOOKUP 16
#define GB_GRUB2_COST_READ 64
/* regexp: patterns whose compiled tree (gb_grub2_regex_size) is larger are
 * refused; a compile costs COST_REGEX + nodes^2/16 steps. */
#define GB_GRUB2_REGEX_NODES 1024u
/* The nodes glibc's regcomp builds for an extended regular expression
 * (repetition bounds multiply), saturating at 2^40. */
size_t gb_grub2_regex_size(const char *re);
static inline bool gb_grub2_cost(struct gb_grub2 *g, size_t steps)
{
	return gb_grub2_charge(g, steps * 64);
}
void gb_grub2_warn(struct gb_grub2 *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A fatal condition (limit, memory): recorded once, stops the run. */
int gb_grub2_fatal(struct gb_grub2 *g, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Command status values, as GRUB's error numbers. */
#define GB_GRUB2_OK 0
#define GB_GRUB2_FALSE 1          /* GRUB_ERR_TEST_FAILURE */
#define GB_GRUB2_ERR_FILE 5       /* GRUB_ERR_FILE_NOT_FOUND */
#define GB_GRUB2_ERR_DEVICE 11    /* GRUB_ERR_UNKNOWN_DEVICE */
#define GB_GRUB2_ERR_UNKNOWN 15   /* GRUB_ERR_UNKNOWN_COMMAND */
#define GB_GRUB2_ERR_ARG 17       /* GRUB_ERR_BAD_ARGUMENT */
#define GB_GRUB2_ERR_RECURSION 48 /* GRUB_ERR_RECURSION_DEPTH (2.06) */

void gb_grub2_items_free(struct gb_grub2_items *it);
/* Run a config text as GRUB's read_config_file does: config_file and
 * config_directory describe it while it runs. */
int gb_grub2_run_text(struct gb_grub2 *g, const char *name, const char *path, char *text,
		      size_t len);

/* Parse only (the --syntax mode of the config test runner): 0, or
 * GB_E_SYNTAX with "file:line:col: reason" in msg. */
int gb_grub2_syntax_check(const char *file, const char *text, size_t len, char *msg, size_t cap);

/* ---- builtins ----------------------------------------------------------- */
typedef int (*gb_grub2_cmd_fn)(struct gb_grub2 *g, int argc, char **argv,
			       const struct gb_grub2_node *cmd);
gb_grub2_cmd_fn gb_grub2_builtin(const char *name);
/* Script helpers that grub-mkconfig defines as functions: quiet no-ops
 * when a config calls them without defining them. */
bool gb_grub2_fallback_noop(const char *name);
int gb_grub2_cmd_blscfg(struct gb_grub2 *g, int argc, char **argv,
			const struct gb_grub2_node *cmd);
/* GRUB 2.14's blscfg (commands/blsuki.c), called by gb_grub2_cmd_blscfg. */
int gb_grub2_blscfg_upstream(struct gb_grub2 *g, int argc, char **argv);
/* Add a menu entry as grub_normal_add_menu_entry does: args[0] the
 * title, the rest its arguments; body the script it runs. */
int gb_grub2_add_entry(struct gb_grub2 *g, const char *id, const char *const *args, int nargs,
		       const char *body, size_t body_line);
int gb_grub2_cmd_test(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_search(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_probe(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_regexp(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_menuentry(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_linux(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_initrd(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_module(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_devicetree(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
int gb_grub2_cmd_save_env(struct gb_grub2 *g, int argc, char **argv, const struct gb_grub2_node *n);
/* Shared by the command files: a warning plus GRUB's bad-argument status;
 * a fatal out-of-memory; "--name=value" or "--name value" (NULL and
 * *matched false when argv[*i] is not --name). */
int gb_grub2_usage(struct gb_grub2 *g, const char *cmd, const char *what);
int gb_grub2_nomem(struct gb_grub2 *g);
const char *gb_grub2_long_opt(int argc, char **argv, int *i, const char *name, bool has_arg,
			      bool *matched);

/* ---- devices and file names ---------------------------------------------- */
/* Index of a GRUB device name ("hd0,msdos1", "hd0,1", "hd0"), or -1. */
int gb_grub2_find_device(const struct gb_cfg_devices *devs, const char *name);
/* Split "(dev)/path" or "/path" (device $root) into a device index and an
 * absolute path (malloc'd). Unknown devices give -1 and a warning.
 * Returns 0, or a GRUB status when the name is malformed. */
int gb_grub2_resolve(struct gb_grub2 *g, const char *name, int *dev, char **path, bool warn);
/* The path GRUB reads for path on device dev: with btrfs_relative_path
 * set (openSUSE's GRUB), paths on btrfs start in the default subvolume,
 * so its path from the top level goes first. malloc'd; NULL: no memory. */
char *gb_grub2_fs_path(struct gb_grub2 *g, int dev, const char *path);
/* Why a quiet gb_cfg_read failed, in a few words. */
const char *gb_grub2_read_error(const struct gb_ctx *quiet);

/* ---- wildcards (glob.c) ---------------------------------------------------- */
/* Does an escaped argument hold an active '*', '?' or '['? */
bool gb_grub2_has_wildcard(const char *s);
/* The files an escaped path pattern matches (plain, malloc'd), in
 * directory order; *n = 0: none (the argument stays as it is). */
int gb_grub2_glob(struct gb_grub2 *g, const char *arg, char ***out, size_t *n);

/* GRUB's strtoul: base 0, leading blanks, at least one digit. */
bool gb_grub2_strtoul(const char *s, unsigned long *out, const char **end);

#endif
