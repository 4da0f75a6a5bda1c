// Statement: one compiled SQL statement, prepared once and reused (bind, step, read columns, reset),
// finalized in deinit. Parameter indexes are 1-based and column indexes 0-based, as in the C API.
// Buffers returned by `blobBuffer`/`textBuffer` point into SQLite's row and die at the next step or reset.

import CSQLite

public final class Statement {
    let handle: OpaquePointer
    public let sql: String
    /// Keeps the connection open for as long as a statement on it exists.
    let connection: Connection

    init(connection: Connection, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw connection.lastError(sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.connection = connection
        connection.statementsPrepared += 1
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding (copies; use the unchecked no-copy variants only in hot paths that step immediately)

    public func bind(_ value: Int64, at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ value: String, at index: Int32) throws(StoreError) {
        var text = value
        let rc = text.withUTF8 { bytes in
            bindTextNoCopy(UnsafeRawBufferPointer(bytes), at: index, destructor: SQLITE_TRANSIENT)
        }
        try check(rc)
    }

    public func bind(_ bytes: [UInt8], at index: Int32) throws(StoreError) {
        let rc = bytes.withUnsafeBytes { bindBlobNoCopy($0, at: index, destructor: SQLITE_TRANSIENT) }
        try check(rc)
    }

    public func bindNull(at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds UTF-8 text; with SQLITE_STATIC the bytes must stay valid until the statement is stepped and
    /// the parameter rebound. An empty buffer binds '' (never NULL). Returns the SQLite result code.
    func bindTextNoCopy(
        _ bytes: UnsafeRawBufferPointer, at index: Int32,
        destructor: sqlite3_destructor_type? = SQLITE_STATIC
    ) -> Int32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
        }
        return sqlite3_bind_text(
            handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), destructor)
    }

    /// Binds a blob; an empty buffer binds a zero-length blob (never NULL). Returns the SQLite result code.
    func bindBlobNoCopy(
        _ bytes: UnsafeRawBufferPointer, at index: Int32,
        destructor: sqlite3_destructor_type? = SQLITE_STATIC
    ) -> Int32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return sqlite3_bind_zeroblob(handle, index, 0)
        }
        return sqlite3_bind_blob(handle, index, base, Int32(bytes.count), destructor)
    }

    // MARK: Stepping

    /// Advances one row: true when a row is available, false when the statement is done.
    @discardableResult
    public func step() throws(StoreError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.lastError(sql: sql)
        }
    }

    /// Steps to completion, then resets (for statements that return no rows).
    public func run() throws(StoreError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Rewinds for another execution; bindings are kept (see clearBindings).
    public func reset() { sqlite3_reset(handle) }

    public func clearBindings() { sqlite3_clear_bindings(handle) }

    /// True while the statement has been stepped but not yet reset or run to completion.
    var isBusy: Bool { sqlite3_stmt_busy(handle) != 0 }

    // MARK: Columns (0-based)

    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func columnType(at column: Int32) -> Int32 { sqlite3_column_type(handle, column) }

    public func text(at column: Int32) -> String {
        String(decoding: textBuffer(at: column), as: UTF8.self)
    }

    public func blob(at column: Int32) -> [UInt8] { Array(blobBuffer(at: column)) }

    /// The column's bytes in place, valid until the next step, reset or finalize.
    public func blobBuffer(at column: Int32) -> UnsafeRawBufferPointer {
        let base = sqlite3_column_blob(handle, column)  // call before _bytes, as SQLite documents
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeRawBufferPointer(start: count > 0 ? base : nil, count: count)
    }

    /// The column's UTF-8 bytes in place (no terminator), valid until the next step, reset or finalize.
    public func textBuffer(at column: Int32) -> UnsafeRawBufferPointer {
        let base = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeRawBufferPointer(start: count > 0 ? UnsafeRawPointer(base) : nil, count: count)
    }

    func check(_ rc: Int32) throws(StoreError) {
        if rc != SQLITE_OK { throw connection.lastError(sql: sql) }
    }
}
