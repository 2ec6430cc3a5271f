/* xmlread.c - reading an XML file safely; see xmlread.h.
 *
 * libxml2 builds the tree through its SAX2 callbacks; ours stand in front of them and
 * count depth and text, so that a hostile file is stopped while it is read, not after. */
#include "xmlread.h"

#include "diag.h"
#include "i18n.h"
#include "msg.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* At most this many well-formedness problems are shown for one file. Problems that break
 * the structure (a tag not closed, a quote missing) end the list at once: everything the
 * XML reader says after them is an echo of the first. */
#define XMLREAD_MAX_ERRORS 20

/* A text kept for a message (libxml2's words), before the file and line are added. */
#define XMLREAD_MSG_MAX 1024

/* What one parse needs to know about itself in the SAX callbacks. */
struct reader {
	struct diag *d; /* where the problems of this read are said */
	xmlParserCtxtPtr ctxt;
	const char *path;
	int depth;
	long text_len; /* length of the text node being read */
	int refused;   /* we stopped the parser on purpose: its own follow-up error is noise */
	int quiet;     /* a problem that breaks the structure was shown: the rest are echoes */
	xmlread_structural is_structural; /* NULL: every text is kept */
	int truncated; /* only the first XMLREAD_MAX_BYTES of a larger file are parsed, to find
			* the line where it goes wrong: the parser's own errors are noise */
	int errors;
	long last_line; /* the line of the last parse problem shown, and its words: the same */
	char last[MSG_TEXT_MAX]; /* problem twice on one line (two &nbsp;) is shown once */
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
	charactersSAXFunc characters;
	unsigned char structural[XMLREAD_MAX_DEPTH + 2]; /* per depth: holds elements only */
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

/* Reports message id at the parser's line and stops the parser (fmt: the id's text, for
 * the compiler's checks: call refuse(), msg.h). */
static void refuse_at(struct reader *r, enum msg_id id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define refuse(r, id, ...) refuse_at(r, id, id##_FMT, ##__VA_ARGS__)

static void refuse_at(struct reader *r, enum msg_id id, const char *fmt, ...)
{
	va_list ap;

	(void)fmt;
	va_start(ap, fmt);
	msg_v(r->d, r->path, ctx_line(r->ctxt), id, ap);
	va_end(ap);
	r->errors++;
	r->refused = 1;
	xmlStopParser(r->ctxt);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct reader *r = reader_of(ctx);
	char q[TEXT_QUOTE_MAX + 4];

	(void)name;
	(void)ext;
	if (sys != NULL) {
		text_quote(q, (const char *)sys);
		refuse(r, MSG_XML_DOCTYPE_OUTSIDE, q);
	} else {
		refuse(r, MSG_XML_DOCTYPE);
	}
}

/* The markup inside a plan's running text (schema: "inline"): a paragraph's text is
 * counted across it, so that XMLREAD_MAX_TEXT bounds a whole paragraph, bold and italic
 * parts included, as a template lays it out. */
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
	if (++r->depth > XMLREAD_MAX_DEPTH) {
		refuse(r, MSG_XML_ELEMENTS_NESTED_DEEP, XMLREAD_MAX_DEPTH, (const char *)local);
		return;
	}
	r->structural[r->depth] =
		(unsigned char)(r->is_structural != NULL && r->is_structural(local));
	r->start(ctx, local, prefix, uri, nns, ns, nattr, ndef, attrs);
	/* libxml2 keeps an element's line in 16 bits: from line 65535 on it guesses the line
	 * from the text around the element (XML_PARSE_BIG_LINES), one too many when the
	 * element's first child is a line break. The real line is kept here, for plan_line() */
	xmlNodePtr n = r->ctxt->node;
	if (n != NULL && n->type == XML_ELEMENT_NODE && n->line == XMLREAD_LINE_UNKNOWN)
		n->_private = (void *)(intptr_t)ctx_line(r->ctxt);
}

long xmlread_line(xmlNodePtr n)
{
	if (n == NULL)
		return 0;
	if (n->type == XML_ELEMENT_NODE && n->line == XMLREAD_LINE_UNKNOWN && n->_private != NULL)
		return (long)(intptr_t)n->_private;
	return xmlGetLineNo(n);
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
	if (r->text_len > XMLREAD_MAX_TEXT) {
		refuse(r, MSG_XML_TEXT_LONGER_MB, XMLREAD_MAX_TEXT / (1024 * 1024));
		return;
	}
	if (r->depth > 0 && r->depth <= XMLREAD_MAX_DEPTH && r->structural[r->depth]) {
		int i = 0;
		while (i < len && (ch[i] == ' ' || ch[i] == '\t' || ch[i] == '\n' || ch[i] == '\r'))
			i++;
		if (i == len)
			return; /* indentation */
	}
	r->characters(ctx, ch, len);
}

/* Says in plain words what a libxml2 parse error means and what to do. Returns 1 when the
 * problem breaks the structure of the file (everything reported after it is an echo), 0
 * when the reader goes on cleanly after it (an unknown entity, a stray character). */
static int explain_parse_error(const xmlError *e, const char *root, struct msg_text *t)
{
	const char *s1 = e->str1 != NULL ? e->str1 : "", *s2 = e->str2 != NULL ? e->str2 : "";
	char m[XMLREAD_MSG_MAX / 2];

	/* libxml2's own words, one line, for the last resort below */
	snprintf(m, sizeof m, "%s", e->message != NULL ? e->message : "");
	m[strcspn(m, "\r\n")] = '\0';
	switch (e->code) {
	case XML_ERR_TAG_NAME_MISMATCH:
		if (*s1 == '\0' || *s2 == '\0')
			break;
		if (strcmp(s2, "unparsable") == 0) { /* libxml2's name for "</>" and the like */
			msg_format(t, MSG_XML_CLOSING_TAG_PROPER, s1, e->int1, s1);
			return 1;
		}
		msg_format(t, MSG_XML_MATCH_OPEN_LINE, s2, s1, e->int1, s1, s1);
		return 1;
	case XML_ERR_TAG_NOT_FINISHED:
		if (*s1 == '\0')
			break;
		msg_format(t, MSG_XML_FILE_ENDS_WHILE, s1, e->int1, s1);
		return 1;
	case XML_ERR_GT_REQUIRED:
		if (*s1 != '\0')
			msg_format(t, MSG_XML_TAG_LINE_FINISHED, s1, e->int1);
		else
			msg_format(t, MSG_XML_TAG_FINISHED_END);
		return 1;
	case XML_ERR_LTSLASH_REQUIRED:
		msg_format(t, MSG_XML_CLOSING_TAG_FINISHED);
		return 1;
	case XML_ERR_NAME_REQUIRED:
		if (strncmp(m, "xmlParseEntityRef", 17) == 0) {
			msg_format(t, MSG_XML_BARE_AMP);
			return 0;
		}
		if (strncmp(m, "StartTag: invalid element name", 30) == 0) {
			msg_format(t, MSG_XML_BARE_LT);
			return 1;
		}
		break;
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
		msg_format(t, MSG_XML_BARE_AMP);
		return 0;
	case XML_ERR_UNDECLARED_ENTITY:
	case XML_WAR_UNDECLARED_ENTITY:
		if (*s1 == '\0')
			break;
		msg_format(t, MSG_XML_HTML_ENTITY, s1,
			   strcmp(s1, "nbsp") == 0 ? _(" (a non-breaking space is &#160;)") : "");
		return 0;
	case XML_ERR_DOCUMENT_EMPTY:
		msg_format(t, MSG_XML_ELEMENT_BEGINS_FILE);
		return 1;
	case XML_ERR_DOCUMENT_END:
	case XML_ERR_EXTRA_CONTENT:
		msg_format(t, MSG_XML_SOMETHING_FOLLOWS_CLOSING, root != NULL ? root : "...");
		return 1;
	case XML_ERR_ATTRIBUTE_NOT_STARTED:
		msg_format(t, MSG_XML_ATTRIBUTE_VALUE_QUOTES);
		return 1;
	case XML_ERR_ATTRIBUTE_NOT_FINISHED:
		msg_format(t, MSG_XML_ATTRIBUTE_VALUE_CLOSING);
		return 1;
	case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
		if (*s1 == '\0')
			break;
		msg_format(t, MSG_XML_ATTRIBUTE_VALUE, s1, s1);
		return 1;
	case XML_ERR_ATTRIBUTE_REDEFINED:
		if (*s1 == '\0')
			break;
		msg_format(t, MSG_XML_WRITTEN_TWICE_TAG, s1);
		return 0;
	case XML_ERR_LT_IN_ATTRIBUTE:
		msg_format(t, MSG_XML_ATTRIBUTE_VALUE_CONTAINS);
		return 1;
	case XML_ERR_INVALID_ENCODING:
		msg_format(t, MSG_XML_NOT_UTF8_HERE);
		return 1;
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_INVALID_CHARREF:
		if (e->int1 > 0 && e->int1 < 0x20)
			msg_format(t, MSG_XML_INVISIBLE_CONTROL_CHARACTER, e->int1);
		else
			msg_format(t, MSG_XML_CHARACTER_ALLOWED_XML);
		return 0;
	case XML_ERR_HYPHEN_IN_COMMENT:
		msg_format(t, MSG_XML_COMMENT_HYPHENS_ROW);
		return 0;
	case XML_ERR_COMMENT_NOT_FINISHED:
		msg_format(t, MSG_XML_COMMENT_NEVER_CLOSED);
		return 1;
	case XML_ERR_RESERVED_XML_NAME:
		msg_format(t, MSG_XML_DECL_NOT_FIRST);
		return 1;
	case XML_NS_ERR_UNDEFINED_NAMESPACE:
		msg_format(t, MSG_XML_NAME_PREFIX_PART);
		return 1; /* the closing tag of the prefixed element would be reported next */
	case XML_ERR_SPACE_REQUIRED:
		msg_format(t, MSG_XML_ATTRIBUTES_TAG_WRITTEN);
		return 1;
	default:
		break;
	}
	msg_format(t, MSG_XML_NOT_WELL_FORMED, m);
	return 1;
}

/* Reports a libxml2 parse error in plain words (see explain_parse_error). */
static void on_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = reader_of(ctx);
	struct msg_text said;
	xmlNodePtr root;
	size_t n;
	int structural;

	if (e == NULL || e->level < XML_ERR_ERROR || r->refused || r->quiet || r->truncated)
		return;
	root = r->ctxt->myDoc != NULL ? xmlDocGetRootElement(r->ctxt->myDoc) : NULL;
	structural = explain_parse_error(e, root != NULL ? (const char *)root->name : NULL, &said);
	n = strlen(said.text);
	while (n > 0 && (said.text[n - 1] == '\n' || said.text[n - 1] == ' '))
		said.text[--n] = '\0';
	if (!structural && e->line == r->last_line &&
	    strncmp(said.text, r->last, sizeof r->last) == 0)
		return;
	r->last_line = e->line;
	snprintf(r->last, sizeof r->last, "%s", said.text);
	msg_put(r->d, r->path, e->line, &said);
	r->errors++;
	if (structural) {
		r->quiet = 1;
	} else if (r->errors >= XMLREAD_MAX_ERRORS) {
		msg(r->d, r->path, 0, MSG_XML_PROBLEMS_KIND_FOLLOW);
		r->quiet = 1;
	}
}

/* Reads the whole file, refusing what is not a plan before parsing. Returns the buffer
 * (malloc()ed) and its size, or NULL with the problem reported. */
static char *read_bytes(struct diag *d, const char *path, size_t *size, int *status,
			double *too_big)
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
			msg(d, path, 0, MSG_XML_READ_FILE_ASK, i18n_strerror(err));
		else if (err == ENOENT)
			msg(d, path, 0, MSG_XML_NO_SUCH_FILE, i18n_strerror(err));
		else
			msg(d, path, 0, MSG_XML_CANNOT_OPEN, i18n_strerror(err));
		*status = err == ENOENT ? EXIT_INVALID : EXIT_SYSTEM;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		msg(d, path, 0, MSG_XML_ORDINARY_FILE_PATH,
		    S_ISDIR(st.st_mode)                          ? _("a folder")
		    : S_ISFIFO(st.st_mode)                       ? _("a pipe")
		    : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? _("a device")
								 : _("something else"));
		*status = EXIT_INVALID;
		close(fd);
		return NULL;
	}
	/* known as an input before anything is written, so that no output replaces it */
	if (!diag_note_input(d, st.st_dev, st.st_ino)) {
		msg(d, path, 0, MSG_XML_TOO_MANY_FILES, DIAG_INPUTS_MAX);
		*status = EXIT_INVALID;
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* A file over the limit is not read whole: its first XMLREAD_MAX_BYTES are, so that the
	 * parser can say on which line it stops being a plan (a runaway text, a missing
	 * closing tag); xmlread_file() then refuses it. */
	*too_big = st.st_size > XMLREAD_MAX_BYTES ? (double)st.st_size : 0;
	if (*too_big)
		st.st_size = XMLREAD_MAX_BYTES;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		msg(d, path, 0, MSG_XML_MEMORY_READING_FILE);
		*status = EXIT_SYSTEM;
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	if (n < 0 && got < (size_t)st.st_size) {
		msg(d, path, 0, MSG_XML_FILE_READ_DISK, i18n_strerror(errno));
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

/* Turns each carriage return that no line feed follows into a line feed, in place. A
 * file saved with CR alone ending its lines (old Mac editors, some Windows settings) is
 * one line to libxml2, which counts lines by LF: every message said line 1. XML reads a
 * lone CR as an LF anyway (XML 1.0, 2.11), so the plan means the same; a CR LF pair is
 * left as it is. */
static void lone_cr_to_lf(char *buf, size_t size)
{
	for (char *p = memchr(buf, '\r', size); p != NULL;
	     p = memchr(p + 1, '\r', size - (size_t)(p + 1 - buf)))
		if ((size_t)(p + 1 - buf) >= size || p[1] != '\n')
			*p = '\n';
}

/* Refuses empty files, UTF-16 files, NUL bytes and bytes that are not UTF-8, naming the
 * line of the first bad byte. Returns 0 when the bytes are acceptable. */
static int check_bytes(struct diag *d, const char *path, const char *buf, size_t size)
{
	const char *end, *nul, *p;
	long line = 1;
	size_t i;

	for (i = 0; i < size && strchr(" \t\r\n", buf[i]) != NULL; i++)
		;
	if (i == size) {
		msg(d, path, 0, MSG_XML_FILE_EMPTY_PLAN);
		return -1;
	}
	if (size >= 2 && (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0)) {
		msg(d, path, 0, MSG_XML_FILE_SAVED_UTF);
		return -1;
	}
	/* Before the UTF-8 check, which would call a NUL byte an encoding problem. */
	if ((nul = memchr(buf, '\0', size)) != NULL) {
		for (p = buf; p < nul; p++)
			line += *p == '\n';
		msg(d, path, line, MSG_XML_FILE_CONTAINS_NUL);
		return -1;
	}
	if (!g_utf8_validate(buf, (gssize)size, &end)) {
		for (p = buf; p < end; p++)
			line += *p == '\n';
		msg(d, path, line, MSG_XML_NOT_UTF8, (unsigned char)*end);
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

/* libxml2 prints whatever it is not told to send elsewhere on stderr, in English and
 * without our file and line: an XPath error raised with no context, the "function not
 * found" note of its evaluator (a generic message, not a structured one), an allocation
 * failure deep inside it. Every one of those that matters reaches vbgen another way (the
 * per-parser and per-context handlers, xmlGetLastError() for memory) and is said in its
 * words, so the process-wide handlers only drop what is left. They are set once, here,
 * rather than set and cleared around each use: a switch flipped for a while is state
 * every other stage would have to know about. */
static void drop_structured(void *data, xmlErrorPtr e)
{
	(void)data;
	(void)e;
}

static void drop_generic(void *data, const char *msg, ...)
{
	(void)data;
	(void)msg;
}

void xmlread_init(void)
{
	xmlInitParser();
	xmlSetStructuredErrorFunc(NULL, drop_structured);
	xmlSetGenericErrorFunc(NULL, drop_generic);
	/* the same for any thread started later (libxml2 keeps them per thread) */
	xmlThrDefSetStructuredErrorFunc(NULL, drop_structured);
	xmlThrDefSetGenericErrorFunc(NULL, drop_generic);
}

xmlDocPtr xmlread_file(struct diag *d, const char *path, xmlread_structural structural, int *status)
{
	struct reader r = {.d = d};
	double too_big = 0;
	int surely_nfc;
	xmlSAXHandler sax;
	xmlDocPtr doc = NULL;
	size_t size = 0;
	char *buf;
	int skip = 0;

	*status = EXIT_INVALID;
	buf = read_bytes(d, path, &size, status, &too_big);
	if (buf == NULL)
		return NULL;
	lone_cr_to_lf(buf, size);
	if (too_big)
		r.truncated = 1;
	/* most files need no normalising at all: one pass over the bytes says so */
	surely_nfc = text_surely_nfc(buf, size);
	if (check_bytes(d, path, buf, size) != 0) {
		free(buf);
		return NULL;
	}
	if (size >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3; /* a byte-order mark, as Notepad writes it */

	r.path = path;
	r.is_structural = structural;
	r.ctxt = xmlNewParserCtxt();
	if (r.ctxt == NULL) {
		free(buf);
		msg(d, path, 0, MSG_XML_MEMORY_STARTING_XML);
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
			msg(d, path, ctx_line(r.ctxt), MSG_XML_FILE_TOO_LARGE, too_big / 1048576.0,
			    XMLREAD_MAX_BYTES / 1048576);
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(r.ctxt);
		return NULL;
	}
	if (doc != NULL && (r.errors > 0 || !r.ctxt->wellFormed)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL && r.errors == 0)
		msg(d, path, 0, MSG_XML_FILE_READ_XML);
	xmlFreeParserCtxt(r.ctxt);
	if (doc == NULL)
		return NULL;
	if (xmlDocGetRootElement(doc) == NULL) {
		msg(d, path, 0, MSG_XML_FILE_HOLDS_ELEMENT);
		xmlFreeDoc(doc);
		return NULL;
	}
	if (!surely_nfc)
		normalise(xmlDocGetRootElement(doc));
	*status = EXIT_OK;
	return doc;
}
