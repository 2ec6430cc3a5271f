/* produce.c - one expanded document into its files; see produce.h.
 *
 * A PDF alone, or the dump, is written page by page as pagination finishes them, so that
 * a long document is never held whole; a Word file, previews and the copies of a print
 * file need every page, which are then kept until they are written. */
#include "produce.h"

#include "i18n.h"

#include "csv.h"
#include "diag.h"
#include "docx.h"
#include "dump.h"
#include "page.h"
#include "out.h"
#include "png.h"

#include <stdio.h>

/* A page sink for the dump: each page printed as it is finished. */
static int dump_sink(void *out, const lay_doc *ld, const lay_page *pg)
{
	dump_page(pg, ld->npages, out);
	return EXIT_OK;
}

/* How an output is named in a message. */
static const char *out_name(const char *path)
{
	return out_is_stdout(path) ? "the document to standard output" : path;
}

int produce(struct diag *diag, fonts *f, const doc *d, const produce_opts *o, int *pages)
{
	int keep = !o->dump && (o->docx != NULL || o->png != NULL || o->print != NULL);
	page_sink sink = {dump_sink, stdout};
	pdf_out *pdf = NULL;
	lay_doc *ld;
	int status = EXIT_OK;
	/* what was written is said on standard output, unless a document goes there */
	FILE *said = out_is_stdout(o->pdf) || out_is_stdout(o->docx) || out_is_stdout(o->csv)
			     ? stderr
			     : stdout;

	*pages = 0;
	int flags = (o->share_fonts ? PDF_SHARE_FONTS : 0) | PDF_FIELDS;

	if (!o->dump && !keep && o->pdf != NULL) {
		pdf = pdf_open(diag, o->pdf, d, flags);
		if (pdf == NULL)
			return EXIT_SYSTEM;
		sink = (page_sink){pdf_page, pdf};
	}
	ld = page_layout(f, d, o->cache, keep || (!o->dump && pdf == NULL) ? NULL : &sink);
	if (ld == NULL) {
		pdf_cancel(pdf);
		return diag_status(diag) != EXIT_OK ? diag_status(diag) : EXIT_SYSTEM;
	}
	*pages = ld->npages;
	if (o->dump) {
		page_free(ld);
		return EXIT_OK;
	}
	if (o->pdf != NULL) {
		status = pdf != NULL ? pdf_close(pdf) : pdf_write(diag, ld, o->pdf, flags);
		if (status == EXIT_OK && o->report)
			i18n_fprintf(said,
				     P_("vbgen: wrote %s (%'d page)\n",
					"vbgen: wrote %s (%'d pages)\n", (unsigned long)ld->npages),
				     out_name(o->pdf), ld->npages);
	}
	if (status == EXIT_OK && o->docx != NULL) {
		status = docx_write(diag, d, ld, o->docx);
		if (status == EXIT_OK && o->report)
			fprintf(said, _("vbgen: wrote %s (Word, to revise)\n"), out_name(o->docx));
	}
	if (status == EXIT_OK && o->csv != NULL) {
		status = csv_write(diag, d, o->csv);
		if (status == EXIT_OK && o->report)
			fprintf(said, _("vbgen: wrote %s\n"), out_name(o->csv));
	}
	if (status == EXIT_OK && o->png != NULL) {
		status = png_write(diag, ld, o->png, o->png_stem, 60);
		if (status == EXIT_OK && o->report)
			i18n_fprintf(said,
				     P_("vbgen: wrote %'d page preview into %s/\n",
					"vbgen: wrote %'d page previews into %s/\n",
					(unsigned long)ld->npages),
				     ld->npages, o->png);
	}
	if (status == EXIT_OK && o->print != NULL)
		pdf_add(o->print, ld, o->print_label, o->copies, o->duplex);
	page_free(ld);
	return status;
}
