/* plan.c - reading a plan definition: the bytes, the XML, the schema.
 *
 * Reading is the one place where hostile input meets the program, so it is strict and
 * cheap: the file size is bounded before anything is read, bytes that are not UTF-8 are
 * refused with their line, the XML parser never loads a DTD, an entity or anything from
 * the network (a DOCTYPE stops the parse at once), nesting depth and text length are
 * bounded while parsing, and every libxml2 message is rewritten in plain words. */
#include "plan.h"

#include "date.h"
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

/* At most this many well-formedness problems are shown for one file. Problems that break
 * the structure (a tag not closed, a quote missing) end the list at once: everything the
 * XML reader says after them is an echo of the first. */
#define PLAN_MAX_XML_ERRORS 20

/* Values quoted back in messages are cut to this many bytes: a whole paragraph quoted is
 * no help, and a message stays one line. */
#define PLAN_QUOTE_MAX 60

/* A misspelt name is recognised when at most this many letters differ ("sumary",
 * "laed"). */
#define PLAN_SUGGEST_DISTANCE 2

/* One message of ours, before diag() adds the file and line. */
#define PLAN_MSG_MAX 1024

/* What one parse needs to know about itself in the SAX callbacks. */
struct reader {
	xmlParserCtxtPtr ctxt;
	const char *path;
	int depth;
	long text_len; /* length of the text node being read */
	int refused;   /* we stopped the parser on purpose: its own follow-up error is noise */
	int quiet;     /* a problem that breaks the structure was shown: the rest are echoes */
	int truncated; /* only the first PLAN_MAX_BYTES of a larger file are parsed, to find
			* the line where it goes wrong: the parser's own errors are noise */
	int errors;
	long last_line; /* the line of the last parse problem shown, and its words: the same */
	char last[PLAN_MSG_MAX]; /* problem twice on one line (two &nbsp;) is shown once */
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
	charactersSAXFunc characters;
	unsigned char structural[PLAN_MAX_DEPTH + 2]; /* per depth: holds elements only */
};

/* True for elements that hold other elements and never text of their own (the schema
 * tables below): the white space between their children is the file's indentation. It
 * is dropped while reading, which keeps a large plan's tree (a node per indented line)
 * about a third smaller. */
static int is_structural(const xmlChar *name);

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

static void quote(char *buf, const char *s);

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct reader *r = reader_of(ctx);
	char q[PLAN_QUOTE_MAX + 4];

	(void)name;
	(void)ext;
	if (sys != NULL) {
		quote(q, (const char *)sys);
		refuse(r,
		       "the file declares a DOCTYPE that points to an outside file (\"%s\"); "
		       "vbgen never loads outside files: delete the <!DOCTYPE ...> declaration",
		       q);
	} else {
		refuse(r, "the file declares a DOCTYPE; plan files must not have one (entities and "
			  "DTDs are refused for safety): delete the <!DOCTYPE ...> declaration");
	}
}

/* The markup inside running text (schema: "inline"): a paragraph's text is counted
 * across it, so that PLAN_MAX_TEXT bounds a whole paragraph, bold and italic parts
 * included, as a template lays it out. */
static int is_inline_markup(const xmlChar *local)
{
	return xmlStrEqual(local, BAD_CAST "b") || xmlStrEqual(local, BAD_CAST "i") ||
	       xmlStrEqual(local, BAD_CAST "appendix-ref");
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		     int nns, const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
	struct reader *r = reader_of(ctx);

	if (!is_inline_markup(local))
		r->text_len = 0;
	if (++r->depth > PLAN_MAX_DEPTH) {
		refuse(r,
		       "elements are nested more than %d deep here (at <%s>); a plan nests only a "
		       "few levels: check that every element is closed",
		       PLAN_MAX_DEPTH, (const char *)local);
		return;
	}
	r->structural[r->depth] = (unsigned char)is_structural(local);
	r->start(ctx, local, prefix, uri, nns, ns, nattr, ndef, attrs);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct reader *r = reader_of(ctx);

	r->depth--;
	if (!is_inline_markup(local))
		r->text_len = 0;
	r->end(ctx, local, prefix, uri);
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
	struct reader *r = reader_of(ctx);

	r->text_len += len;
	if (r->text_len > PLAN_MAX_TEXT) {
		refuse(r,
		       "a text here is longer than %ld MB (a paragraph, with its bold and italic "
		       "parts); no paragraph of a plan is that long: shorten or split it, and "
		       "check that no closing tag is missing",
		       PLAN_MAX_TEXT / (1024 * 1024));
		return;
	}
	if (r->depth > 0 && r->depth <= PLAN_MAX_DEPTH && r->structural[r->depth]) {
		int i = 0;
		while (i < len && (ch[i] == ' ' || ch[i] == '\t' || ch[i] == '\n' || ch[i] == '\r'))
			i++;
		if (i == len)
			return; /* indentation */
	}
	r->characters(ctx, ch, len);
}

/* Copies s into buf (PLAN_QUOTE_MAX + 4 bytes) for quoting in a message: white space runs
 * folded to one space (a message is one line), cut at a character boundary with "..." when
 * longer than PLAN_QUOTE_MAX bytes. */
static void quote(char *buf, const char *s)
{
	char *sq = text_squeeze(s != NULL ? s : "");
	size_t n;

	if (sq == NULL) {
		buf[0] = '\0';
		return;
	}
	n = strlen(sq);
	if (n <= PLAN_QUOTE_MAX) {
		memcpy(buf, sq, n + 1);
	} else {
		n = PLAN_QUOTE_MAX;
		while (n > 0 && ((unsigned char)sq[n] & 0xC0) == 0x80)
			n--; /* do not cut a character in two */
		memcpy(buf, sq, n);
		memcpy(buf + n, "...", 4);
	}
	free(sq);
}

/* Says in plain words what a libxml2 parse error means and what to do. Returns 1 when the
 * problem breaks the structure of the file (everything reported after it is an echo), 0
 * when the reader goes on cleanly after it (an unknown entity, a stray character). */
static int explain_parse_error(const xmlError *e, const char *root, char *msg, size_t size)
{
	const char *s1 = e->str1 != NULL ? e->str1 : "", *s2 = e->str2 != NULL ? e->str2 : "";
	char m[PLAN_MSG_MAX / 2];

	/* libxml2's own words, one line, for the last resort below */
	snprintf(m, sizeof m, "%s", e->message != NULL ? e->message : "");
	m[strcspn(m, "\r\n")] = '\0';
	switch (e->code) {
	case XML_ERR_TAG_NAME_MISMATCH:
		if (*s1 == '\0' || *s2 == '\0')
			break;
		if (strcmp(s2, "unparsable") == 0) { /* libxml2's name for "</>" and the like */
			snprintf(msg, size,
				 "a closing tag here has no proper name: close <%s> (line %d) with "
				 "</%s>",
				 s1, e->int1, s1);
			return 1;
		}
		snprintf(msg, size,
			 "</%s> here does not match the open <%s> (line %d): close <%s> with </%s> "
			 "where its text ends, or correct the spelling of one of the two tags",
			 s2, s1, e->int1, s1, s1);
		return 1;
	case XML_ERR_TAG_NOT_FINISHED:
		if (*s1 == '\0')
			break;
		snprintf(msg, size,
			 "the file ends while <%s> (opened on line %d) is still open: add </%s> at "
			 "its end, or check that the file is complete (was its end lost in "
			 "copying?)",
			 s1, e->int1, s1);
		return 1;
	case XML_ERR_GT_REQUIRED:
		if (*s1 != '\0')
			snprintf(msg, size,
				 "the tag <%s> (line %d) is not finished: check its attributes and "
				 "quotes, and that it ends with >",
				 s1, e->int1);
		else
			snprintf(msg, size, "a tag here is not finished: it must end with >");
		return 1;
	case XML_ERR_LTSLASH_REQUIRED:
		snprintf(msg, size, "a closing tag here is not finished: write it like </name>");
		return 1;
	case XML_ERR_NAME_REQUIRED:
		if (strncmp(m, "xmlParseEntityRef", 17) == 0) {
			snprintf(msg, size, "a bare & here: in XML, write & as &amp;");
			return 0;
		}
		if (strncmp(m, "StartTag: invalid element name", 30) == 0) {
			snprintf(msg, size,
				 "a bare < here: in XML text, write < as &lt; (if it begins a tag, "
				 "correct the tag's name)");
			return 1;
		}
		break;
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
		snprintf(msg, size, "a bare & here: in XML, write & as &amp;");
		return 0;
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
		if (*s1 == '\0')
			break;
		snprintf(
			msg, size,
			"&%s; is an HTML name that XML does not know: type the character itself%s, "
			"and write & as &amp;",
			s1, strcmp(s1, "nbsp") == 0 ? " (a non-breaking space is &#160;)" : "");
		return 0;
	case XML_ERR_DOCUMENT_EMPTY:
		snprintf(
			msg, size,
			"no element begins here: the file must hold one main element (a plan file: "
			"<plan version=\"1\"> ... </plan>); is this the right file?");
		return 1;
	case XML_ERR_DOCUMENT_END:
	case XML_ERR_EXTRA_CONTENT:
		snprintf(msg, size,
			 "something follows the closing </%s> here: only comments may come after "
			 "it; "
			 "delete the rest (were two files pasted together?)",
			 root != NULL ? root : "...");
		return 1;
	case XML_ERR_ATTRIBUTE_NOT_STARTED:
		snprintf(msg, size,
			 "an attribute value here has no quotes: write it in quotes, like "
			 "lead=\"xa\"");
		return 1;
	case XML_ERR_ATTRIBUTE_NOT_FINISHED:
		snprintf(msg, size, "an attribute value here has no closing quote: add it");
		return 1;
	case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
		if (*s1 == '\0')
			break;
		snprintf(msg, size, "the attribute %s here has no value: write %s=\"...\"", s1, s1);
		return 1;
	case XML_ERR_ATTRIBUTE_REDEFINED:
		if (*s1 == '\0')
			break;
		snprintf(msg, size, "%s= is written twice in this tag: keep one", s1);
		return 0;
	case XML_ERR_LT_IN_ATTRIBUTE:
		snprintf(msg, size, "an attribute value here contains <: write it as &lt;");
		return 1;
	case XML_ERR_INVALID_ENCODING:
		snprintf(msg, size, "the text here is not UTF-8: save the file as UTF-8 text");
		return 1;
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_INVALID_CHARREF:
		if (e->int1 > 0 && e->int1 < 0x20)
			snprintf(
				msg, size,
				"an invisible control character (code %d) is here, probably copied "
				"from another program: delete it",
				e->int1);
		else
			snprintf(msg, size, "a character here is not allowed in XML: delete it");
		return 0;
	case XML_ERR_HYPHEN_IN_COMMENT:
		snprintf(
			msg, size,
			"a comment <!-- ... --> here has two hyphens in a row inside it, which XML "
			"does not allow: separate them, or use a dash (–)");
		return 0;
	case XML_ERR_COMMENT_NOT_FINISHED:
		snprintf(msg, size, "a comment <!-- here is never closed: end it with -->");
		return 1;
	case XML_ERR_RESERVED_XML_NAME:
		snprintf(
			msg, size,
			"the line <?xml ...?> must be the very first thing in the file: move it to "
			"line 1, before any comment or space");
		return 1;
	case XML_NS_ERR_UNDEFINED_NAMESPACE:
		snprintf(
			msg, size,
			"a name here has a prefix (the part before ':'), as in files made by Word; "
			"plan files use plain names such as <p>: remove the prefix");
		return 1; /* the closing tag of the prefixed element would be reported next */
	case XML_ERR_SPACE_REQUIRED:
		snprintf(
			msg, size,
			"the attributes of this tag are not written right: each is name=\"value\", "
			"with a space before the next one");
		return 1;
	default:
		break;
	}
	snprintf(msg, size,
		 "the file is not well-formed XML here: check the tags and quotes on this line and "
		 "the line before (the XML reader says: %s)",
		 m);
	return 1;
}

/* Reports a libxml2 parse error in plain words (see explain_parse_error). */
static void on_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = reader_of(ctx);
	char msg[PLAN_MSG_MAX];
	xmlNodePtr root;
	size_t n;
	int structural;

	if (e == NULL || e->level < XML_ERR_ERROR || r->refused || r->quiet || r->truncated)
		return;
	root = r->ctxt->myDoc != NULL ? xmlDocGetRootElement(r->ctxt->myDoc) : NULL;
	structural = explain_parse_error(e, root != NULL ? (const char *)root->name : NULL, msg,
					 sizeof msg);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (!structural && e->line == r->last_line && strncmp(msg, r->last, sizeof r->last) == 0)
		return;
	r->last_line = e->line;
	snprintf(r->last, sizeof r->last, "%s", msg);
	diag(r->path, e->line, DIAG_ERROR, "%s", msg);
	r->errors++;
	if (structural) {
		r->quiet = 1;
	} else if (r->errors >= PLAN_MAX_XML_ERRORS) {
		diag(r->path, 0, DIAG_NOTE,
		     "more problems of this kind may follow; correct these first and check again");
		r->quiet = 1;
	}
}

/* Reads the whole file, refusing what is not a plan before parsing. Returns the buffer
 * (malloc()ed) and its size, or NULL with the problem reported. */
static char *read_bytes(const char *path, size_t *size, int *status, double *too_big)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n = 0;
	int fd;

	/* not blocking: a pipe (FIFO) given as the plan would wait for a writer forever;
	 * it is refused below, at once */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int err = errno;
		if (err == EACCES || err == EPERM)
			diag(path, 0, DIAG_SYSTEM,
			     "you may not read this file (%s): ask its owner to let you read it, "
			     "or work on a copy you may read",
			     strerror(err));
		else
			diag(path, 0, err == ENOENT ? DIAG_ERROR : DIAG_SYSTEM,
			     "cannot open the file: %s; check the name and the folder",
			     strerror(err));
		*status = err == ENOENT ? EXIT_INVALID : EXIT_SYSTEM;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag(path, 0, DIAG_ERROR,
		     "this is %s, not an ordinary file: give the path of a plan file",
		     S_ISDIR(st.st_mode)                          ? "a folder"
		     : S_ISFIFO(st.st_mode)                       ? "a pipe"
		     : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
								  : "something else");
		*status = EXIT_INVALID;
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* A file over the limit is not read whole: its first PLAN_MAX_BYTES are, so that the
	 * parser can say on which line it stops being a plan (a runaway text, a missing
	 * closing tag); plan_parse() then refuses it. */
	*too_big = st.st_size > PLAN_MAX_BYTES ? (double)st.st_size : 0;
	if (*too_big)
		st.st_size = PLAN_MAX_BYTES;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		diag(path, 0, DIAG_SYSTEM, "out of memory reading the file");
		*status = EXIT_SYSTEM;
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (n < 0 && got < (size_t)st.st_size) {
		diag(path, 0, DIAG_SYSTEM, "the file could not be read: %s; check the disk",
		     strerror(errno));
		*status = EXIT_SYSTEM;
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	buf[got] = '\0';
	if (*too_big) {
		/* end the part before a character that it would cut in two */
		while (got > 0 && ((unsigned char)buf[got] & 0xC0) == 0x80)
			got--;
		buf[got] = '\0';
	}
	*size = got;
	return buf;
}

/* Refuses empty files, UTF-16 files, NUL bytes and bytes that are not UTF-8, naming the
 * line of the first bad byte. Returns 0 when the bytes are acceptable. */
static int check_bytes(const char *path, const char *buf, size_t size)
{
	const char *end, *nul, *p;
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
	if (size >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0)) {
		diag(path, 0, DIAG_ERROR,
		     "the file is saved as UTF-16 (Notepad calls it \"Unicode\"); save it again "
		     "as UTF-8 (in Notepad: Save As, Encoding: UTF-8)");
		return -1;
	}
	/* Before the UTF-8 check, which would call a NUL byte an encoding problem. */
	if ((nul = memchr(buf, '\0', size)) != NULL) {
		for (p = buf; p < nul; p++)
			line += *p == '\n';
		diag(path, line, DIAG_ERROR,
		     "the file contains a NUL byte (code 0) on this line: it is not a text file, "
		     "or "
		     "it was saved as UTF-16; save it as UTF-8 text");
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

/* The form of every element, as schema/plan.rng defines it, for saying in plain words what
 * is missing, misplaced or misspelt when the schema refuses a file: libxml2's own findings
 * are terse ("Expecting an element , got nothing") and stop at the first problem of an
 * element. Keep these tables in step with the schema. A stale entry can only make a
 * message less precise: when they explain nothing, the schema's own finding is reported.
 *
 * Children, in their order; a mark after a name: ? optional, * any number, + one or more;
 * a|b|c* is any number of a, b and c in any order. */
static const struct {
	const char *element;
	const char *children;
} contents[] = {
	{"plan", "document body agencies appendix* commitments? signature recipients"},
	{"document", "issuer place number symbol date kind summary bases?"},
	{"issuer", "parent? name short? header?"},
	{"header", "line+"},
	{"bases", "basis+"},
	{"body", "p|item|section|table*"},
	{"section", "title p|item|section|table*"},
	{"table", "title? columns row+"},
	{"columns", "cell+"},
	{"row", "cell+"},
	{"agencies", "group+ agency+"},
	{"group", "name parent?"},
	{"agency", "name short? header? parent? place? head?"},
	{"head", "title name? also*"},
	{"appendix", "title task+"},
	{"task", "text deadline product? note?"},
	{"commitments", "date summary receiver common? targets*"},
	{"receiver", "title name"},
	{"common", "item+"},
	{"targets", "item+"},
	{"signature", "authority? title name"},
	{"recipients", "to+ archive"},
};

/* Running text: words mixed with <b> and <i> (the schema's "inline"). */
static const char *const running_text[] = {"p", "item", "basis", "text", "b", "i", "cell"};

static int is_structural(const xmlChar *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(contents); i++)
		if (xmlStrEqual(name, BAD_CAST contents[i].element))
			return 1;
	return 0;
}

/* The attributes of every element that has any; "!" marks a required one. */
static const struct {
	const char *element;
	const char *names;
} attributes[] = {
	{"plan", "version!"},
	{"section", "id runin"},
	{"group", "id! kind form requested letter"},
	{"agency", "id! group! kind form requested letter"},
	{"table", "widths"},
	{"cell", "align"},
	{"appendix-ref", "to"},
	{"appendix", "id!"},
	{"task", "id! section! lead! support"},
	{"deadline", "date quarter year"},
	{"targets", "for!"},
	{"to", "note"},
};

/* What to write when a required attribute is missing. */
static const struct {
	const char *name;
	const char *hint;
} attribute_hints[] = {
	{"version", "write <plan version=\"1\">"},
	{"id", "add id=\"...\" (lower-case letters, digits and hyphens, unique in the file)"},
	{"group", "add group=\"...\" with the id of the group it belongs to"},
	{"section", "add section=\"...\" with the id of the section of the plan it carries out"},
	{"lead", "add lead=\"...\" with the id of the agency or group in charge"},
	{"for", "add for=\"...\" with the id of a group or of one agency"},
};

/* Attributes whose values check.c checks, with clearer messages than the schema's (ids,
 * references, deadlines, the recipient's note): the schema's complaint about them is left
 * to check.c. */
static const char *const checked_later[] = {"id",  "group", "section", "lead", "support",
					    "for", "date",  "quarter", "year", "note"};

#define PLAN_MODEL_MAX 16 /* tokens in one entry of contents[] */

struct token {
	char names[64]; /* "title", or "p|item|section" */
	int min, max;   /* max 0: any number */
};

/* One schema validation: what has been said already, so that echoes are dropped. */
struct vctx {
	plan *p;
	GHashTable *content_done;   /* elements whose children were explained */
	GHashTable *attrs_done;     /* elements whose attributes were explained */
	int seen;                   /* problems found so far, here or left to check.c */
	int ns_done;                /* the namespace problem was reported */
	GHashTable *names_done;     /* element names whose every element's attributes were
				     * explained (see explain_all_attributes) */
	char pending[PLAN_MSG_MAX]; /* a finding about no element, reported at the end only if
				     * nothing else explains the failure */
};

static void report(struct vctx *v, xmlNodePtr at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct vctx *v, xmlNodePtr at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_v(v->p->path, plan_line(at), DIAG_ERROR, fmt, ap);
	va_end(ap);
	v->seen++;
}

static int is_named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static int in_list(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* Does the word list "a b! c" (or "a|b|c") hold name, ignoring marks? */
static int in_words(const char *words, const char *name, const char *seps)
{
	size_t len = strlen(name);

	for (const char *w = words; *w != '\0';) {
		size_t n = strcspn(w, seps);
		size_t k = n;
		while (k > 0 && strchr("?*+!", w[k - 1]) != NULL)
			k--;
		if (k == len && strncmp(w, name, len) == 0)
			return 1;
		w += n;
		w += *w != '\0';
	}
	return 0;
}

/* The closest name of the word list to name within PLAN_SUGGEST_DISTANCE, copied into buf;
 * returns 0 when none is close. */
static int suggest(const char *words, const char *seps, const char *name, char *buf, size_t size)
{
	int best = PLAN_SUGGEST_DISTANCE + 1;

	buf[0] = '\0';
	for (const char *w = words; *w != '\0';) {
		size_t n = strcspn(w, seps), k = n;
		char cand[64];
		while (k > 0 && strchr("?*+!", w[k - 1]) != NULL)
			k--;
		if (k < sizeof cand) {
			memcpy(cand, w, k);
			cand[k] = '\0';
			int d = text_distance(cand, name, PLAN_SUGGEST_DISTANCE);
			if (d > 0 && d < best) {
				best = d;
				snprintf(buf, size, "%s", cand);
			}
		}
		w += n;
		w += *w != '\0';
	}
	return buf[0] != '\0';
}

/* "<task id="t02">" when the element has an id, else "<task>". */
static const char *label(xmlNodePtr n, char *buf, size_t size)
{
	const char *id = plan_attr(n, "id");

	if (id != NULL && text_is_id(id))
		snprintf(buf, size, "<%s id=\"%s\">", (const char *)n->name, id);
	else
		snprintf(buf, size, "<%s>", (const char *)n->name);
	return buf;
}

static const char *content_of(const char *element)
{
	for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++)
		if (strcmp(contents[i].element, element) == 0)
			return contents[i].children;
	return NULL;
}

static const char *attributes_of(const char *element)
{
	for (size_t i = 0; i < sizeof attributes / sizeof attributes[0]; i++)
		if (strcmp(attributes[i].element, element) == 0)
			return attributes[i].names;
	return "";
}

/* Splits a contents[] entry into tokens; returns how many. */
static int parse_model(const char *model, struct token *t)
{
	int n = 0;

	for (const char *w = model; *w != '\0' && n < PLAN_MODEL_MAX;) {
		size_t len = strcspn(w, " ");
		size_t k = len;
		char mark = len > 0 ? w[len - 1] : '\0';
		if (strchr("?*+", mark) != NULL && mark != '\0')
			k--;
		if (k >= sizeof t[n].names)
			k = sizeof t[n].names - 1;
		memcpy(t[n].names, w, k);
		t[n].names[k] = '\0';
		t[n].min = mark == '?' || mark == '*' ? 0 : 1;
		t[n].max = mark == '*' || mark == '+' ? 0 : 1;
		n++;
		w += len;
		while (*w == ' ')
			w++;
	}
	return n;
}

/* "issuer, place, number, ..." for messages. */
static void model_words(const struct token *t, int n, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", t[i].names);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	for (char *c = buf; *c != '\0'; c++)
		if (*c == '|')
			*c = '/';
}

static int token_matches(const struct token *t, const xmlChar *name)
{
	return in_words(t->names, (const char *)name, "|");
}

/* Compares the child elements of parent with its form in contents[] and reports each
 * child that is unknown, misspelt, repeated or out of order and each required child that
 * is missing. Returns the number of problems reported, -1 when parent was explained
 * before, 0 when the tables see nothing wrong. */
static int explain_content(struct vctx *v, xmlNodePtr parent)
{
	struct token t[PLAN_MODEL_MAX];
	int count[PLAN_MODEL_MAX] = {0};
	xmlNodePtr first[PLAN_MODEL_MAX] = {NULL};
	char order[PLAN_MSG_MAX / 2], what[160], suggested[PLAN_MODEL_MAX][64];
	const char *model, *pname;
	GHashTable *explained;
	xmlNodePtr last = NULL;
	int n, i = 0, found = 0, nsuggested = 0;

	if (parent == NULL || parent->type != XML_ELEMENT_NODE)
		return 0;
	if (g_hash_table_contains(v->content_done, parent))
		return -1;
	g_hash_table_add(v->content_done, parent);
	pname = (const char *)parent->name;
	if (in_list(running_text, sizeof running_text / sizeof running_text[0], pname)) {
		for (xmlNodePtr c = parent->children; c != NULL; c = c->next) {
			if (c->type != XML_ELEMENT_NODE || is_named(c, "b") || is_named(c, "i") ||
			    is_named(c, "appendix-ref") ||
			    (is_named(c, "item") && strcmp(pname, "item") == 0))
				continue;
			report(v, c,
			       "<%s> is not allowed in running text: only <b> (bold) and <i> "
			       "(italic) are; remove the <%s> tags and keep the words",
			       (const char *)c->name, (const char *)c->name);
			found++;
		}
		return found;
	}
	if ((model = content_of(pname)) == NULL)
		return 0;
	n = parse_model(model, t);
	model_words(t, n, order, sizeof order);
	explained = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (xmlNodePtr c = parent->children; c != NULL; c = c->next) {
		int j, k;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (g_hash_table_contains(explained, c)) {
			last = c;
			continue;
		}
		/* the next token, from the current one on, that takes this child */
		for (j = i; j < n; j++)
			if (token_matches(&t[j], c->name) &&
			    (j > i || t[j].max == 0 || count[j] < t[j].max))
				break;
		if (j < n) {
			/* tokens skipped on the way are required ones missing before c */
			for (k = i; k < j; k++) {
				if (count[k] >= t[k].min)
					continue;
				int was_suggested = 0;
				for (int s = 0; s < nsuggested; s++)
					was_suggested |= in_words(t[k].names, suggested[s], "|");
				if (was_suggested)
					continue;
				xmlNodePtr later = NULL;
				for (xmlNodePtr d = c->next; d != NULL && later == NULL;
				     d = d->next)
					if (d->type == XML_ELEMENT_NODE &&
					    token_matches(&t[k], d->name))
						later = d;
				if (later != NULL) {
					report(v, c,
					       "<%s> (line %ld) must come before this <%s>: in "
					       "<%s> "
					       "the order is %s",
					       (const char *)later->name, plan_line(later),
					       (const char *)c->name, pname, order);
					g_hash_table_add(explained, later);
				} else {
					report(v, c,
					       "<%s> is missing in %s (line %ld): add it before "
					       "this "
					       "<%s>",
					       t[k].names, label(parent, what, sizeof what),
					       plan_line(parent), (const char *)c->name);
				}
				found++;
			}
			if (j > i)
				i = j;
			if (count[i]++ == 0)
				first[i] = c;
			last = c;
			continue;
		}
		/* no token from here on takes c: unknown, repeated or out of order */
		for (k = 0; k < i && !token_matches(&t[k], c->name); k++)
			;
		if (k < n && token_matches(&t[k], c->name) && t[k].max == 1 && count[k] > 0 &&
		    first[k] != NULL) {
			report(v, c, "<%s> is given twice in %s (first on line %ld): keep one",
			       (const char *)c->name, label(parent, what, sizeof what),
			       plan_line(first[k]));
		} else if (k < i) {
			xmlNodePtr after = NULL;
			for (int m = k + 1; m < n && after == NULL; m++)
				after = first[m];
			if (after != NULL)
				report(v, c,
				       "this <%s> is out of order: it must come before the <%s> on "
				       "line %ld (in <%s> the order is %s)",
				       (const char *)c->name, (const char *)after->name,
				       plan_line(after), pname, order);
			else
				report(v, c, "this <%s> is out of order: in <%s> the order is %s",
				       (const char *)c->name, pname, order);
		} else {
			char sug[64];
			char all[PLAN_MSG_MAX / 2];
			snprintf(all, sizeof all, "%s", model);
			for (char *a = all; *a != '\0'; a++)
				if (*a == '|')
					*a = ' ';
			if (suggest(all, " ", (const char *)c->name, sug, sizeof sug)) {
				report(v, c, "<%s> is not an element of <%s>: did you mean <%s>?",
				       (const char *)c->name, pname, sug);
				if (nsuggested < PLAN_MODEL_MAX)
					snprintf(suggested[nsuggested++], sizeof suggested[0], "%s",
						 sug);
			} else {
				report(v, c,
				       "<%s> does not belong in <%s>: a <%s> holds %s (see "
				       "docs/plan-format.md)",
				       (const char *)c->name, pname, pname, order);
			}
		}
		found++;
		last = c;
	}
	/* required tokens never reached */
	xmlNodePtr at = last != NULL ? last : parent;
	const char *after = last != NULL ? (const char *)last->name : NULL;
	int next_to_last = last != NULL; /* "after this <x>": x is on the line reported */
	for (int k = i; k < n; k++) {
		if (count[k] >= t[k].min)
			continue;
		int was_suggested = 0;
		for (int s = 0; s < nsuggested; s++)
			was_suggested |= in_words(t[k].names, suggested[s], "|");
		if (was_suggested)
			continue;
		if (after == NULL)
			report(v, at, "<%s> is missing in this %s: add it inside", t[k].names,
			       label(parent, what, sizeof what));
		else
			report(v, at, "<%s> is missing in %s (line %ld): add it after %s<%s>",
			       t[k].names, label(parent, what, sizeof what), plan_line(parent),
			       next_to_last ? "this " : "", after);
		after = t[k].names;
		next_to_last = 0;
		found++;
	}
	g_hash_table_destroy(explained);
	return found;
}

/* Explains what is wrong with the attributes of n: unknown or misspelt names, missing
 * required ones, the values check.c does not see (version, runin). Returns the number of
 * problems found (those left to check.c included), -1 when n was explained before. */
static int explain_attributes(struct vctx *v, xmlNodePtr n)
{
	const char *allowed, *ename;
	char what[160], q[PLAN_QUOTE_MAX + 4], sug[64], suggested[64] = "";
	int found = 0;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return 0;
	if (g_hash_table_contains(v->attrs_done, n))
		return -1;
	g_hash_table_add(v->attrs_done, n);
	ename = (const char *)n->name;
	allowed = attributes_of(ename);
	for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
		char name[128];
		const char *val = a->children != NULL && a->children->content != NULL
					  ? (const char *)a->children->content
					  : "";
		if (a->ns != NULL && a->ns->prefix != NULL)
			snprintf(name, sizeof name, "%s:%s", (const char *)a->ns->prefix,
				 (const char *)a->name);
		else
			snprintf(name, sizeof name, "%s", (const char *)a->name);
		quote(q, val);
		if (a->ns == NULL && in_words(allowed, name, " ")) {
			if (strcmp(name, "version") == 0 && strcmp(val, "1") != 0) {
				report(v, n,
				       "version=\"%s\" is not a version of the plan format: write "
				       "<plan version=\"1\">",
				       q);
				found++;
			} else if (strcmp(name, "runin") == 0 && strcmp(val, "yes") != 0 &&
				   strcmp(val, "no") != 0) {
				report(v, n, "runin=\"%s\" must be runin=\"yes\" or runin=\"no\"",
				       q);
				found++;
			} else if (in_list(checked_later,
					   sizeof checked_later / sizeof checked_later[0], name)) {
				v->seen++; /* check.c says what is wrong with the value */
				found++;
			}
			continue;
		}
		if (*allowed == '\0') {
			report(v, n, "%s takes no attributes: delete %s=\"%s\"",
			       label(n, what, sizeof what), name, q);
		} else if (suggest(allowed, " ", name, sug, sizeof sug) &&
			   xmlHasProp(n, BAD_CAST sug) == NULL) {
			report(v, n, "%s has %s=, which plans do not use: did you mean %s=?",
			       label(n, what, sizeof what), name, sug);
			snprintf(suggested, sizeof suggested, "%s", sug);
		} else {
			report(v, n,
			       "%s has an attribute %s= that plans do not use: delete it or "
			       "correct "
			       "its spelling (see <%s> in docs/plan-format.md)",
			       label(n, what, sizeof what), name, ename);
		}
		found++;
	}
	for (const char *w = allowed; *w != '\0';) {
		size_t len = strcspn(w, " ");
		char name[64];
		if (len > 1 && len < sizeof name && w[len - 1] == '!') {
			memcpy(name, w, len - 1);
			name[len - 1] = '\0';
			if (xmlHasProp(n, BAD_CAST name) == NULL && strcmp(name, suggested) != 0) {
				const char *hint = "add it";
				for (size_t h = 0;
				     h < sizeof attribute_hints / sizeof attribute_hints[0]; h++)
					if (strcmp(attribute_hints[h].name, name) == 0)
						hint = attribute_hints[h].hint;
				report(v, n, "%s has no %s=: %s", label(n, what, sizeof what), name,
				       hint);
				found++;
			}
		}
		w += len;
		while (*w == ' ')
			w++;
	}
	return found;
}

/* Explains the attributes of every element named name (libxml2 reports some attribute
 * findings with the element's name but not the element). Returns the problems found. */
static int explain_all_attributes(struct vctx *v, xmlNodePtr n, const char *name)
{
	int found = 0;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(n->name, BAD_CAST name)) {
			int r = explain_attributes(v, n);
			found += r > 0 ? r : 0;
		}
		found += explain_all_attributes(v, n->children, name);
	}
	return found;
}

/* The element a schema finding is about: e->node, or the element holding it when e->node
 * is a text node; NULL when libxml2 gives no node. */
static xmlNodePtr finding_element(const xmlError *e)
{
	xmlNodePtr n = e->node;

	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->parent;
	return n;
}

/* Is there white space anywhere in the text of el? */
static int has_space(xmlNodePtr el)
{
	xmlChar *raw = xmlNodeGetContent(el);
	int found = raw != NULL && strpbrk((const char *)raw, " \t\r\n") != NULL;

	xmlFree(raw);
	return found;
}

/* A schema finding about the text of an element (a datatype or a pattern). */
static void explain_value(struct vctx *v, xmlNodePtr el)
{
	const char *name = (const char *)el->name;
	char *text = plan_text(el);
	char q[PLAN_QUOTE_MAX + 4];

	quote(q, text);
	if (is_named(el, "deadline") || (is_named(el, "date") && date_parse(text, NULL) != 0) ||
	    text_is_blank(text)) {
		v->seen++; /* check.c: deadlines, dates and blank text, with what to write */
	} else if (is_named(el, "number") && has_space(el)) {
		report(v, el,
		       "<number> has spaces in it: write the digits alone, not even a space around "
		       "them, like <number>186</number>");
	} else if (is_named(el, "number")) {
		report(v, el,
		       "<number>%s</number> is not a document number: write digits only (at most "
		       "six), without spaces, or <number/> for a draft",
		       q);
	} else if (is_named(el, "symbol")) {
		report(v, el,
		       "<symbol>%s</symbol> is not written like a symbol: capital letters and "
		       "digits in parts joined by hyphens, without spaces, for example KH-UBND",
		       q);
	} else {
		report(v, el,
		       "<%s> does not hold a value of the right form (\"%s\"): see <%s> in "
		       "docs/plan-format.md",
		       name, q, name);
	}
	free(text);
}

/* Rewrites a RelaxNG finding for a clerk. libxml2 reports one problem several times up
 * the tree ("failed to validate content"), and some with no names at all; the tables
 * above say what the problem is, and echoes are dropped. */
static void on_schema_error(void *ctx, xmlErrorPtr e)
{
	struct vctx *v = ctx;
	xmlNodePtr el = finding_element(e);
	const char *m = e->message != NULL ? e->message : "";
	char msg[PLAN_MSG_MAX], what[160];
	int r = 0;

	snprintf(msg, sizeof msg, "%s", m);
	msg[strcspn(msg, "\n")] = '\0';
	switch (e->code) {
	case XML_RELAXNG_ERR_CONTENTVALID:
	case XML_RELAXNG_ERR_EXTRACONTENT:
	case XML_RELAXNG_ERR_INTERSEQ:
	case XML_RELAXNG_ERR_INTEREXTRA:
		/* echoes of a finding inside the element, reported before */
		if (v->seen > 0)
			return;
		r = e->code == XML_RELAXNG_ERR_EXTRACONTENT && el != NULL
			    ? explain_content(v, el->parent)
			    : explain_content(v, el);
		break;
	case XML_RELAXNG_ERR_ELEMWRONG:
	case XML_RELAXNG_ERR_ELEMNAME:
		r = el != NULL ? explain_content(v, el->parent) : 0;
		break;
	case XML_RELAXNG_ERR_NOELEM:
		r = explain_content(v, el);
		if (r == 0)
			r = explain_attributes(v, el);
		break;
	case XML_RELAXNG_ERR_INVALIDATTR:
	case XML_RELAXNG_ERR_ATTRVALID:
	case XML_RELAXNG_ERR_ATTRNAME:
	case XML_RELAXNG_ERR_TYPECMP:
	case XML_RELAXNG_ERR_TYPEVAL:
	case XML_RELAXNG_ERR_VALUE:
	case XML_RELAXNG_ERR_LIST:
	case XML_RELAXNG_ERR_LISTEMPTY:
	case XML_RELAXNG_ERR_LISTEXTRA:
		if (el == NULL) {
			/* libxml2 names the element but not which one: look at them all */
			if (e->str1 != NULL && !g_hash_table_contains(v->names_done, e->str1)) {
				g_hash_table_add(v->names_done, g_strdup(e->str1));
				r = explain_all_attributes(v, xmlDocGetRootElement(v->p->doc),
							   e->str1);
			}
			if (r == 0 && v->seen > 0)
				return; /* an echo without a node: its finding came before */
			break;
		}
		r = explain_attributes(v, el);
		if (r == 0 && is_named(el, "deadline")) {
			v->seen++; /* check.c knows every form of a deadline */
			r = 1;
		}
		break;
	case XML_RELAXNG_ERR_DATATYPE:
		if (el == NULL)
			break;
		explain_value(v, el);
		r = 1;
		break;
	case XML_RELAXNG_ERR_DATAELEM:
	case XML_RELAXNG_ERR_VALELEM:
	case XML_RELAXNG_ERR_LISTELEM:
		if (el == NULL)
			break;
		if (e->str1 != NULL && !xmlStrEqual(el->name, BAD_CAST e->str1) &&
		    el->parent != NULL && xmlStrEqual(el->parent->name, BAD_CAST e->str1))
			el = el->parent; /* libxml2 names the child; the element is its parent */
		for (xmlNodePtr c = el->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE) {
				report(v, c,
				       "<%s> holds plain text only, without tags such as <%s>: "
				       "remove "
				       "the <%s> tags and keep the words",
				       (const char *)el->name, (const char *)c->name,
				       (const char *)c->name);
				r = 1;
				break;
			}
		break;
	case XML_RELAXNG_ERR_TEXTWRONG:
	case XML_RELAXNG_ERR_NOTELEM:
		if (el == NULL)
			break;
		for (xmlNodePtr c = el->children; c != NULL && r == 0; c = c->next) {
			/* XML white space only: a non-breaking space is text to the schema */
			if (c->type != XML_TEXT_NODE || c->content == NULL ||
			    strspn((const char *)c->content, " \t\r\n") ==
				    strlen((const char *)c->content))
				continue;
			char q[PLAN_QUOTE_MAX + 4];
			quote(q, (const char *)c->content);
			if (q[0] == '\0')
				report(v, c,
				       "there is an invisible character (such as a non-breaking "
				       "space) "
				       "directly inside %s, where only elements belong: delete it",
				       label(el, what, sizeof what));
			else
				report(v, c,
				       "there is text directly inside %s (\"%s\"), where only "
				       "elements "
				       "belong: put it inside the right element, or delete it",
				       label(el, what, sizeof what), q);
			r = 1;
		}
		break;
	case XML_RELAXNG_ERR_ELEMNONS:
	case XML_RELAXNG_ERR_ELEMWRONGNS:
	case XML_RELAXNG_ERR_ELEMEXTRANS:
	case XML_RELAXNG_ERR_ATTRNONS:
	case XML_RELAXNG_ERR_ATTRWRONGNS:
	case XML_RELAXNG_ERR_ATTREXTRANS:
		if (v->ns_done)
			return;
		v->ns_done = 1;
		if (el != NULL && el->ns != NULL && el->ns->href != NULL) {
			char q[PLAN_QUOTE_MAX + 4];
			quote(q, (const char *)el->ns->href);
			report(v, el,
			       "<%s> is in the XML namespace \"%s\", but plan files use none: "
			       "delete "
			       "its xmlns=\"...\"",
			       (const char *)el->name, q);
			r = 1;
		}
		break;
	default:
		break;
	}
	if (r != 0)
		return;
	/* a text element that is blank (a <summary> that may also be given as lines, for which
	 * the schema asks for a <line>): check.c says what to write there */
	if (el != NULL && content_of((const char *)el->name) == NULL) {
		char *t = plan_text(el);
		int blank = text_is_blank(t);
		free(t);
		if (blank) {
			v->seen++;
			return;
		}
	}
	/* nothing above explains it: the schema's own words, as a last resort */
	if (el == NULL && v->pending[0] == '\0') {
		/* libxml2 reports some echoes before the finding they echo, and without an
		 * element: wait for the end of the validation */
		snprintf(v->pending, sizeof v->pending, "%s", msg);
		return;
	}
	if (el != NULL)
		report(v, el,
		       "%s does not follow the plan format here (the schema says: %s): see <%s> in "
		       "docs/plan-format.md",
		       label(el, what, sizeof what), msg, (const char *)el->name);
	else if (v->seen == 0)
		report(v, NULL,
		       "the file does not follow the plan format (the schema says: %s): see "
		       "docs/plan-format.md",
		       msg);
}

/* Validates p->doc against schema/plan.rng. Returns 0 when it matches. */
/* Removes every <param name="pattern"> below n. */
static void drop_patterns(xmlNodePtr n)
{
	while (n != NULL) {
		xmlNodePtr next = n->next;
		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "param")) {
			xmlChar *name = xmlGetProp(n, BAD_CAST "name");
			if (xmlStrEqual(name, BAD_CAST "pattern")) {
				xmlUnlinkNode(n);
				xmlFreeNode(n);
			}
			xmlFree(name);
		} else if (n->type == XML_ELEMENT_NODE)
			drop_patterns(n->children);
		n = next;
	}
}

/* The schema's ids and references carry an XSD pattern, which documents their form for
 * xmllint; libxml2 compiles such a pattern anew for every value it checks, which made
 * validation most of the time of reading a large plan. check.c checks every id and
 * reference itself (with the words a clerk needs), so vbgen's copy of the schema leaves
 * those patterns out. */
static void drop_id_patterns(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		xmlChar *name;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		name = xmlGetProp(n, BAD_CAST "name");
		if (xmlStrEqual(n->name, BAD_CAST "define") && name != NULL &&
		    (xmlStrEqual(name, BAD_CAST "id.value") ||
		     xmlStrEqual(name, BAD_CAST "ref.value") ||
		     xmlStrEqual(name, BAD_CAST "refs.value"))) {
			drop_patterns(n->children);
		} else
			drop_id_patterns(n->children);
		xmlFree(name);
	}
}

static int validate(plan *p)
{
	xmlDocPtr sdoc;
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vctxt;
	char *path = paths_find("schema/plan.rng");
	struct vctx v = {p, NULL, NULL, 0, 0, NULL, ""};
	int rc;

	if (path == NULL) {
		diag(NULL, 0, DIAG_SYSTEM,
		     "cannot find schema/plan.rng: reinstall vbgen (make install) or run it from "
		     "its source folder");
		return -1;
	}
	sdoc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	if (sdoc != NULL)
		drop_id_patterns(xmlDocGetRootElement(sdoc));
	pctxt = sdoc != NULL ? xmlRelaxNGNewDocParserCtxt(sdoc) : NULL;
	schema = pctxt != NULL ? xmlRelaxNGParse(pctxt) : NULL;
	xmlRelaxNGFreeParserCtxt(pctxt);
	xmlFreeDoc(sdoc);
	if (schema == NULL) {
		diag(path, 0, DIAG_SYSTEM, "the schema cannot be read: reinstall vbgen");
		free(path);
		return -1;
	}
	free(path);
	v.content_done = g_hash_table_new(g_direct_hash, g_direct_equal);
	v.attrs_done = g_hash_table_new(g_direct_hash, g_direct_equal);
	v.names_done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidStructuredErrors(vctxt, on_schema_error, &v);
	rc = xmlRelaxNGValidateDoc(vctxt, p->doc);
	if (rc != 0 && v.seen == 0 && v.pending[0] != '\0')
		report(&v, NULL,
		       "the file does not follow the plan format (the schema says: %s): see "
		       "docs/plan-format.md",
		       v.pending);
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	g_hash_table_destroy(v.content_done);
	g_hash_table_destroy(v.attrs_done);
	g_hash_table_destroy(v.names_done);
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
	double too_big = 0;
	int surely_nfc;
	xmlSAXHandler sax;
	xmlDocPtr doc = NULL;
	size_t size = 0;
	char *buf;
	int skip = 0;

	*status = EXIT_INVALID;
	buf = read_bytes(path, &size, status, &too_big);
	if (buf == NULL)
		return NULL;
	if (too_big)
		r.truncated = 1;
	/* most files need no normalising at all: one pass over the bytes says so */
	surely_nfc = text_surely_nfc(buf, size);
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
	/* the bytes are known to be UTF-8 (check_bytes): read them as they are, whatever
	 * encoding the declaration names, without a converting copy */
	doc = xmlCtxtReadMemory(r.ctxt, buf + skip, (int)(size - skip), path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
					XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT |
					XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(buf);
	if (r.truncated) {
		/* refused for its size: where it went wrong when a guard saw it, else where the
		 * part read ends */
		if (r.errors == 0)
			diag(path, ctx_line(r.ctxt), DIAG_ERROR,
			     "the file is %.1f MB; a plan file is at most %ld MB (10,000 tasks "
			     "take "
			     "about 5 MB), and this one is still going at this line: check that "
			     "this "
			     "is the right file",
			     too_big / 1048576.0, PLAN_MAX_BYTES / 1048576);
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(r.ctxt);
		return NULL;
	}
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
	if (!surely_nfc)
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

const char *plan_body_attr(const plan *p, xmlNodePtr n, const char *name)
{
	const char *v = plan_attr(n, name), *gid;
	xmlNodePtr g;

	if (v != NULL || n == NULL || !xmlStrEqual(n->name, BAD_CAST "agency"))
		return v;
	gid = plan_attr(n, "group");
	g = gid != NULL ? plan_find(p, gid) : NULL;
	return g != NULL && g != n && xmlStrEqual(g->name, BAD_CAST "group") ? plan_attr(g, name)
									     : NULL;
}

const char *plan_body_kind(const plan *p, xmlNodePtr n)
{
	static const char *const kinds[] = {"body", "committee", "position", "village",
					    "organisation"};
	const char *k = plan_body_attr(p, n, "kind");
	char *name;
	int committee;

	for (size_t i = 0; k != NULL && i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(k, kinds[i]) == 0)
			return kinds[i];
	name = plan_text(plan_child(n, "name"));
	committee = text_committee(name, NULL, NULL);
	free(name);
	return committee ? "committee" : "body";
}

int plan_has_letter(const plan *p, xmlNodePtr agency)
{
	const char *l = plan_body_attr(p, agency, "letter");

	return l == NULL || strcmp(l, "no") != 0;
}
