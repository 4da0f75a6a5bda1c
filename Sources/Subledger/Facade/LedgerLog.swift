// The event log of a ledger opened without building its projection, for the commands that only read
// the log (`events`, `commands`, `replay`, `verify`, `snapshot list|verify|delete`): opening a
// `Ledger` would fold the whole log first (1.4 s and 840 MB for three events of a million-event log).
// Like `Ledger`, it hands out no store type and throws `LedgerError` for any store failure.

import SubledgerCore
internal import SubledgerStore

public final class LedgerLog {
    let store: EventStore

    public init(path: String, access: LedgerAccess) throws {
        store = try LedgerError.sealing { try EventStore(path: path, access: access.storeAccess) }
    }

    /// The events dated on or before `date` (all when nil) folded into a fresh state (`Replay`).
    public func replay(asOf date: LedgerDate?, progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayOutcome {
        try LedgerError.sealing { try Replay.state(of: store, asOf: date, progress: progress) }
    }

    /// The events 1...`sequence` folded into a fresh state; `ReplayError` when the log is shorter.
    public func replay(atSequence sequence: Int64, progress: ((Int64, Int64) -> Void)? = nil) throws -> ReplayOutcome {
        try LedgerError.sealing { try Replay.state(of: store, atSequence: sequence, progress: progress) }
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
        ChainReport(try LedgerError.sealing { try store.verifyChain(progress: progress) })
    }

    /// Every snapshot's checksum, checked.
    public func snapshotChecksums() throws -> [SnapshotChecksum] {
        try LedgerError.sealing { try store.checkSnapshotChecksums() }.map {
            SnapshotChecksum(sequence: $0.sequence, damaged: $0.damaged)
        }
    }

    /// Events of the log in order, decoded, read from SQLite alone; `after` and `limit` page through it.
    public func events(after sequence: Int64 = 0, limit: Int? = nil) throws -> [EventRow] {
        try EventRow.read(store, after: sequence, limit: limit)
    }

    /// Commands appended so far, oldest first.
    public func commands() throws -> [CommandEntry] {
        try LedgerError.sealing { try store.commands() }.map(CommandEntry.init)
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
