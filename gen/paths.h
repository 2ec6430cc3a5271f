/* paths.h - where vbgen finds its data: the schema, templates and fonts.
 *
 * Looked up, in order: the directory given with --templates (templates only), the
 * directory holding the running vbgen when it is a source tree (it has schema/plan.rng),
 * then PREFIX/share/vbgen as installed by `make install`. The message catalogs are in
 * the source tree's build/locale, or installed in PREFIX/share/locale. */
#ifndef VBGEN_PATHS_H
#define VBGEN_PATHS_H

/* Sets the --templates directory (may be NULL). The string must outlive all lookups. */
void paths_set_templates(const char *dir);

/* Returns the data directory (source tree or installed share directory), or NULL when
 * neither holds schema/plan.rng. The string is static; do not free it. */
const char *paths_datadir(void);

/* Returns the full path of data file rel ("schema/plan.rng", "fonts/fonts.conf"),
 * malloc()ed, or NULL when it is not found. Templates ("templates/plan.xml") are
 * looked up first in the --templates directory (as "DIR/plan.xml"). */
char *paths_find(const char *rel);

/* Returns the folder of the message catalogs (LANG/LC_MESSAGES/vbgen.mo), g_malloc()ed:
 * build/locale in the source tree the running vbgen belongs to (where `make` compiles
 * them), else PREFIX/share/locale as installed by `make install`. */
char *paths_localedir(void);

#endif
