// Period snapshots: the encoded projection after event N plus the chain hash of event N.
// Loading = the newest usable snapshot + a fold of the log's tail (N+1...end); it must give the same
// state as a full replay, which `verifySnapshots` checks with `StateDigest`.
//
// A snapshot is usable only if its row's checksum matches (checked before anything of it is decoded or
// believed), its format is the current `LedgerState.snapshotFormat`, the log still holds event N with
// the very chain hash the snapshot recorded (so the prefix it summarizes is the log's prefix), it
// decodes to a state whose last sequence is N, and the log's tail folds onto it. Anything else is
// skipped with a warning (`SnapshotLoad.warnings`), and the next older snapshot tried, down to a full
// replay: snapshots are a cache, deleting them all loses nothing.
//
// Reversed closes: the log is append-only, so a close that is later reversed stays in the prefix and
// its `close.reversed` (with the compensating settlements) is an event after it. A snapshot taken
// before the reversal therefore never stands for the state past it: loading it always folds the tail,
// which contains the reversal, and the result equals a full replay (tested).

import SubledgerCore
package import SubledgerStore

/// A snapshot as listed: the event it summarizes, its label and size.
public struct SnapshotInfo: Sendable, Equatable {
    public var sequence: Int64
    public var businessDate: LedgerDate?
    public var createdAt: Int64
    public var format: Int64
    public var bytes: Int

    public init(sequence: Int64, businessDate: LedgerDate?, createdAt: Int64, format: Int64, bytes: Int) {
        self.sequence = sequence
        self.businessDate = businessDate
        self.createdAt = createdAt
        self.format = format
        self.bytes = bytes
    }

    init(_ record: SnapshotRecord) {
        sequence = record.sequence
        businessDate = Int32(exactly: record.businessDate).flatMap { LedgerDate(yyyymmdd: $0) }
        createdAt = record.createdAt
        format = record.format
        bytes = record.size
    }
}

/// A state loaded from the newest usable snapshot (or a full replay), and the snapshots skipped.
public struct SnapshotLoad: Sendable {
    public var state: LedgerState
    /// Sequence of the snapshot used; nil for a full replay.
    public var snapshot: Int64?
    /// One line per snapshot skipped (damaged, untrusted, stale), newest first.
    public var warnings: [String]
}

/// One snapshot plus its tail compared with a full replay.
public struct SnapshotVerification: Sendable, Equatable {
    public var sequence: Int64
    public var matches: Bool
    /// Why it does not match (a stale chain hash, an unreadable state, or the first difference in words).
    public var difference: String?
}

public enum SnapshotError: Error, CustomStringConvertible {
    case emptyLog

    public var description: String {
        switch self {
        case .emptyLog: return "the log is empty: there is nothing to snapshot"
        }
    }
}

/// Where a state is loaded from: a log, the store of its snapshots (the same SQLite file, or the
/// PostgreSQL database's table, DR-40), and whether its states evict (DR-22): a log without history tables
/// (PostgreSQL, DR-38) keeps every transaction, so its snapshots hold them all and the state loaded from
/// one, and the tail folded onto it, must not evict either (the codec does not store the flag).
package struct SnapshotSource {
    package var log: any QueryableEventLog
    package var snapshots: any SnapshotStore
    package var evicts: Bool

    package init(log: any QueryableEventLog, snapshots: any SnapshotStore, evicts: Bool) {
        self.log = log
        self.snapshots = snapshots
        self.evicts = evicts
    }

    /// The whole log folded as a state loaded from here would be: the reference a snapshot is checked against.
    func replay() throws -> LedgerState {
        try Replay.state(of: log, asOf: nil, evicting: evicts).state
    }
}

/// Building a state from a snapshot and the log's tail, on a bare store (no `Ledger` replay first).
public enum SnapshotLoader {
    /// The state from the newest usable snapshot plus the tail; `snapshot` is its sequence, nil when no
    /// snapshot was usable (then the state is a full replay).
    package static func state(of source: SnapshotSource) throws -> (state: LedgerState, snapshot: Int64?) {
        let loaded = try load(source)
        return (loaded.state, loaded.snapshot)
    }

    /// `state(of:)` with a line for every snapshot it had to skip, newest first.
    /// `alsoReversed`: closes to treat as reversed although the log does not reverse them yet (rule R,
    /// for a reversal being decided); a snapshot that folded one of them is not used.
    /// `through`: the log's last sequence when known (inside an append, where the command row that
    /// `checkedLastSequence` compares with is not written yet).
    package static func load(
        _ source: SnapshotSource, alsoReversed: Set<Int64> = [], through: Int64? = nil
    ) throws -> SnapshotLoad {
        let (store, snapshots) = (source.log, source.snapshots)
        let last = try through ?? Replay.lastSequence(store)
        var warnings: [String] = []
        for listed in try call({ () throws(StoreError) in try snapshots.snapshots() }).reversed() {
            guard listed.sequence <= last else {
                warnings.append("snapshot \(listed.sequence) skipped: the log ends at event \(last)")
                continue
            }
            // Superseded, not damaged: a close it folded (and evicted for) was reversed after it. Only the
            // reversals after it matter (those before are in it): a read of the log's tail.
            let reversals = try CloseReversals.read(store, after: listed.sequence)
            if reversals.staleClose(forSnapshotAt: listed.sequence, pending: alsoReversed) != nil { continue }
            guard let record = try call({ () throws(StoreError) in try snapshots.snapshot(sequence: listed.sequence) })
            else { continue }
            let (snapshot, reason) = try unusableReason(record, snapshots, tail: last - record.sequence)
            guard var state = snapshot else {
                warnings.append("snapshot \(record.sequence) skipped: \(reason ?? "unusable")")
                continue
            }
            if !source.evicts { state.evicts = false }
            state.reversedCloses = reversals.closes(through: last).union(alsoReversed)
            do {
                try fold(&state, store, through: last)
            } catch LedgerError.projection(let error) {
                // A checked snapshot the log's tail contradicts: a state this build did not write.
                warnings.append("snapshot \(record.sequence) skipped: the log after it does not fit it (\(error))")
                continue
            }
            return SnapshotLoad(state: state, snapshot: record.sequence, warnings: warnings)
        }
        var state = LedgerState()
        if !source.evicts { state.evicts = false }
        state.reserveCapacity(transactions: Int(last))
        state.reversedCloses = try CloseReversals.read(store).closes(through: last).union(alsoReversed)
        try fold(&state, store, through: last)
        return SnapshotLoad(state: state, snapshot: nil, warnings: warnings)
    }

    /// The decoded state of `record` with room for `tail` more transactions, or why it is not usable.
    /// The checksum comes first: nothing of a row that fails it is decoded or believed.
    static func unusableReason(
        _ record: SnapshotRecord, _ store: any SnapshotStore,
        tail: Int64
    ) throws -> (state: LedgerState?, reason: String?) {
        guard record.checksum != nil else {
            return (nil, "it has no checksum (written before snapshots carried one), so it is not trusted")
        }
        guard record.checksumMatches else {
            return (nil, "its checksum does not match its contents (the snapshot is damaged)")
        }
        guard record.format == LedgerState.snapshotFormat else {
            return (nil, "snapshot format \(record.format) is not the current \(LedgerState.snapshotFormat)")
        }
        guard let hash = try call({ () throws(StoreError) in try store.hash(at: record.sequence) }) else {
            return (nil, "event \(record.sequence) is not in the log")
        }
        guard hash == record.chainHash else {
            return (nil, "chain hash of event \(record.sequence) does not match the snapshot's")
        }
        let state: LedgerState
        do throws(PayloadDecodingError) {
            state = try LedgerState(decoding: record.state, reservingTransactions: Int(max(tail, 0)))
        } catch {
            return (nil, "snapshot state cannot be read: \(error)")
        }
        guard state.lastSequence == record.sequence else {
            return (nil, "snapshot state ends at event \(state.lastSequence), not \(record.sequence)")
        }
        return (state, nil)
    }

    /// Folds every event after `state.lastSequence` into `state` (in place: a copy of a million
    /// transactions would cost more than the tail).
    static func fold(_ state: inout LedgerState, _ store: any QueryableEventLog, through last: Int64) throws {
        try LedgerError.sealing {
            try store.scanThrough(after: state.lastSequence, last) { view in
                try Replay.apply(view, to: &state)
            }
        }
    }

    static func call<T>(_ body: () throws(StoreError) -> T) throws -> T {
        do throws(StoreError) { return try body() } catch { throw LedgerError(error) }
    }

    /// Every snapshot plus its tail compared with `replayed` (a full replay of the whole log).
    /// `replayed` must fold as `source` does (`SnapshotSource.replay`): evicting or keeping every transaction.
    package static func verify(
        _ source: SnapshotSource, against replayed: LedgerState
    ) throws -> [SnapshotVerification] {
        let (store, snapshots) = (source.log, source.snapshots)
        let expected = StateDigest(replayed)
        let last = replayed.lastSequence
        var results: [SnapshotVerification] = []
        for info in try call({ () throws(StoreError) in try snapshots.snapshots() }) {
            let reversals = try CloseReversals.read(store, after: info.sequence)
            if let close = reversals.staleClose(forSnapshotAt: info.sequence, pending: []) {
                results.append(
                    SnapshotVerification(
                        sequence: info.sequence, matches: false,
                        difference: "the close at sequence \(close) was reversed after it; the ledger does not use it"))
                continue
            }
            guard let record = try call({ () throws(StoreError) in try snapshots.snapshot(sequence: info.sequence) })
            else { continue }
            let (snapshot, reason) = try unusableReason(record, snapshots, tail: last - record.sequence)
            guard var loaded = snapshot else {
                results.append(SnapshotVerification(sequence: record.sequence, matches: false, difference: reason))
                continue
            }
            if !source.evicts { loaded.evicts = false }
            loaded.reversedCloses = reversals.closes(through: last)
            do {
                try fold(&loaded, store, through: last)
            } catch LedgerError.projection(let error) {
                results.append(
                    SnapshotVerification(
                        sequence: record.sequence, matches: false,
                        difference: "the log after it does not fit it (\(error))"))
                continue
            }
            let matches = StateDigest(loaded) == expected
            results.append(
                SnapshotVerification(
                    sequence: record.sequence, matches: matches,
                    difference: matches
                        ? nil
                        : StateDigest.firstDifference(loaded, replayed, labels: ("snapshot", "replayed"))
                            ?? "digests differ"))
        }
        return results
    }
}

extension Ledger {
    /// Stores a snapshot of the current state (after catching up), labelled with `businessDate`
    /// (default: the latest business date of the state).
    @discardableResult
    public func takeSnapshot(businessDate: LedgerDate? = nil) throws -> SnapshotInfo {
        try catchUp()
        let sequence = state.lastSequence
        guard sequence > 0 else { throw SnapshotError.emptyLog }
        let encoded = state.encoded()
        let label = businessDate ?? state.latestBusinessDate
        let now = clock()
        let store = try snapshotSource.snapshots
        try storeCall { () throws(StoreError) in
            guard let hash = try store.hash(at: sequence) else {
                throw StoreError(code: 1, message: "event \(sequence) is not in the log")
            }
            try store.saveSnapshot(
                sequence: sequence, chainHash: hash, businessDate: Int64(label.yyyymmdd),
                createdAt: now, format: LedgerState.snapshotFormat, state: encoded)
        }
        return SnapshotInfo(
            sequence: sequence, businessDate: label, createdAt: now,
            format: LedgerState.snapshotFormat, bytes: encoded.count)
    }

    /// Replaces `state` with the newest usable snapshot plus the log's tail; returns the snapshot's
    /// sequence, nil when none was usable (the state is then a full replay).
    @discardableResult
    public func loadFromSnapshot() throws -> Int64? {
        let loaded = try SnapshotLoader.load(snapshotSource)
        state = loaded.state
        snapshotWarnings += loaded.warnings
        return loaded.snapshot
    }

    /// Every stored snapshot.
    public func snapshots() throws -> [SnapshotInfo] {
        let store = try snapshotSource.snapshots
        return try storeCall { () throws(StoreError) in try store.snapshots() }.map(SnapshotInfo.init)
    }

    /// Deletes every snapshot; returns how many there were.
    @discardableResult
    public func deleteSnapshots() throws -> Int {
        let store = try snapshotSource.snapshots
        return try storeCall { () throws(StoreError) in try store.deleteSnapshots() }
    }

    /// Every snapshot plus its tail compared with a full replay of the log.
    public func verifySnapshots() throws -> [SnapshotVerification] {
        let source = try snapshotSource
        return try LedgerError.sealing { try SnapshotLoader.verify(source, against: source.replay()) }
    }

    /// The log, its snapshots and whether its states evict; `not-on-postgresql` for a log opened without
    /// its snapshots.
    package var snapshotSource: SnapshotSource {
        get throws(LedgerError) {
            guard let snapshotStore else { throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage) }
            return SnapshotSource(log: log, snapshots: snapshotStore, evicts: history != nil)
        }
    }
}
