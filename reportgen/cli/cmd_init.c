/*
 * cmd_init.c: `reportgen init DIR`: write a bundle folder to fill in.
 *
 * The folder (import/skeleton.h) holds manifest.xml with every element and a
 * comment on each, every CSV file with its header row, attachments/ and a
 * README.txt.  An existing folder that is not empty is refused (exit 2):
 * init never overwrites someone's work.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "directive/directive.h"
#include "import/skeleton.h"

static void help(FILE *out)
{
	fprintf(out, "usage: reportgen init DIR\n\n"
	             "Writes a bundle folder to fill in: manifest.xml (every element, with a\n"
	             "comment saying what goes there), each CSV file with its header row,\n"
	             "attachments/ and README.txt (the columns, the formats, how to pack and\n"
	             "check).  Fill it in, then: reportgen pack DIR -o bundle.zip.\n\n"
	             "Options:\n"
	             "  -h, --help  this text\n"
	             "\nExit status: 0 written, 2 DIR exists and is not empty (nothing written),\n"
	             "3 environment failure.\n");
}

int rg_cmd_init(int argc, char **argv)
{
	struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help(stdout);
			return 0;
		default: return rg_cli_usage_error("init", "unknown option");
		}
	}
	if (optind != argc - 1)
		return rg_cli_usage_error("init", "give one folder to create");
	const char *dir = argv[optind];
	struct rg_diags diags;
	rg_diags_init(&diags);
	/* The tables of the directive reportgen installs by default. */
	struct rg_arena arena;
	rg_arena_init(&arena);
	struct rg_directive *def = NULL;
	char *path = rg_directive_path_for(RG_CLI_DEFAULT_DIRECTIVE);
	rg_status st = path ? rg_directive_load(&def, path, &arena, &diags) : RG_EENV;
	free(path);
	if (st == RG_EINPUT)
		st = RG_EENV; /* the installed definition is broken */
	if (st == RG_OK)
		st = rg_skeleton_write(dir, &def->profile, &diags);
	rg_cli_print_diags("init", &diags);
	if (st == RG_OK)
		printf("wrote %s: fill in manifest.xml and the CSV files (see %s/README.txt), then "
		       "reportgen pack %s -o bundle.zip\n",
		       dir, dir, dir);
	rg_diags_free(&diags);
	rg_arena_free(&arena);
	return (int)st;
}
