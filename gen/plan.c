/* plan.c - reading a plan definition: the bytes, the XML, the schema.
 *
 * Reading is the one place where hostile input meets the program, so it is strict and
 * cheap: the file size is bounded before anything is read, bytes that are not UTF-8 are
 * refused with their line, the XML parser never loads a DTD, an entity or anything from
 * the network (a DOCTYPE stops the parse at once), nesting depth and text length are
 * bounded while parsing, and every libxml2 message is rewritten in plain words. */
#include "plan.h"

#include "diag.h"
#include "paths.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What one parse needs to know about itself in the SAX callbacks. */
struct reader {
	xmlParserCtxtPtr ctxt;
	const char *path;
	int depth;
	long text_len;  /* length of the text node being read */
	int refused;    /* we stopped the parser on purpose: its own follow-up error is noise */
	int errors;
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
	charactersSAXFunc characters;
};

/* libxml2 passes the parser context as ctx; we find our reader through its _private. */
static struct reader *reader_of(void *ctx)
{
	return ((xmlParserCtxtPtr)ctx)->_private;
}

static long ctx_line(xmlParserCtxtPtr ctxt)
{
	return ctxt->input != NULL ? ctxt->input->line : 0;
}

static void refuse(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void refuse(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_v(r->path, ctx_line(r->ctxt), DIAG_ERROR, fmt, ap);
	va_end(ap);
	r->errors++;
	r->refused = 1;
	xmlStopParser(r->ctxt);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct reader *r = reader_of(ctx);

	(void)name;
	(void)ext;
	if (sys != NULL)
		refuse(r,
		       "the file declares a DOCTYPE that points to an outside file (\"%s\"); "
		       "vbgen never loads outside files: delete the <!DOCTYPE ...> declaration",
		       (const char *)sys);
	else
		refuse(r,
		       "the file declares a DOCTYPE; plan files must not have one (entities and "
		       "DTDs are refused for safety): delete the <!DOCTYPE ...> declaration");
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		     int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct reader *r = reader_of(ctx);

	r->text_len = 0;
	if (++r->depth > PLAN_MAX_DEPTH) {
		refuse(r,
		       "elements are nested more than 64 deep here (at <%s>); a plan nests only a "
		       "few levels: check that every element is closed",
		       (const char *)local);
		return;
	}
	r->start(ctx, local, prefix, uri, nns, ns, nattr, ndef, attrs);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct reader *r = reader_of(ctx);

	r->depth--;
	r->text_len = 0;
	r->end(ctx, local, prefix, uri);
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
	struct reader *r = reader_of(ctx);

	r->text_len += len;
	if (r->text_len > PLAN_MAX_TEXT) {
		refuse(r,
		       "a text here is longer than 1 MB; no paragraph of a plan is that long: "
		       "check that the file is a plan and that no closing tag is missing");
		return;
	}
	r->characters(ctx, ch, len);
}

/* Rewrites a libxml2 parse error in plain words; the original is kept at the end for
 * whoever maintains the file. */
static void on_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = reader_of(ctx);
	char *msg;
	size_t n;
	const char *hint = "check the tags and quotes on this line and the line before";

	if (getenv("VBGEN_DEBUG") && e)
		fprintf(stderr, "DEBUG parse code=%d level=%d domain=%d line=%d int1=%d int2=%d str1=%s str2=%s msg=%s", e->code, e->level, e->domain, e->line, e->int1, e->int2, e->str1 ? e->str1 : "-", e->str2 ? e->str2 : "-", e->message);
	if (e == NULL || e->level < XML_ERR_ERROR || r->refused)
		return;
	msg = strdup(e->message != NULL ? e->message : "unknown problem");
	if (msg == NULL)
		return;
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	switch (e->code) {
	case XML_ERR_TAG_NAME_MISMATCH:
	case XML_ERR_LTSLASH_REQUIRED:
	case XML_ERR_GT_REQUIRED:
		hint = "an element is closed with the wrong name or not closed: every <x> needs "
		       "its </x>";
		break;
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
		hint = "write & as &amp; and < as &lt; in text; named entities are not allowed";
		break;
	case XML_ERR_DOCUMENT_END:
	case XML_ERR_EXTRA_CONTENT:
		hint = "there is text after the closing </plan>: a plan file has one main element";
		break;
	case XML_ERR_DOCUMENT_EMPTY:
		hint = "the file holds no XML: a plan file starts with <plan version=\"1\">";
		break;
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_INVALID_ENCODING:
		hint = "the file has a character that XML does not allow: save it as UTF-8 text";
		break;
	default:
		break;
	}
	diag(r->path, e->line, DIAG_ERROR, "the file is not well-formed XML: %s (%s)", hint, msg);
	r->errors++;
	free(msg);
}

/* Reads the whole file, refusing what is not a plan before parsing. Returns the buffer
 * (malloc()ed) and its size, or NULL with the problem reported. */
static char *read_bytes(const char *path, size_t *size, int *status)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		diag(path, 0, errno == ENOENT ? DIAG_ERROR : DIAG_SYSTEM,
		     "cannot open the file: %s; check the name and the folder", strerror(errno));
		*status = errno == ENOENT ? EXIT_INVALID : EXIT_SYSTEM;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag(path, 0, DIAG_ERROR, "this is not an ordinary file: give the path of a plan file");
		*status = EXIT_INVALID;
		close(fd);
		return NULL;
	}
	if (st.st_size > PLAN_MAX_BYTES) {
		diag(path, 0, DIAG_ERROR,
		     "the file is %.1f MB; a plan file is at most %ld MB (10,000 tasks take about "
		     "5 MB): check that this is the right file",
		     st.st_size / 1048576.0, PLAN_MAX_BYTES / 1048576);
		*status = EXIT_INVALID;
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		diag(path, 0, DIAG_SYSTEM, "out of memory reading the file");
		*status = EXIT_SYSTEM;
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*size = got;
	return buf;
}

/* Refuses empty files and bytes that are not UTF-8, naming the line of the first bad
 * byte. Returns 0 when the bytes are acceptable. */
static int check_bytes(const char *path, const char *buf, size_t size)
{
	const char *end, *p;
	long line = 1;
	size_t i;

	for (i = 0; i < size && strchr(" \t\r\n", buf[i]) != NULL; i++)
		;
	if (i == size) {
		diag(path, 0, DIAG_ERROR,
		     "the file is empty; a plan file starts with <plan version=\"1\"> (see "
		     "samples/par-index-2023.xml)");
		return -1;
	}
	if (!g_utf8_validate(buf, (gssize)size, &end)) {
		for (p = buf; p < end; p++)
			line += *p == '\n';
		diag(path, line, DIAG_ERROR,
		     "the file is not UTF-8 text (byte 0x%02X on this line); save it again as "
		     "UTF-8 (in Word or Notepad: Save As, Encoding: UTF-8)",
		     (unsigned char)*end);
		return -1;
	}
	if (memchr(buf, '\0', size) != NULL) {
		for (p = buf; *p != '\0'; p++)
			line += *p == '\n';
		diag(path, line, DIAG_ERROR,
		     "the file contains a NUL byte; it is not a text file: save it as UTF-8 text");
		return -1;
	}
	return 0;
}

/* Puts every text and attribute value in NFC, so that a plan typed with decomposed
 * accents prints and compares like any other. */
static void normalise(xmlNodePtr node)
{
	for (; node != NULL; node = node->next) {
		if (node->type == XML_TEXT_NODE && node->content != NULL &&
		    !text_is_nfc((const char *)node->content)) {
			char *nfc = text_nfc((const char *)node->content);
			xmlNodeSetContent(node, (const xmlChar *)nfc);
			free(nfc);
		}
		if (node->type == XML_ELEMENT_NODE) {
			for (xmlAttrPtr a = node->properties; a != NULL; a = a->next)
				normalise(a->children);
			normalise(node->children);
		}
	}
}

/* Rewrites a RelaxNG message for a clerk. libxml2 reports one problem several times up
 * the tree ("failed to validate content"); those echoes are dropped. */
static void on_schema_error(void *ctx, xmlErrorPtr e)
{
	plan *p = ctx;
	const char *m = e->message != NULL ? e->message : "";
	char *msg = strdup(m), *nl;
	char name[128] = "", got[128] = "";
	long line = e->line;

	if (msg == NULL)
		return;
	if (getenv("VBGEN_DEBUG"))
		fprintf(stderr, "DEBUG schema code=%d line=%d node=%s(%d) str1=%s str2=%s msg=%s", e->code, e->line, e->node ? (const char *)((xmlNodePtr)e->node)->name : "-", e->node ? ((xmlNodePtr)e->node)->type : 0, e->str1 ? e->str1 : "-", e->str2 ? e->str2 : "-", m);
	if ((nl = strchr(msg, '\n')) != NULL)
		*nl = '\0';
	if (line <= 0 && e->node != NULL)
		line = plan_line(e->node);
	if (strstr(msg, "failed to validate content") != NULL ||
	    strstr(msg, "Invalid sequence in interleave") != NULL ||
	    strstr(msg, "failed to validate attributes") != NULL) {
		/* an echo of a more precise message reported just before */
	} else if (sscanf(msg, "Expecting element %127[^,], got %127s", name, got) == 2) {
		diag(p->path, line, DIAG_ERROR,
		     "<%s> was expected here, but <%s> came instead: check the order and spelling "
		     "of the elements (see docs/plan-format.md)",
		     name, got);
	} else if (sscanf(msg, "Expecting an element %127[^,], got nothing", name) == 1) {
		diag(p->path, line, DIAG_ERROR,
		     "<%s> is missing here: add it (see docs/plan-format.md for what it holds)", name);
	} else if (sscanf(msg, "Did not expect element %127s there", name) == 1) {
		diag(p->path, line, DIAG_ERROR,
		     "<%s> is not allowed here: check its spelling and where it stands (see "
		     "docs/plan-format.md)",
		     name);
	} else if (sscanf(msg, "Invalid attribute %127s for element %127s", name, got) == 2) {
		diag(p->path, line, DIAG_ERROR,
		     "<%s> has an attribute %s= that plans do not use: check its spelling", got, name);
	} else if (sscanf(msg, "Element %127s failed to validate attributes", name) == 1) {
		/* echo */
	} else if (strstr(msg, "Error validating datatype") != NULL ||
		   strstr(msg, "Datatype element") != NULL || strstr(msg, "Type ") == msg ||
		   strstr(msg, "failed to compute") != NULL) {
		diag(p->path, line, DIAG_ERROR,
		     "a value here is not in the expected form (%s): see docs/plan-format.md", msg);
	} else {
		diag(p->path, line, DIAG_ERROR, "%s (see docs/plan-format.md)", msg);
	}
	free(msg);
}

/* Validates p->doc against schema/plan.rng. Returns 0 when it matches. */
static int validate(plan *p)
{
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vctxt;
	char *path = paths_find("schema/plan.rng");
	int rc;

	if (path == NULL) {
		diag(NULL, 0, DIAG_SYSTEM,
		     "cannot find schema/plan.rng: reinstall vbgen (make install) or run it from "
		     "its source folder");
		return -1;
	}
	pctxt = xmlRelaxNGNewParserCtxt(path);
	schema = pctxt != NULL ? xmlRelaxNGParse(pctxt) : NULL;
	xmlRelaxNGFreeParserCtxt(pctxt);
	if (schema == NULL) {
		diag(path, 0, DIAG_SYSTEM, "the schema cannot be read: reinstall vbgen");
		free(path);
		return -1;
	}
	free(path);
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidStructuredErrors(vctxt, on_schema_error, p);
	rc = xmlRelaxNGValidateDoc(vctxt, p->doc);
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	return rc == 0 ? 0 : -1;
}

static void collect(plan *p, xmlNodePtr node)
{
	for (; node != NULL; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(node->name, BAD_CAST "group"))
			g_ptr_array_add(p->groups, node);
		else if (xmlStrEqual(node->name, BAD_CAST "agency"))
			g_ptr_array_add(p->agencies, node);
		else if (xmlStrEqual(node->name, BAD_CAST "task"))
			g_ptr_array_add(p->tasks, node);
		collect(p, node->children);
	}
}

xmlDocPtr plan_parse(const char *path, int *status)
{
	struct reader r = {0};
	xmlSAXHandler sax;
	xmlDocPtr doc = NULL;
	size_t size = 0;
	char *buf;
	int skip = 0;

	*status = EXIT_INVALID;
	buf = read_bytes(path, &size, status);
	if (buf == NULL)
		return NULL;
	if (check_bytes(path, buf, size) != 0) {
		free(buf);
		return NULL;
	}
	if (size >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3; /* a byte-order mark, as Notepad writes it */

	r.path = path;
	r.ctxt = xmlNewParserCtxt();
	if (r.ctxt == NULL) {
		free(buf);
		diag(path, 0, DIAG_SYSTEM, "out of memory starting the XML reader");
		*status = EXIT_SYSTEM;
		return NULL;
	}
	/* SAX2 defaults, with our guards in front of the tree builder. */
	xmlSAXVersion(&sax, 2);
	r.start = sax.startElementNs;
	r.end = sax.endElementNs;
	r.characters = sax.characters;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_characters;
	sax.internalSubset = on_doctype;
	sax.externalSubset = NULL;
	sax.resolveEntity = NULL;
	sax.getEntity = NULL;
	sax.getParameterEntity = NULL;
	sax.entityDecl = NULL;
	sax.serror = on_error;
	sax.error = NULL;
	sax.warning = NULL;
	memcpy(r.ctxt->sax, &sax, sizeof sax);
	r.ctxt->_private = &r;
	doc = xmlCtxtReadMemory(r.ctxt, buf + skip, (int)(size - skip), path, "UTF-8",
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
					XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(buf);
	if (doc != NULL && (r.errors > 0 || !r.ctxt->wellFormed)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL && r.errors == 0)
		diag(path, 0, DIAG_ERROR, "the file could not be read as XML");
	xmlFreeParserCtxt(r.ctxt);
	if (doc == NULL)
		return NULL;
	if (xmlDocGetRootElement(doc) == NULL) {
		diag(path, 0, DIAG_ERROR, "the file holds no element");
		xmlFreeDoc(doc);
		return NULL;
	}
	normalise(xmlDocGetRootElement(doc));
	*status = EXIT_OK;
	return doc;
}

int plan_read(const char *path, plan **out)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int status;
	plan *p;

	*out = NULL;
	doc = plan_parse(path, &status);
	if (doc == NULL)
		return status;
	root = xmlDocGetRootElement(doc);
	if (!xmlStrEqual(root->name, BAD_CAST "plan")) {
		diag(path, plan_line(root), DIAG_ERROR,
		     "the main element is <%s>, but a plan file must start with <plan "
		     "version=\"1\">: is this the right file?",
		     (const char *)root->name);
		xmlFreeDoc(doc);
		return EXIT_INVALID;
	}

	p = calloc(1, sizeof *p);
	p->path = strdup(path);
	p->doc = doc;
	p->ids = g_hash_table_new(g_str_hash, g_str_equal);
	p->groups = g_ptr_array_new();
	p->agencies = g_ptr_array_new();
	p->tasks = g_ptr_array_new();
	collect(p, root);
	*out = p;
	status = validate(p);
	p->schema_ok = status == 0;
	if (status != 0)
		return diag_status() == EXIT_SYSTEM ? EXIT_SYSTEM : EXIT_INVALID;
	return EXIT_OK;
}

void plan_free(plan *p)
{
	if (p == NULL)
		return;
	g_hash_table_destroy(p->ids);
	g_ptr_array_free(p->groups, TRUE);
	g_ptr_array_free(p->agencies, TRUE);
	g_ptr_array_free(p->tasks, TRUE);
	xmlFreeDoc(p->doc);
	free(p->path);
	free(p);
}

long plan_line(xmlNodePtr node)
{
	return node != NULL ? xmlGetLineNo(node) : 0;
}

xmlNodePtr plan_child(xmlNodePtr node, const char *name)
{
	if (node == NULL)
		return NULL;
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

char *plan_text(xmlNodePtr node)
{
	xmlChar *raw;
	char *s;

	if (node == NULL)
		return NULL;
	raw = xmlNodeGetContent(node);
	s = text_squeeze((const char *)raw);
	xmlFree(raw);
	return s;
}

const char *plan_attr(xmlNodePtr node, const char *name)
{
	xmlAttrPtr a = node != NULL ? xmlHasProp(node, BAD_CAST name) : NULL;

	if (a == NULL || a->children == NULL)
		return a != NULL ? "" : NULL;
	return (const char *)a->children->content;
}

xmlNodePtr plan_find(const plan *p, const char *id)
{
	return id != NULL ? g_hash_table_lookup(p->ids, id) : NULL;
}
