// The SQLite C API, imported only by Sources/SQLite (a test enforces it).
#include <sqlite3.h>
