/*
 * actionplan.c: `reportgen export action-plan`: the open and late items of
 * a report as a spreadsheet an agency fills in (see export.h).
 *
 * One row per item that is open (not satisfied, insufficient evidence) or
 * late (satisfied late), of every action, advisory ones included, in the
 * report's order; the columns of docs/exports.md, the last three left
 * empty for the agency (owner, planned completion date, justification),
 * as ScubaGear's ActionPlan.csv leaves them.  Values are the report's,
 * written as it writes them (statuses by their report.xml names, instants
 * in RFC 3339 with the offset they were written with, durations in ISO
 * 8601), so a row can be matched back to report.xml by action and item.
 */
#include "export/export.h"

#include <stdlib.h>

#include "core/timefmt.h"
#include "export/export_internal.h"

static const char *const header[] = {
    "Action", "Action title", "Item kind", "Item", "Status", "Deadline", "Late by", "Reason",
    "Evidence", "Owner", "Planned completion date", "Justification",
};

rg_status rg_export_action_plan(FILE *out, const char *name, const struct rg_results *r,
                                struct rg_diags *diags)
{
	struct rg_csv w = {.f = out};
	rg_csv_row(&w, header, sizeof header / sizeof header[0]);
	for (size_t k = 0; k < r->n_actions && !w.fail; k++) {
		const struct rg_action_result *a = &r->actions[k];
		for (size_t i = 0; i < a->n_items && !w.fail; i++) {
			const struct rg_item *it = &a->items[i];
			if (!rg_verdict_is_open(it->status) && it->status != RG_SATISFIED_LATE)
				continue;
			char due[RG_TIME_BUFSZ] = "", late[RG_DURATION_BUFSZ] = "";
			if (it->has_due)
				rg_time_format(due, it->due);
			else if (a->has_deadline)
				rg_time_format(due, a->deadline);
			if (it->status == RG_SATISFIED_LATE)
				rg_duration_format(late, it->late_by_ms);
			char *evidence = rg_item_evidence_list(it);
			if (!evidence)
				w.fail = true;
			const char *cells[] = {
			    a->id, a->title, rg_subject_kind_names[it->subject_kind], it->subject_ref,
			    rg_verdict_names[it->status], due, late, it->reason, evidence, "", "", "",
			};
			rg_csv_row(&w, cells, sizeof cells / sizeof cells[0]);
			free(evidence);
		}
	}
	if (w.fail) {
		rg_diag_err(diags, "export.write", name, 0, NULL, "check free space",
		            "cannot write the action plan");
		return RG_EENV;
	}
	return RG_OK;
}
