/* letters.h - one commitment letter per agency, in batch, and the print file.
 *
 * The letter template (templates/letter.xml) is compiled once and expanded once per
 * agency with the agency's element as context and its id in $agency, so that letters
 * agree with the appendix by construction. Workers are processes (fork) taking the next
 * letter from a shared counter; a letter that fails does not stop the others. */
#ifndef VBGEN_LETTERS_H
#define VBGEN_LETTERS_H

#include "kinds.h"
#include "plan.h"

/* More workers than this only add memory: letters are CPU-bound. -j refuses more; the
 * default (one a core) is held to it on a machine with more cores. */
#define LETTERS_MAX_JOBS 64

/* Copies of each letter in the print file: by default one for each party (the agency
 * that commits and the issuer who keeps it). More than LETTERS_MAX_COPIES is refused: a
 * letter is signed by hand in a few copies, and a typo (200) would make a print file of
 * thousands of pages. */
#define LETTERS_COPIES_DEFAULT 2
#define LETTERS_MAX_COPIES 20

typedef struct letters_opts {
	const char *dir;   /* where DIR/<agency-id>.pdf (and .docx) go */
	const char *print; /* the print file, or NULL */
	GPtrArray *only;   /* agency ids to make (char *), or NULL for all */
	int jobs;          /* workers; 0: the number of cores */
	int copies;        /* copies of each letter in the print file */
	int duplex;        /* pad each copy to an even number of pages */
	int quiet;         /* no summary line */
	int dump;          /* print the layout of each letter instead of writing PDF */
	int pdf;           /* write DIR/<agency-id>.pdf */
	int docx;          /* write DIR/<agency-id>.docx, a Word file to revise */
} letters_opts;

/* Makes the letters: the documents of the per-node kind k (kinds.h), one per node. Returns EXIT_OK,
 * EXIT_INVALID when some letter failed (each failure listed with its reason), EXIT_USAGE for an
 * unknown --agency id, or EXIT_SYSTEM. Every problem is said to d, the run's, which is
 * reset for each letter and before the summary. */
int letters_run(struct diag *d, plan *p, const kind *k, const letters_opts *o);

#endif
