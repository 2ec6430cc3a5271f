/* xmlread.h - reading an XML file safely: plans (plan.c) and templates (template.c).
 *
 * Reading is the one place where hostile bytes meet the program, so it is strict and
 * cheap: the file size is bounded before anything is read, bytes that are not UTF-8 are
 * refused with their line, the XML parser never loads a DTD, an entity or anything from
 * the network (a DOCTYPE stops the parse at once), nesting depth and text length are
 * bounded while parsing, every libxml2 message is rewritten in plain words, and text is
 * put in NFC.
 *
 * Ownership: the returned document belongs to the caller (xmlFreeDoc). */
#ifndef VBGEN_XMLREAD_H
#define VBGEN_XMLREAD_H

#include "diag.h"

#include <libxml/tree.h>

/* Limits on what a file may be. Each refusal is an error naming the file. 10,000 tasks
 * take about 5 MB: six times that is no plan (nor template). */
#define XMLREAD_MAX_BYTES (32L * 1024 * 1024)
/* The longest paragraph of a real plan is a few KB. */
#define XMLREAD_MAX_TEXT (1L * 1024 * 1024)
/* Real plans nest about 8 deep, the bundled templates at most 14; deep trees cost stack. */
#define XMLREAD_MAX_DEPTH 64

/* The line libxml2 stores for an element on line 65535 or later (16 bits). */
#define XMLREAD_LINE_UNKNOWN 65535

/* The line of node n in its file (0 for NULL): libxml2's, or, for an element on a line
 * beyond the 16 bits libxml2 keeps, the line xmlread_file() noted. */
long xmlread_line(xmlNodePtr n);

/* Makes libxml2 print nothing of its own, for the whole process: called once, first thing
 * in main() (and in the tests' and fuzz targets' set-up). Every message vbgen shows is
 * its own, with the file and line (xmlread.c's parser callbacks, plan.c's schema errors,
 * template.c's XPath errors through xpath_on_error()); what libxml2 would print on
 * stderr besides them is an English echo without them. */
void xmlread_init(void);

/* Says whether an element holds other elements only, never text of its own: the white
 * space between its children is the file's indentation and is dropped while reading. */
typedef int (*xmlread_structural)(const xmlChar *name);

/* Reads path with the rules above; structural may be NULL (all text is kept). Returns
 * the document and sets *status to EXIT_OK, or returns NULL with every problem reported
 * to d (msg.h; libxml2's own come to it through the parser context's _private) and
 * *status EXIT_INVALID or EXIT_SYSTEM. */
xmlDocPtr xmlread_file(struct diag *d, const char *path, xmlread_structural structural,
		       int *status);

#endif
