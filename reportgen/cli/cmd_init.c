/*
 * cmd_init.c: `reportgen init DIR`: write a bundle folder to fill in.
 *
 * The folder (import/skeleton.h) holds manifest.xml with every element and a
 * comment on each, every CSV file with its header row, attachments/ and a
 * README.txt.  An existing folder that is not empty is refused (exit 2):
 * init never overwrites someone's work.
 */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cli/cli.h"
#include "core/file.h"
#include "core/paths.h"
#include "cli/commands.h"
#include "directive/directive.h"
#include "import/skeleton.h"

static void help(FILE *out)
{
	fprintf(out, "usage: reportgen init [--directive ID|FILE] DIR\n\n"
	             "Writes a bundle folder to fill in: manifest.xml (every element, with a\n"
	             "comment saying what goes there), each CSV file with its header row,\n"
	             "attachments/ and README.txt (the columns, the formats, how to pack and\n"
	             "check).  Fill it in, then: reportgen pack DIR -o bundle.zip.\n\n"
	             "Options:\n"
	             "  --directive ID|FILE  the directive the bundle answers: an installed id\n"
	             "                       (a file name of the installed directives/) or a\n"
	             "                       definition file; default: the\n"
	             "                       installation's default directive\n"
	             "  -h, --help  this text\n"
	             "\nExit status: 0 written, 2 DIR exists and is not empty (nothing written),\n"
	             "3 environment failure.\n");
}

int rg_cmd_init(int argc, char **argv)
{
	const char *directive = NULL;
	struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"directive", required_argument, NULL, 'd'},
	    {NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "hd:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		case 'd':
			directive = optarg;
			break;
		default: return rg_cli_usage_error("init", "unknown option");
		}
	}
	if (optind != argc - 1)
		return rg_cli_usage_error("init", "give one folder to create");
	const char *dir = argv[optind];
	struct rg_diags diags;
	rg_diags_init(&diags);
	/* The tables of the directive: --directive ID (installed) or FILE, or
	 * the installation's default (<datadir>/directives/default names it). */
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_directive *def = NULL;
	char *dflt = NULL;
	if (!directive) {
		char *dpath = rg_data_path("directives", "default");
		size_t len = 0;
		if (dpath && rg_read_file(&dflt, &len, dpath, 256, &diags) == RG_OK)
			dflt[strcspn(dflt, " \r\n")] = '\0';
		free(dpath);
		directive = dflt ? dflt : "";
	}
	bool is_file = strchr(directive, '/') || strstr(directive, ".xml");
	char *path = is_file ? strdup(directive) : rg_directive_path_for(directive);
	rg_status st = RG_OK;
	if (!path || (!is_file && access(path, F_OK) != 0)) {
		char *ids = rg_directive_installed_ids();
		rg_diag_err(&diags, "init.directive", directive, 0, NULL,
		            "give --directive with one of the installed ids or a definition file",
		            "is not an installed directive (installed: %s)", ids ? ids : "?");
		free(ids);
		st = RG_EINPUT;
	} else {
		st = rg_directive_load(&def, path, &arena, &diags);
		if (st == RG_EINPUT && !is_file)
			st = RG_EENV; /* the installed definition is broken */
	}
	free(path);
	free(dflt);
	if (st == RG_OK)
		st = rg_skeleton_write(dir, def->id, def->title, &def->profile, &diags);
	rg_cli_print_diags("init", &diags);
	if (st == RG_OK)
		printf("wrote %s: fill in manifest.xml and the CSV files (see %s/README.txt), then "
		       "reportgen pack %s -o bundle.zip\n",
		       dir, dir, dir);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return (int)st;
}
