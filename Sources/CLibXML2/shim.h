// libxml2's parsers, imported only by Sources/XML (a test enforces it).
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU; its headers then pull in ICU types that clash with Foundation's.
// We never use libxml2's ICU entry points, so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/entities.h>
#include <libxml/encoding.h>
#include <libxml/xmlerror.h>
