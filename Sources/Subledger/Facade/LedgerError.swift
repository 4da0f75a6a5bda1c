import SubledgerCore
internal import SubledgerStore

/// Everything that can go wrong when running a command, besides a business rejection. The store's own
/// error type never leaves this module: `init(_:)` below is the one place that translates it.
public enum LedgerError: Error, CustomStringConvertible {
    /// The file exists but is not a Subledger ledger; it was left unchanged.
    case notALedger(String)
    /// A write to a ledger opened read-only (or a file the process may not write).
    case readOnly(String)
    /// Any other storage failure: SQLite-reported corruption, a damaged hash chain, I/O.
    case storage(String)
    /// An event in the log could not be decoded: the log is damaged or was written by a newer version.
    case corruptEvent(sequence: Int64, message: String)
    /// An event decodes but contradicts the events before it (the log is damaged): nothing is shown.
    case projection(ProjectionError)
    /// A business rejection of one request of a group (`Ledger.executeGroup`): nothing of it was written.
    /// Everywhere else a rejection is thrown as the `Rejection` itself.
    case rejected(Rejection)
    /// A feature only a ledger in a SQLite file has (history tables, API tokens), asked
    /// of a ledger in PostgreSQL; the message says what works instead. Nothing was written.
    case notOnPostgreSQL(String)

    public var description: String {
        switch self {
        case .rejected(let rejection): return rejection.description
        case .notALedger(let message), .readOnly(let message), .storage(let message), .notOnPostgreSQL(let message):
            return message
        case .corruptEvent(let sequence, let message): return "event \(sequence) cannot be read: \(message)"
        case .projection(let error): return error.description
        }
    }

    init(_ error: StoreError) {
        if error.isNotALedger {
            self = .notALedger(Self.ownMessage(error))
        } else if error.isReadOnly {
            self = .readOnly(Self.ownMessage(error))
        } else {
            self = .storage(error.description)
        }
    }

    /// The store's own message without the "subledger:" prefix that tells it apart from SQLite's: the
    /// case already says who is speaking.
    static func ownMessage(_ error: StoreError) -> String {
        let prefix = "subledger: "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }

    /// Runs `body`, translating a store error it throws; any other error passes through unchanged.
    static func sealing<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError { throw LedgerError(error) }
    }
}

extension LedgerError {
    /// What a ledger in PostgreSQL refuses, and what works there instead.
    static let sqliteOnlyMessage =
        "this needs a ledger file (SQLite) or a PostgreSQL ledger at its current schema (`subledger init` by "
        + "its owner); every query, posting, import, close, `snapshot`, `rebuild` and `verify` works on PostgreSQL"

    /// Runs `body`, translating a store error it throws (for the command line, which never sees the store).
    package static func translatingLogErrors<T>(_ body: () throws -> T) throws -> T { try sealing(body) }
}
