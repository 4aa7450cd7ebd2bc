#ifndef STACK_CSQLITE_SHIM_H
#define STACK_CSQLITE_SHIM_H
#include <sqlite3.h>

// Swift cannot call C variadic functions; these wrap the few configuration calls Stack makes.
static inline int stack_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *result) {
    return sqlite3_db_config(db, op, value, result);
}

// Process-wide settings made before SQLite's first connection (SQLiteProcess.swift, and the page
// cache of PageCacheTruncation.swift); sqlite3_config is variadic too.
static inline int stack_sqlite3_config_memstatus(int on) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, on);
}

static inline int stack_sqlite3_config_getpcache2(sqlite3_pcache_methods2 *methods) {
    return sqlite3_config(SQLITE_CONFIG_GETPCACHE2, methods);
}

static inline int stack_sqlite3_config_pcache2(const sqlite3_pcache_methods2 *methods) {
    return sqlite3_config(SQLITE_CONFIG_PCACHE2, methods);
}

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type stack_sqlite3_transient(void) {
    return SQLITE_TRANSIENT;
}
#endif
