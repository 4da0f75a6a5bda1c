// LedgerCopy: `subledger copy` on the facade's side (issue 14). The two ends are event logs of any store
// (a SQLite file here; a PostgreSQL log opened by the caller, which links that store); the copy itself is
// the store's `LogCopy`, event by event with the chain checked. After it: the destination's chain verified,
// both ends folded as `replay` folds them and their digests compared, and a SQLite destination's derived
// state (history tables; the history of closed transactions) filled by opening it as a ledger (a
// PostgreSQL destination's history tables projected from its log).

import SubledgerCore
package import SubledgerStore

/// One end of a copy: a ledger's event log, with the name output and errors give it.
public final class LedgerCopyEnd {
    package let log: any EventLog
    /// A path, or a URL without its password.
    public let name: String
    /// The SQLite file; nil for another store.
    public let sqlitePath: String?

    init(log: any EventLog, name: String, sqlitePath: String?) {
        self.log = log
        self.name = name
        self.sqlitePath = sqlitePath
    }

    /// A SQLite ledger: a source opened read-only (never migrated), a destination created when missing,
    /// with the schema at the current version as `init` creates it.
    public static func sqlite(path: String, destination: Bool) throws -> LedgerCopyEnd {
        let access: EventStore.Access = destination ? .create : .readOnly
        let store = try LedgerError.sealing { try EventStore(path: path, access: access) }
        return LedgerCopyEnd(log: store, name: path, sqlitePath: path)
    }

    /// Another store's log, opened by `open`; a server that cannot be reached is `LedgerCopyError.unreachable`.
    package static func log(name: String, _ open: () throws -> any EventLog) throws -> LedgerCopyEnd {
        do {
            return LedgerCopyEnd(log: try open(), name: name, sqlitePath: nil)
        } catch let error as StoreError where error.isUnreachable {
            throw LedgerCopyError.unreachable(LedgerError.ownMessage(error))
        } catch let error as StoreError {
            throw LedgerError(error)
        }
    }
}

/// What a copy wrote.
public struct LedgerCopyResult: Sendable, Equatable {
    /// The destination's last sequence before the copy: 0 for an empty one, else where a rerun resumed.
    public var resumedAfter: Int64
    public var commands: Int
    public var events: Int64
    /// First and last sequence written by this run (nil and the destination's end when it wrote none).
    public var firstSequence: Int64?
    public var lastSequence: Int64
    /// The destination's chain hash after the copy, lowercase hex.
    public var lastHash: String
}

/// Why a copy was refused or stopped; nothing wrong was written.
public enum LedgerCopyError: Error, Equatable, CustomStringConvertible {
    /// The destination is not empty and not a prefix of the source; `sequence` is the first that differs.
    case notAPrefix(sequence: Int64, message: String)
    /// The source's chain or a command row is broken at `sequence`; nothing of its command was written.
    case sourceDamaged(sequence: Int64, message: String)
    /// Another writer appended to the destination during the copy.
    case destinationMoved(String)
    /// A server could not be reached (named by host and port, never with a password).
    case unreachable(String)

    /// The stable error code.
    public var code: String {
        switch self {
        case .notAPrefix: "not-a-prefix"
        case .sourceDamaged: "source-damaged"
        case .destinationMoved: "destination-moved"
        case .unreachable: "unreachable"
        }
    }

    public var description: String {
        switch self {
        case .notAPrefix(_, let message), .sourceDamaged(_, let message), .destinationMoved(let message),
            .unreachable(let message):
            message
        }
    }
}

public enum LedgerCopy {
    /// Copies what `destination` lacks of `source`; `progress(copied, total)` in events of this run.
    public static func copy(
        from source: LedgerCopyEnd, to destination: LedgerCopyEnd, progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> LedgerCopyResult {
        let result: LogCopyResult
        do {
            result = try LedgerError.sealing {
                try LogCopy.copy(from: source.log, to: destination.log, progress: progress)
            }
        } catch let failure as LogCopyFailure {
            switch failure {
            case .notAPrefix(let sequence, let message):
                throw LedgerCopyError.notAPrefix(sequence: sequence, message: message)
            case .sourceDamaged(let sequence, let message):
                throw LedgerCopyError.sourceDamaged(sequence: sequence, message: message)
            case .destinationMoved: throw LedgerCopyError.destinationMoved(failure.description)
            }
        }
        return LedgerCopyResult(
            resumedAfter: result.resumedAfter, commands: result.commands, events: result.events,
            firstSequence: result.events > 0 ? result.resumedAfter + 1 : nil, lastSequence: result.lastSequence,
            lastHash: result.lastHash.description)
    }

    /// The end's hash chain and command rows re-checked, as `subledger verify` checks them.
    public static func verify(_ end: LedgerCopyEnd, progress: ((Int64, Int64) -> Void)? = nil) throws -> ChainReport {
        ChainReport(try LedgerError.sealing { try end.log.verifyChain(progress: progress) })
    }

    /// The digest of the end's whole log folded as `subledger replay` folds it (the digest it prints).
    public static func digest(_ end: LedgerCopyEnd, progress: ((Int64, Int64) -> Void)? = nil) throws -> StateDigest {
        StateDigest(try LedgerError.sealing { try Replay.state(ofLog: end.log, progress: progress) })
    }

    /// A SQLite destination opened as a ledger, which fills what is derived from its log: the history of
    /// closed transactions (on open) and the history tables (projected); returns the events projected.
    /// Another store (PostgreSQL) is opened as a ledger too when it keeps the history of transactions
    /// (DR-50), which fills that history from the opening replay; its history tables (DR-47) are projected
    /// from its log. Snapshots are left to the next close, which stores one. nil for a store without
    /// history tables.
    public static func fillDerivedState(
        _ end: LedgerCopyEnd, progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> Int64? {
        guard let path = end.sqlitePath else {
            guard let log = end.log as? any QueryableEventLog, let tables = end.log as? any HistoryTableStore,
                tables.hasHistoryTables
            else { return nil }
            if HistoryOfTransactions.store(log: log, file: nil) != nil {
                return try Ledger(log: log, useSnapshots: false, progress: progress).projectHistory()
            }
            return try HistoryTables.project(log, tables)
        }
        let ledger = try Ledger(path: path, access: .existing, useSnapshots: false, progress: progress)
        return try ledger.projectHistory()
    }
}
