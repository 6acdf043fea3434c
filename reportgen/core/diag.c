/*
 * diag.c: the run's list of input problems (see diag.h).
 *
 * Allocation failures here are deliberately absorbed: a diagnostic that
 * cannot be stored is counted as dropped, and the error count still rises,
 * so a run never looks clean because memory ran out while reporting.
 *
 * Messages quote bundle text as it is (a diagnostic is data, and a test
 * can match it); printing shows every control, bidi and invisible code
 * point as <U+XXXX> (core/text.h), so a bundle cannot move the cursor,
 * clear the screen or reorder the line that the person running check
 * reads.
 */
#include "core/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "core/text.h"

void rg_diags_init(struct rg_diags *d)
{
	memset(d, 0, sizeof *d);
}

void rg_diags_free(struct rg_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct rg_diag *g = &d->v[i];
		free(g->file);
		free(g->column);
		free(g->code);
		free(g->message);
		free(g->hint);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}

void rg_diag_add(struct rg_diags *d, rg_severity sev, const char *code,
                 const char *file, unsigned long line, const char *column,
                 const char *hint, const char *fmt, ...)
{
	if (sev == RG_SEV_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n >= RG_DIAGS_MAX) {
		d->dropped++;
		return;
	}
	struct rg_diag *v = rg_array_grow(d->v, &d->cap, d->n + 1, sizeof *v);
	if (!v) {
		d->dropped++;
		return;
	}
	d->v = v;
	va_list ap;
	va_start(ap, fmt);
	char *msg = rg_vasprintf(fmt, ap);
	va_end(ap);
	struct rg_diag g = {
		.sev = sev,
		.file = strdup(file ? file : "?"),
		.line = line,
		.column = column ? strdup(column) : NULL,
		.code = strdup(code ? code : "input"),
		.message = msg,
		.hint = hint ? strdup(hint) : NULL,
	};
	if (!g.file || !g.code || !g.message || (column && !g.column) || (hint && !g.hint)) {
		free(g.file);
		free(g.column);
		free(g.code);
		free(g.message);
		free(g.hint);
		d->dropped++;
		return;
	}
	d->v[d->n++] = g;
}

void rg_diags_move(struct rg_diags *to, struct rg_diags *from)
{
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < from->n; i++) {
		const struct rg_diag *g = &from->v[i];
		rg_diag_add(to, g->sev, g->code, g->file, g->line, g->column, g->hint, "%s",
		            g->message);
		if (g->sev == RG_SEV_ERROR)
			errors++;
		else
			warnings++;
	}
	/* Those counted past the cap, never stored, count in `to` too. */
	to->errors += from->errors - errors;
	to->warnings += from->warnings - warnings;
	to->dropped += from->dropped;
	rg_diags_free(from);
}

static int cmp_diag(const struct rg_diag *x, const struct rg_diag *y)
{
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

void rg_diags_sort(struct rg_diags *d)
{
	/* Insertion sort: stable, and the list is capped at RG_DIAGS_MAX. */
	for (size_t i = 1; i < d->n; i++) {
		struct rg_diag g = d->v[i];
		size_t j = i;
		while (j > 0 && cmp_diag(&d->v[j - 1], &g) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = g;
	}
}

char *rg_diag_format(const struct rg_diag *g)
{
	char lbuf[32] = "";
	if (g->line)
		snprintf(lbuf, sizeof lbuf, ":%lu", g->line);
	return rg_asprintf("%s: %s%s: %s%s%s%s%s%s", g->sev == RG_SEV_ERROR ? "error" : "warning",
	                   g->file, lbuf, g->column ? g->column : "", g->column ? ": " : "",
	                   g->message, g->hint ? " (" : "", g->hint ? g->hint : "",
	                   g->hint ? ")" : "");
}

void rg_diags_print(FILE *out, const struct rg_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *s = rg_diag_format(&d->v[i]);
		char *shown = s ? rg_text_visible(s, strlen(s), 0) : NULL;
		if (shown)
			fprintf(out, "%s\n", shown);
		else
			fprintf(out, "%s: (out of memory while printing a diagnostic)\n",
			        d->v[i].sev == RG_SEV_ERROR ? "error" : "warning");
		free(shown);
		free(s);
	}
	if (d->dropped)
		fprintf(out, "... and %zu more problems not shown\n", d->dropped);
	if (d->errors || d->warnings)
		fprintf(out, "%zu error%s, %zu warning%s\n", d->errors, d->errors == 1 ? "" : "s",
		        d->warnings, d->warnings == 1 ? "" : "s");
}
