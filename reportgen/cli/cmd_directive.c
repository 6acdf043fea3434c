/*
 * cmd_directive.c: `reportgen directive check FILE...`, the validation of
 * directive definition files (docs/directive.md) before a bundle is judged
 * against them.
 *
 * The checks are the loader's (directive/directive.h): the schema
 * (directives/directive.xsd), then what a schema cannot say (calendar
 * dates, durations, which parameters each rule needs, references between
 * the declared tables and columns, the values an action names against the
 * enumerations its tables declare).  Every problem is listed, each with
 * FILE:LINE, the element and how to fix it; exit 2 when there is one.
 * Nothing is written.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "directive/directive.h"

static void help(FILE *out)
{
	fprintf(out, "usage: reportgen directive check FILE...\n\n"
	             "Validates directive definition files (the format is docs/directive.md):\n"
	             "the schema, then the dates, durations, tables, columns and rules. Every\n"
	             "problem is listed as FILE:LINE: ELEMENT: what is wrong (how to fix it).\n"
	             "A valid file prints its id, version, tables and actions.\n\n"
	             "Options:\n"
	             "  -h, --help  this text\n"
	             "\nExit status: 0 every file is valid, 2 a file has a problem (nothing is\n"
	             "written in any case), 3 environment failure (a file cannot be read).\n");
}

static void describe(const struct rg_directive *d)
{
	rg_cli_put_line(stdout, "%s: directive %s, definition %s, issued %s", d->file, d->id,
	                d->version, d->issued);
	for (size_t k = 0; k < d->profile.n_tables; k++) {
		const struct rg_table_spec *t = &d->profile.tables[k];
		rg_cli_put_line(stdout, "  table %s%s: %zu columns", t->file,
		                t->required ? " (required)" : "", t->n_cols);
	}
	for (size_t k = 0; k < d->n_actions; k++) {
		const struct rg_action_def *a = &d->actions[k];
		char kinds[200] = "";
		for (size_t s = 0; s < a->n_steps; s++)
			snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s",
			         s ? " + " : ": ",
			         rg_step_kind_names[a->steps[s].kind]);
		rg_cli_put_line(stdout, "  action %s (%s, rule %s%s): %s", a->id,
		                rg_action_kind_names[a->kind], a->rule_label, kinds, a->title);
	}
}

int rg_cmd_directive(int argc, char **argv)
{
	struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		default: return rg_cli_usage_error("directive", "unknown option");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "check") != 0)
		return rg_cli_usage_error("directive", "the subcommand is check: reportgen directive check FILE...");
	optind++;
	if (optind < argc && (strcmp(argv[optind], "--help") == 0 || strcmp(argv[optind], "-h") == 0)) {
		help(stdout);
		return 0;
	}
	if (optind >= argc)
		return rg_cli_usage_error("directive", "give at least one directive file to check");
	rg_status worst = RG_OK;
	for (int i = optind; i < argc; i++) {
		struct rg_arena arena;
		rg_arena_init(&arena);
		struct rg_diags diags;
		rg_diags_init(&diags);
		struct rg_directive *d = NULL;
		rg_status st = rg_directive_load(&d, argv[i], &arena, &diags);
		rg_cli_print_diags("directive", &diags);
		if (st == RG_OK)
			describe(d);
		worst = rg_status_worst(worst, st);
		rg_diags_free(&diags);
		rg_arena_free(&arena);
	}
	return (int)worst;
}
