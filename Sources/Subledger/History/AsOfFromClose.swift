// The state as of a past date without replaying from event 1 (issue 11, item 4): start from the period
// snapshot of the latest close that can stand for that date, and fold only the events after it dated on
// or before the date, skipping what a full as-of replay skips.
//
// A close's snapshot stands for the state as of D when every event up to the close is dated on or before
// D (`history_closes.latest_day_through`): then the as-of fold of that prefix applies every event of it,
// which is the snapshot's state, and the rest of the fold is the same fold over the same events. Only
// closes still in force are taken (a reversed close's transactions come back through its reversal, which
// an open-state snapshot taken at the close cannot fold), and only when the history tables hold every
// event (the file's, or a PostgreSQL ledger's with its snapshots, DR-56); otherwise the caller replays from
// the start, as before.

import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// The state as of `date` from the latest usable close snapshot plus the log after it, with that
    /// close's sequence; nil when no close snapshot can stand for the date.
    func stateFromCloseSnapshot(asOf date: LedgerDate) throws -> (ReplayOutcome, Int64)? {
        guard let reads = historyReads, let snapshots = snapshotStore, try historyIsCurrent() else { return nil }
        let closes = try storeCall { () throws(StoreError) in try reads.historyCloses() }
        let last = try LedgerError.sealing { try log.checkedLastSequence() }
        let usable = closes.filter {
            $0.mode == CloseMode.close.name && $0.reversedBy == nil && $0.latestDayThrough <= date.yyyymmdd
        }
        for close in usable.reversed() {
            guard
                let record = try storeCall({ () throws(StoreError) in
                    try snapshots.snapshot(sequence: close.sequence)
                }),
                let open = try SnapshotLoader.unusableReason(record, snapshots, tail: last - close.sequence).state
            else { continue }
            // The snapshot holds the open state: the reports as of a past date read every transaction, so
            // the ones closes up to this one moved to history come back (later ones were open then).
            let state = try withHistory(open, closedThrough: close.sequence)
            let outcome = try Replay.foldDated(log, onto: state, after: close.sequence, through: last, asOf: date)
            return (outcome, close.sequence)
        }
        return nil
    }
}
