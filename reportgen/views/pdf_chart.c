/*
 * pdf_chart.c: the response timeline chart of both PDFs.
 *
 * One row per action of the results model: each item that has a time is a
 * status shape at that time (on time, late, not satisfied), the action's
 * deadline is a bar across its row, the notification a dashed line across
 * all rows, and items never done are counted at the right end of the row.
 * Shapes come from rg_pdoc_badge, so a late item is a triangle whatever
 * its colour.
 *
 * Items are binned per point of width before drawing: the chart costs the
 * same for 50 items or 50 000, and the file stays small.  The chart is one
 * Figure structure element, kept whole on one page, with alternative text
 * from the template (timeline.alt).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/str.h"

#include "core/timefmt.h"
#include "views/pdf_chart.h"
#include "views/pdf_words.h"

#define DAY_MS (86400000LL)
#define MAX_BINS 1024

/* The row label of each rule of the directive file; a rule not listed
 * (a future one) is labelled as an event. */
static const struct {
	const char *rule;
	enum rg_tpl_key key;
} lanes[] = {
	{"correspondence-analysis", RG_T_LANE_CORRESPONDENCE},
	{"immediate-remediation", RG_T_LANE_IMMEDIATE},
	{"credential-reset", RG_T_LANE_CREDENTIAL},
	{"log-review", RG_T_LANE_LOG_REVIEW},
};

static enum rg_tpl_key lane_key(const char *rule)
{
	for (size_t i = 0; rule && i < sizeof lanes / sizeof lanes[0]; i++)
		if (strcmp(rule, lanes[i].rule) == 0)
			return lanes[i].key;
	return RG_T_LANE_EVENT;
}

struct range {
	int64_t lo, hi;
	bool any;
};

static void widen(struct range *r, int64_t t)
{
	if (!r->any || t < r->lo)
		r->lo = t;
	if (!r->any || t > r->hi)
		r->hi = t;
	r->any = true;
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1)
{
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

double rg_pdf_chart_height(const struct rg_pdoc *d, bool compact)
{
	double lane = compact ? 14 : 18;
	return 14 + (double)d->r->n_actions * lane + 16 + 16;
}

void rg_pdf_chart(struct rg_pdoc *d, bool compact)
{
	const struct rg_results *r = d->r;
	double lane_h = compact ? 14 : 18;
	double h = rg_pdf_chart_height(d, compact);
	rg_pdoc_need(d, h + 6);

	/* The time range: every dated item, deadline and the notification. */
	struct range rg = {0, 0, false};
	if (r->bundle.notified)
		widen(&rg, r->bundle.notification_received.ms);
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		if (a->has_deadline)
			widen(&rg, a->deadline.ms);
		for (size_t i = 0; i < a->n_items; i++) {
			rg_arena_tick();
			if (a->items[i].has_when)
				widen(&rg, a->items[i].when.ms);
			if (a->items[i].has_due && a->items[i].status != RG_NOT_APPLICABLE)
				widen(&rg, a->items[i].due.ms);
		}
	}
	if (!rg.any) {
		rg.lo = r->generated_ms - 30 * DAY_MS;
		rg.hi = r->generated_ms;
	}
	if (rg.hi - rg.lo < DAY_MS)
		rg.hi = rg.lo + DAY_MS;
	int64_t pad = (rg.hi - rg.lo) / 25;
	rg.lo -= pad;
	rg.hi += pad;

	char lo_s[RG_TIME_BUFSZ], hi_s[RG_TIME_BUFSZ];
	rg_time_format_utc(lo_s, rg.lo - rg.lo % 1000);
	rg_time_format_utc(hi_s, rg.hi - rg.hi % 1000);
	lo_s[10] = hi_s[10] = '\0';
	struct rg_tpl_var v[] = {{"start", lo_s}, {"end", hi_s}};

	double label_w = compact ? 92 : 104, right_w = 64;
	double px0 = d->x0 + label_w, px1 = d->x1 - right_w, pw = px1 - px0;
	double top = d->y + 14, bottom = top + (double)r->n_actions * lane_h;
	size_t nb = (size_t)pw < MAX_BINS ? (size_t)pw : MAX_BINS;
#define XOF(t) (px0 + pw * (double)((t) - rg.lo) / (double)(rg.hi - rg.lo))

	if (d->dry) {
		d->y += h + 6;
		return;
	}
	cairo_t *cr = d->cr;
	bool any_due = false;
	/* Days start at midnight in the directive's zone, as every time of
	 * the PDFs is shown (pdf_words.h). */
	int64_t zone_ms = (int64_t)rg_pdf_zone(r) * 60000;
	/* cairo 1.16 cannot attach /Alt to a structure element; the text is
	 * added after cairo finishes (pdf_post.c). */
	free(d->figure_alt);
	d->figure_alt = rg_asprintf("%s", rg_pdoc_text(d, RG_T_TIMELINE_ALT, v, 2));
	rg_pdoc_tag(d, "Figure", NULL);

	/* Lanes. */
	for (size_t k = 0; k < r->n_actions; k++) {
		const struct rg_action_result *a = &r->actions[k];
		double ly = top + (double)k * lane_h;
		if (k % 2 == 0) {
			rg_pdoc_colour(d, RG_C_STRIPE);
			cairo_rectangle(cr, d->x0, ly, d->x1 - d->x0, lane_h);
			cairo_fill(cr);
		}
		char label[160];
		snprintf(label, sizeof label, "%s %s", a->id, d->t->text[lane_key(a->rule)]);
		rg_pdoc_draw_text(d, d->x0 + 2, ly + (lane_h - d->t->font_size * 1.2) / 2, label_w - 4,
		                  RG_F_SMALL, RG_C_TEXT, RG_A_LEFT, true, label);
		if (a->status == RG_NOT_APPLICABLE) {
			rg_pdoc_draw_text(d, px0 + 4, ly + (lane_h - d->t->font_size * 1.2) / 2, pw,
			                  RG_F_SMALL, RG_C_MUTED, RG_A_LEFT, true,
			                  rg_pdoc_status_word(d, RG_NOT_APPLICABLE));
			continue;
		}
		/* Bin the items: the worst status in each point of width. */
		unsigned char bin[MAX_BINS];
		memset(bin, 0xff, sizeof bin);
		size_t not_done = 0;
		for (size_t i = 0; i < a->n_items; i++) {
			rg_arena_tick();
			const struct rg_item *it = &a->items[i];
			if (it->status == RG_NOT_APPLICABLE)
				continue;
			if (!it->has_when) {
				if (it->status == RG_NOT_SATISFIED || it->status == RG_INSUFFICIENT_EVIDENCE)
					not_done++;
				continue;
			}
			double x = XOF(it->when.ms);
			size_t b = (size_t)((x - px0) / pw * (double)nb);
			if (b >= nb)
				b = nb - 1;
			if (bin[b] == 0xff || it->status < bin[b])
				bin[b] = (unsigned char)it->status;
		}
		double s = compact ? 5.5 : 6.5;
		/* A shape that would sit on the deadline bar is moved off it, to
		 * the side it belongs: on time before, late after. */
		double bx = a->has_deadline ? XOF(a->deadline.ms) : -1e9, clear = s / 2 + 1.4;
		/* Satisfied first, then worse ones on top of them. */
		for (int pass = RG_SATISFIED; pass >= RG_NOT_SATISFIED; pass--)
			for (size_t b = 0; b < nb; b++)
				if (bin[b] == pass) {
					double x = px0 + pw * ((double)b + 0.5) / (double)nb;
					if (fabs(x - bx) < clear)
						x = pass == RG_SATISFIED ? bx - clear : bx + clear;
					rg_pdoc_badge(d, x - s / 2, ly + (lane_h - s) / 2, s,
					              (enum rg_verdict)pass);
				}
		/* Items with a deadline of their own (RA-2a: identified + the
		 * window): a short tick at the lane's top and foot at each, clear
		 * of the shapes in the middle. */
		if (!a->has_deadline) {
			unsigned char due[MAX_BINS];
			memset(due, 0, sizeof due);
			for (size_t i = 0; i < a->n_items; i++) {
				rg_arena_tick();
				const struct rg_item *it = &a->items[i];
				if (!it->has_due || it->status == RG_NOT_APPLICABLE)
					continue;
				size_t b = (size_t)((XOF(it->due.ms) - px0) / pw * (double)nb);
				due[b < nb ? b : nb - 1] = 1;
			}
			rg_pdoc_colour(d, RG_C_TEXT);
			cairo_set_line_width(cr, 1.2);
			double tick = (lane_h - s) / 2 - 1;
			for (size_t b = 0; b < nb; b++)
				if (due[b]) {
					double x = px0 + pw * ((double)b + 0.5) / (double)nb;
					line(cr, x, ly + 0.5, x, ly + 0.5 + tick);
					line(cr, x, ly + lane_h - 0.5 - tick, x, ly + lane_h - 0.5);
					any_due = true;
				}
		}
		/* The deadline last, so no item hides it. */
		if (a->has_deadline) {
			double x = XOF(a->deadline.ms);
			rg_pdoc_colour(d, RG_C_TEXT);
			cairo_set_line_width(cr, 1.6);
			line(cr, x, ly + 1, x, ly + lane_h - 1);
		}
		if (not_done) {
			char n[32];
			snprintf(n, sizeof n, "%zu", not_done);
			struct rg_tpl_var nv = {"n", n};
			rg_pdoc_badge(d, px1 + 4, ly + (lane_h - s) / 2, s, RG_NOT_SATISFIED);
			rg_pdoc_draw_text(d, px1 + 6 + s, ly + (lane_h - d->t->font_size * 1.2) / 2,
			                  right_w - s - 6, RG_F_SMALL, RG_C_NOT_SATISFIED, RG_A_LEFT, true,
			                  rg_pdoc_text(d, RG_T_CHART_NOT_DONE, &nv, 1));
		}
	}

	/* Frame, notification, date axis. */
	rg_pdoc_colour(d, RG_C_RULE);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, px0, top, pw, bottom - top);
	cairo_stroke(cr);
	if (r->bundle.notified) {
		double x = XOF(r->bundle.notification_received.ms);
		static const double dash[] = {2.0, 2.0};
		rg_pdoc_colour(d, RG_C_ACCENT);
		cairo_set_line_width(cr, 1.0);
		cairo_set_dash(cr, dash, 2, 0);
		line(cr, x, top - 3, x, bottom);
		cairo_set_dash(cr, NULL, 0, 0);
		rg_pdoc_draw_text(d, x - 40, top - 13, 80, RG_F_SMALL, RG_C_ACCENT, RG_A_CENTER, true,
		                  d->t->text[RG_T_LEGEND_NOTIFIED]);
	}
	/* Date ticks with their year ("2024-04-04"), far enough apart for
	 * the label. */
	double label_px = rg_pdoc_text_width(d, RG_F_SMALL, "2024-04-04") + 8;
	int64_t span_days = (rg.hi - rg.lo) / DAY_MS + 1;
	static const int steps[] = {1, 2, 3, 7, 14, 28, 56, 91, 182, 365, 730};
	int step = steps[sizeof steps / sizeof steps[0] - 1];
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if ((double)span_days / steps[i] <= pw / label_px) {
			step = steps[i];
			break;
		}
	int64_t day0 = (rg.lo + zone_ms) / DAY_MS;
	day0 -= day0 % step;
	for (int64_t dday = day0; dday * DAY_MS - zone_ms <= rg.hi; dday += step) {
		int64_t t = dday * DAY_MS - zone_ms;
		if (t < rg.lo)
			continue;
		double x = XOF(t);
		rg_pdoc_colour(d, RG_C_RULE);
		cairo_set_line_width(cr, 0.4);
		line(cr, x, bottom, x, bottom + 3);
		char ds[RG_PDF_WHEN_BUFSZ];
		rg_pdf_when(ds, sizeof ds, t, rg_pdf_zone(r));
		ds[10] = '\0';
		double hw = label_px / 2;
		if (x - hw >= px0 - 10 && x + hw <= px1 + right_w)
			rg_pdoc_draw_text(d, x - hw, bottom + 3, 2 * hw, RG_F_SMALL, RG_C_MUTED,
			                  RG_A_CENTER, true, ds);
	}
	/* The zone of the axis. */
	rg_pdoc_draw_text(d, d->x0 + 2, bottom + 3, label_w - 4, RG_F_SMALL, RG_C_MUTED, RG_A_LEFT,
	                  true, rg_pdoc_text(d, RG_T_CHART_AXIS, NULL, 0));

	/* Legend: the shapes with their words. */
	double lx = px0, ly = bottom + 17, s = 6.5;
	struct {
		enum rg_verdict v;
		enum rg_tpl_key k;
	} leg[] = {{RG_SATISFIED, RG_T_LEGEND_ON_TIME},
	           {RG_SATISFIED_LATE, RG_T_LEGEND_LATE},
	           {RG_NOT_SATISFIED, RG_T_LEGEND_NOT_DONE}};
	for (size_t i = 0; i < 3; i++) {
		rg_pdoc_badge(d, lx, ly + 2, s, leg[i].v);
		const char *w = d->t->text[leg[i].k];
		rg_pdoc_draw_text(d, lx + s + 3, ly - 1, 90, RG_F_SMALL, RG_C_TEXT, RG_A_LEFT, true, w);
		lx += s + 3 + rg_pdoc_text_width(d, RG_F_SMALL, w) + 14;
	}
	rg_pdoc_colour(d, RG_C_TEXT);
	cairo_set_line_width(cr, 2.0);
	line(cr, lx + 2, ly + 1, lx + 2, ly + 10);
	rg_pdoc_draw_text(d, lx + 7, ly - 1, 90, RG_F_SMALL, RG_C_TEXT, RG_A_LEFT, true,
	                  d->t->text[RG_T_LEGEND_DEADLINE]);
	lx += 7 + rg_pdoc_text_width(d, RG_F_SMALL, d->t->text[RG_T_LEGEND_DEADLINE]) + 14;
	if (any_due) {
		rg_pdoc_colour(d, RG_C_TEXT);
		cairo_set_line_width(cr, 1.2);
		line(cr, lx + 2, ly, lx + 2, ly + 3);
		line(cr, lx + 2, ly + 8, lx + 2, ly + 11);
		rg_pdoc_draw_text(d, lx + 7, ly - 1, 120, RG_F_SMALL, RG_C_TEXT, RG_A_LEFT, true,
		                  d->t->text[RG_T_LEGEND_DUE]);
		lx += 7 + rg_pdoc_text_width(d, RG_F_SMALL, d->t->text[RG_T_LEGEND_DUE]) + 14;
	}
	if (r->bundle.notified) {
		static const double dash[] = {2.0, 2.0};
		rg_pdoc_colour(d, RG_C_ACCENT);
		cairo_set_line_width(cr, 1.0);
		cairo_set_dash(cr, dash, 2, 0);
		line(cr, lx + 2, ly, lx + 2, ly + 11);
		cairo_set_dash(cr, NULL, 0, 0);
		rg_pdoc_draw_text(d, lx + 7, ly - 1, 90, RG_F_SMALL, RG_C_TEXT, RG_A_LEFT, true,
		                  d->t->text[RG_T_LEGEND_NOTIFIED]);
	}
	rg_pdoc_untag(d, "Figure");
#undef XOF
	d->y += h + 6;
}
