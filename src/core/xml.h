/* libxml2, opened the first time it is needed (docs/architecture.md,
 * "Start-up"): it brings ICU and libstdc++, about half of what a start-up
 * cost, and only the writers use it (SVG, the HTML report, GENIUS files;
 * GENIUS files are read with expat, core/expat.h). The library
 * does not link libxml2; it calls the few functions it uses through a table
 * that pl__xml_open fills with dlopen and dlsym. Sources include this
 * header instead of libxml2's, and call pl__xml_open before anything else of
 * libxml2's; from here on the names below are the table's entries.
 *
 * A function added to the list needs its line in PL__XML_FUNCTIONS and its
 * #define at the end; xml.c checks the prototype against libxml2's header
 * (it includes this one with PL_XML_NO_RENAMES). */
#ifndef PL_XML_H
#define PL_XML_H

#include <libxml/entities.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#include "parley/core.h"

/* X(return type, name, parameters) for every function of libxml2 used */
#define PL__XML_FUNCTIONS(X)                                                   \
  X(xmlBufferPtr, xmlBufferCreate, (void))                                     \
  X(void, xmlBufferFree, (xmlBufferPtr))                                       \
  X(const xmlChar *, xmlBufferContent, (const xmlBuffer *))                    \
  X(int, xmlBufferLength, (const xmlBuffer *))                                 \
  X(void, xmlInitParser, (void))                                               \
  X(xmlChar *, xmlEncodeSpecialChars, (const xmlDoc *, const xmlChar *))       \
  X(void, xmlSetGenericErrorFunc, (void *, xmlGenericErrorFunc))               \
  X(void, xmlSetStructuredErrorFunc, (void *, xmlStructuredErrorFunc))         \
  X(xmlGenericErrorFunc *, __xmlGenericError, (void))                          \
  X(xmlStructuredErrorFunc *, __xmlStructuredError, (void))                    \
  X(void **, __xmlGenericErrorContext, (void))                                 \
  X(void **, __xmlStructuredErrorContext, (void))                              \
  X(xmlTextWriterPtr, xmlNewTextWriterMemory, (xmlBufferPtr, int))             \
  X(void, xmlFreeTextWriter, (xmlTextWriterPtr))                               \
  X(int, xmlTextWriterFlush, (xmlTextWriterPtr))                               \
  X(int, xmlTextWriterSetIndent, (xmlTextWriterPtr, int))                      \
  X(int, xmlTextWriterSetIndentString, (xmlTextWriterPtr, const xmlChar *))    \
  X(int, xmlTextWriterStartDocument,                                           \
    (xmlTextWriterPtr, const char *, const char *, const char *))              \
  X(int, xmlTextWriterEndDocument, (xmlTextWriterPtr))                         \
  X(int, xmlTextWriterStartElement, (xmlTextWriterPtr, const xmlChar *))       \
  X(int, xmlTextWriterEndElement, (xmlTextWriterPtr))                          \
  X(int, xmlTextWriterFullEndElement, (xmlTextWriterPtr))                      \
  X(int, xmlTextWriterWriteAttribute,                                          \
    (xmlTextWriterPtr, const xmlChar *, const xmlChar *))                      \
  X(int, xmlTextWriterWriteString, (xmlTextWriterPtr, const xmlChar *))        \
  X(int, xmlTextWriterWriteRaw, (xmlTextWriterPtr, const xmlChar *))

typedef struct pl__xml_api {
#define PL__XML_FIELD(ret, name, params) ret(*name) params;
  PL__XML_FUNCTIONS(PL__XML_FIELD)
#undef PL__XML_FIELD
  xmlFreeFunc *xmlFree; /* a variable of libxml2's: its deallocator */
} pl__xml_api;

/* Filled by the first successful pl__xml_open, read-only afterwards. */
extern pl__xml_api pl__xml;

/* Opens libxml2 (once, thread-safe): PL_OK, or PL_EUNSUPPORTED with a
 * message saying what could not be loaded. */
int pl__xml_open(pl_error *err);

#ifndef PL_XML_NO_RENAMES
#define xmlBufferCreate (pl__xml.xmlBufferCreate)
#define xmlBufferFree (pl__xml.xmlBufferFree)
#define xmlBufferContent (pl__xml.xmlBufferContent)
#define xmlBufferLength (pl__xml.xmlBufferLength)
#define xmlInitParser (pl__xml.xmlInitParser)
#define xmlEncodeSpecialChars (pl__xml.xmlEncodeSpecialChars)
#define xmlSetGenericErrorFunc (pl__xml.xmlSetGenericErrorFunc)
#define xmlSetStructuredErrorFunc (pl__xml.xmlSetStructuredErrorFunc)
#undef xmlFree
#define xmlFree (*pl__xml.xmlFree)
#define __xmlGenericError (pl__xml.__xmlGenericError)
#define __xmlStructuredError (pl__xml.__xmlStructuredError)
#define __xmlGenericErrorContext (pl__xml.__xmlGenericErrorContext)
#define __xmlStructuredErrorContext (pl__xml.__xmlStructuredErrorContext)
#define xmlNewTextWriterMemory (pl__xml.xmlNewTextWriterMemory)
#define xmlFreeTextWriter (pl__xml.xmlFreeTextWriter)
#define xmlTextWriterFlush (pl__xml.xmlTextWriterFlush)
#define xmlTextWriterSetIndent (pl__xml.xmlTextWriterSetIndent)
#define xmlTextWriterSetIndentString (pl__xml.xmlTextWriterSetIndentString)
#define xmlTextWriterStartDocument (pl__xml.xmlTextWriterStartDocument)
#define xmlTextWriterEndDocument (pl__xml.xmlTextWriterEndDocument)
#define xmlTextWriterStartElement (pl__xml.xmlTextWriterStartElement)
#define xmlTextWriterEndElement (pl__xml.xmlTextWriterEndElement)
#define xmlTextWriterFullEndElement (pl__xml.xmlTextWriterFullEndElement)
#define xmlTextWriterWriteAttribute (pl__xml.xmlTextWriterWriteAttribute)
#define xmlTextWriterWriteString (pl__xml.xmlTextWriterWriteString)
#define xmlTextWriterWriteRaw (pl__xml.xmlTextWriterWriteRaw)
#endif

#endif
