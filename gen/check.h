/* check.h - checking what a plan means, after its form has been read (plan.c).
 *
 * Fills the plan's id index and reports, each with its line, every problem a clerk can
 * make that the schema cannot see: unknown and duplicate ids, references to the wrong
 * kind of thing, a lead who also cooperates, impossible dates, empty required text, a
 * group with no members. */
#ifndef VBGEN_CHECK_H
#define VBGEN_CHECK_H

#include "plan.h"

/* Checks p and reports every problem found with diag(). Returns the number of errors. */
int check_plan(plan *p);

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
