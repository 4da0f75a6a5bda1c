// Rule R (DR-22): a close that the log reverses evicts nothing, so the open state is a function of the
// log. Every driver of a fold reads first which closes the log reverses (a query on `close.reversed`
// events, cheap beside the fold) and tells the state before folding; a snapshot taken after a close that
// was reversed after the snapshot holds that close's evictions, so it is not used.

import SubledgerCore
internal import SubledgerStore

/// The closes a log reverses: the sequence of each reversed `close.posted` -> the sequence of the
/// `close.reversed` event that reversed it.
struct CloseReversals {
    var reversedBy: [Int64: Int64] = [:]

    /// The reversals among the events after `sequence`.
    static func read(_ store: any QueryableEventLog, after sequence: Int64 = 0) throws -> CloseReversals {
        let rows = try LedgerError.sealing { try store.closeReversals(after: sequence) }
        var result = CloseReversals()
        for (eventSequence, version, payload) in rows {
            var decoded: Result<LedgerEvent, PayloadDecodingError>!
            payload.withUnsafeBytes { bytes in
                decoded = Result { () throws(PayloadDecodingError) in
                    try EventCatalog.decode(.closeReversed, version: version, payload: bytes)
                }
            }
            switch decoded! {
            case .success(.closeReversed(let e)): result.reversedBy[e.closeSequence] = eventSequence
            case .success: continue
            case .failure(let error):
                throw LedgerError.corruptEvent(sequence: eventSequence, message: error.description)
            }
        }
        return result
    }

    /// The closes reversed by events up to `last`.
    func closes(through last: Int64) -> Set<Int64> {
        Set(reversedBy.lazy.filter { $0.value <= last }.map(\.key))
    }

    /// A close reversed after `snapshot` that the state at `snapshot` had folded (its evictions are in it).
    func staleClose(forSnapshotAt snapshot: Int64, pending: Set<Int64>) -> Int64? {
        if let pendingClose = pending.filter({ $0 <= snapshot }).min() { return pendingClose }
        return reversedBy.filter { $0.key <= snapshot && $0.value > snapshot }.keys.min()
    }
}

extension Ledger {
    /// The open state from the newest usable snapshot plus the log (or the whole log), with the closes
    /// in `alsoReversed` taken as reversed although the log does not say so yet (a reversal being decided).
    /// `through`: the last sequence, given inside an append (see `SnapshotLoader.load`).
    func openState(alsoReversed: Set<Int64> = [], through: Int64? = nil) throws -> LedgerState {
        // A log opened without its snapshots (a PostgreSQL one) folds from event 1, evicting when its
        // database keeps the history of transactions (DR-50).
        guard snapshotStore != nil else {
            let last = try through ?? Replay.lastSequence(log)
            return try Replay.fold(
                log, through: last, evicting: history != nil, alsoReversed: alsoReversed, progress: nil
            ).state
        }
        let loaded = try SnapshotLoader.load(snapshotSource, alsoReversed: alsoReversed, through: through)
        snapshotWarnings += loaded.warnings
        return loaded.state
    }

    /// Rebuilds the open state from the log (and the newest usable snapshot).
    func rebuild() throws {
        state = LedgerState()
        closedIDs = .notLoaded(lookups: 0)
        state = try openState()
        needsRebuildUnlessCommitted = false
    }
}
