/* kinds.c - the table of document kinds; see kinds.h. */
#include "kinds.h"

#include "i18n.h"

#include <stddef.h>
#include <string.h>

const kind kinds[] = {
	{
		.command = "plan",
		.help = N_("write the plan as PDF, followed by its appendix (-o FILE)"),
		.template = "plan",
		.suffix = ".pdf",
		.in_all = "plan.pdf",
	},
	{
		.command = "appendix",
		.help = N_("write the responsibility appendix alone as PDF (-o FILE, --csv FILE)"),
		.template = "appendix",
		.requires = "appendix",
		/* TRANSLATORS: what follows "the plan has no <appendix>" */
		.missing = N_(", so there is no appendix to make: add one with its tasks (see "
			      "docs/plan-format.md)"),
		/* TRANSLATORS: what follows "the plan has no <appendix>" */
		.missing_all = N_(", so no appendix.pdf or appendix.csv was made"),
		.suffix = "-phu-luc.pdf",
		.in_all = "appendix.pdf",
		.csv = 1,
	},
	{
		.command = "letters",
		.help = N_("write one commitment letter per agency (-o DIR, --print FILE)"),
		.template = "letter",
		.requires = "commitments",
		/* TRANSLATORS: what follows "the plan has no <commitments>" */
		.missing = N_(", which the letters are made from (their date, summary and the "
			      "chairman who receives them): add it (see docs/plan-format.md)"),
		/* TRANSLATORS: what follows "the plan has no <commitments>" */
		.missing_all = N_(", so no commitment letters were made"),
		.suffix = "letters",
		.in_all = "letters",
		.each = "/plan/agencies//agency[has-letter(.)]",
		.node = "agency",
		.id = "id",
		.var = "agency",
		.label = "name",
		.print_name = "letters-print.pdf",
	},
	{0},
};

const kind *kinds_find(const char *command)
{
	for (const kind *k = kinds; k->command != NULL; k++)
		if (strcmp(k->command, command) == 0)
			return k;
	return NULL;
}
