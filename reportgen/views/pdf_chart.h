/*
 * pdf_chart.h: the response timeline chart (internal to views/).
 *
 * Drawn from the results model only, at the document's cursor, as one
 * Figure with alternative text; see pdf_chart.c for what it shows.
 */
#ifndef RG_PDF_CHART_H
#define RG_PDF_CHART_H

#include <stdbool.h>

#include "views/pdf_doc.h"

/* Height the chart takes (compact: the summary's smaller rows). */
double rg_pdf_chart_height(const struct rg_pdoc *d, bool compact);
/* Draws the chart, moving to a new page first unless it fits whole. */
void rg_pdf_chart(struct rg_pdoc *d, bool compact);

#endif
