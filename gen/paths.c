/* paths.c - finding the schema, templates and fonts; see paths.h. */
#include "paths.h"

#include <glib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef VBGEN_DATADIR
#define VBGEN_DATADIR "/usr/local/share/vbgen"
#endif

#ifndef VBGEN_LOCALEDIR
#define VBGEN_LOCALEDIR "/usr/local/share/locale"
#endif

static const char *templates_dir;

void paths_set_templates(const char *dir)
{
	templates_dir = dir;
}

static int exists(const char *dir, const char *rel)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof buf, "%s/%s", dir, rel) >= (int)sizeof buf)
		return 0;
	return access(buf, R_OK) == 0;
}

const char *paths_datadir(void)
{
	static char found[PATH_MAX];
	static int looked;
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (looked)
		return found[0] ? found : NULL;
	looked = 1;
	/* A vbgen run from its source tree (or a build directory inside it) uses that tree,
	 * so that developers never test against an older installed copy. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		while ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if (exe[0] != '\0' && exists(exe, "schema/plan.rng")) {
				snprintf(found, sizeof found, "%s", exe);
				return found;
			}
		}
	}
	if (exists(VBGEN_DATADIR, "schema/plan.rng")) {
		snprintf(found, sizeof found, "%s", VBGEN_DATADIR);
		return found;
	}
	return NULL;
}

char *paths_find(const char *rel)
{
	char buf[PATH_MAX];
	const char *dir;

	if (templates_dir != NULL && strncmp(rel, "templates/", 10) == 0) {
		if (snprintf(buf, sizeof buf, "%s/%s", templates_dir, rel + 10) < (int)sizeof buf &&
		    access(buf, R_OK) == 0)
			return strdup(buf);
	}
	dir = paths_datadir();
	if (dir == NULL || snprintf(buf, sizeof buf, "%s/%s", dir, rel) >= (int)sizeof buf ||
	    access(buf, R_OK) != 0)
		return NULL;
	return strdup(buf);
}

char *paths_localedir(void)
{
	const char *dir = paths_datadir();

	if (dir != NULL && strcmp(dir, VBGEN_DATADIR) != 0)
		return g_strdup_printf("%s/build/locale", dir);
	return g_strdup(VBGEN_LOCALEDIR);
}
