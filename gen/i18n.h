/* i18n.h - the language vbgen speaks: English, or a translation from a gettext catalog.
 *
 * Every text a user reads is written in English in the source and marked: _("...") where
 * it is used, N_("...") where it is only stored (a table) and translated later with _(),
 * P_("one", "many", n) where a number decides the form. xgettext collects the marks into
 * po/vbgen.pot (`make pot`); translators edit po/LANG.po with the usual tools; msgfmt
 * compiles it into build/locale/LANG/LC_MESSAGES/vbgen.mo (installed under
 * PREFIX/share/locale).
 *
 * vbgen reads the .mo file itself instead of calling gettext(3): gettext translates only
 * when setlocale() succeeds, which needs the locale generated (locale-gen), and the
 * offices' minimal Debian machines have none but C and C.UTF-8. The catalog's texts are
 * UTF-8, as vbgen's output always is.
 *
 * The message table (msg.def, msg.h: an enum of every diagnostic and one table of texts,
 * as mandoc_msg.c) holds N_() texts, which msg.c translates with _() by their English
 * text, so po/vi.po stays valid when the call sites change.
 *
 * The catalog is process-wide, like the diagnostics' counts: set once in main() before
 * any message, read-only afterwards (letter workers inherit it across fork). */
#ifndef VBGEN_I18N_H
#define VBGEN_I18N_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* The translation of msgid, or msgid itself (English, or no translation). The result
 * lives as long as the catalog, that is until i18n_shutdown(). */
const char *i18n_text(const char *msgid) __attribute__((format_arg(1)));

/* The form of a text with a number n: one (English n == 1) or many, translated. */
const char *i18n_plural(const char *one, const char *many, unsigned long n)
	__attribute__((format_arg(1), format_arg(2)));

#define _(s) i18n_text(s)
#define N_(s) (s)
#define P_(one, many, n) i18n_plural(one, many, n)

/* strerror(e) in the language in use: the system's own text in English (and for the errors
 * not in i18n.c's table), a translation of it otherwise. Lives until the next call. */
const char *i18n_strerror(int e);

/* The longest language name vbgen looks at ("vi_VN", "sr_RS"; 32 leaves room for any ISO
 * language and territory); a longer value is no language. */
#define I18N_NAME_MAX 32

/* The most languages i18n_init tries, from LANGUAGE's list and the locale: a user lists
 * two or three; the rest are never reached since English ends the list anyway. */
#define I18N_CHOICES_MAX 8

/* Which language the user asked for, in the order of GNU gettext: --lang (opt), then
 * LANGUAGE (a list "vi:en", unless the locale is C or POSIX, whose output POSIX fixes),
 * then the first set of LC_ALL, LC_MESSAGES, LANG. Writes the candidates, most wanted
 * first, into names (each "vi", "vi_VN" or "en"; encoding and modifier removed) and
 * returns how many (at most max). Pure: the arguments are the option and the
 * environment's values (NULL when unset). */
int i18n_choose(const char *opt, const char *language, const char *lc_all, const char *lc_messages,
		const char *lang, char names[][I18N_NAME_MAX], int max);

/* Parses a .mo file's bytes (len of them) into the catalog, replacing the one before;
 * takes ownership of data (g_malloc()ed). Returns 0, or -1 when it is no valid catalog
 * (then data is freed and English stays). */
int i18n_load_mo(char *data, unsigned long len);

/* Chooses the language from opt and the environment and loads its catalog from the
 * locale folder (paths_localedir()). English needs no catalog; a language without a
 * catalog falls to the next candidate, and at last to English. Returns 0; -1 when opt
 * asked for a language whose catalog is missing or broken, and then *missing (when not
 * NULL) is the catalog's path, g_free() it; the caller says so (diag.c translates with
 * this file, so this file does not report). */
int i18n_init(const char *opt, char **missing);

/* How language ("vi", "vi_VN", "en", as i18n_language() says) writes a number: *decimal
 * its decimal mark ("," in Vietnamese: "12,5 mm") and *group the mark between groups of
 * three digits ("." : "10.000"), as the offices write them; English and a language not
 * known here: "." and "" (digits as printf writes them). Static strings; pure. */
void i18n_number_marks(const char *language, const char **decimal, const char **group);

/* Formats fmt (an English text or its translation) with ap into buf as language writes
 * numbers (i18n_number_marks): a decimal with its decimal mark, a number given printf's '
 * flag (%'d) grouped by thousands; English as vsnprintf. Returns what vsnprintf returns.
 * Pure; the messages (msg.c) and the summary lines use it with i18n_language(). */
int i18n_vformat(char *buf, size_t size, const char *language, const char *fmt, va_list ap);

/* snprintf and fprintf through i18n_vformat, in the language in use: the summary and
 * progress lines ("đã ghi ... (1.000 bản cam kết)"), which are not diagnostics. A line of
 * i18n_fprintf is at most I18N_LINE_MAX bytes (a summary names a few files), cut beyond. */
#define I18N_LINE_MAX 4096
int i18n_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int i18n_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The language in use: "vi", or "en" when no catalog is loaded. */
const char *i18n_language(void);

/* Frees the catalog: English from now on. */
void i18n_shutdown(void);

#endif
