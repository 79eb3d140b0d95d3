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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cli_sandbox cli_sandbox = {
	.enabled = true,
	.timeout = 120, /* libxl's default for restricted bootloaders */
	.lim = { .memory = 2ull << 30, .cpu_seconds = 120, .file_size = 0 },
};

static int result_fd = -1;  /* the child's end of the result pipe */
static int control_fd = -1; /* the child's end of the watchdog's control pipe */
static bool in_child;
/* Without the sandbox, results land here directly. */
static char *local_result;
static size_t local_cap, local_len;

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
	return gb_sandbox_enter(ctx, &cli_sandbox.lim);
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
	int pfd[2], cfd[2] = { -1, -1 };
	if (pipe2(pfd, O_CLOEXEC)) {
		fprintf(stderr, "guestboot: pipe: %s\n", strerror(errno));
		return 6;
	}
	if (cli_sandbox.interactive && pipe2(cfd, O_CLOEXEC)) {
		fprintf(stderr, "guestboot: pipe: %s\n", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
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
		close(pfd[0]);
		if (cfd[0] >= 0)
			close(cfd[0]);
		control_fd = cfd[1];
		result_fd = pfd[1];
		in_child = true;
		int code = fn(arg);
		fflush(NULL);
		_exit(code);
	}
	close(pfd[1]);
	if (cfd[1] >= 0)
		close(cfd[1]);
	struct sigaction saved_signals[NFORWARDED];
	if (cli_sandbox.interactive)
		forward_signals(pid, saved_signals);

	/* Read the result (bounded) until the child closes its end, within
	 * the watchdog's time. */
	time_t deadline = time(NULL) + (time_t)cli_sandbox.timeout;
	size_t got = 0;
	bool overflow = false, timed_out = false, paused = false;
	for (;;) {
		time_t left = deadline - time(NULL);
		if (left <= 0 && !paused) {
			timed_out = true;
			break;
		}
		struct pollfd p[2] = { { pfd[0], POLLIN, 0 }, { cfd[0], POLLIN, 0 } };
		int r = poll(p, cfd[0] >= 0 ? 2 : 1,
			     paused ? 1000 : (int)(left > 1000 ? 1000000 : left * 1000));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		if (cfd[0] >= 0 && p[1].revents) {
			read_control(&cfd[0], &paused, &deadline);
			continue;
		}
		if (!p[0].revents)
			continue;
		char buf[4096];
		ssize_t n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!result || got + (size_t)n > cap) {
			overflow = true;
			break;
		}
		memcpy(result + got, buf, (size_t)n);
		got += (size_t)n;
	}
	close(pfd[0]);
	if (cfd[0] >= 0)
		close(cfd[0]);
	if (paused) /* the child ended while its menu waited */
		deadline = time(NULL) + (time_t)cli_sandbox.timeout;
	if (timed_out || overflow)
		kill(pid, SIGKILL);

	/* The child closed the pipe; it may still be running (a compromised
	 * one can close it early): the rest of the watchdog time applies. */
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigaction(SIGALRM, &sa, &old);
	time_t left = deadline - time(NULL);
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
	if (cli_sandbox.interactive)
		stop_forwarding(saved_signals);

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
 * program, fork), or one it must (write to stdout). The parent reports how
 * the child ended. Used by the test suite to show the sandbox is on.
 */
#include <sys/socket.h>
#include <sys/syscall.h>

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
	} else if (!strcmp(p->what, "kexec")) {
		/* only the unconfined parent may load a kernel */
		printf("kexec_file_load: %ld\n", syscall(SYS_kexec_file_load, -1, -1, 1, "", 0));
	} else if (!strcmp(p->what, "write")) {
		printf("write: ok\n");
	} else {
		fprintf(stderr, "guestboot: sandbox-test: open, socket, exec, fork, kexec or write\n");
		return 2;
	}
	fflush(stdout);
	return 0;
}

int cmd_sandbox_test(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "Usage: guestboot sandbox-test open|socket|exec|fork|kexec|write|filtered\n");
		return 2;
	}
	/* Sanitizer builds run without the syscall filter (SECURITY.md). */
	if (!strcmp(argv[1], "filtered"))
		return gb_sandbox_filtered() ? 0 : 1;
	struct probe p = { argv[1] };
	bool was = cli_sandbox.enabled;
	cli_sandbox.enabled = true; /* the probe always runs in a child */
	int r = cli_supervise("sandbox-test", probe_child, &p, NULL, 0, NULL);
	cli_sandbox.enabled = was;
	return r;
}
