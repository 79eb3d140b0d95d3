/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Privilege separation for the command line. The work of a command runs in
 * a child process; the child opens what it needs (image, output files),
 * then enters the sandbox before the first byte of the image is parsed
 * (the image's before_parse hook). The parent only supervises: a watchdog
 * kills a child that runs too long, and a child killed by the sandbox is
 * reported in one line. Results that the parent must trust travel over a
 * pipe with a length cap (cli_result_send / cli_supervise's buffer).
 */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cli_sandbox cli_sandbox = {
	.enabled = true,
	.timeout = 120, /* libxl's default for restricted bootloaders */
	/* commands that write no file get a file size limit of 1 byte;
	 * extract, kexec and pygrub raise it to their largest copy */
	.lim = { .struct_size = sizeof(struct gb_sandbox_limits), .memory = 2ull << 30, .cpu_seconds = 120, .file_size = 1 },
	.files = { -1, -1, -1, -1, -1 },
};

/* How long, in all, a menu may wait for a person: the hard limit of an
 * interactive run is --timeout plus this, whatever the child asks for. */
#define MENU_LIMIT_DEFAULT 1800
unsigned cli_menu_limit(void)
{
	const char *s = getenv("GUESTBOOT_MENU_LIMIT");
	char *end;
	long v = s && *s ? strtol(s, &end, 10) : -1;
	return v > 0 && v <= 86400 && !*end ? (unsigned)v : MENU_LIMIT_DEFAULT;
}

static int result_fd = -1;  /* the child's end of the result pipe */
static int control_fd = -1; /* the child's end of the watchdog's control pipe */
static bool in_child;
/* Without the sandbox, results land here directly. */
static char *local_result;
static size_t local_cap, local_len;

/* Test hook (GUESTBOOT_SANDBOX_AUDIT=1): at the point where the parser
 * would start, list every open descriptor with its type and access mode,
 * try to write to each and to grow each regular file past the
 * file size limit, report on stderr and exit. tests/integration/sandbox.sh
 * checks that only the parent's own pipes and files are writable. Only
 * calls the sandbox allows are used. */
static void audit(void)
{
	char line[200];
	uint64_t limit = cli_sandbox.lim.file_size;
	int n = snprintf(line, sizeof(line), "audit: fsize %llu\n", (unsigned long long)limit);
	cli_write_all(2, line, (size_t)n);
	/* growth must fail with EFBIG, not kill the audit */
	signal(SIGXFSZ, SIG_IGN);
	for (int fd = 0; fd < 4096; fd++) {
		struct stat st;
		if (fstat(fd, &st))
			continue;
		int fl = fcntl(fd, F_GETFL);
		int acc = fl & O_ACCMODE;
		const char *type = S_ISREG(st.st_mode) ? "reg" : S_ISFIFO(st.st_mode) ? "fifo" :
				   S_ISCHR(st.st_mode) ? "chr" : S_ISSOCK(st.st_mode) ? "sock" :
				   S_ISBLK(st.st_mode) ? "blk" : S_ISDIR(st.st_mode) ? "dir" : "other";
		/* a write of 0 bytes passes the kernel's check of the access
		 * mode without putting anything into a result or relay pipe */
		const char *w = write(fd, "", 0) == 0 ? "ok" : strerrorname_np(errno);
		char grow[64] = "-";
		if (S_ISREG(st.st_mode) && acc != O_RDONLY) {
			if (!limit) {
				snprintf(grow, sizeof(grow), "no-limit");
			} else {
				int e1 = 0, e2 = 0;
				off_t at = lseek(fd, 0, SEEK_CUR);
				if (lseek(fd, (off_t)limit, SEEK_SET) < 0 || write(fd, "x", 1) != 1)
					e1 = errno;
				lseek(fd, at, SEEK_SET);
				if (fallocate(fd, 0, 0, (off_t)limit + 1))
					e2 = errno;
				snprintf(grow, sizeof(grow), "%s", e1 == EFBIG && e2 == EFBIG ? "refused" :
					 "ALLOWED");
			}
		}
		n = snprintf(line, sizeof(line), "audit: fd %d %s %s ino %llu write=%s grow=%s\n",
			     fd, type, acc == O_RDONLY ? "r" : acc == O_WRONLY ? "w" : "rw",
			     (unsigned long long)st.st_ino, w ? w : "error", grow);
		cli_write_all(2, line, (size_t)n);
	}
	cli_write_all(2, "audit: done\n", 12);
	_exit(0);
}

static int enter(void *arg)
{
	struct gb_ctx *ctx = arg;
	if (cli_sandbox.runas > 0) {
		gid_t gid = (gid_t)cli_sandbox.runas;
		if (setgroups(0, NULL) || setgid(gid) || setuid((uid_t)cli_sandbox.runas) ||
		    setuid(0) == 0) {
			fprintf(stderr, "guestboot: cannot drop privileges to uid %ld\n",
				cli_sandbox.runas);
			return GB_E_USAGE;
		}
	}
	int r = gb_sandbox_enter(ctx, &cli_sandbox.lim);
	const char *a = getenv("GUESTBOOT_SANDBOX_AUDIT");
	if (!r && a && !strcmp(a, "1"))
		audit();
	return r;
}

void cli_sandbox_hook(struct gb_ctx *ctx, struct gb_image_options *opt)
{
	if (in_child || cli_sandbox.runas > 0) {
		opt->before_parse = enter;
		opt->before_parse_arg = ctx;
	}
}

int cli_result_send(const void *data, size_t len)
{
	if (result_fd < 0) {
		if (!local_result || len > local_cap - local_len)
			return -1;
		memcpy(local_result + local_len, data, len);
		local_len += len;
		return 0;
	}
	return cli_write_all(result_fd, data, len);
}

void cli_watchdog_pause(bool paused)
{
	char c = paused ? 'P' : 'R';
	if (control_fd >= 0 && write(control_fd, &c, 1) < 0)
		control_fd = -1; /* the parent is gone: nothing to tell */
}

/* A byte from the child's control pipe: 'P' pauses the watchdog while a
 * menu waits for a person, 'R' restarts its full time. End of file (the
 * child exited) closes the pipe and restarts it too. */
static void read_control(int *fd, bool *paused, time_t *deadline)
{
	char c;
	ssize_t n = read(*fd, &c, 1);
	if (n < 0 && errno == EINTR)
		return;
	if (n == 1 && c == 'P') {
		*paused = true;
		return;
	}
	if (n != 1) {
		close(*fd);
		*fd = -1;
	}
	if (*paused || n == 1)
		*deadline = time(NULL) + (time_t)cli_sandbox.timeout;
	*paused = false;
}

/* While a child shows a menu, a request to stop (libxl ending the
 * bootloader, a hangup) goes to the child: its menu closes through its
 * normal exit, so the terminal is restored, and the caller then removes
 * its files. */
static volatile pid_t menu_child;
static const int forwarded[] = { SIGTERM, SIGHUP, SIGINT };
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

static void forward_signal(int sig)
{
	if (menu_child > 0)
		kill(menu_child, sig);
}

static void forward_signals(pid_t pid, struct sigaction *saved)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	sigemptyset(&sa.sa_mask);
	menu_child = pid;
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, &saved[i]);
}

static void stop_forwarding(const struct sigaction *saved)
{
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &saved[i], NULL);
	menu_child = 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static const char *signal_reason(int sig)
{
	switch (sig) {
	case SIGSYS: return "made a system call the sandbox forbids";
	case SIGXCPU: return "used up its CPU time limit";
	case SIGXFSZ: return "tried to write past the output size limit";
	case SIGSEGV: return "crashed (SIGSEGV)";
	case SIGABRT: return "aborted";
	case SIGKILL: return "was killed";
	default: return "died from a signal";
	}
}

/* A pipe whose ends are not 0, 1 or 2 (those are dup2'ed over in the
 * child), close-on-exec. */
static int pipe_high(int fd[2])
{
	if (pipe2(fd, O_CLOEXEC))
		return -1;
	for (int i = 0; i < 2; i++) {
		if (fd[i] > 2)
			continue;
		int high = fcntl(fd[i], F_DUPFD_CLOEXEC, 3);
		close(fd[i]);
		fd[i] = high;
	}
	if (fd[0] < 0 || fd[1] < 0) {
		if (fd[0] >= 0)
			close(fd[0]);
		if (fd[1] >= 0)
			close(fd[1]);
		return -1;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* In the child, before anything from the image is read: stdin is
 * /dev/null, stdout and stderr are the parent's relay pipes, and every
 * other descriptor the process inherited is closed except keep[] (the
 * result and control pipes, the files the parent made for the child).
 * What the child opens afterwards (the image, a terminal for a menu) is
 * its own. */
static int child_descriptors(int out, int err, const int *keep, size_t nkeep)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		return -1;
	int k[8];
	size_t n = 0;
	for (size_t i = 0; i < nkeep && n < sizeof(k) / sizeof(k[0]); i++)
		if (keep[i] > 2)
			k[n++] = keep[i];
	qsort(k, n, sizeof(k[0]), cmp_int);
	int from = 3;
	for (size_t i = 0; i <= n; i++) {
		int to = i < n ? k[i] - 1 : INT_MAX;
		if (to >= from && close_range((unsigned)from, (unsigned)to, 0)) {
			/* kernels before 5.9: one by one */
			int max = (int)sysconf(_SC_OPEN_MAX);
			for (int fd = from; fd <= (i < n ? to : max); fd++)
				close(fd);
		}
		if (i < n)
			from = k[i] + 1;
	}
	return 0;
}

/* The child's stderr reaches the user's terminal: relayed a line at a
 * time through the one sanitiser (controls, C1 and bad UTF-8 escaped), and
 * bounded. */
#define RELAY_LINE 4096
#define RELAY_STDERR_MAX (1u << 20)
struct err_relay {
	char buf[RELAY_LINE];
	size_t len, total;
	bool dropped;
	const char *what;
};

static void err_flush(struct err_relay *r, size_t n)
{
	static char out[RELAY_LINE * 6 + 1];
	if (r->total < RELAY_STDERR_MAX) {
		size_t o = gb_text_safe(out, sizeof(out), r->buf, n, GB_SAFE_NEWLINES);
		cli_write_all(2, out, o);
	} else if (!r->dropped) {
		fprintf(stderr, "guestboot: %s: further messages from the parser dropped "
				"(more than %u bytes)\n", r->what, RELAY_STDERR_MAX);
		r->dropped = true;
	}
	r->total += n;
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

/* Returns false at end of file. */
static bool err_read(struct err_relay *r, int fd)
{
	ssize_t n = read(fd, r->buf + r->len, sizeof(r->buf) - r->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		if (r->len)
			err_flush(r, r->len);
		return false;
	}
	r->len += (size_t)n;
	for (;;) {
		char *nl = memchr(r->buf, '\n', r->len);
		if (!nl)
			break;
		err_flush(r, (size_t)(nl - r->buf) + 1);
	}
	if (r->len == sizeof(r->buf)) {
		/* a line too long: cut it, not inside a UTF-8 sequence */
		size_t cut = r->len;
		while (cut > r->len - 4 && ((unsigned char)r->buf[cut - 1] & 0xc0) == 0x80)
			cut--;
		if (cut > r->len - 4 && (unsigned char)r->buf[cut - 1] >= 0xc0)
			cut--;
		else
			cut = r->len;
		err_flush(r, cut ? cut : r->len);
	}
	return true;
}

/* Move what the child wrote on its stdout to ours (stdout is writable:
 * poll said so). Returns 1 while open, 0 at end of file, -1 when our
 * stdout fails (errno). */
static int out_move(int from, bool *splice_ok)
{
	if (*splice_ok) {
		ssize_t n = splice(from, NULL, 1, NULL, 1 << 20, SPLICE_F_NONBLOCK);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno == EAGAIN || errno == EINTR)
			return 1;
		if (errno != EINVAL)
			return -1;
		*splice_ok = false; /* a terminal, or a file opened for append */
	}
	char buf[4096]; /* PIPE_BUF: a pipe that polls writable takes it whole */
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	return cli_write_all(1, buf, (size_t)n) ? -1 : 1;
}

int cli_supervise(const char *what, int (*fn)(void *arg), void *arg,
		  char *result, size_t cap, size_t *len)
{
	if (len)
		*len = 0;
	if (!cli_sandbox.enabled) {
		local_result = result;
		local_cap = result ? cap : 0;
		local_len = 0;
		int r = fn(arg);
		if (len)
			*len = local_len;
		local_result = NULL;
		return r;
	}
	int pfd[2] = { -1, -1 }, cfd[2] = { -1, -1 }, ofd[2] = { -1, -1 }, efd[2] = { -1, -1 };
	if (pipe_high(pfd) || pipe_high(ofd) || pipe_high(efd) ||
	    (cli_sandbox.interactive && pipe_high(cfd))) {
		fprintf(stderr, "guestboot: pipe: %s\n", strerror(errno));
		for (int i = 0; i < 2; i++) {
			int *all[] = { &pfd[i], &cfd[i], &ofd[i], &efd[i] };
			for (size_t j = 0; j < 4; j++)
				if (*all[j] >= 0)
					close(*all[j]);
		}
		return 6;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "guestboot: fork: %s\n", strerror(errno));
		return 6;
	}
	if (pid == 0) {
		/* A parent that dies (even by SIGKILL) takes the menu with it. */
		if (cli_sandbox.interactive &&
		    (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent))
			_exit(1);
		int keep[] = { pfd[1], cfd[1], cli_sandbox.files[0], cli_sandbox.files[1],
			       cli_sandbox.files[2], cli_sandbox.files[3], cli_sandbox.files[4] };
		if (child_descriptors(ofd[1], efd[1], keep, sizeof(keep) / sizeof(keep[0])))
			_exit(6);
		control_fd = cfd[1];
		result_fd = pfd[1];
		in_child = true;
		int code = fn(arg);
		fflush(NULL);
		_exit(code);
	}
	close(pfd[1]);
	close(ofd[1]);
	close(efd[1]);
	if (cfd[1] >= 0)
		close(cfd[1]);
	struct sigaction saved_signals[NFORWARDED];
	if (cli_sandbox.interactive)
		forward_signals(pid, saved_signals);
	/* A reader of our stdout that goes away is seen as EPIPE here. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);

	/* Relay stdout and stderr and read the result (bounded) until the
	 * child closes them all, within the watchdog's time. A menu's pause
	 * stops that clock, but never the hard limit: --timeout plus the
	 * menu's allowance, from the start, whatever the child says. */
	time_t start = time(NULL);
	time_t deadline = start + (time_t)cli_sandbox.timeout;
	time_t hard = deadline + (cli_sandbox.interactive ? (time_t)cli_menu_limit() : 0);
	static struct err_relay err;
	err.len = err.total = 0;
	err.dropped = false;
	err.what = what;
	size_t got = 0;
	bool overflow = false, timed_out = false, paused = false, out_pending = false;
	bool splice_ok = true, out_failed = false, hit_hard = false;
	int out_errno = 0;
	while (pfd[0] >= 0 || ofd[0] >= 0 || efd[0] >= 0) {
		time_t now = time(NULL);
		if ((now >= deadline && !paused) || now >= hard) {
			timed_out = true;
			hit_hard = now >= hard && cli_sandbox.interactive;
			break;
		}
		time_t left = (paused ? hard : deadline < hard ? deadline : hard) - now;
		struct pollfd p[5] = {
			{ pfd[0], POLLIN, 0 }, { cfd[0], POLLIN, 0 }, { efd[0], POLLIN, 0 },
			{ out_pending ? -1 : ofd[0], POLLIN, 0 },
			{ out_pending ? 1 : -1, POLLOUT, 0 },
		};
		int r = poll(p, 5, left > 1000 ? 1000000 : (int)left * 1000);
		if (r <= 0)
			continue;
		if (p[1].revents) {
			read_control(&cfd[0], &paused, &deadline);
			if (deadline > hard)
				deadline = hard;
		}
		if (p[2].revents && !err_read(&err, efd[0])) {
			close(efd[0]);
			efd[0] = -1;
		}
		if (p[3].revents) {
			if (cli_sandbox.discard_stdout) {
				/* the host parses our stdout: only the parent writes it */
				char junk[4096];
				ssize_t n = read(ofd[0], junk, sizeof(junk));
				if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
					close(ofd[0]);
					ofd[0] = -1;
				}
			} else {
				out_pending = true;
			}
		}
		if (p[4].revents) {
			int m = out_move(ofd[0], &splice_ok);
			out_pending = false;
			if (m < 0) {
				out_failed = true;
				out_errno = errno;
				break;
			}
			if (m == 0) {
				close(ofd[0]);
				ofd[0] = -1;
			}
		}
		if (!p[0].revents)
			continue;
		char buf[4096];
		ssize_t n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(pfd[0]);
			pfd[0] = -1;
			continue;
		}
		if (!result || got + (size_t)n > cap) {
			overflow = true;
			break;
		}
		memcpy(result + got, buf, (size_t)n);
		got += (size_t)n;
	}
	int *ends[] = { &pfd[0], &cfd[0], &ofd[0], &efd[0] };
	for (size_t i = 0; i < 4; i++)
		if (*ends[i] >= 0)
			close(*ends[i]);
	if (err.len)
		err_flush(&err, err.len);
	if (timed_out || overflow || out_failed)
		kill(pid, SIGKILL);

	/* The pipes are closed; the child may still be running (a
	 * compromised one can close them early): the rest of the watchdog
	 * time applies. */
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigaction(SIGALRM, &sa, &old);
	time_t left = (paused ? hard : deadline < hard ? deadline : hard) - time(NULL);
	alarm(left > 0 ? (unsigned)left : 1);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			break;
		timed_out = true;
		kill(pid, SIGKILL);
	}
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	if (cli_sandbox.interactive)
		stop_forwarding(saved_signals);

	if (out_failed) {
		if (out_errno == EPIPE) { /* as cat does when its reader goes */
			signal(SIGPIPE, SIG_DFL);
			raise(SIGPIPE);
		}
		fprintf(stderr, "guestboot: %s: cannot write to standard output: %s\n", what,
			strerror(out_errno));
		return 6;
	}
	if (timed_out && hit_hard) {
		fprintf(stderr, "guestboot: %s: stopped after %u seconds (the watchdog's limit of "
				"%u seconds plus %u for a menu)\n", what,
			(unsigned)(hard - start), cli_sandbox.timeout, cli_menu_limit());
		return 7;
	}
	if (timed_out) {
		fprintf(stderr, "guestboot: %s: stopped after %u seconds (the watchdog's limit)\n",
			what, cli_sandbox.timeout);
		return 7;
	}
	if (overflow) {
		fprintf(stderr, "guestboot: %s: the parser's result is larger than %zu bytes\n",
			what, cap);
		return 7;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "guestboot: %s: the sandboxed parser %s\n", what,
			signal_reason(WTERMSIG(status)));
		return WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGXFSZ ? 7 : 1;
	}
	if (len)
		*len = got;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int cli_result_fields(const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cli_result_send(fields[i], strlen(fields[i]) + 1))
			return -1;
	return 0;
}

int cli_result_parse(const char *buf, size_t len, const char **fields, size_t n)
{
	size_t i = 0, pos = 0;
	while (pos < len && i < n) {
		const char *nul = memchr(buf + pos, '\0', len - pos);
		if (!nul)
			return -1;
		fields[i++] = buf + pos;
		pos = (size_t)(nul - buf) + 1;
	}
	return i == n && pos == len ? 0 : -1;
}

/*
 * guestboot sandbox-test WHAT: enter the sandbox in a child and try one
 * thing it must not allow (open a host file, create a socket, execute a
 * program, fork, clone a process), or one it must (write to stdout, start a
 * thread). The parent reports how the child ended. Used by the test suite
 * to show the sandbox is on.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>

/* As the decompression threads do: allocate, and hold it until all have
 * started (so that each wants an arena of glibc's malloc: from the ninth
 * on, glibc asks for the CPU count), then finish. */
#define PROBE_THREADS 14
static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t probe_go = PTHREAD_COND_INITIALIZER;
static bool probe_started;

static void *probe_thread(void *arg)
{
	void *p = malloc(64 << 10);
	if (p)
		memset(p, 1, 64 << 10);
	pthread_mutex_lock(&probe_lock);
	while (!probe_started)
		pthread_cond_wait(&probe_go, &probe_lock);
	pthread_mutex_unlock(&probe_lock);
	free(p);
	*(int *)arg = p != NULL;
	return NULL;
}

struct probe {
	const char *what;
};

static int probe_child(void *arg)
{
	struct probe *p = arg;
	struct gb_ctx *ctx = gb_ctx_new();
	int r = gb_sandbox_enter(ctx, &cli_sandbox.lim);
	if (r) {
		fprintf(stderr, "guestboot: %s\n", gb_ctx_message(ctx));
		return 1;
	}
	if (!strcmp(p->what, "open")) {
		int fd = open("/etc/passwd", O_RDONLY);
		printf("opened /etc/passwd: fd %d\n", fd);
	} else if (!strcmp(p->what, "socket")) {
		printf("socket: %d\n", socket(AF_INET, SOCK_STREAM, 0));
	} else if (!strcmp(p->what, "exec")) {
		execl("/bin/true", "true", (char *)NULL);
		printf("exec failed: %s\n", strerror(errno));
	} else if (!strcmp(p->what, "fork")) {
		printf("fork: %d\n", (int)fork());
	} else if (!strcmp(p->what, "clone")) {
		/* a process made with clone rather than fork */
		printf("clone: %ld\n", syscall(SYS_clone, (long)SIGCHLD, 0L, 0L, 0L, 0L));
	} else if (!strcmp(p->what, "clone3")) {
		/* refused without a kill, so that glibc falls back to clone */
		long r = syscall(SYS_clone3, NULL, 0L);
		printf("clone3: %s\n", r < 0 ? strerrorname_np(errno) : "made a task");
	} else if (!strcmp(p->what, "thread")) {
		/* what the decompression pool does (lib/core/pool.c) */
		pthread_t t[PROBE_THREADS];
		int ran[PROBE_THREADS] = { 0 }, e = 0, n = 0, all = 1;
		while (n < PROBE_THREADS && !(e = pthread_create(&t[n], NULL, probe_thread, &ran[n])))
			n++;
		pthread_mutex_lock(&probe_lock);
		probe_started = true;
		pthread_cond_broadcast(&probe_go);
		pthread_mutex_unlock(&probe_lock);
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		for (int i = 0; i < n; i++)
			all &= ran[i];
		printf("thread: %s\n", e ? strerror(e) : all ? "ok" : "did not run");
	} else if (!strcmp(p->what, "kexec")) {
		/* only the unconfined parent may load a kernel */
		printf("kexec_file_load: %ld\n", syscall(SYS_kexec_file_load, -1, -1, 1, "", 0));
	} else if (!strcmp(p->what, "pause")) {
		/* a compromised child that stops the watchdog and sleeps, or
		 * keeps restarting it */
		for (;;) {
			cli_watchdog_pause(true);
			poll(NULL, 0, 300);
			cli_watchdog_pause(false);
		}
	} else if (!strcmp(p->what, "write")) {
		printf("write: ok\n");
	} else {
		fprintf(stderr, "guestboot: sandbox-test: open, socket, exec, fork, clone, clone3, "
				"thread, kexec, pause or write\n");
		return 2;
	}
	fflush(stdout);
	return 0;
}

int cmd_sandbox_test(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: guestboot sandbox-test open|socket|exec|fork|clone|clone3|thread|kexec|"
				"pause|write|filtered\n");
		return 2;
	}
	/* Sanitizer builds run without the syscall filter (SECURITY.md). */
	if (!strcmp(argv[1], "filtered"))
		return gb_sandbox_filtered() ? 0 : 1;
	struct probe p = { argv[1] };
	bool was = cli_sandbox.enabled;
	cli_sandbox.enabled = true; /* the probe always runs in a child */
	cli_sandbox.interactive = !strcmp(argv[1], "pause");
	int r = cli_supervise("sandbox-test", probe_child, &p, NULL, 0, NULL);
	cli_sandbox.enabled = was;
	return r;
}
