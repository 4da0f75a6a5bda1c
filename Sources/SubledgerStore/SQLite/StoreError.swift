// StoreError: the one error type the store throws for SQLite failures and broken storage contracts.
// It carries what a person needs to diagnose a failure without a debugger: the (extended) SQLite result
// code, SQLite's message, and the SQL that was running (GRDB's DatabaseError carries the same three).
// A PostgreSQL store's failures travel in the same type (`logFailure`); their text names PostgreSQL and its
// SQLSTATE, never SQLite, whose code they carry only so that `isBusy` and its kin read the same.

import CSQLite

public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Extended SQLite result code (for example 1811, SQLITE_CONSTRAINT_TRIGGER).
    public var code: Int32
    /// SQLite's message, or the store's own message (prefixed "subledger:") for contract violations.
    public var message: String
    /// The statement that failed, when there was one.
    public var sql: String?
    /// False when `message` already names the database and its own error code (a PostgreSQL failure).
    public var isSQLiteFailure: Bool

    public init(code: Int32, message: String, sql: String? = nil, isSQLiteFailure: Bool = true) {
        self.code = code
        self.message = message
        self.sql = sql
        self.isSQLiteFailure = isSQLiteFailure
    }

    /// Primary result code (SQLITE_CONSTRAINT, SQLITE_BUSY, ...), the low byte of the extended code.
    public var primaryCode: Int32 { code & 0xFF }

    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// SQLite's failures with SQLite's code; the store's own words ("subledger: ...") and another
    /// database's failures as they are, since an SQLite code would only mislead there.
    public var description: String {
        let named = !isSQLiteFailure || message.hasPrefix("subledger: ")
        var text = named ? message : "SQLite error \(code): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }

    /// The store was used against its contract (reentrant append, batch used after its command ended, ...).
    static func misuse(_ message: String) -> StoreError {
        StoreError(code: SQLITE_MISUSE, message: "subledger: " + message)
    }

    /// Stored data that cannot be read back as the schema promises.
    static func corrupt(_ message: String, sql: String? = nil) -> StoreError {
        StoreError(code: SQLITE_CORRUPT, message: "subledger: " + message, sql: sql)
    }

    /// An event the schema would reject, caught before it is hashed.
    static func invalid(_ message: String) -> StoreError {
        StoreError(code: SQLITE_CONSTRAINT, message: "subledger: " + message)
    }
}
