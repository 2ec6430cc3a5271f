/* unit.c - unit tests for the pure helper modules (text, date, num).
 *
 * One program, one tiny harness: every check prints "ok   <name>" or
 * "FAIL <name>: <detail>"; each group ends with "group NAME: N passed, M failed" (the
 * test driver, tests/driver.py, counts a group as one case) and main with
 * "unit: N passed, M failed", exiting 1 when anything failed. To add tests for another module,
 * write one static test_<module>(unit *u) function and call it from main. The tallies
 * travel in a unit struct rather than globals, so groups stay independent. */
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "num.h"
#include "text.h"
#include "xmlread.h"

typedef struct unit {
	int passed;
	int failed;
} unit;

static void pass(unit *u, const char *name)
{
	u->passed++;
	printf("ok   %s\n", name);
}

static void fail(unit *u, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(unit *u, const char *name, const char *fmt, ...)
{
	va_list ap;
	u->failed++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Checks a condition; detail says what was expected when it does not hold. */
static void expect(unit *u, const char *name, int cond, const char *detail)
{
	if (cond)
		pass(u, name);
	else
		fail(u, name, "%s", detail);
}

static void expect_int(unit *u, const char *name, long got, long want)
{
	if (got == want)
		pass(u, name);
	else
		fail(u, name, "got %ld, want %ld", got, want);
}

/* Checks a returned string against want (NULL: the function must return NULL) and frees
 * it, so a test reads as one line: expect_str(u, "x", text_upper("a"), "A"). */
static void expect_str(unit *u, const char *name, char *got, const char *want)
{
	if (got == want || (got && want && strcmp(got, want) == 0))
		pass(u, name);
	else
		fail(u, name, "got %s%s%s, want %s%s%s", got ? "\"" : "", got ? got : "NULL",
		     got ? "\"" : "", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
	free(got);
}

/* ---- text ------------------------------------------------------------------------- */

static void test_text_nfc(unit *u)
{
	expect_str(u, "text_nfc hook above", text_nfc("Cu\u0309a"), "Của");
	expect_str(u, "text_nfc circumflex+dot", text_nfc("Vie\u0302\u0323t Nam"), "Việt Nam");
	/* Canonical order puts the dot below (class 220) first; both orders compose alike. */
	expect_str(u, "text_nfc dot+circumflex", text_nfc("Vie\u0323\u0302t Nam"), "Việt Nam");
	expect_str(u, "text_nfc horn+acute", text_nfc("Tru\u031B\u0301ng"), "Trứng");
	expect_str(u, "text_nfc already NFC", text_nfc("Ủy ban nhân dân"), "Ủy ban nhân dân");
	expect_str(u, "text_nfc NULL", text_nfc(NULL), NULL);
	expect_str(u, "text_nfc invalid UTF-8", text_nfc("a\xC3"), NULL);
	expect_int(u, "text_is_nfc composed", text_is_nfc("Của"), 1);
	expect_int(u, "text_is_nfc decomposed", text_is_nfc("Cu\u0309a"), 0);
	expect_int(u, "text_is_nfc ASCII", text_is_nfc("abc"), 1);
}

static void test_text_case(unit *u)
{
	expect_str(u, "text_upper ủy ban", text_upper("ủy ban nhân dân"), "ỦY BAN NHÂN DÂN");
	expect_str(u, "text_upper đ", text_upper("đ"), "Đ");
	expect_str(u, "text_upper huyện cam lộ", text_upper("huyện cam lộ"), "HUYỆN CAM LỘ");
	expect_str(u, "text_upper decomposed gives NFC", text_upper("huye\u0302\u0323n"), "HUYỆN");
	expect_str(u, "text_upper ơ ư ă", text_upper("thường trực ăn"), "THƯỜNG TRỰC ĂN");
	expect_str(u, "text_upper full mapping ß", text_upper("straße"), "STRASSE");
	expect_str(u, "text_upper NULL", text_upper(NULL), NULL);
	expect_str(u, "text_upper invalid UTF-8", text_upper("\xE1\xBB"), NULL);
	expect_str(u, "text_lower", text_lower("ỦY BAN NHÂN DÂN ĐÔNG HÀ"),
		   "ủy ban nhân dân đông hà");
	expect_str(u, "text_lower decomposed gives NFC", text_lower("O\u031B\u0301T"), "ớt");
	expect_str(u, "text_lower NULL", text_lower(NULL), NULL);
}

static void test_text_misc(unit *u)
{
	char q[TEXT_QUOTE_MAX + 4];
	expect_str(u, "text_quote folds white space", strdup(text_quote(q, " a\n\tb  ")), "a b");
	expect_str(u, "text_quote NULL", strdup(text_quote(q, NULL)), "");
	expect_str(u, "text_quote cuts at a character",
		   strdup(text_quote(q, "đđđđđđđđđđ"
					"đđđđđđđđđđ"
					"đđđđđđđđđđ"
					"đ")),
		   "đđđđđđđđđđ"
		   "đđđđđđđđđđ"
		   "đđđđđđđđđđ...");

	expect_int(u, "text_fold_space space", text_fold_space(" x"), 1);
	expect_int(u, "text_fold_space CR", text_fold_space("\r\n"), 1);
	expect_int(u, "text_fold_space NEL", text_fold_space("\xc2\x85x"), 2);
	expect_int(u, "text_fold_space LINE SEPARATOR", text_fold_space("\u2028x"), 3);
	expect_int(u, "text_fold_space PARAGRAPH SEPARATOR", text_fold_space("\u2029"), 3);
	expect_int(u, "text_fold_space keeps NBSP", text_fold_space("\u00a0"), 0);
	expect_int(u, "text_fold_space keeps thin space", text_fold_space("\u2009"), 0);
	expect_int(u, "text_fold_space keeps U+2027", text_fold_space("\u2027"), 0);
	expect_int(u, "text_fold_space letter", text_fold_space("đ"), 0);
	expect_int(u, "text_fold_space end", text_fold_space(""), 0);
	expect_int(u, "text_is_blank NULL", text_is_blank(NULL), 1);
	expect_int(u, "text_is_blank empty", text_is_blank(""), 1);
	expect_int(u, "text_is_blank ASCII space", text_is_blank(" \t\r\n\v\f"), 1);
	expect_int(u, "text_is_blank NBSP", text_is_blank("\u00a0 \u00a0"), 1);
	expect_int(u, "text_is_blank ideographic and thin space", text_is_blank("\u3000\u2009"), 1);
	expect_int(u, "text_is_blank text", text_is_blank(" \u00a0a "), 0);
	expect_int(u, "text_is_blank NBSP then letter", text_is_blank("\u00a0đ"), 0);

	expect_str(u, "text_squeeze", text_squeeze("  Ủy  ban\t\nnhân\u00a0\u00a0dân \u00a0"),
		   "Ủy ban nhân dân");
	expect_str(u, "text_squeeze blank", text_squeeze(" \u00a0\t "), "");
	expect_str(u, "text_squeeze unchanged", text_squeeze("Cam Lộ"), "Cam Lộ");
	expect_str(u, "text_squeeze NULL", text_squeeze(NULL), NULL);

	char long_id[TEXT_ID_MAX + 2];
	memset(long_id, 'a', TEXT_ID_MAX);
	long_id[TEXT_ID_MAX] = '\0';
	expect_int(u, "text_is_id valid", text_is_id("phong-tai-chinh-ke-hoach"), 1);
	expect_int(u, "text_is_id digits", text_is_id("t01"), 1);
	expect_int(u, "text_is_id at TEXT_ID_MAX", text_is_id(long_id), 1);
	long_id[TEXT_ID_MAX] = 'a';
	long_id[TEXT_ID_MAX + 1] = '\0';
	expect_int(u, "text_is_id too long", text_is_id(long_id), 0);
	expect_int(u, "text_is_id uppercase", text_is_id("Phong-tu-phap"), 0);
	expect_int(u, "text_is_id leading hyphen", text_is_id("-phong"), 0);
	expect_int(u, "text_is_id non-ASCII", text_is_id("phòng"), 0);
	expect_int(u, "text_is_id underscore", text_is_id("phong_tu_phap"), 0);
	expect_int(u, "text_is_id space", text_is_id("phong tu"), 0);
	expect_int(u, "text_is_id empty", text_is_id(""), 0);
	expect_int(u, "text_is_id NULL", text_is_id(NULL), 0);
	const char *reserved[] = {"con",  "prn",  "aux", "nul",     "com0",
				  "com9", "lpt1", "CON", "Nul.pdf", "lpt3.tar.gz"};
	const char *allowed[] = {"cong", "co",    "com", "com10", "lpt",  "lptx",
				 "xcon", "con-1", "",    ".con",  "a.nul"};
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		expect_int(u, reserved[i], text_windows_reserved(reserved[i]), 1);
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		expect_int(u, allowed[i], text_windows_reserved(allowed[i]), 0);
}

static void test_text_surely_nfc(unit *u)
{
	const char *vi = "Ủy ban nhân dân huyện Cam Lộ: đường, ấp, Ơn";
	const char *nfd = "Cu\u0309a";

	expect_int(u, "text_surely_nfc Vietnamese", text_surely_nfc(vi, strlen(vi)), 1);
	expect_int(u, "text_surely_nfc ASCII", text_surely_nfc("abc", 3), 1);
	expect_int(u, "text_surely_nfc combining mark", text_surely_nfc(nfd, strlen(nfd)), 0);
	expect_int(u, "text_surely_nfc CJK needs a closer look", text_surely_nfc("中", 3), 0);
}

static void test_text_distance(unit *u)
{
	expect_int(u, "text_distance equal", text_distance("phong-noi-vu", "phong-noi-vu", 2), 0);
	expect_int(u, "text_distance one letter", text_distance("phong-noi-v", "phong-noi-vu", 2),
		   1);
	expect_int(u, "text_distance swap", text_distance("sumary", "summary", 2), 1);
	expect_int(u, "text_distance far", text_distance("agency", "summary", 2), 3);
	expect_int(u, "text_distance lengths", text_distance("a", "abcdef", 2), 3);
}

/* The names of bodies: People's Committees, the first word mid-sentence. */
static void test_text_bodies(unit *u)
{
	const char *unit_ = NULL, *place = NULL;

	expect_int(u, "text_committee UBND xã", text_committee("UBND xã Cam An", &unit_, &place),
		   1);
	expect(u, "text_committee unit", unit_ != NULL && strcmp(unit_, "xã Cam An") == 0, unit_);
	expect(u, "text_committee place", place != NULL && strcmp(place, "Cam An") == 0, place);
	expect_int(u, "text_committee full name",
		   text_committee("Ủy ban nhân dân thành phố Đông Hà", NULL, &place), 1);
	expect(u, "text_committee two-word level", strcmp(place, "Đông Hà") == 0, place);
	expect_int(u, "text_committee old tone placement",
		   text_committee("Uỷ ban nhân dân tỉnh Quảng Trị", NULL, NULL), 1);
	expect_int(u, "text_committee a group of them",
		   text_committee("UBND các xã, thị trấn", NULL, NULL), 0);
	expect_int(u, "text_committee no place", text_committee("UBND huyện", NULL, NULL), 0);
	expect_int(u, "text_committee an office", text_committee("Phòng Nội vụ", NULL, NULL), 0);
	expect_str(u, "text_lower_first ordinary", text_lower_first("Thường xuyên"),
		   "thường xuyên");
	expect_str(u, "text_lower_first abbreviation", text_lower_first("UBND xã Cam An"),
		   "UBND xã Cam An");
	expect_str(u, "text_lower_first proper name", text_lower_first("Sở Nội vụ"), "Sở Nội vụ");
	expect_str(u, "text_lower_first never a name", text_lower_first("Theo Kế hoạch năm"),
		   "theo Kế hoạch năm");
	expect_str(u, "text_lower_first đ", text_lower_first("Định kỳ 6 tháng"), "định kỳ 6 tháng");
	expect_str(u, "text_lower_group counting", text_lower_group("Các sở, ban, ngành"),
		   "các sở, ban, ngành");
	expect_str(u, "text_lower_group named after a body",
		   text_lower_group("Ủy ban MTTQ Việt Nam xã và các đoàn thể"),
		   "Ủy ban MTTQ Việt Nam xã và các đoàn thể");
	expect_str(u, "text_lower_group Công an", text_lower_group("Công an xã, Ban Chỉ huy"),
		   "Công an xã, Ban Chỉ huy");
}

/* text_nobreak_spans: the spans it reports, as "start-end start-end". */
static void spans_cb(int start, int end, void *data)
{
	char *buf = data;
	size_t n = strlen(buf);

	snprintf(buf + n, 256 - n, "%s%d-%d", n ? " " : "", start, end);
}

static void expect_spans(unit *u, const char *name, const char *s, int with_words, const char *want)
{
	char buf[256] = "";

	text_nobreak_spans(s, (int)strlen(s), with_words, spans_cb, buf);
	expect_str(u, name, strdup(buf), want);
}

/* text_break_penalties: the penalties as "p p p". */
static void expect_penalties(unit *u, const char *name, const char *s, const char *want)
{
	int pen[64], n = text_break_penalties(s, pen, 64);
	char buf[512] = "";

	for (int i = 0; i < n && i < 64; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%d", i ? " " : "", pen[i]);
	expect_str(u, name, strdup(buf), want);
}

static void test_text_breaks(unit *u)
{
	/* byte offsets: Vietnamese letters take two or three bytes */
	expect_spans(u, "nobreak number and symbol", "Kế hoạch số 165/KH-UBND ngày", 1, "18-29");
	expect_spans(u, "nobreak date and full stop", "đến 31/12/2023.", 1, "7-17");
	expect_spans(u, "nobreak quarter with its word", "Quý III/2024", 1, "0-13");
	expect_spans(u, "nobreak quarter without its word", "Quý III/2024", 0, "5-13");
	expect_spans(u, "nobreak no slash", "Phòng Nội vụ", 1, "");
	expect_spans(u, "nobreak spaced dash", "Việt Nam - Chi nhánh", 1, "10-12");
	expect_spans(u, "nobreak a lone slash", "và / hoặc", 1, "");
	/* GOOD 2, components 10, inside a word 80 / 150, after a joining word 15, FORBID */
	expect_penalties(u, "breaks of a department's name", "Sở Thông tin và Truyền thông",
			 "10 150 2 15 150");
	expect_penalties(u, "breaks of a place", "Cục Thống kê tỉnh Quảng Trị",
			 "10 150 2 1000 1000");
	expect_penalties(u, "breaks of a proper name", "Ngân hàng Nhà nước Việt Nam",
			 "150 10 150 10 1000");
	expect_penalties(u, "breaks before a number", "nâng cao năm 2024", "150 80 1000");
	expect_penalties(u, "breaks around a dash", "Tài chính - Kế hoạch", "150 1000 2 150");
	expect_penalties(u, "breaks of a committee by its level", "Đảng UBND tỉnh về", "10 1000 2");
	expect_penalties(u, "breaks of a cooperative", "Hợp tác xã Nông nghiệp", "150 80 10 150");
	expect_penalties(u, "breaks of an abbreviation's name", "Đoàn TNCS Hồ Chí Minh xã Yên Phú",
			 "10 10 1000 1000 2 1000 1000");
}

/* Long text: NFC and case mapping in pieces (text.c) give what one whole pass gives, and
 * stay linear. The bound is a generous one (the quadratic pass took about 50 s of CPU for
 * the 4 MB below; the linear one well under a second, with the sanitizers too). */
static void test_text_large(unit *u)
{
	/* decomposed letters, ASCII, precomposed letters, and runs without a place to cut
	 * (Cyrillic, composed and decomposed) across pieces */
	static const char *parts[] = {"Vie\u0302\u0323t Nam ", "huye\u0302\u0323n ", "ĐÔNG HÀ, ",
				      "O\u031B\u0301T; "};
	GString *g = g_string_new(NULL);
	for (int i = 0; g->len < 40000; i++) {
		g_string_append(g, parts[i % 4]);
		if (i == 200)
			for (int k = 0; k < 3000; k++)
				g_string_append(g, "ệ");
		if (i == 300)
			for (int k = 0; k < 3000; k++)
				g_string_append(g, "e\u0302\u0323");
		if (i == 400)
			for (int k = 0; k < 1000; k++)
				g_string_append(g, k % 2 ? "й" : "и\u0306");
	}
	gchar *want = g_utf8_normalize(g->str, -1, G_NORMALIZE_NFC);
	char *got = text_nfc(g->str);
	expect(u, "text_nfc of 40 KB in pieces is the whole NFC",
	       got != NULL && want != NULL && strcmp(got, want) == 0, "the pieces differ");
	free(got);
	gchar *up = g_utf8_strup(g->str, -1);
	gchar *want_up = g_utf8_normalize(up, -1, G_NORMALIZE_NFC);
	expect_str(u, "text_upper of 40 KB", text_upper(g->str), want_up);
	expect_int(u, "text_is_nfc of 40 KB decomposed", text_is_nfc(g->str), 0);
	expect_int(u, "text_is_nfc of its NFC (40 KB)", text_is_nfc(want), 1);
	g_free(up);
	g_free(want_up);
	g_free(want);
	while (g->len < 4000000)
		g_string_append(g, "Ủy ban nhân dân huyện Cam Lộ e\u0302\u0323 ");
	clock_t t0 = clock();
	char *a = text_upper(g->str), *b = text_lower(g->str), *c = text_nfc(g->str);
	double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	expect(u, "text_upper, text_lower and text_nfc of 4 MB are linear (under 10 s of CPU)",
	       a != NULL && b != NULL && c != NULL && cpu < 10, "too slow or NULL");
	free(a);
	free(b);
	free(c);
	g_string_free(g, TRUE);
}

static void test_text(unit *u)
{
	test_text_bodies(u);
	test_text_breaks(u);
	test_text_distance(u);
	test_text_surely_nfc(u);
	test_text_nfc(u);
	test_text_case(u);
	test_text_large(u);
	test_text_misc(u);
}

/* ---- date ------------------------------------------------------------------------- */

/* Parses s and checks the return code and, on success, the date. */
static void expect_parse(unit *u, const char *s, int want_rc, int y, int m, int d)
{
	/* The name shows s on one line: control characters become '?'. */
	char shown[32], name[80];
	size_t k = 0;
	for (; s[k] && k + 1 < sizeof shown; k++)
		shown[k] = (unsigned char)s[k] < ' ' ? '?' : s[k];
	shown[k] = '\0';
	snprintf(name, sizeof name, "date_parse \"%s\" -> %d", shown, want_rc);
	date out = {0, 0, 0};
	int rc = date_parse(s, &out);
	if (rc != want_rc)
		fail(u, name, "returned %d", rc);
	else if (rc == 0 && (out.year != y || out.month != m || out.day != d))
		fail(u, name, "got %d-%d-%d, want %d-%d-%d", out.year, out.month, out.day, y, m, d);
	else
		pass(u, name);
}

static void test_date(unit *u)
{
	expect_parse(u, "2023-08-04", 0, 2023, 8, 4);
	expect_parse(u, "  2023-12-31\n", 0, 2023, 12, 31);
	expect_parse(u, "2024-02-29", 0, 2024, 2, 29);
	expect_parse(u, "2000-02-29", 0, 2000, 2, 29);
	expect_parse(u, "1900-01-01", 0, 1900, 1, 1);
	expect_parse(u, "2999-12-31", 0, 2999, 12, 31);
	expect_parse(u, "2023-02-30", -2, 0, 0, 0);
	expect_parse(u, "2023-02-29", -2, 0, 0, 0);
	expect_parse(u, "1900-02-29", -2, 0, 0, 0);
	expect_parse(u, "2023-13-01", -2, 0, 0, 0);
	expect_parse(u, "2023-00-10", -2, 0, 0, 0);
	expect_parse(u, "2023-04-00", -2, 0, 0, 0);
	expect_parse(u, "2023-04-31", -2, 0, 0, 0);
	expect_parse(u, "1899-12-31", -2, 0, 0, 0);
	expect_parse(u, "2023-2-3", -1, 0, 0, 0);
	expect_parse(u, "abc", -1, 0, 0, 0);
	expect_parse(u, "", -1, 0, 0, 0);
	expect_parse(u, "2023-02-0", -1, 0, 0, 0);
	expect_parse(u, "2023/02/03", -1, 0, 0, 0);
	expect_parse(u, "2023-02-03x", -1, 0, 0, 0);
	expect_parse(u, "2023-02-03 1", -1, 0, 0, 0);
	expect_parse(u, "12023-02-03", -1, 0, 0, 0);
	expect_parse(u, "+023-02-03", -1, 0, 0, 0);
	expect_int(u, "date_parse NULL", date_parse(NULL, NULL), -1);
	expect_int(u, "date_parse out NULL", date_parse("2023-08-04", NULL), 0);
	date keep = {2001, 2, 3};
	date_parse("2023-02-30", &keep);
	expect(u, "date_parse leaves *out on failure",
	       keep.year == 2001 && keep.month == 2 && keep.day == 3, "*out was written");

	expect_int(u, "date_days_in_month Feb 2024", date_days_in_month(2024, 2), 29);
	expect_int(u, "date_days_in_month Feb 2100", date_days_in_month(2100, 2), 28);
	expect_int(u, "date_days_in_month Sep", date_days_in_month(2023, 9), 30);
	expect_int(u, "date_days_in_month Dec", date_days_in_month(2023, 12), 31);
	expect_int(u, "date_days_in_month 13", date_days_in_month(2023, 13), 0);
	expect_int(u, "date_days_in_month 0", date_days_in_month(2023, 0), 0);
	expect_int(u, "date_valid 2024-02-29", date_valid(2024, 2, 29), 1);
	expect_int(u, "date_valid 3000-01-01", date_valid(3000, 1, 1), 0);
	expect_int(u, "date_valid day 0", date_valid(2023, 1, 0), 0);

	date d1 = {2023, 8, 4}, d2 = {2024, 1, 15}, d3 = {2024, 2, 28}, d4 = {2023, 12, 10};
	date d5 = {2024, 1, 5}, bad = {2023, 2, 30};
	expect_str(u, "date_long 04 tháng 8", date_long(&d1, 0), "ngày 04 tháng 8 năm 2023");
	expect_str(u, "date_long tháng 01", date_long(&d2, 0), "ngày 15 tháng 01 năm 2024");
	expect_str(u, "date_long tháng 02", date_long(&d3, 0), "ngày 28 tháng 02 năm 2024");
	expect_str(u, "date_long tháng 12", date_long(&d4, 0), "ngày 10 tháng 12 năm 2023");
	{
		date a = {2022, 12, 31}, b = {2023, 1, 1}, c = {2023, 1, 2}, e = {2023, 2, 1};
		expect_int(u, "date_before across a year", date_before(&a, &b), 1);
		expect_int(u, "date_before by the day", date_before(&b, &c), 1);
		expect_int(u, "date_before by the month", date_before(&c, &e), 1);
		expect_int(u, "date_before the same day", date_before(&b, &b), 0);
		expect_int(u, "date_before later", date_before(&e, &a), 0);
	}
	expect_str(u, "date_long draft", date_long(&d1, 1),
		   "ngày \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0 tháng 8 năm 2023");
	expect_str(u, "date_long invalid", date_long(&bad, 0), NULL);
	expect_str(u, "date_long NULL", date_long(NULL, 0), NULL);
	expect_str(u, "date_short 04/8/2023", date_short(&d1, 0), "04/8/2023");
	expect_str(u, "date_short 05/01/2024", date_short(&d5, 0), "05/01/2024");
	expect_str(u, "date_short draft keeps month 01", date_short(&d5, 1),
		   "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/01/2024");
	expect_str(u, "date_short draft month 8", date_short(&d1, 1),
		   "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/8/2023");
	expect_str(u, "date_short 10/12/2023", date_short(&d4, 0), "10/12/2023");
	expect_str(u, "date_short invalid", date_short(&bad, 0), NULL);
}

/* ---- num -------------------------------------------------------------------------- */

static void test_num(unit *u)
{
	static const struct {
		int n;
		const char *want;
	} roman[] = {
		{1, "I"},
		{4, "IV"},
		{9, "IX"},
		{14, "XIV"},
		{40, "XL"},
		{90, "XC"},
		{400, "CD"},
		{1994, "MCMXCIV"},
		{3888, "MMMDCCCLXXXVIII"},
		{3999, "MMMCMXCIX"},
		{0, NULL},
		{4000, NULL},
		{-1, NULL},
	};
	for (size_t i = 0; i < sizeof roman / sizeof roman[0]; i++) {
		char name[40];
		snprintf(name, sizeof name, "num_roman %d", roman[i].n);
		expect_str(u, name, num_roman(roman[i].n), roman[i].want);
	}

	expect_str(u, "num_pad 5,2", num_pad(5, 2), "05");
	expect_str(u, "num_pad 123,2", num_pad(123, 2), "123");
	expect_str(u, "num_pad 0,3", num_pad(0, 3), "000");
	expect_str(u, "num_pad 7,0", num_pad(7, 0), "7");
	expect_str(u, "num_pad 7,-3", num_pad(7, -3), "7");
	expect_str(u, "num_pad negative", num_pad(-1, 2), NULL);
	expect_str(u, "num_pad too wide", num_pad(1, NUM_PAD_WIDTH_MAX + 1), NULL);

	static const struct {
		int n;
		const char *want;
	} alpha[] = {
		{1, "a"},    {2, "b"},     {4, "d"},   {5, "đ"},   {6, "e"},   {7, "g"},
		{23, "y"},   {24, "aa"},   {25, "ab"}, {28, "ađ"}, {46, "ay"}, {47, "ba"},
		{552, "yy"}, {553, "aaa"}, {0, NULL},  {-5, NULL},
	};
	for (size_t i = 0; i < sizeof alpha / sizeof alpha[0]; i++) {
		char name[40];
		snprintf(name, sizeof name, "num_alpha %d", alpha[i].n);
		expect_str(u, name, num_alpha(alpha[i].n), alpha[i].want);
	}
	char *big = num_alpha(2147483647);
	expect(u, "num_alpha INT_MAX", big && strlen(big) > 0, "returned NULL or empty");
	free(big);
}

/* Groups in other files report through this callback (they cannot see unit). */
void test_xpath(void (*check)(int ok, const char *name, const char *detail));
void test_ttf(void (*check)(int ok, const char *name, const char *detail));
void test_pdf(void (*check)(int ok, const char *name, const char *detail));
static unit *current;

static void check_cb(int ok, const char *name, const char *detail)
{
	expect(current, name, ok, detail);
}

static void test_xpath_group(unit *u)
{
	(void)u;
	test_xpath(check_cb);
}

static void test_ttf_group(unit *u)
{
	(void)u;
	test_ttf(check_cb);
}

static void test_pdf_group(unit *u)
{
	(void)u;
	test_pdf(check_cb);
}

/* Runs one group and prints "group NAME: N passed, M failed": the test driver counts
 * each group as one case. */
/* A .mo file in memory (GNU gettext's format, as msgfmt writes it): n texts, keys sorted,
 * each key and translation given with its length (plural keys hold a NUL). g_malloc()ed,
 * *len its size. */
static char *make_mo(int n, const char *const *keys, const size_t *klen, const char *const *vals,
		     const size_t *vlen, unsigned long *len)
{
	size_t size = 28 + 16 * (size_t)n, off;
	char *mo;
	uint32_t w;

	for (int i = 0; i < n; i++)
		size += klen[i] + 1 + vlen[i] + 1;
	mo = g_malloc0(size);
	w = 0x950412de;
	memcpy(mo, &w, 4);
	w = (uint32_t)n;
	memcpy(mo + 8, &w, 4);
	w = 28;
	memcpy(mo + 12, &w, 4);
	w = 28 + 8 * (uint32_t)n;
	memcpy(mo + 16, &w, 4);
	off = 28 + 16 * (size_t)n;
	for (int t = 0; t < 2; t++)
		for (int i = 0; i < n; i++) {
			const char *str = t ? vals[i] : keys[i];
			size_t l = t ? vlen[i] : klen[i];
			uint32_t pair[2] = {(uint32_t)l, (uint32_t)off};
			memcpy(mo + 28 + 8 * (size_t)n * (size_t)t + 8 * (size_t)i, pair, 8);
			memcpy(mo + off, str, l);
			off += l + 1;
		}
	*len = size;
	return mo;
}

/* Choosing the language, and reading catalogs, good and damaged. */
static void test_i18n(unit *u)
{
	char names[4][I18N_NAME_MAX];
	int n;
	static const char *const keys[] = {"", "%d task\0%d tasks", "error", "zzz"};
	static const size_t klen[] = {0, 16, 5, 3};
	static const char *const vals[] = {"Language: vi\nPlural-Forms: nplurals=1; plural=0;\n",
					   "%d nhiệm vụ", "lỗi", ""};
	size_t vlen[4];
	unsigned long len;
	char *mo;

	n = i18n_choose("vi", "en", "C", NULL, NULL, names, 4);
	expect(u, "i18n: --lang wins", n == 1 && strcmp(names[0], "vi") == 0, "vi");
	n = i18n_choose(NULL, NULL, NULL, NULL, "vi_VN.UTF-8", names, 4);
	expect(u, "i18n: LANG=vi_VN.UTF-8 without a generated locale",
	       n == 1 && strcmp(names[0], "vi_VN") == 0, "vi_VN");
	n = i18n_choose(NULL, "vi:en", "C.UTF-8", NULL, "en_US.UTF-8", names, 4);
	expect(u, "i18n: LANGUAGE over C.UTF-8",
	       n == 3 && strcmp(names[0], "vi") == 0 && strcmp(names[1], "en") == 0 &&
		       strcmp(names[2], "C") == 0,
	       "vi, en, C");
	n = i18n_choose(NULL, "vi", "C", NULL, "vi_VN.UTF-8", names, 4);
	expect(u, "i18n: LC_ALL=C ignores LANGUAGE (POSIX output)",
	       n == 1 && strcmp(names[0], "en") == 0, "en");
	n = i18n_choose(NULL, "vi", NULL, NULL, NULL, names, 4);
	expect(u, "i18n: no locale at all is English", n == 1 && strcmp(names[0], "en") == 0, "en");
	n = i18n_choose(NULL, NULL, NULL, "vi_VN@tcvn", "en_GB", names, 4);
	expect(u, "i18n: LC_MESSAGES over LANG, modifier removed",
	       n == 1 && strcmp(names[0], "vi_VN") == 0, "vi_VN");

	for (int i = 0; i < 4; i++)
		vlen[i] = strlen(vals[i]);
	mo = make_mo(4, keys, klen, vals, vlen, &len);
	expect_int(u, "i18n: a catalog loads", i18n_load_mo(mo, len), 0);
	expect(u, "i18n: a text is translated", strcmp(_("error"), "lỗi") == 0, "lỗi");
	expect(u, "i18n: an empty translation is the English", strcmp(_("zzz"), "zzz") == 0, "zzz");
	expect(u, "i18n: an unknown text stays English", strcmp(_("warning"), "warning") == 0,
	       "warning");
	expect(u, "i18n: one plural form for Vietnamese",
	       strcmp(P_("%d task", "%d tasks", 5), "%d nhiệm vụ") == 0 &&
		       strcmp(P_("%d task", "%d tasks", 1), "%d nhiệm vụ") == 0,
	       "%d nhiệm vụ");
	expect(u, "i18n: the header is not a translation of \"\"", strcmp(_(""), "") == 0, "\"\"");

	/* damaged catalogs are refused whole, and English stays */
	i18n_shutdown();
	mo = make_mo(4, keys, klen, vals, vlen, &len);
	expect_int(u, "i18n: a truncated catalog is refused", i18n_load_mo(mo, len - 10), -1);
	mo = make_mo(4, keys, klen, vals, vlen, &len);
	mo[8] = (char)0xff; /* more texts than the file holds */
	expect_int(u, "i18n: a wrong count is refused", i18n_load_mo(mo, len), -1);
	mo = make_mo(4, keys, klen, vals, vlen, &len);
	mo[0] = 'x';
	expect_int(u, "i18n: a wrong magic is refused", i18n_load_mo(mo, len), -1);
	mo = make_mo(4, keys, klen, vals, vlen, &len);
	mo[28 + 8 + 4] = (char)0xf0; /* an offset beyond the end */
	expect_int(u, "i18n: an offset outside the file is refused", i18n_load_mo(mo, len), -1);
	expect(u, "i18n: English after refusals",
	       strcmp(_("error"), "error") == 0 && strcmp(i18n_language(), "en") == 0, "error, en");
	expect(u, "i18n: no catalog, English plurals",
	       strcmp(P_("%d task", "%d tasks", 1), "%d task") == 0 &&
		       strcmp(P_("%d task", "%d tasks", 2), "%d tasks") == 0,
	       "%d task / %d tasks");
}

/* i18n_vformat with its arguments into a buffer of size bytes: the text in language (to
 * free), with the length it would have had in *n when n is not NULL. */
static char *formatted_n(size_t size, int *n, const char *language, const char *fmt, ...)
{
	char *buf = malloc(size);
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = i18n_vformat(buf, size, language, fmt, ap);
	va_end(ap);
	if (n != NULL)
		*n = len;
	return buf;
}
#define formatted(...) formatted_n(256, NULL, __VA_ARGS__)

/* Numbers in messages, the Vietnamese way: the decimal comma, and dots between the
 * thousands of a number given the ' flag; English as printf writes them. */
static void test_msg(unit *u)
{
	expect_str(u, "msg: a decimal in Vietnamese", formatted("vi", "%.1f mm", 12.5), "12,5 mm");
	expect_str(u, "msg: %g in Vietnamese", formatted("vi", "từ %g đến %g", 0.5, 3.0),
		   "từ 0,5 đến 3");
	expect_str(u, "msg: grouped in Vietnamese",
		   formatted("vi", "%'d, %'ld, %'u, %'zu", 1080, 2000000L, 999u, (size_t)16384),
		   "1.080, 2.000.000, 999, 16.384");
	expect_str(u, "msg: a negative number grouped", formatted("vi", "%'d", -1234567),
		   "-1.234.567");
	expect_str(u, "msg: a grouped decimal", formatted("vi_VN", "%'.1f MB", 12345.25),
		   "12.345,2 MB");
	expect_str(u, "msg: no ' flag, no grouping (years, lines)",
		   formatted("vi", "năm %d, dòng %ld", 2024, 10000L), "năm 2024, dòng 10000");
	expect_str(u, "msg: strings, widths, precision and %%",
		   formatted("vi", "%s|%.3s|%.*s|%5d|%-3c|%04X|100%%", "abc", "abcdef", 2, "xyz",
			     42, 'x', 0xBEEF),
		   "abc|abc|xy|   42|x  |BEEF|100%");
	expect_str(u, "msg: English as printf", formatted("en", "%'d and %.1f", 1080, 12.5),
		   "1080 and 12.5");
	expect_str(u, "msg: a language without marks of its own", formatted("fr", "%.1f", 0.5),
		   "0.5");
	int n;
	expect_str(u, "msg: cut to the buffer", formatted_n(6, &n, "vi", "%'d", 123456789),
		   "123.4");
	expect_int(u, "msg: the length it would have had", n, 11);
}

/* The files a run reads, which no output may replace (out.c): each noted once, the bound
 * said rather than a file left unguarded, and what cover.c reads ahead carried over. */
static void test_diag(unit *u)
{
	struct diag d, ahead;
	int noted = 1;

	diag_init(&d);
	diag_init(&ahead);
	expect_int(u, "diag: no input at first", diag_is_input(&d, 1, 2), 0);
	for (int i = 0; i < DIAG_INPUTS_MAX; i++)
		noted &= diag_note_input(&d, 7, (ino_t)(100 + i));
	expect_int(u, "diag: DIAG_INPUTS_MAX files noted", noted, 1);
	expect_int(u, "diag: a file noted again is known", diag_note_input(&d, 7, 100), 1);
	expect_int(u, "diag: one file too many is refused", diag_note_input(&d, 7, 99), 0);
	expect_int(u, "diag: the refused one is not an input", diag_is_input(&d, 7, 99), 0);
	expect_int(u, "diag: the same inode on another device is not", diag_is_input(&d, 8, 100),
		   0);
	expect_int(u, "diag: the last noted is", diag_is_input(&d, 7, 100 + DIAG_INPUTS_MAX - 1),
		   1);
	diag_set_muted(&ahead, 1);
	diag_note_input(&ahead, 9, 1);
	diag_init(&d);
	diag_add_inputs(&d, &ahead);
	expect_int(u, "diag: a muted diag's inputs carried over", diag_is_input(&d, 9, 1), 1);
	diag_reset(&d);
	expect_int(u, "diag: kept through diag_reset", diag_is_input(&d, 9, 1), 1);

	/* diag_once across workers: a key said by one is not said by another sharing the
	 * table (two diags here, as two forked copies of the run's) */
	static struct diag_shared table;
	struct diag w1, w2;
	diag_init(&w1);
	diag_init(&w2);
	diag_share_once(&w1, &table);
	diag_share_once(&w2, &table);
	expect_int(u, "diag: once, first worker", diag_once(&w1, "one-line x"), 1);
	expect_int(u, "diag: once, second worker", diag_once(&w2, "one-line x"), 0);
	expect_int(u, "diag: once, another key", diag_once(&w2, "one-line y"), 1);
	expect_int(u, "diag: once, again in the first", diag_once(&w1, "one-line x"), 0);
	diag_share_once(&w2, NULL);
	expect_int(u, "diag: once, unshared: its own set only", diag_once(&w2, "one-line z"), 1);
}

static void group(unit *u, const char *name, void (*fn)(unit *))
{
	int p = u->passed, f = u->failed;

	fn(u);
	printf("group %s: %d passed, %d failed\n", name, u->passed - p, u->failed - f);
}

int main(void)
{
	unit u = {0, 0};
	current = &u;
	xmlread_init(); /* libxml2 prints nothing of its own, as in vbgen */
	group(&u, "text", test_text);
	group(&u, "date", test_date);
	group(&u, "num", test_num);
	group(&u, "i18n", test_i18n);
	group(&u, "msg", test_msg);
	group(&u, "diag", test_diag);
	group(&u, "xpath", test_xpath_group);
	group(&u, "ttf", test_ttf_group);
	group(&u, "pdf", test_pdf_group);
	printf("unit: %d passed, %d failed\n", u.passed, u.failed);
	return u.failed > 0;
}
