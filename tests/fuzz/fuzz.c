/* fuzz.c - the fuzz targets' shared helpers; see fuzz.h. */
#include "fuzz.h"

#include "diag.h"
#include "xmlread.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];
static char path[128];

static void remove_dir(void)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	if (d == NULL)
		return;
	while ((n = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, n, NULL);
		g_unlink(p);
		g_free(p);
	}
	g_dir_close(d);
	g_rmdir(dir);
}

/* The targets' messages: silent unless VBGEN_FUZZ_VERBOSE is set. */
static struct diag diag;

struct diag *fuzz_diag(void)
{
	return &diag;
}

void fuzz_setup(void)
{
	if (dir[0] != '\0')
		return;
	diag_init(&diag);
	diag_set_silent(&diag, getenv("VBGEN_FUZZ_VERBOSE") == NULL);
	xmlread_init();
	snprintf(dir, sizeof dir, "%s/vbgen-fuzz.XXXXXX", g_get_tmp_dir());
	if (g_mkdtemp(dir) == NULL) {
		perror(dir);
		abort();
	}
	atexit(remove_dir);
}

const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

const char *fuzz_dir(void)
{
	return dir;
}
