/*
 * paths.h: where reportgen finds its data (directives/, templates/, fonts/).
 *
 * In order: $REPORTGEN_DATADIR; the source tree when the running binary is
 * the one in the build tree (so `./build/reportgen` works without install);
 * the installed data dir (meson's datadir/reportgen).
 */
#ifndef RG_PATHS_H
#define RG_PATHS_H

/* The data root; a static string, valid for the life of the process. */
const char *rg_datadir(void);

/* "<datadir>/<sub>/<name>"; malloc'd, caller frees. */
char *rg_data_path(const char *sub, const char *name);

#endif
