/* check.h - checking what a plan means, after its form has been read (plan.c).
 *
 * Reads the plan as plan_read() built it (id index included), never changes it, and
 * reports, each with its line, every problem a clerk can make that the schema cannot
 * see: malformed, unknown and duplicate ids, references to the wrong kind of thing, a
 * lead who also cooperates, impossible dates, empty required text, a group with no
 * members. */
#ifndef VBGEN_CHECK_H
#define VBGEN_CHECK_H

#include "plan.h"

/* Checks p and reports every problem found to d (msg.h). Returns the number of errors. */
int check_plan(struct diag *d, const plan *p);

/* Counts for the one-line summary of a valid plan. */
typedef struct check_counts {
	int sections; /* all levels */
	int top;      /* level-1 sections (I., II., ...) */
	int appendices;
	int tasks;
	int agencies;
	int groups;
	int letters; /* one per agency */
} check_counts;

void check_count(const plan *p, check_counts *c);

#endif
