/* report_views.h - the report's analysis sections: their data.
 *
 * The HTML report's syscall summary, top files, top connections, process
 * tree and per-process latency histograms (drawn by ui/report/report_views.js)
 * read one object of the report's JSON data block, "views", written here
 * from the model's aggregates and one pass over the stored events.  Every
 * traced string goes through json_str(JSON_HTML_SAFE).
 */
#ifndef COMPENDIUM_REPORT_VIEWS_H
#define COMPENDIUM_REPORT_VIEWS_H
#include "fbuf.h"
#include "model.h"
#include "store.h"

/* Write "views":{...}, (with the comma) to out, inside the data object. */
void report_views_json(struct fbuf *out, const struct model *m, const struct store *s);
#endif
