#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call: this wrapper turns off SQLite's memory statistics
// (a global mutex taken around every allocation and free, DR-69). It must run before SQLite initializes;
// afterwards it changes nothing and returns SQLITE_MISUSE.
static inline int subledger_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
