/*
 * run.c: one bundle through reading and judging (see run.h).
 *
 * Order matters for memory: the judge's verdicts (and so the exposure
 * windows) exist before signins.csv is streamed, so sign-ins are counted
 * as they pass and never stored.  The evidence model lives in an arena of
 * its own, freed as soon as the results are complete: the results copy
 * what they show of it (judge.c), so the views, which can take far longer
 * and more memory than judging (a PDF's structure tree), run beside the
 * results alone.  The directive is loaded into the caller's arena, with
 * the results, which share its texts.
 */
#include "judge/run.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "core/digest.h"
#include "judge/judge.h"
#include "rg_config.h"

rg_status rg_generation_time(int64_t *out_ms, struct rg_diags *diags)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0 || v > 253402300799LL) {
			rg_diag_err(diags, "usage.source-date-epoch", "SOURCE_DATE_EPOCH", 0, NULL,
			            "set it to whole seconds since 1970-01-01T00:00:00Z, or unset it",
			            "\"%.32s\" is not a valid time", sde);
			return RG_EINPUT;
		}
		*out_ms = (int64_t)v * 1000;
		return RG_OK;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* Whole seconds: reports show times to the second. */
	*out_ms = (int64_t)ts.tv_sec * 1000;
	return RG_OK;
}

/* Are the bytes judged those of the definition installed for this id?  A
 * --directive copy of it counts as installed; an edited one does not. */
static bool is_installed(const struct rg_directive *dir)
{
	char *installed = dir->id ? rg_directive_path_for(dir->id) : NULL;
	char digest[RG_SHA256_HEX];
	bool same = installed && rg_sha256_file(installed, digest) &&
	            strcmp(digest, dir->sha256) == 0;
	free(installed);
	return same;
}

/* Loads the directive the bundle answers, as soon as its manifest has
 * named it (or the one --directive gives), for the bundle reader's profile. */
struct load {
	const struct rg_run_options *opt;
	struct rg_arena *arena;
	struct rg_diags *diags;
	struct rg_directive *dir;
	rg_status st;
};

static const struct rg_profile *load_directive(void *ctx, const struct rg_evidence *ev)
{
	struct load *l = ctx;
	const struct rg_run_options *opt = l->opt;
	struct rg_diags *diags = l->diags;
	if (!ev->directive && !opt->directive_path)
		return NULL;
	char *path = opt->directive_path ? strdup(opt->directive_path)
	                                 : rg_directive_path_for(ev->directive);
	char *ids = rg_directive_installed_ids();
	char hint[400];
	snprintf(hint, sizeof hint, "reportgen knows %s; give --directive FILE for another definition",
	         ids ? ids : "its installed definitions");
	free(ids);
	if (!path) {
		rg_diag_err(diags, "bundle.directive", "manifest.xml", 0, "<bundle> @directive", hint,
		            "names a directive reportgen has no definition for");
		l->st = RG_EINPUT;
	} else if (!opt->directive_path && access(path, F_OK) != 0) {
		rg_diag_err(diags, "bundle.directive", "manifest.xml", 0, "<bundle> @directive", hint,
		            "names directive \"%s\", for which no definition is installed (%s)",
		            ev->directive, path);
		l->st = RG_EINPUT;
	} else {
		rg_status dst = rg_directive_load(&l->dir, path, l->arena, diags);
		if (dst == RG_EINPUT && !opt->directive_path)
			dst = RG_EENV; /* the installed definition is broken */
		l->st = rg_status_worst(l->st, dst);
		if (l->dir && ev->directive && strcmp(l->dir->id, ev->directive) != 0) {
			rg_diag_err(diags, "bundle.directive", "manifest.xml", 0, "<bundle> @directive",
			            "give the definition of the directive the bundle answers",
			            "names %s but the directive definition %s is for %s",
			            ev->directive, path, l->dir->id);
			l->st = rg_status_worst(l->st, RG_EINPUT);
		}
	}
	free(path);
	return l->dir ? &l->dir->profile : NULL;
}

rg_status rg_run_judge(struct rg_results **out, const char *zip_path,
                       const struct rg_run_options *opt, struct rg_arena *arena,
                       struct rg_diags *diags)
{
	*out = NULL;
	struct rg_arena evidence;
	rg_arena_init(&evidence);
	if (opt->spill_near)
		(void)rg_arena_spill(&evidence, opt->spill_near); /* else on the heap */
	struct rg_bundle *b;
	struct load l = {opt, arena, diags, NULL, RG_OK};
	rg_status st = rg_bundle_open(&b, zip_path, &opt->limits, load_directive, &l, &evidence,
	                              diags);
	st = rg_status_worst(st, l.st);
	if (!b) { /* not a ZIP at all: nothing more to read */
		rg_arena_free(&evidence);
		return st;
	}
	const struct rg_evidence *ev = rg_bundle_evidence(b);
	struct rg_directive *dir = l.dir;
	if (dir)
		dir->installed = is_installed(dir);
	struct rg_judge *j = NULL;
	if (st == RG_OK) {
		j = rg_judge_begin(ev, dir, opt->generated_ms, "reportgen " RG_VERSION, arena);
		if (!j) {
			rg_diag_err(diags, "env.nomem", zip_path, 0, NULL, NULL, "out of memory while judging");
			st = RG_EENV;
		}
	}
	if (opt->progress)
		rg_bundle_set_progress(b, opt->progress, opt->progress_ctx);
	/* Stream signins.csv even after an error, so its problems are listed too. */
	rg_status fst = rg_bundle_finish(b, j ? rg_judge_signin : NULL, j);
	st = rg_status_worst(st, fst);
	struct rg_results *res = rg_judge_end(j);
	rg_arena_free(&evidence); /* the results hold copies of what they show */
#ifdef __GLIBC__
	/* The evidence's megabytes would otherwise stay resident below the
	 * results' and the views' allocations until the end (at 50,000
	 * findings, 11 MB of a render's RSS for the whole PDF pass). */
	malloc_trim(0);
#endif
	if (st != RG_OK)
		return st;
	*out = res;
	return RG_OK;
}
