/* fuzz_layout.c - fuzz target: the layout of a small document (layout.c, table.c, page.c
 * with Pango) on any text. The input, split at '|', is the text of a body paragraph, of
 * an appendix task (a table cell) and of an agency's name (another cell); it is made
 * valid UTF-8 and XML character data first (anything else the reader refuses, which
 * fuzz_plan covers). The plan (tests/check/ok-minimal.xml's) is expanded with the bundled
 * plan template, appendix included, and laid out into pages that are then dropped.
 * Seeds: tests/fuzz/layout-seeds/ and the texts of samples/. */
#include "check.h"
#include "diag.h"
#include "doc.h"
#include "fonts.h"
#include "fuzz.h"
#include "page.h"
#include "plan.h"
#include "template.h"
#include "xpath.h"

#include <glib.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The plan around the three texts (%s: paragraph, task, agency name). */
static const char plan_fmt[] =
	"<plan version=\"1\"><document><issuer><name>Ủy ban nhân dân huyện Cam Lộ</name>"
	"<short>UBND huyện Cam Lộ</short></issuer><place>Cam Lộ</place><number>12</number>"
	"<symbol>KH-UBND</symbol><date>2023-08-28</date><kind>Kế hoạch</kind>"
	"<summary>Cải thiện Chỉ số cải cách hành chính năm 2023</summary></document>"
	"<body><p>%s</p><section id=\"nhiem-vu\"><title>Nhiệm vụ và giải pháp</title>"
	"<item>Giải quyết hồ sơ đúng hạn.</item></section></body>"
	"<agencies><group id=\"phong\"><name>Các phòng, ban thuộc UBND huyện</name></group>"
	"<agency id=\"phong-noi-vu\" group=\"phong\"><name>%s</name></agency></agencies>"
	"<appendix id=\"phu-luc\"><title>Phân công nhiệm vụ</title>"
	"<task id=\"t01\" section=\"nhiem-vu\" lead=\"phong-noi-vu\"><text>%s</text>"
	"<deadline>Thường xuyên</deadline></task></appendix>"
	"<signature><title>Chủ tịch</title><name>Lê Đức Thịnh</name></signature>"
	"<recipients><to>Sở Nội vụ</to><archive>VT</archive></recipients></plan>";

static template *plan_template;
static fonts *fts;

/* Text as XML character data: valid UTF-8, markup escaped, characters XML 1.0 refuses
 * replaced by spaces. Returns a g_malloc()ed string. */
static char *xml_text(const char *s, gssize n)
{
	char *valid = g_utf8_make_valid(s, n);
	GString *out = g_string_new(NULL);

	for (const char *c = valid; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if ((u < 0x20 && u != '\t' && u != '\n' && u != '\r') || u == 0xFFFE ||
		    u == 0xFFFF || (u >= 0xD800 && u <= 0xDFFF))
			g_string_append_c(out, ' ');
		else if (u == '<')
			g_string_append(out, "&lt;");
		else if (u == '&')
			g_string_append(out, "&amp;");
		else if (u == '>')
			g_string_append(out, "&gt;");
		else
			g_string_append_len(out, c, g_utf8_next_char(c) - c);
	}
	g_free(valid);
	return g_string_free(out, FALSE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[3] = {"Ủy ban nhân dân huyện ban hành Kế hoạch như sau:",
				"Theo dõi việc giải quyết hồ sơ", "Phòng Nội vụ"};
	char *text[3] = {NULL, NULL, NULL}, *xml;
	const char *s = (const char *)data, *end = s + size;
	plan *p = NULL;

	fuzz_setup();
	if (plan_template == NULL) {
		plan_template = template_load(fuzz_diag(), "plan");
		fts = plan_template != NULL ? fonts_open(fuzz_diag()) : NULL;
		if (fts == NULL) {
			fprintf(stderr,
				"fuzz_layout: cannot load the plan template or the fonts\n");
			abort();
		}
	}
	for (int i = 0; i < 3 && s <= end; i++) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *stop = bar != NULL ? bar : end;
		text[i] = xml_text(s, stop - s);
		if (text[i][0] != '\0')
			parts[i] = text[i];
		s = stop + 1;
	}
	xml = g_strdup_printf(plan_fmt, parts[0], parts[2], parts[1]);
	if (plan_read(fuzz_diag(), fuzz_write("plan.xml", (const uint8_t *)xml, strlen(xml)), &p) ==
		    EXIT_OK &&
	    check_plan(fuzz_diag(), p) == 0) {
		xmlXPathContextPtr ctx = xpath_new(p);
		doc *d;
		xmlXPathRegisterVariable(ctx, BAD_CAST "with-appendix", xmlXPathNewBoolean(1));
		d = template_expand(fuzz_diag(), plan_template, ctx, NULL);
		if (d != NULL)
			page_free(page_layout(fts, d, NULL, NULL));
		fonts_forget_reports(fts);
		doc_free(d);
		xpath_free(ctx);
	}
	plan_free(p);
	g_free(xml);
	for (int i = 0; i < 3; i++)
		g_free(text[i]);
	diag_reset(fuzz_diag());
	return 0;
}
