// StoreError for event logs outside this module (PostgreSQL): the same error type as SQLite's store, so
// the layers above map one type to their exit codes and error codes, whichever database failed. A
// server's failures take the SQLite primary code of the same meaning.

import CSQLite

extension StoreError {
    /// What went wrong in another database, in the terms the layers above already distinguish.
    public enum LogFailure: Sendable {
        /// A constraint or trigger refused the write (`isConstraintViolation`).
        case constraint
        /// The server could not be reached or the connection was lost.
        case unreachable
        /// A lock or serialization failure: the write may be retried (`isBusy`).
        case busy
        /// The connection's role may not write what the command must write (`isReadOnly`).
        case readOnly
        /// Anything else the server reported.
        case other
    }

    /// A failure of another database; `message` must name no password.
    public static func logFailure(_ kind: LogFailure, _ message: String, sql: String? = nil) -> StoreError {
        let code: Int32
        switch kind {
        case .constraint: code = SQLITE_CONSTRAINT
        case .unreachable: code = SQLITE_CANTOPEN
        case .busy: code = SQLITE_BUSY
        case .readOnly: code = SQLITE_READONLY
        case .other: code = SQLITE_ERROR
        }
        return StoreError(code: code, message: message, sql: sql, isSQLiteFailure: false)
    }

    /// True for `logFailure(.unreachable, ...)`: the database server could not be reached.
    public var isUnreachable: Bool { primaryCode == SQLITE_CANTOPEN }

    /// Stored data that cannot be read back as the schema promises (for stores outside this module).
    public static func damagedLog(_ message: String) -> StoreError { .corrupt(message) }

    /// An event the log refuses before it is hashed: an empty type or a version out of range.
    public static func invalidEvent(_ message: String) -> StoreError { .invalid(message) }

    /// The log used against its contract (reentrant append, a sink used after its command ended).
    public static func misusedLog(_ message: String) -> StoreError { .misuse(message) }
}
