/*
 * commands.h: the command table of the reportgen executable.
 *
 * main.c hands argv to one of these; each returns the process exit status
 * of docs/cli.md (0, 1, 2 usage/bad input, 3 environment).  argv[0]
 * is the command name.  Commands print results on stdout and diagnostics on
 * stderr; the library underneath never prints.
 */
#ifndef RG_COMMANDS_H
#define RG_COMMANDS_H

int rg_cmd_check(int argc, char **argv);
int rg_cmd_render(int argc, char **argv);
int rg_cmd_verify(int argc, char **argv);
int rg_cmd_pack(int argc, char **argv);
int rg_cmd_diff(int argc, char **argv);
int rg_cmd_init(int argc, char **argv);
int rg_cmd_import(int argc, char **argv);
int rg_cmd_export(int argc, char **argv);
int rg_cmd_rollup(int argc, char **argv);
int rg_cmd_directive(int argc, char **argv);

#endif
