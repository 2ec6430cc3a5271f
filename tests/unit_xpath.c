/* unit_xpath.c - unit tests of the template XPath functions (gen/xpath.c).
 *
 * Reads a small valid plan from a temporary file, the way vbgen reads one, and evaluates
 * compiled expressions through xpath_string/xpath_bool/xpath_nodes, so that the tests
 * exercise exactly the path templates take. The one public function, test_xpath(), is
 * called by tests/unit.c with its check() reporter. */
#include "check.h"
#include "plan.h"
#include "xpath.h"

#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void test_xpath(void (*check)(int ok, const char *name, const char *detail));

/* Two groups, four agencies (one with a short name), five tasks that lead and support
 * directly and through groups, and targets for a group and for one agency. */
static const char plan_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<plan version=\"1\">\n"
	"  <document>\n"
	"    <issuer>\n"
	"      <name>Ủy ban nhân dân huyện Cam Lộ</name>\n"
	"      <short>UBND huyện Cam Lộ</short>\n"
	"      <header><line>Ủy ban nhân dân</line><line>huyện Cam Lộ</line></header>\n"
	"    </issuer>\n"
	"    <place>\n      Cam Lộ  </place>\n"
	"    <number/>\n"
	"    <symbol>KH-UBND</symbol>\n"
	"    <date>2023-08-28</date>\n"
	"    <kind>Kế hoạch</kind>\n"
	"    <summary>Cải thiện Chỉ số cải cách hành chính năm 2023</summary>\n"
	"  </document>\n"
	"  <body>\n"
	"    <section id=\"muc-dich\"><title>Mục đích</title><p>Nâng cao chỉ số.</p></section>\n"
	"  </body>\n"
	"  <agencies>\n"
	"    <group id=\"phong\"><name>Các phòng, ban thuộc UBND huyện</name></group>\n"
	"    <group id=\"xa\"><name>UBND các xã, thị trấn</name></group>\n"
	"    <agency id=\"phong-noi-vu\" group=\"phong\"><name>Phòng Nội vụ</name>"
	"<short>Nội vụ</short></agency>\n"
	"    <agency id=\"phong-tu-phap\" group=\"phong\"><name>Phòng Tư pháp</name></agency>\n"
	"    <agency id=\"xa-cam-thanh\" group=\"xa\"><name>UBND xã Cam Thành</name></agency>\n"
	"    <agency id=\"xa-cam-hieu\" group=\"xa\"><name>UBND xã Cam Hiếu</name></agency>\n"
	"  </agencies>\n"
	"  <appendix id=\"pl1\">\n"
	"    <title>Phân công nhiệm vụ</title>\n"
	"    <task id=\"t01\" section=\"muc-dich\" lead=\"phong-noi-vu\" support=\"xa\">"
	"<text>Một</text><deadline>Thường xuyên</deadline></task>\n"
	"    <task id=\"t02\" section=\"muc-dich\" lead=\"xa\" support=\"phong-tu-phap\">"
	"<text>Hai</text><deadline year=\"2024\"/></task>\n"
	"    <task id=\"t03\" section=\"muc-dich\" lead=\"phong\" "
	"support=\"xa-cam-thanh phong-noi-vu\"><text>Ba</text>"
	"<deadline date=\"2023-12-31\"/></task>\n"
	"    <task id=\"t04\" section=\"muc-dich\" lead=\"xa-cam-thanh\" support=\"phong\">"
	"<text>Bốn</text><deadline quarter=\"4\" year=\"2023\"/></task>\n"
	"    <task id=\"t05\" section=\"muc-dich\" lead=\"phong-tu-phap\" "
	"support=\"xa xa-cam-hieu\"><text>Năm</text><deadline>Hằng quý</deadline></task>\n"
	"  </appendix>\n"
	"  <commitments>\n"
	"    <date>2023-09-05</date>\n"
	"    <summary>Thực hiện nhiệm vụ năm 2023</summary>\n"
	"    <receiver><title>Chủ tịch UBND huyện Cam Lộ</title><name>Lê Đức "
	"Thịnh</name></receiver>\n"
	"    <targets for=\"xa\"><item>Nhóm xã</item></targets>\n"
	"    <targets for=\"xa-cam-thanh\"><item>Riêng Cam Thành</item></targets>\n"
	"    <targets for=\"phong\"><item>Nhóm phòng</item></targets>\n"
	"  </commitments>\n"
	"  <signature><title>Chủ tịch</title><name>Lê Đức Thịnh</name></signature>\n"
	"  <recipients><to>Sở Nội vụ</to><archive>VT</archive></recipients>\n"
	"</plan>\n";

/* What one run shares: the reporter, the context, and the error libxml2 raised last. */
struct run {
	void (*check)(int ok, const char *name, const char *detail);
	xmlXPathContextPtr ctx;
	int errors; /* XPath errors seen since the last reset */
	int last_code;
};

/* Collects XPath errors instead of printing them: the arity tests expect errors. */
static void on_xpath_error(void *data, xmlErrorPtr e)
{
	struct run *r = data;

	if (e != NULL) {
		r->errors++;
		r->last_code = e->code;
	}
}

/* xpath_string() or xpath_text() */
typedef char *(*stringify)(xmlXPathContextPtr, xmlXPathCompExprPtr, xmlNodePtr);

/* Evaluates expr at node as a string (by as); returns NULL when it fails to compile or
 * run. */
static char *eval_as(struct run *r, const char *expr, xmlNodePtr node, stringify as)
{
	xmlXPathCompExprPtr comp = xmlXPathCompile(BAD_CAST expr);
	char *s;

	if (comp == NULL)
		return NULL;
	s = as(r->ctx, comp, node);
	xmlXPathFreeCompExpr(comp);
	return s;
}

static char *eval_string(struct run *r, const char *expr, xmlNodePtr node)
{
	return eval_as(r, expr, node, xpath_string);
}

/* Checks that expr evaluates to want, as a string made by as. */
static void expect_as(struct run *r, const char *name, const char *expr, const char *want,
		      stringify as)
{
	char *got = eval_as(r, expr, NULL, as);
	int ok = got != NULL && strcmp(got, want) == 0;
	char *detail = ok ? NULL
			  : g_strdup_printf("%s gave \"%s\", expected \"%s\"", expr,
					    got != NULL ? got : "(evaluation failed)", want);

	r->check(ok, name, ok ? "" : detail);
	g_free(detail);
	free(got);
}

/* Checks that expr's string value (xpath_string) is want. */
static void expect(struct run *r, const char *name, const char *expr, const char *want)
{
	expect_as(r, name, expr, want, xpath_string);
}

static void expect_bool(struct run *r, const char *name, const char *expr)
{
	xmlXPathCompExprPtr comp = xmlXPathCompile(BAD_CAST expr);
	int b = comp != NULL ? xpath_bool(r->ctx, comp, NULL) : -1;
	char *detail = g_strdup_printf("%s gave %d, expected true", expr, b);

	r->check(b == 1, name, b == 1 ? "" : detail);
	g_free(detail);
	xmlXPathFreeCompExpr(comp);
}

/* Checks that the node-set expr gives elements with exactly these ids, in this order. */
static void expect_ids(struct run *r, const char *name, const char *expr, const char *want)
{
	xmlXPathCompExprPtr comp = xmlXPathCompile(BAD_CAST expr);
	xmlXPathObjectPtr obj = comp != NULL ? xpath_nodes(r->ctx, comp, NULL) : NULL;
	GString *got = g_string_new(NULL);
	int ok;
	char *detail;

	for (int i = 0; obj != NULL && i < xmlXPathNodeSetGetLength(obj->nodesetval); i++) {
		const char *id = plan_attr(xmlXPathNodeSetItem(obj->nodesetval, i), "id");
		g_string_append_printf(got, "%s%s", i > 0 ? " " : "", id != NULL ? id : "?");
	}
	ok = obj != NULL && strcmp(got->str, want) == 0;
	detail = g_strdup_printf("%s gave [%s]%s, expected [%s]", expr, got->str,
				 obj == NULL ? " (not a node-set)" : "", want);
	r->check(ok, name, ok ? "" : detail);
	g_free(detail);
	g_string_free(got, TRUE);
	xmlXPathFreeObject(obj);
	xmlXPathFreeCompExpr(comp);
}

/* Checks that expr is an XPath error with the code of a wrong number of arguments. */
static void expect_arity_error(struct run *r, const char *name, const char *expr)
{
	char *got;
	int ok;
	char *detail;

	r->errors = 0;
	r->last_code = 0;
	got = eval_string(r, expr, NULL);
	ok = got == NULL && r->errors > 0 &&
	     r->last_code == XML_XPATH_EXPRESSION_OK + XPATH_INVALID_ARITY;
	detail = g_strdup_printf("%s gave \"%s\" with %d errors (last code %d), expected an "
				 "arity error (code %d)",
				 expr, got != NULL ? got : "(NULL)", r->errors, r->last_code,
				 XML_XPATH_EXPRESSION_OK + XPATH_INVALID_ARITY);
	r->check(ok, name, ok ? "" : detail);
	g_free(detail);
	free(got);
}

/* Writes the test plan to a temporary file and reads it like vbgen does. */
static plan *read_plan(struct run *r)
{
	char path[] = "/tmp/vbgen-xpath-XXXXXX";
	size_t len = sizeof plan_xml - 1;
	plan *p = NULL;
	int fd = mkstemp(path), rc;
	char *detail;
	struct diag d; /* its problems are printed, as vbgen's */

	diag_init(&d);

	if (fd < 0) {
		r->check(0, "xpath: temporary plan file", "mkstemp failed");
		return NULL;
	}
	if (write(fd, plan_xml, len) != (ssize_t)len) {
		r->check(0, "xpath: temporary plan file", "write failed");
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	rc = plan_read(&d, path, &p);
	unlink(path);
	detail = g_strdup_printf("plan_read returned %d (schema_ok %d)", rc,
				 p != NULL ? p->schema_ok : -1);
	r->check(rc == 0 && p != NULL, "xpath: the test plan is valid", rc == 0 ? "" : detail);
	g_free(detail);
	if (p == NULL)
		return NULL;
	/* the reader builds the whole plan: its ids are found before any check ran */
	r->check(plan_find(p, "t01") != NULL &&
			 plan_find(p, "t01") == g_ptr_array_index(p->tasks, 0),
		 "xpath: plan_read indexes the ids", "plan_find(\"t01\") before check_plan");
	rc = check_plan(&d, p);
	detail = g_strdup_printf("check_plan found %d problems", rc);
	r->check(rc == 0, "xpath: the test plan passes check_plan", rc == 0 ? "" : detail);
	g_free(detail);
	return p;
}

/* xpath_text(), what <value> prints: an element's or attribute's text without the file's
 * layout at its ends; a string keeps its spaces (a draft's blanks). */
static void expect_text(struct run *r, const char *name, const char *expr, const char *want)
{
	expect_as(r, name, expr, want, xpath_text);
}

static void test_value_text(struct run *r)
{
	expect_text(r, "xpath_text: an element's ends trimmed", "/plan/document/place", "Cam Lộ");
	expect_text(r, "xpath_text: string() keeps them", "string(/plan/document/place)",
		    "\n      Cam Lộ  ");
	expect_text(r, "xpath_text: a string keeps its spaces", "concat('  ', 'x', ' ')", "  x ");
	expect_text(r, "xpath_text: an attribute", "//task[1]/@id", "t01");
	expect_text(r, "xpath_text: nothing", "/plan/nothing", "");
}

static void test_text(struct run *r)
{
	test_value_text(r);
	expect(r, "xpath: upper", "upper('ủy ban nhân dân đ')", "ỦY BAN NHÂN DÂN Đ");
	expect(r, "xpath: upper of a node", "upper(/plan/document/issuer/name)",
	       "ỦY BAN NHÂN DÂN HUYỆN CAM LỘ");
	expect(r, "xpath: lower", "lower('ỦY BAN')", "ủy ban");
	expect(r, "xpath: upper of nothing", "upper(/plan/nothing)", "");
	expect(r, "xpath: roman", "roman(4)", "IV");
	expect(r, "xpath: roman of a count", "roman(count(//task))", "V");
	expect(r, "xpath: roman 0 is empty", "roman(0)", "");
	expect(r, "xpath: roman of a fraction is empty", "roman(2.5)", "");
	expect(r, "xpath: roman of text is empty", "roman('abc')", "");
	expect(r, "xpath: roman too large is empty", "roman(4000)", "");
	expect(r, "xpath: alpha", "concat(alpha(1), alpha(5), alpha(6), alpha(23))", "ađey");
	expect(r, "xpath: alpha 0 is empty", "alpha(0)", "");
	expect(r, "xpath: pad", "pad(5, 2)", "05");
	expect(r, "xpath: pad wider number", "pad(186, 2)", "186");
	expect(r, "xpath: pad negative is empty", "pad(-1, 2)", "");
	expect(r, "xpath: pad NaN width is empty", "pad(5, 'x')", "");
	expect(r, "xpath: spaces", "spaces(3)", "\u00a0\u00a0\u00a0");
	expect(r, "xpath: spaces clamped to 40", "string-length(spaces(100))", "40");
	expect(r, "xpath: spaces negative is empty", "spaces(-2)", "");
	expect(r, "xpath: spaces of text is empty", "spaces('x')", "");
}

static void test_dates(struct run *r)
{
	char *got;
	int ok;

	expect(r, "xpath: date-long", "date-long('2023-08-04')", "ngày 04 tháng 8 năm 2023");
	expect(r, "xpath: date-long with day", "date-long('2023-08-04', false())",
	       "ngày 04 tháng 8 năm 2023");
	expect(r, "xpath: date-long of a node", "date-long(/plan/commitments/date)",
	       "ngày 05 tháng 9 năm 2023");
	expect(r, "xpath: date-long January", "date-long('2024-01-15')",
	       "ngày 15 tháng 01 năm 2024");
	/* The blank's width is date.c's business: check only what surrounds it. */
	got = eval_string(r, "date-long('2023-08-04', true())", NULL);
	ok = got != NULL && strncmp(got, "ngày ", 6) == 0 && strstr(got, "04") == NULL &&
	     strlen(got) > strlen("ngày  tháng 8 năm 2023") &&
	     strcmp(got + strlen(got) - strlen(" tháng 8 năm 2023"), " tháng 8 năm 2023") == 0;
	r->check(ok, "xpath: date-long with blank day", got != NULL ? got : "(evaluation failed)");
	free(got);
	expect(r, "xpath: date-short", "date-short('2023-08-04')", "04/8/2023");
	expect(r, "xpath: date-short January", "date-short('2024-01-05')", "05/01/2024");
	expect(r, "xpath: date-year", "date-year('2023-08-04')", "2023");
	expect(r, "xpath: date-month", "date-month('2023-08-04') + 1", "9");
	expect(r, "xpath: date-day", "date-day('2023-08-04')", "4");
	expect(r, "xpath: date-year of a bad date is NaN", "date-year('2023-02-30')", "NaN");
	expect(r, "xpath: bad date-long is empty", "date-long('2023-02-30')", "");
	expect(r, "xpath: bad date-long with blank is empty", "date-long('hôm nay', true())", "");
	expect(r, "xpath: bad date-short is empty", "date-short('04/08/2023')", "");
}

static void test_agencies(struct run *r)
{
	expect(r, "xpath: agency-name of an agency", "agency-name('phong-noi-vu')", "Phòng Nội vụ");
	expect(r, "xpath: agency-name of a group", "agency-name('xa')", "UBND các xã, thị trấn");
	expect(r, "xpath: agency-name of an unknown id is empty", "agency-name('khong-co')", "");
	expect(r, "xpath: agency-name of a task id is empty", "agency-name('t01')", "");
	expect(r, "xpath: agency-name of nothing is empty", "agency-name(/plan/nothing)", "");
	expect(r, "xpath: agency-short", "agency-short('phong-noi-vu')", "Nội vụ");
	expect(r, "xpath: agency-short falls back to the name", "agency-short('phong-tu-phap')",
	       "Phòng Tư pháp");
	expect(r, "xpath: agency-names with sep", "agency-names('xa khong-co  phong-noi-vu', '; ')",
	       "UBND các xã, thị trấn; Phòng Nội vụ");
	expect(r, "xpath: agency-names of a support list",
	       "agency-names(//task[@id = 't03']/@support, ', ')",
	       "UBND xã Cam Thành, Phòng Nội vụ");
	expect(r, "xpath: agency-names of nothing", "agency-names('', ', ')", "");
	expect_ids(r, "xpath: agency of a group", "agency('xa')", "xa");
	expect_ids(r, "xpath: agency of an unknown id", "agency('khong-co')", "");
	expect(r, "xpath: agency gives the element", "agency('phong-noi-vu')/short", "Nội vụ");
}

static void test_tasks(struct run *r)
{
	expect_ids(r, "xpath: tasks-led directly and via the group", "tasks-led('phong-noi-vu')",
		   "t01 t03");
	expect_ids(r, "xpath: tasks-led via the group first in the file",
		   "tasks-led('xa-cam-thanh')", "t02 t04");
	expect_ids(r, "xpath: tasks-led of a group is the group's only", "tasks-led('xa')", "t02");
	expect_ids(r, "xpath: tasks-led of a member leading nothing", "tasks-led('xa-cam-hieu')",
		   "t02");
	/* phong-noi-vu supports t03 directly but leads it through its group: led wins */
	expect_ids(r, "xpath: tasks-supported leaves out the tasks it leads",
		   "tasks-supported('phong-noi-vu')", "t04");
	expect_ids(r, "xpath: tasks-supported via the group", "tasks-supported('xa-cam-thanh')",
		   "t01 t03 t05");
	expect_ids(r, "xpath: tasks-supported counts a task once", "tasks-supported('xa-cam-hieu')",
		   "t01 t05");
	expect_ids(r, "xpath: tasks-supported of a group", "tasks-supported('phong')", "t04");
	expect_ids(r, "xpath: tasks-led of an unknown id", "tasks-led('khong-co')", "");
	expect_ids(r, "xpath: tasks-led of a task id", "tasks-led('t01')", "");
	expect_ids(r, "xpath: tasks-led in a union", "tasks-led('phong-tu-phap') | tasks-led('xa')",
		   "t02 t03 t05");
	expect(r, "xpath: count(tasks-led) of a node", "count(tasks-led(//agency[3]/@id))", "2");
	expect(r, "xpath: count(targets-for) of a member with its own",
	       "count(targets-for('xa-cam-thanh'))", "2");
	expect(r, "xpath: count(targets-for) of a member", "count(targets-for('xa-cam-hieu'))",
	       "1");
	expect(r, "xpath: count(targets-for) of a group", "count(targets-for('xa'))", "1");
	expect(r, "xpath: count(targets-for) of an unknown id", "count(targets-for('khong-co'))",
	       "0");
	expect(r, "xpath: targets-for gives the group's first",
	       "string(targets-for('xa-cam-thanh')[1]/item)", "Nhóm xã");
	expect(r, "xpath: targets-for of a department", "string(targets-for('phong-tu-phap'))",
	       "Nhóm phòng");
}

static void test_context(struct run *r, plan *p)
{
	xmlXPathCompExprPtr comp;
	xmlXPathObjectPtr obj;
	char *got;
	int ok;

	/* The context node: a template evaluating at each task. */
	comp = xmlXPathCompile(BAD_CAST "agency-name(@lead)");
	got = comp != NULL ? xpath_string(r->ctx, comp, g_ptr_array_index(p->tasks, 1)) : NULL;
	ok = got != NULL && strcmp(got, "UBND các xã, thị trấn") == 0;
	r->check(ok, "xpath: evaluation at a node", got != NULL ? got : "(evaluation failed)");
	free(got);
	xmlXPathFreeCompExpr(comp);

	/* Variables, as the template engine binds them. */
	xmlXPathRegisterVariable(r->ctx, BAD_CAST "x", xmlXPathNewCString("xa-cam-thanh"));
	expect(r, "xpath: variable as an id", "agency-name($x)", "UBND xã Cam Thành");
	expect(r, "xpath: variable in tasks-led", "count(tasks-led($x))", "2");
	expect_bool(r, "xpath: xpath_bool", "count(tasks-supported($x)) = 3");
	expect_bool(r, "xpath: xpath_bool of NaN test", "date-day('x') != date-day('x')");

	comp = xmlXPathCompile(BAD_CAST "upper('a')");
	obj = comp != NULL ? xpath_nodes(r->ctx, comp, NULL) : NULL;
	r->check(obj == NULL, "xpath: xpath_nodes of a string is NULL", "got an object");
	xmlXPathFreeObject(obj);
	xmlXPathFreeCompExpr(comp);

	comp = xmlXPathCompile(BAD_CAST "/plan/nothing");
	obj = comp != NULL ? xpath_nodes(r->ctx, comp, NULL) : NULL;
	r->check(obj != NULL && obj->nodesetval != NULL && obj->nodesetval->nodeNr == 0,
		 "xpath: xpath_nodes of nothing is an empty set", "not an empty set");
	xmlXPathFreeObject(obj);
	xmlXPathFreeCompExpr(comp);

	expect_arity_error(r, "xpath: upper() is an arity error", "upper()");
	expect_arity_error(r, "xpath: upper(a, b) is an arity error", "upper('a', 'b')");
	expect_arity_error(r, "xpath: date-long with 3 arguments is an arity error",
			   "date-long('2023-08-04', true(), 1)");
	expect_arity_error(r, "xpath: agency-names with 1 argument is an arity error",
			   "agency-names('xa')");
	expect_arity_error(r, "xpath: tasks-led() is an arity error", "tasks-led()");
	expect_arity_error(r, "xpath: pad(1) is an arity error", "pad(1)");
	comp = xmlXPathCompile(BAD_CAST "count(//task) > 1");
	r->check(comp != NULL && xpath_bool(r->ctx, comp, NULL) == 1,
		 "xpath: the context works after an error", "");
	xmlXPathFreeCompExpr(comp);
}

/* Absolute paths as indexed variables (xpath_index_paths): what is rewritten, and that
 * the rewritten expression gives what the expression as written gives. */
static void expect_indexed(struct run *r, const char *name, const char *expr, const char *want)
{
	char *got = xpath_index_paths(expr);
	int ok = strcmp(got, want) == 0;
	char *detail = g_strdup_printf("%s became %s, expected %s", expr, got, want);

	r->check(ok, name, ok ? "" : detail);
	g_free(detail);
	g_free(got);
}

static void expect_same(struct run *r, const char *expr, xmlNodePtr node)
{
	char *indexed = xpath_index_paths(expr);
	char *a = eval_string(r, expr, node), *b = eval_string(r, indexed, node);
	char *name = g_strdup_printf("xpath: %s gives the same indexed", expr);
	char *detail = g_strdup_printf("%s gave \"%s\", %s gave \"%s\"", expr, a ? a : "(failed)",
				       indexed, b ? b : "(failed)");
	int ok = a != NULL && b != NULL && strcmp(a, b) == 0 && strcmp(indexed, expr) != 0;

	r->check(ok, name, ok ? "" : detail);
	g_free(name);
	g_free(detail);
	g_free(indexed);
	free(a);
	free(b);
}

static void test_paths(struct run *r, plan *p)
{
	expect_indexed(r, "xpath: an absolute path is indexed", "/plan/commitments/receiver/title",
		       "$vbgen_path.plan.commitments.receiver.title");
	expect_indexed(r, "xpath: paths inside an expression",
		       "count(/plan/commitments/common/item) + position()",
		       "count($vbgen_path.plan.commitments.common.item) + position()");
	expect_indexed(r, "xpath: up to a predicate", "/plan/appendix/task[@lead = 'x']/text",
		       "$vbgen_path.plan.appendix/task[@lead = 'x']/text");
	expect_indexed(r, "xpath: a path in a predicate",
		       "agency(@lead)[name = /plan/document/issuer/name]",
		       "agency(@lead)[name = $vbgen_path.plan.document.issuer.name]");
	expect_indexed(r, "xpath: up to //", "/plan/body//p", "$vbgen_path.plan.body//p");
	expect_indexed(r, "xpath: after operators", "1 div /plan/a/b*/plan/c/d or/plan/e/f",
		       "1 div $vbgen_path.plan.a.b*$vbgen_path.plan.c.d or$vbgen_path.plan.e.f");
	expect_indexed(r, "xpath: relative paths, one step, literals, axes and attributes stay",
		       "a/b/c | /plan | '/plan/x/y' | /child::plan/x | /plan/@version | "
		       "/plan/x:y/z | /plan/*/name | /plan/text() | $v/plan/x | ../plan/x",
		       "a/b/c | /plan | '/plan/x/y' | /child::plan/x | /plan/@version | "
		       "/plan/x:y/z | /plan/*/name | /plan/text() | $v/plan/x | ../plan/x");
	expect_indexed(r, "xpath: a multiplication is not a name test", "2 * /plan/a/b",
		       "2 * $vbgen_path.plan.a.b");
	expect_indexed(r, "xpath: a name test is not a multiplication", "/plan/*/a/b",
		       "/plan/*/a/b");
	expect_same(r, "/plan/commitments/receiver/title", NULL);
	expect_same(r, "count(/plan/commitments/targets) * 10 + count(/plan/appendix/task)", NULL);
	expect_same(r, "string(/plan/appendix/task[3]/text)", NULL);
	expect_same(r, "/plan/agencies/agency[last()]/name", NULL);
	expect_same(r,
		    "concat(/plan/document/issuer/name, '|', /plan/agencies/agency/name, '|', "
		    "/plan/commitments/targets[2]/@for)",
		    NULL);
	expect_same(r,
		    "concat(name, ' ', /plan/commitments/receiver/name, "
		    "count(/plan/commitments/targets))",
		    g_ptr_array_index(p->agencies, 2));
	expect_same(r, "/plan/document/nothing/here = ''", NULL);
	/* a node-set used twice: the kept set is copied, never handed out */
	expect_same(r, "count(/plan/appendix/task | /plan/appendix/task)", NULL);
	expect_same(r, "count(/plan/appendix/task)", NULL);
}

void test_xpath(void (*check)(int ok, const char *name, const char *detail))
{
	struct run r = {check, NULL, 0, 0};
	plan *p = read_plan(&r);

	if (p == NULL)
		return;
	r.ctx = xpath_new(p);
	check(r.ctx != NULL, "xpath: xpath_new", "returned NULL");
	if (r.ctx != NULL) {
		xpath_on_error(r.ctx, on_xpath_error, &r);
		test_text(&r);
		test_dates(&r);
		test_agencies(&r);
		test_tasks(&r);
		test_context(&r, p);
		test_paths(&r, p);
		xpath_free(r.ctx);
	}
	/* A context freed without ever building its tables. */
	xpath_free(xpath_new(p));
	xpath_free(NULL);
	plan_free(p);
}
