/* What the table's files share: the page embedded at build time
 * (src/table/page.html, app.js, app.css through cmake/embed.cmake) and
 * the registry name of a person. */
#ifndef PARLEY_TABLE_INTERNAL_H
#define PARLEY_TABLE_INTERNAL_H

#include <stddef.h>

#define PL__TABLE_PERSON "person"

extern const unsigned char pl__table_page[];
extern const size_t pl__table_page_size;
extern const unsigned char pl__table_script[];
extern const size_t pl__table_script_size;
extern const unsigned char pl__table_style[];
extern const size_t pl__table_style_size;

#endif
