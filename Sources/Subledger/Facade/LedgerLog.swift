// The event log of a ledger opened without building its projection, for the commands that only read
// the log (`events`, `commands`, `replay`, `verify`, `snapshot list|verify|delete`): opening a
// `Ledger` would fold the whole log first (1.4 s and 840 MB for three events of a million-event log).
// Like `Ledger`, it hands out no store type and throws `LedgerError` for any store failure.

import SubledgerCore
package import SubledgerStore

public final class LedgerLog {
    /// The event log, in the SQLite file or another database (PostgreSQL).
    let log: any QueryableEventLog
    /// The SQLite file, for its snapshots and history tables; nil for a log in another database.
    let sqlite: EventStore?

    public init(path: String, access: LedgerAccess) throws {
        let store = try LedgerError.sealing { try EventStore(path: path, access: access.storeAccess) }
        log = store
        sqlite = store
    }

    /// The log alone (a PostgreSQL database): no snapshots or history tables.
    package init(log: any QueryableEventLog) {
        self.log = log
        sqlite = nil
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
        try LedgerError.sealing { try SnapshotLoader.state(of: store) }
    }

    /// Every snapshot plus its tail compared with `replayed`, a full replay of the whole log.
    public func verifySnapshots(against replayed: LedgerState) throws -> [SnapshotVerification] {
        try LedgerError.sealing { try SnapshotLoader.verify(store, against: replayed) }
    }

    /// Re-checks the hash chain over every event and command record, without folding anything.
    public func verifyChain(progress: ((Int64, Int64) -> Void)? = nil) throws -> ChainReport {
        ChainReport(try LedgerError.sealing { try log.verifyChain(progress: progress) })
    }

    /// Every snapshot's checksum, checked.
    public func snapshotChecksums() throws -> [SnapshotChecksum] {
        guard let store = sqlite else { return [] }  // a log alone has no snapshots to check
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
        try LedgerError.sealing { try store.snapshots() }.map(SnapshotInfo.init)
    }

    /// Deletes every snapshot; returns how many there were.
    @discardableResult
    public func deleteSnapshots() throws -> Int {
        try LedgerError.sealing { try store.deleteSnapshots() }
    }
}
