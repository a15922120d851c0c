/* report_ui.h - the report's page template, style and script, embedded at
 * build time by tools/embed.sh from the files of ui/report/ (the generated
 * report_ui.c defines them). */
#ifndef COMPENDIUM_REPORT_UI_H
#define COMPENDIUM_REPORT_UI_H
#include <stddef.h>

extern const char report_ui_html[];
extern const size_t report_ui_html_len;
extern const char report_ui_css[];
extern const size_t report_ui_css_len;
extern const char report_ui_js[];
extern const size_t report_ui_js_len;
#endif
