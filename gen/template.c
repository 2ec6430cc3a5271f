/* template.c - compiling templates to an op tree and expanding them into a doc.
 *
 * Compilation (template_load) reads the template XML once, resolves styles, pages and
 * definitions by name and compiles every XPath expression; every mistake is reported
 * with the template's file and line. Expansion (template_expand) walks the op tree with
 * one switch, evaluating the compiled expressions against the plan, and appends blocks
 * to the doc; nothing is parsed or compiled there, so expanding a letter per agency costs
 * only the evaluation. */
#include "template.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "paths.h"
#include "plan.h"
#include "text.h"
#include "xpath.h"
#include "xmlread.h"

#include <libxml/xmlerror.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)

/* Templates include each other (the plan includes its appendix); no real layout needs
 * more than a couple of levels, and a cycle must end. */
#define TEMPLATE_MAX_INCLUDE 4
/* The names of the templates being read, the outermost first (chain[depth] is the one
 * being compiled), to name an include cycle once, where it closes: template_load()'s,
 * shared by the templates it includes while they are compiled. */
#define TEMPLATE_CHAIN (TEMPLATE_MAX_INCLUDE + 2)

/* A signing place's name is a short word (signer, head, receiver): signing tools list it,
 * and vbgen sign's --field takes it (sign.h allows up to 64 bytes). */
#define TEMPLATE_MAX_FIELD_NAME 32
/* An attribute this close to one an element takes is offered as what was meant: two
 * letters off covers a typo or a swapped pair, not another word. */
#define TEMPLATE_SUGGEST_DISTANCE 2

enum op_kind {
	OP_TEXT,    /* literal text (white space already folded) */
	OP_VALUE,   /* the string value of an expression */
	OP_CONTENT, /* the inline content (text, <b>, <i>) of the selected plan nodes */
	OP_BOLD,    /* children in bold */
	OP_ITALIC,  /* children in italic */
	OP_PARA,    /* a paragraph */
	OP_GRID,    /* columns: children are OP_COL */
	OP_COL,
	OP_RULE,
	OP_SPACE,
	OP_BREAK,
	OP_FOR, /* children once per selected node */
	OP_IF,  /* children when the test holds, else the OP_ELSE child's */
	OP_ELSE,
	OP_CALL,    /* a definition's children */
	OP_INCLUDE, /* another template's document */
	OP_TABLE,   /* a table: OP_TCOL columns, then OP_THEAD?, OP_TGROUP / OP_TROW */
	OP_TCOL,
	OP_TROW,   /* one row: OP_TCELL children, each like a paragraph */
	OP_TGROUP, /* one group row spanning all columns, like a paragraph */
	OP_TCELL,
	OP_LET,       /* binds $text to the value of expr for the rest of the enclosing list */
	OP_BR,        /* a line break inside a paragraph */
	OP_PLANTABLE, /* the tables of the plan that expr selects, laid out as tables */
	OP_FIELD,     /* a signing place: in a <space> (its children), or on the page */
};

typedef struct op op;
struct op {
	enum op_kind kind;
	const char *file; /* the template file it is written in (its own or an import) */
	long line;
	op *child, *next;
	char *text;               /* OP_TEXT; OP_CALL, OP_FOR, OP_LET: name */
	xmlXPathCompExprPtr expr; /* OP_VALUE, OP_CONTENT, OP_FOR, OP_IF, OP_LET */
	const doc_style *style;   /* OP_PARA, OP_TCELL, OP_TGROUP */
	const doc_page *page;     /* OP_BREAK */
	op *target;               /* OP_CALL: the definition */
	template *include;        /* OP_INCLUDE */
	int keep_with_next, keep_together, keep_with_prev, restart, bookmark;
	int list;    /* OP_PARA: a list item, labelled by its first word */
	int level;   /* OP_GRID: the columns' blocks stand level, row by row */
	int in_para; /* OP_CALL: called inside a paragraph; a definition's holder: inline="yes" */
	double a, b, c;                /* OP_RULE: fraction, thickness, gap; OP_SPACE: height;
					* OP_TABLE: border, padding */
	int ncols;                     /* OP_GRID, OP_TABLE */
	double *widths;                /* OP_GRID fractions; OP_TABLE column widths */
	const doc_style **head_styles; /* OP_TABLE */
	const doc_style **cell_styles;
	char **captions;
	op **caption_ops;            /* OP_TABLE: a <column>'s <caption> with logic, or NULL */
	const doc_style *aligned[3]; /* OP_PLANTABLE: cell styles for left, center, right */
	doc_field field;             /* OP_FIELD (its name in text) */
};

struct template
{
	char *path;
	xmlDocPtr xml;           /* kept for the error lines; freed with the template */
	GPtrArray *imports;      /* xmlDocPtr of the imported templates (owned) */
	GPtrArray *import_paths; /* the file of each (owned), named by their ops' messages */
	GPtrArray *styles;       /* doc_style *, owned */
	GPtrArray *variants;     /* doc_style *, owned: the smaller sizes of shrink-to styles */
	GPtrArray *pages;        /* doc_page *, owned, with their names in page_names */
	GPtrArray *page_names;
	GPtrArray *defines; /* op * (OP_CALL targets: kind OP_COL used as a holder) */
	GPtrArray *define_names;
	GPtrArray *define_files;     /* the file of each definition (borrowed) */
	GPtrArray *ops;              /* every op, for freeing */
	GPtrArray *includes;         /* template *, owned */
	op *document;                /* the document's blocks */
	const doc_page *page;        /* the document's first geometry */
	xmlXPathCompExprPtr meta[5]; /* title, author, subject, keywords, date */
	xmlXPathContextPtr cctx;     /* compiles the expressions; its errors: compile_words */
	const char *compile_words;   /* the first XPath error of the expression being compiled */
	int errors;
	int include_depth;
	struct diag *d;     /* where its compilation's problems are said */
	const char **chain; /* while it is compiled: the include chain (TEMPLATE_CHAIN) */
};

static const char *const meta_names[] = {"title", "author", "subject", "keywords", "date"};

/* The file a template node was read from: the template's own, or a template it imports. */
static const char *node_file(const template *t, xmlNodePtr n)
{
	for (guint i = 0; t->imports != NULL && i < t->imports->len; i++)
		if (n->doc == g_ptr_array_index(t->imports, i))
			return g_ptr_array_index(t->import_paths, i);
	return t->path;
}

/* Reports message id (an error) about the template's element n (fmt: the id's text, for
 * the compiler's checks: call terr(), msg.h). */
static void terr_at(template *t, xmlNodePtr n, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define terr(t, n, id, ...) terr_at(t, n, id, id##_FMT, ##__VA_ARGS__)

static void terr_at(template *t, xmlNodePtr n, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt;
	va_start(ap, fmt);
	msg_v(t->d, n != NULL ? node_file(t, n) : t->path, xmlread_line(n), id, ap);
	va_end(ap);
	t->errors++;
}

static int is(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* ---------------------------------------------------------------- attribute values */

static const char *attr(xmlNodePtr n, const char *name)
{
	return plan_attr(n, name);
}

/* Parses a length: "20mm", "1.27cm", "14pt", "14" (points), "0.5in". Returns 0 on success. */
static int parse_length(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL)
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	while (*end == ' ')
		end++;
	if (*end == '\0' || strcmp(end, "pt") == 0)
		*out = v;
	else if (strcmp(end, "mm") == 0)
		*out = v * MM;
	else if (strcmp(end, "cm") == 0)
		*out = v * 10 * MM;
	else if (strcmp(end, "in") == 0)
		*out = v * 72;
	else
		return -1;
	return isfinite(*out) ? 0 : -1;
}

/* Layout numbers have no defaults in C: a template that leaves one out is told so, with
 * an example. Returns 1 when the attribute is there. */
static int need(template *t, xmlNodePtr n, const char *name, const char *example)
{
	if (attr(n, name) != NULL)
		return 1;
	terr(t, n, MSG_TPL_NEEDS_EXAMPLE_SIZE, (const char *)n->name, name, name, example);
	return 0;
}

static double length_attr(template *t, xmlNodePtr n, const char *name, double dflt)
{
	const char *s = attr(n, name);
	double v;

	if (s == NULL)
		return dflt;
	if (parse_length(s, &v) != 0 || v < -1000 || v > 5000) {
		terr(t, n, MSG_TPL_LENGTH_MM_CM, name, s);
		return dflt;
	}
	return v;
}

/* A length that only adds room (a paragraph's side margins and spaces, a border, a gap):
 * negative, it would set lines over one another or off the paper, so it is refused. */
static double room_attr(template *t, xmlNodePtr n, const char *name, double dflt)
{
	double v = length_attr(t, n, name, dflt);

	if (v < 0) {
		terr(t, n, MSG_TPL_LENGTH_NEGATIVE, name, attr(n, name));
		return dflt;
	}
	return v;
}

static double number_attr(template *t, xmlNodePtr n, const char *name, double dflt, double lo,
			  double hi)
{
	const char *s = attr(n, name);
	char *end;
	double v;

	if (s == NULL)
		return dflt;
	v = strtod(s, &end);
	if (end != s && *end == '/') { /* a fraction such as 1/3 */
		const char *den = end + 1;
		double d = strtod(den, &end);
		v = d != 0 ? v / d : NAN;
	}
	if (end == s || *end != '\0' || !(v >= lo && v <= hi)) {
		terr(t, n, MSG_TPL_NUMBER_RANGE, name, s, lo, hi);
		return dflt;
	}
	return v;
}

static int flag_attr(template *t, xmlNodePtr n, const char *name, int dflt)
{
	const char *s = attr(n, name);

	if (s == NULL)
		return dflt;
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
		return 1;
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
		return 0;
	terr(t, n, MSG_TPL_YES_NO, name, s);
	return dflt;
}

/* ------------------------------------------------------------------------- compiling */

static op *op_new(template *t, enum op_kind kind, xmlNodePtr n)
{
	op *o = g_new0(op, 1);

	o->kind = kind;
	o->file = n != NULL ? node_file(t, n) : t->path;
	o->line = xmlread_line(n);
	g_ptr_array_add(t->ops, o);
	return o;
}

/* Keeps the first XPath error of a compilation, to be said with our line (the later ones
 * are its echoes). */
static void on_compile_error(void *data, xmlErrorPtr e)
{
	template *t = data;

	if (t->compile_words == NULL)
		t->compile_words = xpath_error_words(e);
}

static xmlXPathCompExprPtr compile(template *t, xmlNodePtr n, const char *name)
{
	const char *s = attr(n, name);
	xmlXPathCompExprPtr e;

	if (s == NULL) {
		terr(t, n, MSG_TPL_NEEDS_XPATH_EXPRESSION, (const char *)n->name, name);
		return NULL;
	}
	t->compile_words = NULL;
	/* In parentheses: libxml2 evaluates a plain path such as /plan/document/place by
	 * streaming over the whole document, which for a plan of 1,000 agencies made every
	 * value cost a walk through thousands of nodes. A parenthesised expression means
	 * the same and is evaluated by following the path. */
	/* Absolute paths as variables that the context evaluates once (xpath.h); should
	 * that not compile, the expression as written, whose message is then the one. */
	char *indexed = xpath_index_paths(s);
	char *wrapped = g_strdup_printf("(%s)", indexed);
	e = xmlXPathCtxtCompile(t->cctx, BAD_CAST wrapped);
	if (e == NULL && strcmp(indexed, s) != 0) {
		g_free(wrapped);
		wrapped = g_strdup_printf("(%s)", s);
		t->compile_words = NULL;
		e = xmlXPathCtxtCompile(t->cctx, BAD_CAST wrapped);
	}
	g_free(indexed);
	g_free(wrapped);
	if (e == NULL)
		terr(t, n, MSG_TPL_VALID_XPATH_EXPRESSION, name, s,
		     t->compile_words != NULL ? t->compile_words : _("syntax error"));
	return e;
}

static const doc_style *find_style(template *t, xmlNodePtr n, const char *name)
{
	GString *known;

	for (guint i = 0; i < t->styles->len; i++) {
		const doc_style *s = g_ptr_array_index(t->styles, i);
		if (strcmp(s->name, name) == 0)
			return s;
	}
	known = g_string_new(NULL);
	for (guint i = 0; i < t->styles->len && i < 12; i++)
		g_string_append_printf(known, "%s%s", i ? ", " : "",
				       ((const doc_style *)g_ptr_array_index(t->styles, i))->name);
	terr(t, n, MSG_TPL_STYLE_UNDEFINED, name, known->str);
	g_string_free(known, TRUE);
	return NULL;
}

static const doc_style *style_attr(template *t, xmlNodePtr n, const char *name, int required)
{
	const char *s = attr(n, name);

	if (s == NULL) {
		if (required)
			terr(t, n, MSG_TPL_NEEDS_NAMING_STYLE, (const char *)n->name, name);
		return NULL;
	}
	return find_style(t, n, s);
}

static void compile_style(template *t, xmlNodePtr n)
{
	doc_style *s = g_new0(doc_style, 1);
	const char *name = attr(n, "name"), *parent = attr(n, "parent"), *v;

	if (name == NULL) {
		terr(t, n, MSG_TPL_STYLE_NEEDS_NAME);
		g_free(s);
		return;
	}
	for (guint i = 0; i < t->styles->len; i++) {
		const doc_style *o = g_ptr_array_index(t->styles, i);
		if (strcmp(o->name, name) == 0) {
			terr(t, n, MSG_TPL_STYLE_DEFINED_TWICE, name, o->file, o->line, o->file,
			     o->line);
			g_free(s);
			return;
		}
	}
	if (parent != NULL) {
		const doc_style *p = find_style(t, n, parent);
		if (p != NULL)
			*s = *p;
	} else {
		/* a style of its own (no parent) says its font and size */
		need(t, n, "font", "Times New Roman");
		need(t, n, "size", "14");
		s->family = "";
		s->line_spacing = 1.0;
	}
	s->name = (const char *)xmlStrdup(BAD_CAST name);
	s->file = node_file(t, n);
	s->line = xmlread_line(n);
	if ((v = attr(n, "font")) != NULL)
		s->family = (const char *)xmlStrdup(BAD_CAST v);
	else if (parent != NULL)
		s->family = (const char *)xmlStrdup(BAD_CAST s->family);
	else
		s->family = (const char *)xmlStrdup(BAD_CAST "");
	s->size = number_attr(t, n, "size", s->size, 4, 96);
	s->bold = flag_attr(t, n, "bold", s->bold);
	s->italic = flag_attr(t, n, "italic", s->italic);
	if ((v = attr(n, "align")) != NULL) {
		if (strcmp(v, "left") == 0)
			s->align = ALIGN_LEFT;
		else if (strcmp(v, "center") == 0 || strcmp(v, "centre") == 0)
			s->align = ALIGN_CENTER;
		else if (strcmp(v, "right") == 0)
			s->align = ALIGN_RIGHT;
		else if (strcmp(v, "justify") == 0)
			s->align = ALIGN_JUSTIFY;
		else
			terr(t, n, MSG_TPL_ALIGN_LEFT_CENTER, v);
	}
	s->indent = length_attr(t, n, "indent", s->indent);
	s->margin_left = room_attr(t, n, "margin-left", s->margin_left);
	s->margin_right = room_attr(t, n, "margin-right", s->margin_right);
	s->space_before = room_attr(t, n, "space-before", s->space_before);
	s->space_after = room_attr(t, n, "space-after", s->space_after);
	s->line_spacing = number_attr(t, n, "line-spacing", s->line_spacing, 0.5, 3);
	s->keep_with_next = flag_attr(t, n, "keep-with-next", s->keep_with_next);
	if ((v = attr(n, "case")) != NULL) {
		if (strcmp(v, "upper") == 0)
			s->upper = 1;
		else if (strcmp(v, "as-is") == 0)
			s->upper = 0;
		else
			terr(t, n, MSG_TPL_CASE_UPPER, v);
	}
	s->balance = flag_attr(t, n, "balance", s->balance);
	s->one_line = flag_attr(t, n, "one-line", s->one_line);
	s->keep_groups = flag_attr(t, n, "keep-groups", s->keep_groups);
	s->last_words = (int)number_attr(t, n, "last-words", s->last_words, 0, 4);
	g_ptr_array_add(t->styles, s);
	/* shrink-to="12": the same style in every half point down to 12, for lines that fit
	 * at a smaller size within the range the template allows (a parent's name on one
	 * line at 12 pt rather than two at 13) */
	s->smaller = NULL;
	if (attr(n, "shrink-to") != NULL) {
		double least = number_attr(t, n, "shrink-to", s->size, 4, 96);
		doc_style *prev = s;
		/* the sizes as the template writes them (13.5), in any language */
		char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
		if (least > s->size)
			terr(t, n, MSG_TPL_SHRINK_LARGER_SIZE,
			     g_ascii_formatd(a, sizeof a, "%g", least),
			     g_ascii_formatd(b, sizeof b, "%g", s->size));
		for (double sz = s->size - 0.5; sz >= least - 0.01; sz -= 0.5) {
			doc_style *v2 = g_new(doc_style, 1);
			*v2 = *prev;
			v2->size = sz;
			v2->smaller = NULL;
			v2->name = (const char *)xmlStrdup(BAD_CAST s->name);
			v2->family = (const char *)xmlStrdup(BAD_CAST s->family);
			prev->smaller = v2;
			/* after the named styles, so that find_style() finds the original */
			g_ptr_array_add(t->variants, v2);
			prev = v2;
		}
	}
}

static void compile_page(template *t, xmlNodePtr n)
{
	doc_page *p = g_new0(doc_page, 1);
	const char *name = attr(n, "name"), *size = attr(n, "size"), *o = attr(n, "orientation");
	const char *ns = attr(n, "number-style");

	/* A4 and A5 are names of paper sizes, not layout choices */
	p->width = 210 * MM;
	p->height = 297 * MM;
	if (size == NULL) {
		need(t, n, "width", "210mm");
		need(t, n, "height", "297mm");
	}
	if (size != NULL && strcmp(size, "A4") != 0 && strcmp(size, "A5") != 0)
		terr(t, n, MSG_TPL_SIZE_A4_A5, size);
	if (size != NULL && strcmp(size, "A5") == 0) {
		p->width = 148 * MM;
		p->height = 210 * MM;
	}
	p->width = length_attr(t, n, "width", p->width);
	p->height = length_attr(t, n, "height", p->height);
	if (o != NULL && strcmp(o, "landscape") == 0) {
		double w = p->width;
		p->width = p->height;
		p->height = w;
	} else if (o != NULL && strcmp(o, "portrait") != 0)
		terr(t, n, MSG_TPL_ORIENTATION_PORTRAIT_LANDSCAPE, o);
	need(t, n, "top", "20mm");
	need(t, n, "bottom", "20mm");
	need(t, n, "left", "30mm");
	need(t, n, "right", "15mm");
	p->top = length_attr(t, n, "top", 0);
	p->bottom = length_attr(t, n, "bottom", 0);
	p->left = length_attr(t, n, "left", 0);
	p->right = length_attr(t, n, "right", 0);
	if (ns != NULL) {
		need(t, n, "number-from", "2");
		need(t, n, "number-y", "13mm");
	}
	p->number_from = (int)number_attr(t, n, "number-from", 1, 1, 1000);
	p->number_y = length_attr(t, n, "number-y", 0);
	if (ns != NULL)
		p->number_style = find_style(t, n, ns);
	/* a negative margin puts the text off the paper, where it is silently lost */
	for (int i = 0; i < 4; i++) {
		static const char *const side[] = {"top", "bottom", "left", "right"};
		const double m[] = {p->top, p->bottom, p->left, p->right};
		if (m[i] < 0)
			terr(t, n, MSG_TPL_MARGIN_NEGATIVE, side[i], attr(n, side[i]));
	}
	/* the page number stands in the top margin: elsewhere it is off the paper or over
	 * the text */
	if (ns != NULL && attr(n, "number-y") != NULL && attr(n, "top") != NULL &&
	    (p->number_y <= 0 || p->number_y > p->top))
		terr(t, n, MSG_TPL_NUMBER_Y_OUTSIDE_TOP, attr(n, "number-y"), attr(n, "top"));
	if (p->left + p->right >= p->width - 72 || p->top + p->bottom >= p->height - 72)
		terr(t, n, MSG_TPL_MARGINS_LEAVE_LESS);
	g_ptr_array_add(t->pages, p);
	g_ptr_array_add(t->page_names, g_strdup(name != NULL ? name : ""));
}

static const doc_page *find_page(template *t, xmlNodePtr n, const char *name)
{
	for (guint i = 0; i < t->pages->len; i++)
		if (strcmp(g_ptr_array_index(t->page_names, i), name) == 0)
			return g_ptr_array_index(t->pages, i);
	terr(t, n, MSG_TPL_PAGE_DEFINED_PAGE, name, name);
	return NULL;
}

static op *compile_list(template *t, xmlNodePtr n, int inline_ctx);

/* Folds template white space: runs of spaces and newlines become one space. */
static char *fold_space(const char *s)
{
	GString *g = g_string_new(NULL);
	int space = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space)
			g_string_append_c(g, ' ');
		space = 0;
		g_string_append_c(g, *s);
	}
	if (space)
		g_string_append_c(g, ' ');
	return g_string_free(g, FALSE);
}

static void compile_table(template *t, xmlNodePtr n, op *o)
{
	int k = 0;

	/* the caption of the group column in the CSV, which the printed table has not */
	o->text = fold_space(attr(n, "group-caption") ? attr(n, "group-caption") : "");
	need(t, n, "border", "0.5pt");
	need(t, n, "padding", "3pt");
	o->a = room_attr(t, n, "border", 0);
	o->b = room_attr(t, n, "padding", 0);
	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		o->ncols += is(c, "column");
	if (o->ncols == 0 || o->ncols > DOC_TABLE_MAX_COLS) {
		terr(t, n, MSG_TPL_TABLE_NEEDS_COLUMN, DOC_TABLE_MAX_COLS, o->ncols);
		o->ncols = 0;
		return;
	}
	o->widths = g_new0(double, o->ncols);
	o->head_styles = g_new0(const doc_style *, o->ncols);
	o->cell_styles = g_new0(const doc_style *, o->ncols);
	o->captions = g_new0(char *, o->ncols + 1);
	o->caption_ops = g_new0(op *, o->ncols + 1);
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (!is(c, "column"))
			continue;
		const char *w = attr(c, "width");
		double v;
		char *end;
		/* doc_column.width: a length in pt (> 1), a share (0 to 1], or 0 = measured */
		if (w != NULL && strcmp(w, "auto") == 0)
			o->widths[k] = 0;
		else if (w != NULL && (v = strtod(w, &end)) > 0 && v <= 100 &&
			 strcmp(end, "%") == 0)
			o->widths[k] = v / 100.0;
		else if (w != NULL && parse_length(w, &v) == 0 && v > 1)
			o->widths[k] = v;
		else
			terr(t, c, MSG_TPL_WIDTH_SHARE_LENGTH, w ? w : "");
		o->head_styles[k] = style_attr(t, c, "head-style", 1);
		o->cell_styles[k] = style_attr(t, c, "style", 1);
		o->captions[k] = fold_space(attr(c, "caption") ? attr(c, "caption") : "");
		/* <caption> inside the column: a caption made with logic ("Cơ quan chủ trì",
		 * or "Chủ trì" when persons and villages lead too) */
		for (xmlNodePtr cc = c->children; cc != NULL; cc = cc->next)
			if (is(cc, "caption")) {
				op *holder = op_new(t, OP_COL, cc);
				holder->child = compile_list(t, cc->children, 1);
				o->caption_ops[k] = holder;
			}
		k++;
	}
}

/* Compiles one element (or text node) of a block or inline list. */
/* A field's name: a letter, then letters, digits, - or _ (signing tools show it, and
 * `vbgen sign --field NAME` takes it). */
static int field_name_ok(const char *v)
{
	return v != NULL && g_ascii_isalpha(v[0]) && strlen(v) <= TEMPLATE_MAX_FIELD_NAME &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
		       strlen(v);
}

/* <field name= width= align= [top= height=]>: in a <space>, a part of the space; alone,
 * a place on the page measured from the paper's top edge. */
static void compile_field(template *t, xmlNodePtr n, op *o)
{
	const char *v = attr(n, "name");
	int in_space = n->parent != NULL && is(n->parent, "space");

	if (!field_name_ok(v))
		terr(t, n, MSG_TPL_FIELD_NEEDS_NAME, TEMPLATE_MAX_FIELD_NAME);
	o->text = g_strdup(v != NULL ? v : "");
	o->field.name = o->text;
	o->field.align = ALIGN_CENTER;
	if ((v = attr(n, "align")) != NULL) {
		if (strcmp(v, "left") == 0)
			o->field.align = ALIGN_LEFT;
		else if (strcmp(v, "center") == 0 || strcmp(v, "centre") == 0)
			o->field.align = ALIGN_CENTER;
		else if (strcmp(v, "right") == 0)
			o->field.align = ALIGN_RIGHT;
		else
			terr(t, n, MSG_TPL_ALIGN_LEFT_CENTER_RIGHT, v);
	}
	/* width: a share of the width it stands in (1/3, 0.5), or a length (70mm) */
	v = attr(n, "width");
	if (v == NULL)
		o->field.share = 1;
	else if (strpbrk(v, "abcdefghijklmnopqrstuvwxyz") != NULL) {
		o->field.width = length_attr(t, n, "width", 0);
		if (o->field.width <= 0)
			terr(t, n, MSG_TPL_WIDTH_POSITIVE, v);
	} else
		o->field.share = number_attr(t, n, "width", 1, 0.01, 1);
	if (in_space) {
		if (attr(n, "top") != NULL || attr(n, "height") != NULL)
			terr(t, n, MSG_TPL_FIELD_SPACE_TAKES);
		return;
	}
	need(t, n, "top", "3mm");
	need(t, n, "height", "16mm");
	o->field.top = room_attr(t, n, "top", 0);
	o->field.height = length_attr(t, n, "height", 0);
	if (o->field.height <= 0)
		terr(t, n, MSG_TPL_HEIGHT_POSITIVE, attr(n, "height"));
}

static op *compile_node(template *t, xmlNodePtr n, int inline_ctx)
{
	op *o = NULL;
	const char *v;

	if (n->type == XML_TEXT_NODE) {
		if (!inline_ctx) {
			char *f = fold_space((const char *)n->content);
			/* quoted by its first characters, never half a character */
			if (strcmp(f, "") != 0 && strcmp(f, " ") != 0) {
				char *q = g_utf8_validate(f, -1, NULL) && g_utf8_strlen(f, -1) > 30
						  ? g_utf8_substring(f, 0, 30)
						  : NULL;
				terr(t, n, MSG_TPL_TEXT_STANDS_OUTSIDE, q != NULL ? q : f,
				     q != NULL ? "..." : "");
				g_free(q);
			}
			g_free(f);
			return NULL;
		}
		/* White space alone with a line break is the template's own indentation,
		 * not text: "</b> <i>" keeps its space, a new line between <if>s does not. */
		if (strspn((const char *)n->content, " \t\r\n") ==
			    strlen((const char *)n->content) &&
		    strchr((const char *)n->content, '\n') != NULL)
			return NULL;
		o = op_new(t, OP_TEXT, n);
		o->text = fold_space((const char *)n->content);
		return o;
	}
	if (n->type != XML_ELEMENT_NODE)
		return NULL;
	if (is(n, "value") || is(n, "content")) {
		if (!inline_ctx) {
			terr(t, n, MSG_TPL_STANDS_OUTSIDE_PARAGRAPH, (const char *)n->name);
			return NULL;
		}
		o = op_new(t, is(n, "value") ? OP_VALUE : OP_CONTENT, n);
		o->expr = compile(t, n, "select");
	} else if (is(n, "b") || is(n, "i")) {
		if (!inline_ctx) {
			terr(t, n, MSG_TPL_STANDS_OUTSIDE_PARAGRAPH, (const char *)n->name);
			return NULL;
		}
		o = op_new(t, is(n, "b") ? OP_BOLD : OP_ITALIC, n);
		o->child = compile_list(t, n->children, 1);
	} else if (is(n, "for")) {
		o = op_new(t, OP_FOR, n);
		o->expr = compile(t, n, "each");
		if ((v = attr(n, "index")) != NULL)
			o->text = g_strdup(v);
		o->child = compile_list(t, n->children, inline_ctx);
	} else if (is(n, "if")) {
		o = op_new(t, OP_IF, n);
		o->expr = compile(t, n, "test");
		o->child = compile_list(t, n->children, inline_ctx);
	} else if (is(n, "else")) {
		if (!is(n->parent, "if")) {
			terr(t, n, MSG_TPL_ELSE_STANDS_OUTSIDE);
			return NULL;
		}
		o = op_new(t, OP_ELSE, n);
		o->child = compile_list(t, n->children, inline_ctx);
	} else if (is(n, "let")) {
		o = op_new(t, OP_LET, n);
		v = attr(n, "name");
		if (v == NULL || !g_ascii_isalpha(v[0]) ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
			    strlen(v))
			terr(t, n, MSG_TPL_LET_NEEDS_NAME);
		o->text = g_strdup(v != NULL ? v : "");
		o->expr = compile(t, n, "select");
	} else if (is(n, "br")) {
		if (!inline_ctx) {
			terr(t, n, MSG_TPL_BR_STANDS_OUTSIDE);
			return NULL;
		}
		o = op_new(t, OP_BR, n);
	} else if (is(n, "call")) {
		o = op_new(t, OP_CALL, n);
		o->in_para = inline_ctx;
		if ((v = attr(n, "name")) == NULL)
			terr(t, n, MSG_TPL_CALL_NEEDS_NAME);
		o->text = g_strdup(v ? v : "");
	} else if (inline_ctx) {
		terr(t, n, MSG_TPL_STAND_INSIDE_PARAGRAPH, (const char *)n->name);
		return NULL;
	} else if (is(n, "p")) {
		o = op_new(t, OP_PARA, n);
		o->style = style_attr(t, n, "style", 1);
		o->keep_with_next = flag_attr(t, n, "keep-with-next", 0);
		o->keep_together = flag_attr(t, n, "keep-together", 0);
		o->bookmark = (int)number_attr(t, n, "bookmark", 0, 0, 6);
		o->list = flag_attr(t, n, "list", 0);
		o->child = compile_list(t, n->children, 1);
	} else if (is(n, "grid")) {
		int k = 0;
		gchar **cols;
		o = op_new(t, OP_GRID, n);
		o->keep_with_prev = flag_attr(t, n, "keep-with-previous", 0);
		o->level = flag_attr(t, n, "level", 0);
		o->keep_with_next = flag_attr(t, n, "keep-with-next", 0);
		o->child = compile_list(t, n->children, 0);
		for (op *c = o->child; c != NULL; c = c->next)
			if (c->kind == OP_COL)
				o->ncols++;
		if (o->ncols == 0) {
			terr(t, n, MSG_TPL_GRID_NEEDS_COL);
			return o;
		}
		o->widths = g_new0(double, o->ncols);
		cols = g_strsplit_set(attr(n, "columns") ? attr(n, "columns") : "", " ,", -1);
		double sum = 0;
		int bad = 0;
		for (int i = 0; cols[i] != NULL; i++) {
			if (cols[i][0] == '\0')
				continue;
			/* each a share > 0 and nothing else: "44abc", "nan" and "-50 150" were
			 * taken, and -50 laid the header one letter a line */
			char *end;
			double w = g_ascii_strtod(cols[i], &end);
			if (*end != '\0' || !(w > 0 && isfinite(w)))
				bad = 1;
			if (k < o->ncols)
				o->widths[k] = w;
			sum += w;
			k++;
		}
		g_strfreev(cols);
		if (k != o->ncols || bad || !(sum > 0)) {
			terr(t, n, MSG_TPL_COLUMNS_WIDTH_PER, o->ncols);
			return o;
		}
		for (int i = 0; i < o->ncols; i++)
			o->widths[i] /= sum;
	} else if (is(n, "col")) {
		o = op_new(t, OP_COL, n);
		o->child = compile_list(t, n->children, 0);
	} else if (is(n, "rule")) {
		o = op_new(t, OP_RULE, n);
		need(t, n, "length", "1/3");
		need(t, n, "thickness", "0.5pt");
		need(t, n, "gap", "3pt");
		o->a = number_attr(t, n, "length", 1.0, 0.01, 1.0);
		o->b = room_attr(t, n, "thickness", 0);
		o->c = room_attr(t, n, "gap", 0);
	} else if (is(n, "space")) {
		o = op_new(t, OP_SPACE, n);
		need(t, n, "height", "12pt");
		o->a = room_attr(t, n, "height", 0);
		/* the signing places over it */
		o->child = compile_list(t, n->children, 0);
		for (const op *c = o->child; c != NULL; c = c->next)
			if (c->kind != OP_FIELD) {
				terr(t, n, MSG_TPL_SPACE_HOLDS_FIELD);
				break;
			}
	} else if (is(n, "field")) {
		o = op_new(t, OP_FIELD, n);
		compile_field(t, n, o);
	} else if (is(n, "page-break")) {
		o = op_new(t, OP_BREAK, n);
		if ((v = attr(n, "page")) != NULL)
			o->page = find_page(t, n, v);
		o->restart = flag_attr(t, n, "restart-numbers", 0);
	} else if (is(n, "include")) {
		o = op_new(t, OP_INCLUDE, n);
		if ((v = attr(n, "template")) == NULL || v[0] == '\0' ||
		    strspn(v, "abcdefghijklmnopqrstuvwxyz-") != strlen(v)) {
			terr(t, n, MSG_TPL_INCLUDE_NEEDS_TEMPLATE);
			return o;
		}
		for (int d = 0; d <= t->include_depth && d < TEMPLATE_CHAIN; d++)
			if (t->chain[d] != NULL && strcmp(t->chain[d], v) == 0) {
				terr(t, n, MSG_TPL_INCLUDE_CYCLE, v, v);
				return o;
			}
		if (t->include_depth >= TEMPLATE_MAX_INCLUDE) {
			terr(t, n, MSG_TPL_TEMPLATES_INCLUDE_DEEP, TEMPLATE_MAX_INCLUDE);
			return o;
		}
		o->include = NULL;
		o->text = g_strdup(v);
	} else if (is(n, "table")) {
		o = op_new(t, OP_TABLE, n);
		compile_table(t, n, o);
		for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
			if (is(c, "column") || c->type != XML_ELEMENT_NODE)
				continue;
			op *r = compile_node(t, c, 0);
			if (r == NULL)
				continue;
			r->next = NULL;
			op **tail = &o->child;
			while (*tail != NULL)
				tail = &(*tail)->next;
			*tail = r;
		}
	} else if (is(n, "plan-table")) {
		static const char *const suffix[3] = {"", "-center", "-right"};
		o = op_new(t, OP_PLANTABLE, n);
		o->expr = compile(t, n, "select");
		need(t, n, "border", "0.5pt");
		need(t, n, "padding", "1.5mm");
		o->a = room_attr(t, n, "border", 0);
		o->b = room_attr(t, n, "padding", 0);
		o->style = style_attr(t, n, "head-style", 1);
		/* a cell's align= picks the style STYLE, STYLE-center or STYLE-right */
		if (style_attr(t, n, "style", 1) != NULL)
			for (int k = 0; k < 3; k++) {
				char *nm = g_strconcat(attr(n, "style"), suffix[k], NULL);
				for (guint i = 0; i < t->styles->len; i++) {
					const doc_style *st = g_ptr_array_index(t->styles, i);
					if (strcmp(st->name, nm) == 0)
						o->aligned[k] = st;
				}
				g_free(nm);
			}
		if (o->aligned[0] == NULL)
			o->aligned[0] = style_attr(t, n, "style", 1);
	} else if (is(n, "row")) {
		o = op_new(t, OP_TROW, n);
		o->child = compile_list(t, n->children, 0);
		for (const op *c = o->child; c != NULL; c = c->next)
			if (c->kind != OP_TCELL) {
				terr(t, n, MSG_TPL_ROW_HOLDS_CELL);
				break;
			}
	} else if (is(n, "cell")) {
		o = op_new(t, OP_TCELL, n);
		o->style = style_attr(t, n, "style", 0);
		o->child = compile_list(t, n->children, 1);
	} else if (is(n, "group-row")) {
		o = op_new(t, OP_TGROUP, n);
		o->style = style_attr(t, n, "style", 1);
		o->child = compile_list(t, n->children, 1);
		/* level="...": how deep the group lies, for the CSV's path of groups */
		if (attr(n, "level") != NULL)
			o->expr = compile(t, n, "level");
	} else {
		terr(t, n, MSG_TPL_ELEMENT_UNKNOWN, (const char *)n->name);
	}
	return o;
}

static op *compile_list(template *t, xmlNodePtr n, int inline_ctx)
{
	op *first = NULL, **tail = &first;

	for (; n != NULL; n = n->next) {
		op *o = compile_node(t, n, inline_ctx);
		if (o == NULL)
			continue;
		*tail = o;
		tail = &o->next;
	}
	return first;
}

/* Resolves <call name> to its <define> and loads included templates. */
static void link_ops(template *t)
{
	for (guint i = 0; i < t->ops->len; i++) {
		op *o = g_ptr_array_index(t->ops, i);
		if (o->kind == OP_CALL) {
			for (guint k = 0; k < t->define_names->len; k++)
				if (strcmp(g_ptr_array_index(t->define_names, k), o->text) == 0)
					o->target = g_ptr_array_index(t->defines, k);
			if (o->target == NULL) {
				msg(t->d, o->file, o->line, MSG_TPL_CALL_NAME_DEFINE, o->text,
				    o->text);
				t->errors++;
			} else if (o->target->in_para != o->in_para) {
				/* inline content run where blocks go (or the reverse) has no
				 * paragraph to write into */
				if (o->in_para)
					msg(t->d, o->file, o->line, MSG_TPL_CALL_INLINE_MISMATCH,
					    o->text, o->text);
				else
					msg(t->d, o->file, o->line, MSG_TPL_CALL_BLOCK_MISMATCH,
					    o->text, o->text);
				t->errors++;
			}
		}
	}
}

static template *load(struct diag *diag, const char **chain, const char *name, int depth);

static void load_includes(template *t)
{
	for (guint i = 0; i < t->ops->len; i++) {
		op *o = g_ptr_array_index(t->ops, i);
		if (o->kind != OP_INCLUDE || o->text == NULL)
			continue;
		char rel[256];
		char *found;
		int before = diag_count(t->d, DIAG_ERROR) + diag_count(t->d, DIAG_SYSTEM);
		/* a template that is not there is this template's mistake, at this line */
		snprintf(rel, sizeof rel, "templates/%s.xml", o->text);
		if ((found = paths_find(rel)) == NULL) {
			char *dir = g_path_get_dirname(t->path);
			msg(t->d, o->file, o->line, MSG_TPL_INCLUDE_MISSING, o->text, o->text, dir);
			g_free(dir);
			t->errors++;
			continue;
		}
		free(found);
		o->include = load(t->d, t->chain, o->text, t->include_depth + 1);
		if (o->include == NULL) {
			/* its own problems were said, with its lines; else say where it is used */
			if (diag_count(t->d, DIAG_ERROR) + diag_count(t->d, DIAG_SYSTEM) == before)
				msg(t->d, o->file, o->line, MSG_TPL_INCLUDE_UNUSABLE, o->text);
			t->errors++;
		} else
			g_ptr_array_add(t->includes, o->include);
	}
}

/* A template imports at most this many others (the shared definitions); an imported
 * template imports none. */
#define TEMPLATE_MAX_IMPORTS 8

/* The attributes each template element takes (templates/README.md), space-separated:
 * a name not listed is a slip (sise="13", one_line="yes") that would otherwise be
 * ignored without a word, the template looking right and printing otherwise. Elements
 * not listed are said by compile_node() as unknown. */
static const struct {
	const char *element, *attributes;
} element_attributes[] = {
	{"template", ""},
	{"import", "template"},
	{"style", "name parent font size bold italic align indent margin-left margin-right "
		  "space-before space-after line-spacing keep-with-next case balance one-line "
		  "keep-groups last-words shrink-to"},
	{"page", "name size orientation width height top bottom left right number-style "
		 "number-from number-y"},
	{"define", "name inline"},
	{"metadata", "title author subject keywords date"},
	{"document", "page"},
	{"include", "template"},
	{"value", "select"},
	{"content", "select"},
	{"b", ""},
	{"i", ""},
	{"br", ""},
	{"for", "each index"},
	{"if", "test"},
	{"else", ""},
	{"let", "name select"},
	{"call", "name"},
	{"p", "style keep-with-next keep-together bookmark list"},
	{"grid", "columns keep-with-previous keep-with-next level"},
	{"col", ""},
	{"rule", "length thickness gap"},
	{"space", "height"},
	{"field", "name width align top height"},
	{"page-break", "page restart-numbers"},
	{"table", "group-caption border padding"},
	{"column", "width head-style style caption"},
	{"caption", ""},
	{"plan-table", "select border padding head-style style"},
	{"row", ""},
	{"cell", "style"},
	{"group-row", "style level"},
};

/* Says each attribute of n and of the elements in it that its element does not take,
 * with the nearest one it does take when there is one (a misspelling). */
static void check_attributes(template *t, xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		const char *takes = NULL;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(element_attributes); i++)
			if (is(n, element_attributes[i].element))
				takes = element_attributes[i].attributes;
		for (xmlAttrPtr a = n->properties; takes != NULL && a != NULL; a = a->next) {
			const char *name = (const char *)a->name;
			char best[64], *hint;
			if (a->ns == NULL && text_words_has(takes, name, " "))
				continue;
			if (text_words_nearest(takes, " ", name, TEMPLATE_SUGGEST_DISTANCE, best,
					       sizeof best))
				hint = g_strdup_printf(_(" (did you mean %s=?)"), best);
			else if (takes[0] != '\0') {
				gchar **words = g_strsplit(takes, " ", -1);
				char *list = g_strjoinv(", ", words);
				hint = g_strdup_printf(_(" (it takes %s)"), list);
				g_free(list);
				g_strfreev(words);
			} else
				hint = g_strdup(_(" (it takes none)"));
			terr(t, n, MSG_TPL_ATTRIBUTE_UNKNOWN, name, (const char *)n->name, hint);
			g_free(hint);
		}
		check_attributes(t, n->children);
	}
}

/* <import template="name"/>: reads templates/NAME.xml, whose styles, pages and
 * definitions become this template's as if written at its top (the national header, the
 * signature blocks, the styles the documents share). Appends its top-level elements to
 * top. */
static void import(template *t, xmlNodePtr n, GPtrArray *top)
{
	const char *v = attr(n, "template");
	char rel[256];
	char *path;
	xmlDocPtr x;
	xmlNodePtr root;
	int status;

	if (v == NULL || v[0] == '\0' || strlen(v) > 64 ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz-") != strlen(v)) {
		terr(t, n, MSG_TPL_IMPORT_NEEDS_TEMPLATE);
		return;
	}
	if (t->imports->len >= TEMPLATE_MAX_IMPORTS) {
		terr(t, n, MSG_TPL_TEMPLATE_IMPORTS, TEMPLATE_MAX_IMPORTS);
		return;
	}
	snprintf(rel, sizeof rel, "templates/%s.xml", v);
	path = paths_find(rel);
	if (path == NULL) {
		terr(t, n, MSG_TPL_IMPORT_MISSING, v, v, v);
		return;
	}
	x = xmlread_file(t->d, path, NULL, &status);
	if (x == NULL) {
		free(path);
		t->errors++;
		return;
	}
	g_ptr_array_add(t->imports, x);
	g_ptr_array_add(t->import_paths, path);
	root = xmlDocGetRootElement(x);
	if (!is(root, "template")) {
		terr(t, root, MSG_TPL_MAIN_ELEMENT_TEMPLATE, (const char *)root->name);
		return;
	}
	check_attributes(t, root);
	for (xmlNodePtr c = root->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, "style") || is(c, "page") || is(c, "define"))
			g_ptr_array_add(top, c);
		else
			terr(t, c, MSG_TPL_ALLOWED_IMPORTED_TEMPLATE, (const char *)c->name);
	}
}

static template *load(struct diag *diag, const char **chain, const char *name, int depth)
{
	char rel[256];
	char *path;
	template *t;
	xmlNodePtr root;
	int status;

	snprintf(rel, sizeof rel, "templates/%s.xml", name);
	path = paths_find(rel);
	if (path == NULL) {
		msg(diag, NULL, 0, MSG_TPL_FIND_TEMPLATE_REINSTALL, rel, name);
		return NULL;
	}
	t = g_new0(template, 1);
	t->path = path;
	t->include_depth = depth;
	t->d = diag;
	t->chain = chain;
	if (depth < TEMPLATE_CHAIN)
		chain[depth] = name;
	t->styles = g_ptr_array_new();
	t->variants = g_ptr_array_new();
	t->pages = g_ptr_array_new_with_free_func(g_free);
	t->page_names = g_ptr_array_new_with_free_func(g_free);
	t->defines = g_ptr_array_new();
	t->define_names = g_ptr_array_new_with_free_func(g_free);
	t->define_files = g_ptr_array_new();
	t->ops = g_ptr_array_new();
	t->includes = g_ptr_array_new();
	/* a context of its own, so that its errors come to this template (the expressions
	 * it compiles do not depend on it: they are evaluated in the expansion's) */
	t->cctx = xmlXPathNewContext(NULL);
	xpath_on_error(t->cctx, on_compile_error, t);
	t->imports = g_ptr_array_new_with_free_func((GDestroyNotify)xmlFreeDoc);
	t->import_paths = g_ptr_array_new_with_free_func(free);
	t->xml = xmlread_file(t->d, path, NULL, &status);
	if (t->xml == NULL) {
		template_free(t);
		return NULL;
	}
	root = xmlDocGetRootElement(t->xml);
	if (!is(root, "template")) {
		terr(t, root, MSG_TPL_MAIN_ELEMENT_TEMPLATE, (const char *)root->name);
		template_free(t);
		return NULL;
	}
	check_attributes(t, root);
	/* The top-level elements: those of the imported templates first, in the order of
	 * the <import>s, then the template's own. */
	GPtrArray *top = g_ptr_array_new();
	for (xmlNodePtr n = root->children; n != NULL; n = n->next)
		if (is(n, "import"))
			import(t, n, top);
	if (t->errors > 0) { /* what the template names from it would only add noise */
		g_ptr_array_free(top, TRUE);
		template_free(t);
		return NULL;
	}
	for (xmlNodePtr n = root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !is(n, "import"))
			g_ptr_array_add(top, n);
	/* Styles and pages first, in file order, so that blocks may name them anywhere. */
	for (guint i = 0; i < top->len; i++) {
		xmlNodePtr n = g_ptr_array_index(top, i);
		if (is(n, "style"))
			compile_style(t, n);
		else if (is(n, "define")) {
			const char *dn = attr(n, "name");
			if (dn == NULL)
				terr(t, n, MSG_TPL_DEFINE_NEEDS_NAME);
			for (guint k = 0; dn != NULL && k < t->define_names->len; k++)
				if (strcmp(g_ptr_array_index(t->define_names, k), dn) == 0)
					terr(t, n, MSG_TPL_DEFINE_NAME_DEFINED, dn,
					     (const char *)g_ptr_array_index(t->define_files, k));
			g_ptr_array_add(t->define_files, (char *)node_file(t, n));
			g_ptr_array_add(t->define_names, g_strdup(dn ? dn : ""));
			g_ptr_array_add(t->defines, NULL);
		}
	}
	for (guint i = 0; i < top->len; i++)
		if (is(g_ptr_array_index(top, i), "page"))
			compile_page(t, g_ptr_array_index(top, i));
	guint d = 0;
	for (guint i = 0; i < top->len; i++) {
		xmlNodePtr n = g_ptr_array_index(top, i);
		if (is(n, "define")) {
			op *holder = op_new(t, OP_COL, n);
			holder->in_para = flag_attr(t, n, "inline", 0);
			holder->child = compile_list(t, n->children, holder->in_para);
			/* inline-NAME prints a plan element met in running text */
			if (!holder->in_para &&
			    g_str_has_prefix(attr(n, "name") ? attr(n, "name") : "", "inline-"))
				terr(t, n, MSG_TPL_DEFINE_NAME_PRINTS, attr(n, "name"));
			g_ptr_array_index(t->defines, d++) = holder;
		} else if (is(n, "metadata")) {
			/* a second <metadata> (a template pasted into another) replaces the
			 * values it gives: the first one's are freed, not lost (found by
			 * tests/fuzz: a leak) */
			for (int k = 0; k < 5; k++)
				if (attr(n, meta_names[k]) != NULL) {
					if (t->meta[k] != NULL)
						xmlXPathFreeCompExpr(t->meta[k]);
					t->meta[k] = compile(t, n, meta_names[k]);
				}
		} else if (is(n, "document")) {
			const char *pg = attr(n, "page");
			if (pg != NULL)
				t->page = find_page(t, n, pg);
			t->document = compile_list(t, n->children, 0);
		} else if (!is(n, "style") && !is(n, "page")) {
			terr(t, n, MSG_TPL_ALLOWED_TOP_TEMPLATE, (const char *)n->name);
		}
	}
	g_ptr_array_free(top, TRUE);
	if (t->page == NULL && t->pages->len > 0)
		t->page = g_ptr_array_index(t->pages, 0);
	if (t->page == NULL)
		terr(t, root, MSG_TPL_TEMPLATE_DEFINES_PAGE);
	link_ops(t);
	load_includes(t);
	if (t->errors > 0) {
		template_free(t);
		return NULL;
	}
	return t;
}

/* Forgets the include chain of t and of the templates it includes, once compiled. */
static void forget_chain(template *t)
{
	t->chain = NULL;
	for (guint i = 0; i < t->includes->len; i++)
		forget_chain(g_ptr_array_index(t->includes, i));
}

template *template_load(struct diag *d, const char *name)
{
	const char *chain[TEMPLATE_CHAIN] = {NULL};
	template *t = load(d, chain, name, 0);

	if (t != NULL)
		forget_chain(t); /* chain is gone when this returns */
	return t;
}

void template_each_style(const template *t, void (*fn)(const doc_style *s, void *data), void *data)
{
	for (guint i = 0; i < t->styles->len; i++)
		fn(g_ptr_array_index(t->styles, i), data);
	for (guint i = 0; i < t->variants->len; i++)
		fn(g_ptr_array_index(t->variants, i), data);
	for (guint i = 0; i < t->includes->len; i++)
		template_each_style(g_ptr_array_index(t->includes, i), fn, data);
}

const char *template_path(const template *t)
{
	return t->path;
}

void template_free(template *t)
{
	if (t == NULL)
		return;
	for (guint i = 0; i < t->ops->len; i++) {
		op *o = g_ptr_array_index(t->ops, i);
		if (o->expr != NULL)
			xmlXPathFreeCompExpr(o->expr);
		if (o->captions != NULL)
			for (int k = 0; k < o->ncols; k++)
				g_free(o->captions[k]);
		g_free(o->captions);
		g_free(o->caption_ops);
		g_free(o->text);
		g_free(o->widths);
		g_free(o->head_styles);
		g_free(o->cell_styles);
		g_free(o);
	}
	for (guint i = 0; i < t->includes->len; i++)
		template_free(g_ptr_array_index(t->includes, i));
	for (guint i = 0; i < t->styles->len; i++) {
		doc_style *s = g_ptr_array_index(t->styles, i);
		xmlFree((void *)s->name);
		xmlFree((void *)s->family);
		g_free(s);
	}
	for (guint i = 0; t->variants != NULL && i < t->variants->len; i++) {
		doc_style *s = g_ptr_array_index(t->variants, i);
		xmlFree((void *)s->name);
		xmlFree((void *)s->family);
		g_free(s);
	}
	if (t->variants != NULL)
		g_ptr_array_free(t->variants, TRUE);
	for (int k = 0; k < 5; k++)
		if (t->meta[k] != NULL)
			xmlXPathFreeCompExpr(t->meta[k]);
	g_ptr_array_free(t->styles, TRUE);
	g_ptr_array_free(t->pages, TRUE);
	g_ptr_array_free(t->page_names, TRUE);
	g_ptr_array_free(t->defines, TRUE);
	g_ptr_array_free(t->define_names, TRUE);
	g_ptr_array_free(t->define_files, TRUE);
	g_ptr_array_free(t->ops, TRUE);
	g_ptr_array_free(t->includes, TRUE);
	if (t->imports != NULL)
		g_ptr_array_free(t->imports, TRUE);
	if (t->import_paths != NULL)
		g_ptr_array_free(t->import_paths, TRUE);
	xmlXPathFreeContext(t->cctx);
	if (t->xml != NULL)
		xmlFreeDoc(t->xml);
	g_free(t->path);
	g_free(t);
}

/* ------------------------------------------------------------------------- expanding */

/* The state of one expansion. */
struct ex {
	struct diag *diag; /* where the expansion's problems are said */
	template *t;       /* the template whose ops are running (for messages) */
	xmlXPathContextPtr ctx;
	doc *d;
	doc_block **tail; /* where the next block goes */
	doc_block *last;  /* the block appended last in this list */
	/* the paragraph being built */
	GString *text;
	GString *orig; /* the same in its own case, for balance styles in capitals, or NULL */
	GArray *runs;
	int bold, italic;
	const doc_style *style;
	int pos, size;   /* XPath position() and last() of the current loop */
	const op *table; /* the <table> whose rows are being expanded, or NULL */
	int depth;
	long blocks;
	long steps;   /* elements of the template run so far */
	size_t bytes; /* text put into the document so far */
	int failed;
	GHashTable *fields; /* the signing places' names so far -> their op */
	/* What libxml2 said about the last failed evaluation ("Unregistered function"), to
	 * be quoted in our own message; and whether it failed for want of memory. */
	const char *eval_words;
	int eval_oom;
};

static void exerr_at(struct ex *e, const op *o, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define exerr(e, o, id, ...) exerr_at(e, o, id, id##_FMT, ##__VA_ARGS__)
static void exlimit(struct ex *e, const op *o, const char *what, long limit);

/* The expansion's context's errors (xpath_on_error()). */
static void on_eval_error(void *data, xmlErrorPtr err)
{
	struct ex *e = data;
	const char *words = xpath_error_words(err);

	/* libxml2's own allocation failures, and XPATH_MEMORY_ERROR raised by xpath.c's
	 * functions (xmlXPathErr gives it the code XML_XPATH_MEMORY_ERROR) */
	if (err != NULL && (err->code == XML_ERR_NO_MEMORY || err->code == XML_XPATH_MEMORY_ERROR))
		e->eval_oom = 1;
	if (words != NULL)
		e->eval_words = words;
}

/* Whether memory ran out in the evaluation that failed: said to the context's handler,
 * or, where libxml2 had no context at hand (a node-set that could not grow), only left
 * as its last error. */
static int eval_out_of_memory(const struct ex *e)
{
	const xmlError *last = xmlGetLastError();

	return e->eval_oom || (last != NULL && last->code == XML_ERR_NO_MEMORY);
}

/* Reports message id (an error) at the template's line of o, with what libxml2 said of
 * the last evaluation when it said something (fmt: the id's text, for the compiler's
 * checks: call exerr(), msg.h). */
static void exerr_at(struct ex *e, const op *o, enum msg_id id, const char *fmt, ...)
{
	va_list ap;
	struct msg_text t;

	(void)fmt;
	if (eval_out_of_memory(e)) {
		msg(e->diag, o->file, o->line, MSG_OUT_OF_MEMORY);
		e->eval_oom = 0;
		e->eval_words = NULL;
		xmlResetLastError();
		e->failed = 1;
		return;
	}
	if (e->ctx->opLimit != 0 && e->ctx->opCount >= e->ctx->opLimit) {
		exlimit(e, o, _("steps of its expressions (XPath)"), (long)TEMPLATE_MAX_XPATH_OPS);
		e->eval_words = NULL;
		return;
	}
	t.id = id;
	va_start(ap, fmt);
	msg_v_format(&t, ap);
	va_end(ap);
	if (e->eval_words != NULL) {
		/* libxml2's own words, in brackets after ours */
		size_t n = strlen(t.text);
		snprintf(t.text + n, sizeof t.text - n, " (%s)", e->eval_words);
	}
	msg_put(e->diag, o->file, o->line, &t);
	e->eval_words = NULL;
	e->failed = 1;
}

/* A limit on the work of one expansion was reached (TEMPLATE_MAX_BLOCKS, _STEPS,
 * _DOC_BYTES): the computer's limit, not a mistake the plan or the template can be told
 * of line by line; said with the template's line that was running. */
static void exlimit(struct ex *e, const op *o, const char *what, long limit)
{
	msg(e->diag, o->file, o->line, MSG_TPL_LIMIT, limit, what);
	e->failed = 1;
}

static void set_ctx(struct ex *e, xmlNodePtr node)
{
	e->ctx->node = node;
	e->ctx->proximityPosition = e->pos;
	e->ctx->contextSize = e->size;
}

/* Gives field op o's name to the document: true, or false after reporting a name the
 * document already has (a signing tool, and vbgen sign, find a field by its name). */
static int field_named(struct ex *e, const op *o)
{
	const op *other = g_hash_table_lookup(e->fields, o->text);

	if (other != NULL) {
		exerr(e, o, MSG_TPL_DOCUMENT_ALREADY_SIGNING, o->text, other->file, other->line);
		return 0;
	}
	g_hash_table_insert(e->fields, o->text, (gpointer)o);
	return 1;
}

/* Appends s to g, folding white space (text_fold_space(): the plan's line breaks, and
 * Unicode's) into single spaces and dropping leading space. */
static void fold_into(GString *g, const char *s)
{
	for (int n; *s; s += n) {
		n = text_fold_space(s);
		if (n > 0) {
			if (g->len > 0 && g->str[g->len - 1] != ' ')
				g_string_append_c(g, ' ');
		} else {
			g_string_append_c(g, *s);
			n = 1;
		}
	}
}

/* Appends text to the paragraph, folding white space (the plan's line breaks) into
 * single spaces and dropping leading space; upper-cases when the style says so. */
static void para_append(struct ex *e, const char *s)
{
	char *up = NULL;
	size_t start = e->text->len;

	if (s == NULL || *s == '\0')
		return;
	if (e->orig != NULL)
		fold_into(e->orig, s);
	if (e->style != NULL && e->style->upper)
		s = up = text_upper(s);
	fold_into(e->text, s);
	e->bytes += e->text->len - start;
	free(up);
	if ((e->bold || e->italic) && e->text->len > start) {
		doc_run *last =
			e->runs->len ? &g_array_index(e->runs, doc_run, e->runs->len - 1) : NULL;
		if (last != NULL && last->end == (int)start && last->bold == (e->bold > 0) &&
		    last->italic == (e->italic > 0))
			last->end = (int)e->text->len;
		else {
			doc_run r = {(int)start, (int)e->text->len, e->bold > 0, e->italic > 0};
			g_array_append_val(e->runs, r);
		}
	}
	if (e->text->len > TEMPLATE_MAX_PARA_BYTES)
		e->failed = 1;
}

/* Copies the inline content of a plan node: text, <b>, <i>. */
static void run_list(struct ex *e, const op *o);

/* The template's definition named "inline-NAME", which prints the plan's element NAME
 * met in running text (<appendix-ref/>, or nothing for the second-level <item>s under a
 * bullet, which the template prints apart), or NULL. */
static const op *inline_handler(const template *t, const xmlChar *name)
{
	for (guint k = 0; k < t->define_names->len; k++) {
		const char *dn = g_ptr_array_index(t->define_names, k);
		if (strncmp(dn, "inline-", 7) == 0 && xmlStrEqual(BAD_CAST dn + 7, name))
			return g_ptr_array_index(t->defines, k);
	}
	return NULL;
}

static void append_node(struct ex *e, xmlNodePtr n);

/* Copies the inline content of a plan node: text, <b>, <i>, and the elements the
 * template handles. */
static void append_content(struct ex *e, xmlNodePtr n)
{
	for (; n != NULL; n = n->next)
		append_node(e, n);
}

static void append_node(struct ex *e, xmlNodePtr n)
{
	const op *h;

	if (n->type == XML_TEXT_NODE)
		para_append(e, (const char *)n->content);
	else if (n->type == XML_ELEMENT_NODE &&
		 (xmlStrEqual(n->name, BAD_CAST "b") || xmlStrEqual(n->name, BAD_CAST "i"))) {
		int b = xmlStrEqual(n->name, BAD_CAST "b");
		e->bold += b;
		e->italic += !b;
		append_content(e, n->children);
		e->bold -= b;
		e->italic -= !b;
	} else if (n->type == XML_ELEMENT_NODE && (h = inline_handler(e->t, n->name)) != NULL) {
		xmlNodePtr saved = e->ctx->node;
		e->ctx->node = n;
		run_list(e, h->child);
		e->ctx->node = saved;
	} else if (n->type == XML_ELEMENT_NODE)
		append_content(e, n->children);
}

static void append_block(struct ex *e, doc_block *b)
{
	*e->tail = b;
	e->tail = &b->next;
	e->last = b;
	e->blocks++;
}

/* Which ops of a list run_seq runs: all, or one branch of an <if>. */
enum run_which { RUN_ALL, RUN_THEN, RUN_ELSE };
static void run_seq(struct ex *e, const op *o, enum run_which which);

/* Expands a paragraph-like op (p, table cell, group row) into a BLOCK_PARA, or NULL when
 * it comes out empty. */
/* A paragraph being built, and what it interrupts (a paragraph never nests in another,
 * but a table's cells are built while its ops run). */
struct para_state {
	GString *text, *orig;
	GArray *runs;
	const doc_style *style;
};

static void para_begin(struct ex *e, const doc_style *style, struct para_state *saved)
{
	saved->text = e->text;
	saved->orig = e->orig;
	saved->runs = e->runs;
	saved->style = e->style;
	e->text = g_string_new(NULL);
	e->orig = style != NULL && style->balance && style->upper ? g_string_new(NULL) : NULL;
	e->runs = g_array_new(FALSE, FALSE, sizeof(doc_run));
	e->style = style;
}

static doc_block *para_end(struct ex *e, const op *o, const doc_style *style, int always,
			   struct para_state *saved);

static doc_block *make_para(struct ex *e, const op *o, const doc_style *style)
{
	struct para_state saved;

	para_begin(e, style, &saved);
	run_list(e, o->child);
	return para_end(e, o, style, o->kind == OP_TCELL, &saved);
}

/* A paragraph of a plan node's running text (a cell of a plan's table). */
static doc_block *content_para(struct ex *e, const op *o, xmlNodePtr node, const doc_style *style)
{
	struct para_state saved;

	para_begin(e, style, &saved);
	append_content(e, node != NULL ? node->children : NULL);
	return para_end(e, o, style, 1, &saved);
}

/* Ends the paragraph begun by para_begin: the block, or NULL when it came out empty and
 * always is not set. */
static doc_block *para_end(struct ex *e, const op *o, const doc_style *style, int always,
			   struct para_state *saved)
{
	doc_block *b = NULL;

	if (e->text->len > TEMPLATE_MAX_PARA_BYTES)
		exlimit(e, o, _("MB of text in one paragraph"),
			TEMPLATE_MAX_PARA_BYTES / (1024 * 1024));
	while (e->text->len > 0 && e->text->str[e->text->len - 1] == ' ')
		g_string_truncate(e->text, e->text->len - 1);
	if (e->text->len > 0 || always) {
		b = doc_block_new(e->d, BLOCK_PARA, o->file, o->line);
		b->style = style;
		b->text = doc_str(e->d, e->text->str);
		b->text_len = (int)e->text->len;
		b->nruns = (int)e->runs->len;
		if (b->nruns > 0) {
			b->runs = doc_alloc(e->d, sizeof(doc_run) * (size_t)b->nruns);
			memcpy(b->runs, e->runs->data, sizeof(doc_run) * (size_t)b->nruns);
			for (int i = 0; i < b->nruns; i++)
				if (b->runs[i].end > b->text_len)
					b->runs[i].end = b->text_len;
		}
		if (e->orig != NULL) {
			while (e->orig->len > 0 && e->orig->str[e->orig->len - 1] == ' ')
				g_string_truncate(e->orig, e->orig->len - 1);
			b->orig_text = doc_str(e->d, e->orig->str);
		}
		b->keep_with_next = o->keep_with_next || (style != NULL && style->keep_with_next);
		b->keep_together = o->keep_together;
		b->bookmark = o->bookmark;
		if (o->list && b->text != NULL) {
			const char *sp = memchr(b->text, ' ', (size_t)b->text_len);
			b->list_label = sp != NULL ? (int)(sp - b->text) + 1 : b->text_len;
		}
	}
	g_string_free(e->text, TRUE);
	if (e->orig != NULL)
		g_string_free(e->orig, TRUE);
	g_array_free(e->runs, TRUE);
	e->text = saved->text;
	e->orig = saved->orig;
	e->runs = saved->runs;
	e->style = saved->style;
	return b;
}

static void run_table(struct ex *e, const op *o)
{
	doc_block *b = doc_block_new(e->d, BLOCK_TABLE, o->file, o->line);
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(doc_row));
	doc_row head = {0, 1, 0, NULL};

	b->tcols = o->ncols;
	b->border = o->a;
	b->padding = o->b;
	b->group_caption = doc_str(e->d, o->text);
	b->columns = doc_alloc(e->d, sizeof(doc_column) * (size_t)o->ncols);
	head.cells = doc_alloc(e->d, sizeof(doc_block *) * (size_t)o->ncols);
	if (e->table != NULL) {
		exerr(e, o, MSG_TPL_TABLE_STAND_INSIDE);
		g_array_free(rows, TRUE);
		return;
	}
	for (int k = 0; k < o->ncols; k++) {
		doc_block *c = doc_block_new(e->d, BLOCK_PARA, o->file, o->line);
		const doc_style *hs = o->head_styles[k];
		char *up = hs != NULL && hs->upper ? text_upper(o->captions[k]) : NULL;
		b->columns[k].width = o->widths[k];
		b->columns[k].head_style = hs;
		b->columns[k].cell_style = o->cell_styles[k];
		b->columns[k].caption = doc_str(e->d, up != NULL ? up : o->captions[k]);
		free(up);
		c->style = hs;
		c->text = b->columns[k].caption;
		c->text_len = (int)strlen(c->text);
		if (o->caption_ops[k] != NULL) {
			doc_block *made = make_para(e, o->caption_ops[k], hs);
			if (made != NULL) {
				c = made;
				b->columns[k].caption = c->text;
			}
		}
		head.cells[k] = c;
	}
	g_array_append_val(rows, head);

	/* Rows come from <row>/<group-row> ops, possibly inside <for>, <if> and <call>: expand
	 * the children into a scratch list of pseudo-blocks and pick them up. */
	doc_block *first = NULL, **saved_tail = e->tail, *saved_last = e->last;
	e->tail = &first;
	e->table = o;
	run_list(e, o->child);
	e->table = NULL;
	e->tail = saved_tail;
	e->last = saved_last;
	for (doc_block *r = first; r != NULL && !e->failed; r = r->next) {
		doc_row row = {0, 0, 0, NULL};
		if (r->kind == BLOCK_GRID && r->ncols == -1) { /* a group row */
			row.group = 1;
			row.level = r->level;
			row.cells = r->cols;
		} else if (r->kind == BLOCK_GRID && r->ncols == -2) {
			row.cells = r->cols;
		} else {
			msg(e->diag, r->file, r->line, MSG_TPL_ROW_GROUP_ROW);
			e->failed = 1;
		}
		g_array_append_val(rows, row);
	}
	b->nrows = (int)rows->len;
	b->rows = doc_alloc(e->d, sizeof(doc_row) * rows->len);
	memcpy(b->rows, rows->data, sizeof(doc_row) * rows->len);
	g_array_free(rows, TRUE);
	append_block(e, b);
}

/* Expands a <row> or <group-row> of the table being expanded into a pseudo-block that
 * run_table picks up: a cell without style= takes its column's style. */
static void run_row(struct ex *e, const op *o)
{
	doc_block *holder;
	int n = 0, k = 0;

	if (e->table == NULL) {
		exerr(e, o, MSG_TPL_STANDS_OUTSIDE_TABLE,
		      o->kind == OP_TGROUP ? "group-row" : "row");
		return;
	}
	holder = doc_block_new(e->d, BLOCK_GRID, o->file, o->line);
	if (o->kind == OP_TGROUP) {
		holder->ncols = -1;
		holder->cols = doc_alloc(e->d, sizeof(doc_block *));
		holder->cols[0] = make_para(e, o, o->style);
		if (holder->cols[0] == NULL)
			return;
		if (o->expr != NULL) {
			char *lv;
			set_ctx(e, e->ctx->node);
			lv = xpath_string(e->ctx, o->expr, e->ctx->node);
			holder->level = lv != NULL ? atoi(lv) : 0; /* the row's level */
			free(lv);
			if (holder->level < 1 || holder->level > DOC_GROUP_LEVELS) {
				exerr(e, o, MSG_TPL_LEVEL_NUMBER, DOC_GROUP_LEVELS);
				return;
			}
		}
		append_block(e, holder);
		return;
	}
	for (const op *c = o->child; c != NULL; c = c->next)
		n += c->kind == OP_TCELL;
	if (n != e->table->ncols) {
		char cells[64], cols[64];
		snprintf(cells, sizeof cells, P_("%d cell", "%d cells", (unsigned long)n), n);
		snprintf(cols, sizeof cols,
			 P_("%d column", "%d columns", (unsigned long)e->table->ncols),
			 e->table->ncols);
		exerr(e, o, MSG_TPL_ROW_TABLE_CELL, cells, cols);
		return;
	}
	holder->ncols = -2;
	holder->level = n;
	holder->cols = doc_alloc(e->d, sizeof(doc_block *) * (size_t)(n > 0 ? n : 1));
	for (const op *c = o->child; c != NULL; c = c->next)
		if (c->kind == OP_TCELL) {
			holder->cols[k] =
				make_para(e, c, c->style ? c->style : e->table->cell_styles[k]);
			k++;
		}
	append_block(e, holder);
}

/* One table of the plan (<table>: <columns> of captions, <row>s of <cell>s) as a
 * BLOCK_TABLE: the column widths from its widths= (shares) or measured, the header row
 * repeated on every page. */
static void plan_table(struct ex *e, const op *o, xmlNodePtr t)
{
	xmlNodePtr cols = plan_child(t, "columns");
	/* the table is the plan's: what the layout finds wrong with it (a column too narrow
	 * for its text) is said at the plan's line, where the clerk can give widths=, not at
	 * the template's <plan-table> */
	const char *url = t->doc != NULL ? (const char *)t->doc->URL : NULL;
	doc_block *b = doc_block_new(e->d, BLOCK_TABLE, url != NULL ? doc_str(e->d, url) : o->file,
				     url != NULL ? plan_line(t) : o->line);
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(doc_row));
	double *share = NULL, sum = 0;
	int n = 0, k, given = 0;

	for (xmlNodePtr c = cols != NULL ? cols->children : NULL; c != NULL; c = c->next)
		n += is(c, "cell");
	if (n < 1 || n > DOC_TABLE_MAX_COLS) {
		exerr(e, o, MSG_TPL_TABLE_PLAN_LINE, plan_line(t), n, DOC_TABLE_MAX_COLS);
		g_array_free(rows, TRUE);
		return;
	}
	/* widths=: a share per column, however many spaces between them (an XML list);
	 * check.c has refused a count that is not the columns' or a share <= 0 */
	if (plan_attr(t, "widths") != NULL) {
		gchar **v = g_strsplit_set(plan_attr(t, "widths"), " \t\r\n", -1);
		share = g_new0(double, n);
		for (int i = 0; v[i] != NULL; i++)
			if (v[i][0] != '\0' && given++ < n)
				sum += share[given - 1] = g_ascii_strtod(v[i], NULL);
		g_strfreev(v);
	}
	b->tcols = n;
	b->border = o->a;
	b->padding = o->b;
	b->group_caption = "";
	b->columns = doc_alloc(e->d, sizeof(doc_column) * (size_t)n);
	/* the header: the captions */
	doc_row head = {0, 1, 0, doc_alloc(e->d, sizeof(doc_block *) * (size_t)n)};
	k = 0;
	for (xmlNodePtr c = cols->children; c != NULL; c = c->next) {
		if (!is(c, "cell"))
			continue;
		head.cells[k] = content_para(e, o, c, o->style);
		b->columns[k].head_style = o->style;
		b->columns[k].cell_style = o->aligned[0];
		b->columns[k].caption = head.cells[k]->text;
		/* a share of the table's width, or measured when widths= does not say */
		b->columns[k].width = 0;
		if (share != NULL && sum > 0 && given == n)
			b->columns[k].width = share[k] / sum;
		k++;
	}
	g_free(share);
	g_array_append_val(rows, head);
	for (xmlNodePtr r = t->children; r != NULL && !e->failed; r = r->next) {
		doc_row row = {0, 0, 0, NULL};
		if (!is(r, "row"))
			continue;
		row.cells = doc_alloc(e->d, sizeof(doc_block *) * (size_t)n);
		k = 0;
		for (xmlNodePtr c = r->children; c != NULL; c = c->next) {
			const char *al;
			const doc_style *st = o->aligned[0];
			if (!is(c, "cell") || k >= n)
				continue;
			al = plan_attr(c, "align");
			if (al != NULL && strcmp(al, "center") == 0 && o->aligned[1] != NULL)
				st = o->aligned[1];
			if (al != NULL && strcmp(al, "right") == 0 && o->aligned[2] != NULL)
				st = o->aligned[2];
			row.cells[k++] = content_para(e, o, c, st);
		}
		/* a row short of cells (the checker says so) gets empty ones */
		for (; k < n; k++)
			row.cells[k] = content_para(e, o, NULL, o->aligned[0]);
		g_array_append_val(rows, row);
	}
	b->nrows = (int)rows->len;
	b->rows = doc_alloc(e->d, sizeof(doc_row) * rows->len);
	memcpy(b->rows, rows->data, sizeof(doc_row) * rows->len);
	g_array_free(rows, TRUE);
	append_block(e, b);
}

static void run_plan_tables(struct ex *e, const op *o)
{
	xmlXPathObjectPtr r;

	set_ctx(e, e->ctx->node);
	r = xpath_nodes(e->ctx, o->expr, e->ctx->node);
	if (r == NULL) {
		exerr(e, o, MSG_TPL_SELECT_NOT_TABLES);
		return;
	}
	for (int i = 0; i < r->nodesetval->nodeNr && !e->failed; i++)
		if (is(r->nodesetval->nodeTab[i], "table"))
			plan_table(e, o, r->nodesetval->nodeTab[i]);
	xmlXPathFreeObject(r);
}

static void run_op(struct ex *e, const op *o)
{
	char *s;

	if (e->failed)
		return;
	if (e->blocks > TEMPLATE_MAX_BLOCKS) {
		exlimit(e, o, _("blocks (paragraphs, table rows)"), TEMPLATE_MAX_BLOCKS);
		return;
	}
	if (++e->steps > TEMPLATE_MAX_STEPS) {
		exlimit(e, o, _("steps (template elements run)"), TEMPLATE_MAX_STEPS);
		return;
	}
	if (e->bytes > TEMPLATE_MAX_DOC_BYTES) {
		exlimit(e, o, _("MB of text"), TEMPLATE_MAX_DOC_BYTES / (1024 * 1024));
		return;
	}
	switch (o->kind) {
	case OP_TEXT:
		para_append(e, o->text);
		break;
	case OP_VALUE:
		set_ctx(e, e->ctx->node);
		s = xpath_text(e->ctx, o->expr, e->ctx->node);
		if (s == NULL)
			exerr(e, o, MSG_TPL_EXPRESSION_EVALUATED_UNKNOWN);
		para_append(e, s);
		free(s);
		break;
	case OP_CONTENT: {
		xmlXPathObjectPtr r;
		set_ctx(e, e->ctx->node);
		r = xmlXPathCompiledEval(o->expr, e->ctx);
		if (r == NULL) {
			exerr(e, o, MSG_TPL_EXPRESSION_EVALUATED);
			break;
		}
		if (r->type == XPATH_NODESET && r->nodesetval != NULL) {
			for (int i = 0; i < r->nodesetval->nodeNr; i++) {
				xmlNodePtr n = r->nodesetval->nodeTab[i];
				/* an element's content; a <b> or <i> picked out of running text
				 * (node()[not(self::item)]) with its markup */
				if (n->type == XML_ELEMENT_NODE && !is(n, "b") && !is(n, "i"))
					append_content(e, n->children);
				else
					append_node(e, n);
			}
		} else {
			xmlChar *str = xmlXPathCastToString(r);
			para_append(e, (const char *)str);
			xmlFree(str);
		}
		xmlXPathFreeObject(r);
		break;
	}
	case OP_BOLD:
	case OP_ITALIC:
		e->bold += o->kind == OP_BOLD;
		e->italic += o->kind == OP_ITALIC;
		run_list(e, o->child);
		e->bold -= o->kind == OP_BOLD;
		e->italic -= o->kind == OP_ITALIC;
		break;
	case OP_PARA: {
		doc_block *b = make_para(e, o, o->style);
		if (b != NULL)
			append_block(e, b);
		break;
	}
	case OP_GRID: {
		doc_block *b = doc_block_new(e->d, BLOCK_GRID, o->file, o->line);
		doc_block **saved_tail = e->tail, *saved_last = e->last;
		int k = 0;
		b->ncols = o->ncols;
		b->col_widths = doc_alloc(e->d, sizeof(double) * (size_t)o->ncols);
		memcpy(b->col_widths, o->widths, sizeof(double) * (size_t)o->ncols);
		b->cols = doc_alloc(e->d, sizeof(doc_block *) * (size_t)o->ncols);
		b->keep_with_prev = o->keep_with_prev;
		b->level = o->level;
		b->keep_with_next = o->keep_with_next;
		b->keep_together = 1;
		for (const op *c = o->child; c != NULL; c = c->next) {
			if (c->kind != OP_COL)
				continue;
			e->tail = &b->cols[k++];
			e->last = NULL;
			run_list(e, c->child);
		}
		e->tail = saved_tail;
		e->last = saved_last;
		append_block(e, b);
		break;
	}
	case OP_COL:
		run_list(e, o->child);
		break;
	case OP_RULE: {
		doc_block *b = doc_block_new(e->d, BLOCK_RULE, o->file, o->line);
		b->fraction = o->a;
		b->thickness = o->b;
		b->offset = o->c;
		append_block(e, b);
		break;
	}
	case OP_SPACE: {
		doc_block *b = doc_block_new(e->d, BLOCK_SPACE, o->file, o->line);
		int n = 0;
		b->height = o->a;
		for (const op *c = o->child; c != NULL; c = c->next)
			n++;
		if (n > 0) {
			doc_field *f = doc_alloc(e->d, sizeof(doc_field) * (size_t)n);
			n = 0;
			for (const op *c = o->child; c != NULL; c = c->next)
				if (field_named(e, c)) {
					f[n] = c->field;
					f[n++].name = doc_str(e->d, c->text);
				}
			b->fields = f;
			b->nfields = n;
		}
		append_block(e, b);
		break;
	}
	case OP_FIELD: {
		doc_block *b = doc_block_new(e->d, BLOCK_FIELD, o->file, o->line);
		doc_field *f = doc_alloc(e->d, sizeof(doc_field));
		if (!field_named(e, o))
			break;
		*f = o->field;
		f->name = doc_str(e->d, o->text);
		b->field = f;
		append_block(e, b);
		break;
	}
	case OP_BREAK: {
		doc_block *b = doc_block_new(e->d, BLOCK_BREAK, o->file, o->line);
		b->page = o->page;
		b->restart_numbers = o->restart;
		append_block(e, b);
		break;
	}
	case OP_FOR: {
		xmlXPathObjectPtr r;
		xmlNodePtr saved = e->ctx->node;
		int saved_pos = e->pos, saved_size = e->size;
		xmlXPathObjectPtr old = NULL;
		set_ctx(e, saved);
		r = xpath_nodes(e->ctx, o->expr, saved);
		if (r == NULL) {
			exerr(e, o, MSG_TPL_SELECT_NODES_PLAN);
			break;
		}
		if (o->text != NULL)
			old = xmlXPathVariableLookup(e->ctx, BAD_CAST o->text);
		int n = r->nodesetval != NULL ? r->nodesetval->nodeNr : 0;
		for (int i = 0; i < n && !e->failed; i++) {
			e->pos = i + 1;
			e->size = n;
			if (o->text != NULL)
				xmlXPathRegisterVariable(e->ctx, BAD_CAST o->text,
							 xmlXPathNewFloat(i + 1));
			e->ctx->node = r->nodesetval->nodeTab[i];
			run_list(e, o->child);
		}
		if (o->text != NULL)
			xmlXPathRegisterVariable(e->ctx, BAD_CAST o->text, old);
		xmlXPathFreeObject(r);
		e->ctx->node = saved;
		e->pos = saved_pos;
		e->size = saved_size;
		break;
	}
	case OP_IF: {
		int v;
		set_ctx(e, e->ctx->node);
		v = xpath_bool(e->ctx, o->expr, e->ctx->node);
		if (v < 0) {
			exerr(e, o, MSG_TPL_TEST_EVALUATED);
			break;
		}
		run_seq(e, o->child, v == 1 ? RUN_THEN : RUN_ELSE);
		break;
	}
	case OP_ELSE:
		run_list(e, o->child);
		break;
	case OP_CALL:
		if (++e->depth > TEMPLATE_MAX_CALL_DEPTH) {
			exerr(e, o, MSG_TPL_DEFINITIONS_CALL_DEEP, TEMPLATE_MAX_CALL_DEPTH);
			e->depth--;
			break;
		}
		run_list(e, o->target->child);
		e->depth--;
		break;
	case OP_INCLUDE: {
		doc_block *b = doc_block_new(e->d, BLOCK_BREAK, o->file, o->line);
		template *saved = e->t;
		b->page = o->include->page;
		b->restart_numbers = 1;
		append_block(e, b);
		e->t = o->include;
		xmlXPathObjectPtr was = xmlXPathVariableLookup(e->ctx, BAD_CAST "included");
		xmlXPathRegisterVariable(e->ctx, BAD_CAST "included", xmlXPathNewBoolean(1));
		run_list(e, o->include->document);
		xmlXPathRegisterVariable(e->ctx, BAD_CAST "included", was);
		e->t = saved;
		break;
	}
	case OP_TABLE:
		run_table(e, o);
		break;
	case OP_BR:
		if (e->text != NULL) {
			while (e->text->len > 0 && e->text->str[e->text->len - 1] == ' ')
				g_string_truncate(e->text, e->text->len - 1);
			g_string_append_c(e->text, '\n');
			if (e->orig != NULL)
				g_string_append_c(e->orig, '\n');
		}
		break;
	case OP_PLANTABLE:
		run_plan_tables(e, o);
		break;
	case OP_TROW:
	case OP_TGROUP:
		run_row(e, o);
		break;
	case OP_TCOL:
	case OP_TCELL:
	case OP_LET: /* bound by run_seq, which ends its scope */
		break;
	}
}

/* A variable that a <let> hid, put back when the <let>'s list ends. */
typedef struct let_saved {
	const char *name;
	xmlXPathObjectPtr old; /* NULL: there was none */
} let_saved;

/* Binds a <let>'s variable to its value, remembering the value it hides in *saved. */
static void run_let(struct ex *e, const op *o, GArray **saved)
{
	xmlXPathObjectPtr v;
	let_saved sv;

	set_ctx(e, e->ctx->node);
	v = xmlXPathCompiledEval(o->expr, e->ctx);
	if (v == NULL) {
		exerr(e, o, MSG_TPL_SELECT_EVALUATED_UNKNOWN);
		return;
	}
	if (*saved == NULL)
		*saved = g_array_new(FALSE, FALSE, sizeof(let_saved));
	sv.name = o->text;
	sv.old = xmlXPathVariableLookup(e->ctx, BAD_CAST o->text);
	g_array_append_val(*saved, sv);
	xmlXPathRegisterVariable(e->ctx, BAD_CAST o->text, v); /* the context owns v now */
}

/* Runs the ops of a list, or one branch of an <if>. A <let> binds its variable for the
 * ops after it in the same list; when the list ends, the values it hid come back, so a
 * <let> inside a loop is evaluated once per pass and never leaks out of it. */
static void run_seq(struct ex *e, const op *o, enum run_which which)
{
	GArray *saved = NULL;

	for (; o != NULL && !e->failed; o = o->next) {
		if ((which == RUN_THEN && o->kind == OP_ELSE) ||
		    (which == RUN_ELSE && o->kind != OP_ELSE))
			continue;
		if (o->kind == OP_LET)
			run_let(e, o, &saved);
		else
			run_op(e, o);
	}
	if (saved == NULL)
		return;
	for (guint i = saved->len; i-- > 0;) {
		const let_saved *sv = &g_array_index(saved, let_saved, i);
		/* NULL removes the variable: it did not exist before the <let> */
		xmlXPathRegisterVariable(e->ctx, BAD_CAST sv->name, sv->old);
	}
	g_array_free(saved, TRUE);
}

static void run_list(struct ex *e, const op *o)
{
	run_seq(e, o, RUN_ALL);
}

doc *template_expand(struct diag *diag, template *t, xmlXPathContextPtr ctx, xmlNodePtr node)
{
	struct ex e = {0};
	doc *d = doc_new();

	/* the context's XPath errors come to this expansion, quoted in our messages; an
	 * allocation failure libxml2 meets without a context is its last error */
	xpath_on_error(ctx, on_eval_error, &e);
	xmlResetLastError();
	e.diag = diag;
	e.t = t;
	e.ctx = ctx;
	e.d = d;
	e.tail = &d->first;
	e.pos = e.size = 1;
	e.fields = g_hash_table_new(g_str_hash, g_str_equal);
	/* $included: false here, true in the document of a template another includes (the
	 * appendix inside the plan, whose signing place is the plan's) */
	xmlXPathRegisterVariable(ctx, BAD_CAST "included", xmlXPathNewBoolean(0));
	d->page = (doc_page *)t->page;
	ctx->node = node != NULL ? node : (xmlNodePtr)ctx->doc;
	for (int k = 0; k < 5; k++) {
		char *s;
		if (t->meta[k] == NULL)
			continue;
		set_ctx(&e, ctx->node);
		s = xpath_string(ctx, t->meta[k], ctx->node);
		const char **slot[] = {&d->title, &d->author, &d->subject, &d->keywords,
				       &d->create_date};
		*slot[k] = doc_str(d, s);
		free(s);
	}
	/* libxml2 counts the steps of every evaluation against this, so that one costly
	 * expression in a loop stops too */
	ctx->opLimit = TEMPLATE_MAX_XPATH_OPS;
	ctx->opCount = 0;
	run_list(&e, t->document);
	ctx->opLimit = 0;
	g_hash_table_destroy(e.fields);
	xpath_on_error(ctx, NULL, NULL); /* e is gone when this returns */
	if (e.failed) {
		if (diag_count(diag, DIAG_ERROR) == 0 && diag_count(diag, DIAG_SYSTEM) == 0)
			msg(diag, t->path, 0, MSG_TPL_DOCUMENT_NOT_MADE);
		doc_free(d);
		return NULL;
	}
	return d;
}
