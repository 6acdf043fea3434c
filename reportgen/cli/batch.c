/*
 * batch.c: worker processes for several bundles (see batch.h).
 */
#include "cli/batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct job {
	pid_t pid;
	FILE *out;        /* captured stdout+stderr of the child */
	int summary_fd;   /* read end of the summary pipe */
	char summary[128];
	int status;
	int done;
};

int rg_batch_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static void progress(size_t done, size_t n)
{
	if (!isatty(STDERR_FILENO))
		return;
	int width = 30, filled = (int)(n ? done * (size_t)width / n : 0);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu bundles", filled, "##############################",
	        width - filled, "", done, n);
	if (done == n)
		fputc('\n', stderr);
	fflush(stderr);
}

static int start(struct job *j, const char *bundle, size_t index, rg_batch_fn fn, void *ctx)
{
	int fds[2];
	j->out = tmpfile();
	if (!j->out || pipe(fds) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0)
		return -1;
	if (j->pid == 0) {
		close(fds[0]);
		dup2(fileno(j->out), STDOUT_FILENO);
		dup2(fileno(j->out), STDERR_FILENO);
		char summary[128] = "";
		int rc = fn(bundle, index, ctx, summary);
		fflush(stdout);
		fflush(stderr);
		if (write(fds[1], summary, strlen(summary)) < 0)
			rc = rc ? rc : 3;
		_exit(rc);
	}
	close(fds[1]);
	j->summary_fd = fds[0];
	return 0;
}

static void flush_output(struct job *j, const char *bundle)
{
	printf("== %s\n", bundle);
	fflush(stdout);
	rewind(j->out);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, j->out)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(j->out);
	j->out = NULL;
	printf("\n");
}

int rg_batch_run(char **bundles, size_t n, int jobs, rg_batch_fn fn, void *ctx)
{
	if (n == 1) {
		char summary[128];
		return fn(bundles[0], 0, ctx, summary);
	}
	if (jobs <= 0)
		jobs = rg_batch_default_jobs();
	struct job *js = calloc(n, sizeof *js);
	if (!js) {
		fprintf(stderr, "reportgen: out of memory\n");
		return 3;
	}
	size_t next = 0, running = 0, done = 0, printed = 0;
	int worst = 0;
	while (done < n) {
		while (next < n && running < (size_t)jobs) {
			if (start(&js[next], bundles[next], next, fn, ctx) != 0) {
				js[next].status = 3;
				snprintf(js[next].summary, sizeof js[next].summary,
				         "could not start a worker: %s", strerror(errno));
				js[next].done = 1;
				js[next].pid = 0;
				done++;
			} else {
				running++;
			}
			next++;
		}
		int ws;
		pid_t pid = wait(&ws);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < next; i++) {
			if (js[i].pid == pid && !js[i].done) {
				/* Put the status back for reap to read. */
				js[i].status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 3;
				if (!WIFEXITED(ws))
					snprintf(js[i].summary, sizeof js[i].summary, "crashed (signal %d)",
					         WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
				else {
					ssize_t r = read(js[i].summary_fd, js[i].summary,
					                 sizeof js[i].summary - 1);
					js[i].summary[r > 0 ? r : 0] = '\0';
				}
				close(js[i].summary_fd);
				js[i].done = 1;
				running--;
				done++;
			}
		}
		progress(done, n);
		while (printed < n && js[printed].done) {
			if (js[printed].out)
				flush_output(&js[printed], bundles[printed]);
			printed++;
		}
	}
	printf("Summary:\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %-40s exit %d  %s\n", bundles[i], js[i].status, js[i].summary);
		if (js[i].status > worst)
			worst = js[i].status;
	}
	free(js);
	return worst;
}
