// Connection: one SQLite database handle, opened the way the event log needs it.
// Opened NOMUTEX (the caller owns the connection on one thread; Debian's SQLite is otherwise serialized,
// which only costs), a 10 s busy timeout so concurrent writers queue instead of failing,
// synchronous=FULL stated explicitly (a committed append survives power loss), foreign keys on.
// Opening changes nothing in the file: WAL is switched on by `enableWAL`, which the store calls only once
// it knows the file is a ledger it may write (a file that is not ours keeps its journal mode).
// Not Sendable on purpose: a handle opened NOMUTEX must not be shared between threads.

import CSQLite

/// SQLite's destructor sentinels; the C macros are not imported into Swift.
/// TRANSIENT: SQLite copies the bound bytes. STATIC: SQLite uses them in place (caller keeps them alive).
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
let SQLITE_STATIC: sqlite3_destructor_type? = nil

public final class Connection {
    let handle: OpaquePointer
    public let path: String
    /// Statements compiled on this connection so far: a per-event cost shows up as a count that grows with
    /// the events, which a test can see where a timing could not (`ImportStatementTests`).
    package internal(set) var statementsPrepared = 0

    /// Opens the database at `path` (creating the file when `create`, read-only when `readOnly`);
    /// ":memory:" opens a private in-memory database.
    public init(path: String, create: Bool = true, readOnly: Bool = false) throws(StoreError) {
        _ = Connection.libraryConfigured
        var db: OpaquePointer?
        let access = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        let rc = sqlite3_open_v2(path, &db, access | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(code: rc, message: message + " (path: \(path))")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA synchronous = FULL")
    }

    /// Set once per process before its first connection opens: SQLite's memory statistics off. With them
    /// on, every allocation and free inside SQLite takes and releases a global mutex to keep counters this
    /// program never reads (`sqlite3_memory_used` and the heap limits are not used): several per inserted
    /// row (DR-69). If SQLite was initialized before (code calling the C API first), this changes nothing.
    static let libraryConfigured: Bool = subledger_sqlite3_disable_memstatus() == SQLITE_OK

    /// SQLite's count of the memory it holds: 0 once the statistics are off (tests check that they are).
    static var memoryInUse: Int64 { sqlite3_memory_used() }

    /// True when SQLite opened the file read-only (asked for, or the file could not be opened for writing).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// Switches a file to WAL (a no-op for an in-memory database). Call only on a file known to be ours.
    func enableWAL() throws(StoreError) {
        guard !Connection.isInMemory(path) else { return }
        let mode = try pragmaText("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw StoreError(
                code: SQLITE_ERROR, message: "subledger: could not enable WAL (got \(mode ?? "nothing"))",
                sql: "PRAGMA journal_mode = WAL")
        }
    }

    deinit {
        // close_v2: if a Statement somehow outlived us the handle becomes a zombie until it is finalized.
        sqlite3_close_v2(handle)
    }

    static func isInMemory(_ path: String) -> Bool {
        path.isEmpty || path == ":memory:" || path.hasPrefix("file::memory:")
    }

    /// Runs one or more statements separated by semicolons (schema scripts, pragmas, BEGIN/COMMIT).
    public func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw StoreError(code: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// Compiles one statement, to be bound and stepped many times.
    public func prepare(_ sql: String) throws(StoreError) -> Statement {
        try Statement(connection: self, sql: sql)
    }

    /// True between BEGIN and COMMIT/ROLLBACK.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The connection's current error as a StoreError (call right after a failing C call).
    func lastError(sql: String?) -> StoreError {
        StoreError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// First column of the first row of `sql` as an integer, or nil when there is no row.
    public func scalarInt64(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(at: 0) : nil
    }

    func pragmaText(_ sql: String) throws(StoreError) -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(at: 0) : nil
    }
}
