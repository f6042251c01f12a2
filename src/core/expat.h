/* expat, opened the first time it is needed (docs/architecture.md,
 * "Start-up"), the way core/xml.h opens libxml2: it reads the GENIUS XML
 * files (src/io/genius_repair.c), and linking it would cost every start of
 * the library (one more library mapped and relocated) for what only a
 * GENIUS file needs. The library takes expat's header but does not link
 * it; it calls the few functions it uses through a table that
 * pl__expat_open fills with dlopen and dlsym. Sources include this header
 * instead of expat.h, and call pl__expat_open before anything else of
 * expat's; from here on the names below are the table's entries.
 *
 * A function added to the list needs its line in PL__EXPAT_FUNCTIONS and
 * its #define at the end; expat.c checks the prototype against expat's
 * header (it includes this one with PL_EXPAT_NO_RENAMES). */
#ifndef PL_CORE_EXPAT_H
#define PL_CORE_EXPAT_H

#include <expat.h>

#include "parley/core.h"

/* X(return type, name, parameters) for every function of expat used */
#define PL__EXPAT_FUNCTIONS(X)                                                \
  X(XML_Parser, XML_ParserCreate_MM,                                          \
    (const XML_Char *, const XML_Memory_Handling_Suite *, const XML_Char *))  \
  X(void, XML_ParserFree, (XML_Parser))                                       \
  X(void, XML_SetUserData, (XML_Parser, void *))                              \
  X(void, XML_SetElementHandler,                                              \
    (XML_Parser, XML_StartElementHandler, XML_EndElementHandler))             \
  X(void, XML_SetStartDoctypeDeclHandler,                                     \
    (XML_Parser, XML_StartDoctypeDeclHandler))                                \
  X(void, XML_SetUnknownEncodingHandler,                                      \
    (XML_Parser, XML_UnknownEncodingHandler, void *))                         \
  X(enum XML_Status, XML_Parse, (XML_Parser, const char *, int, int))         \
  X(enum XML_Status, XML_StopParser, (XML_Parser, XML_Bool))                  \
  X(enum XML_Error, XML_GetErrorCode, (XML_Parser))                           \
  X(const XML_LChar *, XML_ErrorString, (enum XML_Error))                     \
  X(XML_Index, XML_GetCurrentByteIndex, (XML_Parser))

typedef struct pl__expat_api {
#define PL__EXPAT_FIELD(ret, name, params) ret(*name) params;
  PL__EXPAT_FUNCTIONS(PL__EXPAT_FIELD)
#undef PL__EXPAT_FIELD
} pl__expat_api;

/* Filled by the first successful pl__expat_open, read-only afterwards. */
extern pl__expat_api pl__expat;

/* Opens expat (once, thread-safe): PL_OK, or PL_EUNSUPPORTED with a
 * message saying what could not be loaded. */
int pl__expat_open(pl_error *err);

#ifndef PL_EXPAT_NO_RENAMES
#define XML_ParserCreate_MM (pl__expat.XML_ParserCreate_MM)
#define XML_ParserFree (pl__expat.XML_ParserFree)
#define XML_SetUserData (pl__expat.XML_SetUserData)
#define XML_SetElementHandler (pl__expat.XML_SetElementHandler)
#define XML_SetStartDoctypeDeclHandler (pl__expat.XML_SetStartDoctypeDeclHandler)
#define XML_SetUnknownEncodingHandler (pl__expat.XML_SetUnknownEncodingHandler)
#define XML_Parse (pl__expat.XML_Parse)
#define XML_StopParser (pl__expat.XML_StopParser)
#define XML_GetErrorCode (pl__expat.XML_GetErrorCode)
#define XML_ErrorString (pl__expat.XML_ErrorString)
#define XML_GetCurrentByteIndex (pl__expat.XML_GetCurrentByteIndex)
#endif

#endif
