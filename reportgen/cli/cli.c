/*
 * cli.c: shared pieces of the commands (see cli.h).
 */
#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/str.h"
#include "core/text.h"
#include "judge/run.h"

size_t rg_cli_add_limit_options(struct option *opts, size_t n)
{
	for (size_t i = 0; i < rg_limit_count; i++) {
		opts[n].name = rg_limit_table[i].option + 2; /* skip "--" */
		opts[n].has_arg = required_argument;
		opts[n].flag = NULL;
		opts[n].val = RG_CLI_LIMIT_BASE + (int)i;
		n++;
	}
	memset(&opts[n], 0, sizeof opts[n]);
	return n;
}

bool rg_cli_parse_size(const char *value, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(value, &end, 10);
	unsigned long long mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1024ULL, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024ULL * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1024ULL * 1024 * 1024, end++;
	if (errno || *end || value[0] == '-' || !value[0] || v == 0 || v > UINT64_MAX / mult)
		return false;
	*out = v * mult;
	return true;
}

bool rg_cli_limit_set(struct rg_limits *l, int opt, const char *value)
{
	size_t i = (size_t)(opt - RG_CLI_LIMIT_BASE);
	if (i >= rg_limit_count)
		return false;
	const struct rg_limit_info *li = &rg_limit_table[i];
	uint64_t v;
	if (!rg_cli_parse_size(value, &v)) {
		fprintf(stderr, "reportgen: %s: \"%s\" is not a positive number (suffixes K, M, G allowed)\n",
		        li->option, value);
		return false;
	}
	*(uint64_t *)((char *)l + li->offset) = v;
	return true;
}


void rg_cli_print_limit_help(FILE *out)
{
	fprintf(out, "\nLimits (a bundle over a limit is refused; raise one for a genuine bundle):\n");
	for (size_t i = 0; i < rg_limit_count; i++)
		fprintf(out, "  %-22s N  %s (default %" PRIu64 " %s)\n", rg_limit_table[i].option,
		        rg_limit_table[i].description, rg_limit_table[i].default_value,
		        rg_limit_table[i].unit);
}

void rg_cli_print_diags(const char *cmd, struct rg_diags *d)
{
	(void)cmd;
	rg_diags_sort(d);
	rg_diags_print(stderr, d);
}

/* One line of the table: bundle text (names, ids, reasons) is shown with
 * every control, bidi and invisible character as <U+XXXX>, as in the
 * diagnostics, so a bundle cannot rewrite the terminal. */
void rg_cli_put_line(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rg_vasprintf(fmt, ap);
	va_end(ap);
	char *shown = s ? rg_text_visible(s, strlen(s), 0) : NULL;
	fprintf(out, "%s\n", shown ? shown : "(out of memory)");
	free(shown);
	free(s);
}

void rg_cli_print_table(FILE *out, const struct rg_results *r)
{
	const struct rg_bundle_info *b = &r->bundle;
	rg_cli_put_line(out, "%s: %s (%s), directive %s (definition %s, %s%s)", b->name,
	         b->agency_name ? b->agency_name : "", b->agency_id, r->directive.id,
	         r->directive.version, r->directive.file,
	         r->directive.installed ? "" : ", MODIFIED: not the installed definition");
	rg_cli_put_line(out, "bundle sha256 %s", b->sha256);
	rg_cli_put_line(out, "definition sha256 %s", r->directive.sha256);
	fputc('\n', out);
	rg_cli_put_line(out, "%-9s %-8s %-21s %5s %5s %5s %5s  %s", "ACTION", "KIND", "STATUS", "ITEMS",
	         "DONE", "LATE", "OPEN", "WORST");
	for (size_t a = 0; a < r->n_actions; a++) {
		const struct rg_action_result *ar = &r->actions[a];
		char ref[RG_EVREF_BUFSZ], where[RG_EVREF_BUFSZ + 2] = "";
		if (ar->worst && ar->worst->status != RG_SATISFIED &&
		    ar->worst->status != RG_NOT_APPLICABLE)
			snprintf(where, sizeof where, "%s: ",
			         rg_evref_format(ref, sizeof ref, &ar->worst->evidence[0]));
		rg_cli_put_line(out, "%-9s %-8s %-21s %5zu %5zu %5zu %5zu  %s%s", ar->id,
		         rg_action_kind_names[ar->kind], rg_verdict_names[ar->status], ar->n_items,
		         rg_action_done(ar), ar->counts[RG_SATISFIED_LATE], rg_action_open(ar), where,
		         ar->worst && ar->worst->status != RG_SATISFIED ? ar->worst->reason : "");
	}
	fprintf(out, "\noverall: %s\n", rg_overall_names[r->overall]);
}

int rg_cli_exit_for(const struct rg_results *r)
{
	return r->overall == RG_COMPLIANT ? 0 : 1;
}

int rg_cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "reportgen %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry 'reportgen %s --help'.\n", cmd);
	va_end(ap);
	return 2;
}

bool rg_cli_parse_jobs(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 256)
		return false;
	*out = (int)v;
	return true;
}

struct progress {
	struct timespec start;
	int last_percent;
};

static double elapsed_s(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, const char *file, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	if (done == 0) {
		clock_gettime(CLOCK_MONOTONIC, &p->start);
		p->last_percent = -1;
		return;
	}
	/* Only entries worth watching: a bar for a 3 KB file is noise. */
	if (total < (8u << 20))
		return;
	int percent = done >= total ? 100 : (int)(done * 100 / total);
	if (percent == p->last_percent)
		return;
	p->last_percent = percent;
	double t = elapsed_s(&p->start);
	double left = percent > 0 ? t * (100 - percent) / percent : 0;
	int width = 30, filled = percent * width / 100;
	fprintf(stderr, "\r%-16.16s [%.*s%*s] %3d%% %6.0f/%.0f MiB  ~%.0f s left ", file,
	        filled, "##############################", width - filled, "", percent,
	        (double)done / 1048576.0, (double)total / 1048576.0, left);
	if (percent == 100)
		fprintf(stderr, "\r%*s\r", 90, "");
	fflush(stderr);
}

void rg_cli_progress_init(struct rg_run_options *opt, bool batch)
{
	static struct progress state;
	if (batch || !isatty(STDERR_FILENO))
		return;
	opt->progress = show_progress;
	opt->progress_ctx = &state;
}
