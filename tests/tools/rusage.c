/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test and bench tool: run a command and report its peak resident set size,
 * that of the processes it waited for included (guestboot's sandboxed
 * child), as the last line of stderr: "maxrss_kib N". Measured from a
 * small process, so that the parent's memory does not count (a fork of
 * Python or a shell would carry its own RSS up to the exec).
 * Usage: rusage CMD [ARG...]; exit status: the command's (127: no exec). */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: rusage CMD [ARG...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("rusage: exec");
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("rusage: wait4");
		return 127;
	}
	fprintf(stderr, "maxrss_kib %ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
