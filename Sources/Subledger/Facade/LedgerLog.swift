// The event log of a ledger opened without building its projection, for the commands that only read
// the log (`events`, `commands`, `replay`, `verify`, `snapshot list|verify|delete`): opening a
// `Ledger` would fold the whole log first (1.4 s and 840 MB for three events of a million-event log).
// Like `Ledger`, it hands out no store type and throws `LedgerError` for any store failure.

import SubledgerCore
package import SubledgerStore

public final class LedgerLog {
    /// The event log, in the SQLite file or another database (PostgreSQL).
    let log: any QueryableEventLog
    /// The SQLite file, for its history tables; nil for a log in another database (whose history tables,
    /// if any, are reached through the log: `HistoryTableStore`).
    let sqlite: EventStore?
    /// The period snapshots (the file's, or the PostgreSQL database's table, DR-40); nil for a log alone.
    let snapshotStore: (any SnapshotStore)?

    public init(path: String, access: LedgerAccess) throws {
        let store = try LedgerError.sealing { try EventStore(path: path, access: access.storeAccess) }
        log = store
        sqlite = store
        snapshotStore = store
    }

    /// A log in another database (PostgreSQL) with its period `snapshots`.
    package init(log: any QueryableEventLog, snapshots: (any SnapshotStore)? = nil) {
        self.log = log
        sqlite = nil
        snapshotStore = snapshots
    }

    /// The SQLite file, for the features only it has; on another database a `not-on-postgresql` refusal.
    var store: EventStore {
        get throws(LedgerError) {
            guard let sqlite else { throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage) }
            return sqlite
        }
    }

    /// The events dated on or before `date` (all when nil) folded into a fresh state (`Replay`).
    public func replay(asOf date: LedgerDate?, progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayOutcome {
        try LedgerError.sealing { try Replay.state(of: log, asOf: date, progress: progress) }
    }

    /// The events 1...`sequence` folded into a fresh state; `ReplayError` when the log is shorter.
    public func replay(atSequence sequence: Int64, progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayOutcome {
        try LedgerError.sealing { try Replay.state(of: log, atSequence: sequence, progress: progress) }
    }

    /// The state from the newest usable snapshot plus the log's tail; `snapshot` is nil when none was usable.
    public func loadFromSnapshots() throws -> (state: LedgerState, snapshot: Int64?) {
        let source = try snapshotSource
        return try LedgerError.sealing { try SnapshotLoader.state(of: source) }
    }

    /// The whole log folded as the ledger folds it when it opens: evicting what closes settle on a file,
    /// keeping every transaction on a log without history tables (DR-22, DR-38). A snapshot plus its tail
    /// must equal this (`verifySnapshots`).
    public func replayAsOpened() throws -> LedgerState {
        let evicts = HistoryOfTransactions.store(log: log, file: sqlite) != nil
        return try LedgerError.sealing { try Replay.state(of: log, asOf: nil, evicting: evicts).state }
    }

    /// Every snapshot plus its tail compared with `replayed`, the whole log folded by `replayAsOpened`.
    public func verifySnapshots(against replayed: LedgerState) throws -> [SnapshotVerification] {
        let source = try snapshotSource
        return try LedgerError.sealing { try SnapshotLoader.verify(source, against: replayed) }
    }

    /// The log, its snapshots and whether its states evict; `not-on-postgresql` for a log without them.
    var snapshotSource: SnapshotSource {
        get throws(LedgerError) {
            guard let snapshotStore else { throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage) }
            let evicts = HistoryOfTransactions.store(log: log, file: sqlite) != nil
            return SnapshotSource(log: log, snapshots: snapshotStore, evicts: evicts)
        }
    }

    /// Re-checks the hash chain over every event and command record, without folding anything.
    public func verifyChain(progress: ((Int64, Int64) -> Void)? = nil) throws -> ChainReport {
        ChainReport(try LedgerError.sealing { try log.verifyChain(progress: progress) })
    }

    /// Every snapshot's checksum, checked.
    public func snapshotChecksums() throws -> [SnapshotChecksum] {
        guard let store = snapshotStore else { return [] }  // a log alone has no snapshots to check
        return try LedgerError.sealing { try store.checkSnapshotChecksums() }.map {
            SnapshotChecksum(sequence: $0.sequence, damaged: $0.damaged)
        }
    }

    /// Events of the log in order, decoded, read from SQLite alone; `after` and `limit` page through it.
    public func events(after sequence: Int64 = 0, limit: Int? = nil) throws -> [EventRow] {
        try EventRow.read(log, after: sequence, limit: limit)
    }

    /// Commands appended so far, oldest first.
    public func commands() throws -> [CommandEntry] {
        try LedgerError.sealing { try log.commands() }.map(CommandEntry.init)
    }

    /// Every stored snapshot.
    public func snapshots() throws -> [SnapshotInfo] {
        let store = try snapshotSource.snapshots
        return try LedgerError.sealing { try store.snapshots() }.map(SnapshotInfo.init)
    }

    /// Deletes every snapshot; returns how many there were.
    @discardableResult
    public func deleteSnapshots() throws -> Int {
        let store = try snapshotSource.snapshots
        return try LedgerError.sealing { try store.deleteSnapshots() }
    }
}
