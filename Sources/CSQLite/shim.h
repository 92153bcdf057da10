#ifndef SLUICE_CSQLITE_SHIM_H
#define SLUICE_CSQLITE_SHIM_H

/* Debian's libsqlite3 (libsqlite3-dev) for the suppression list. SQLITE_TRANSIENT is a cast of -1
   to a function pointer, which Swift cannot import; it is wrapped here. */

#include <sqlite3.h>

/* Binds a copy of the text: SQLite copies it before the call returns. */
static inline int sluice_sqlite3_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

#endif
