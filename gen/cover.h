/* cover.h - the characters of a plan against the fonts of its documents.
 *
 * Reads the templates of every kind (kinds.h), resolves the fonts of their styles with
 * fontconfig and reports, as errors at the plan's line, every character of the plan's
 * text that one of those fonts lacks. Run with the plan check, so that `vbgen check`
 * finds what the layout would refuse. */
#ifndef VBGEN_COVER_H
#define VBGEN_COVER_H

#include "plan.h"

/* Reports to d the characters of p's text the fonts lack (errors). Allocates nothing
 * that outlives the call. */
void cover_check(struct diag *d, const plan *p);

#endif
