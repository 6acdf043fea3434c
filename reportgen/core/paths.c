/*
 * paths.c: data directory lookup (see paths.h).
 */
#include "core/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/str.h"
#include "rg_config.h"

static char datadir_buf[PATH_MAX];

const char *rg_datadir(void)
{
	if (datadir_buf[0])
		return datadir_buf;
	const char *env = getenv("REPORTGEN_DATADIR");
	const char *pick = RG_DATADIR;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (env && *env) {
		pick = env;
	} else if (n > 0) {
		exe[n] = '\0';
		char build[PATH_MAX];
		/* Any binary under the build root (the tool, the tests, the
		 * benchmarks) reads the source tree's data. */
		if (realpath(RG_BUILD_ROOT, build) && strncmp(exe, build, strlen(build)) == 0 &&
		    exe[strlen(build)] == '/')
			pick = RG_SOURCE_ROOT;
	}
	snprintf(datadir_buf, sizeof datadir_buf, "%s", pick);
	return datadir_buf;
}

char *rg_data_path(const char *sub, const char *name)
{
	return rg_asprintf("%s/%s/%s", rg_datadir(), sub, name);
}
