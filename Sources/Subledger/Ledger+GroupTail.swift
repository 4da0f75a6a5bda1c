// The events a group catches up with under the store's lock (DR-46): other writers' commits, handed over
// inside the group's transaction and folded into the working state before the group decides anything.

import SubledgerCore
internal import SubledgerStore

/// Folds the tail of the log a group's transaction hands over, remembering how a fold failed.
struct GroupTail {
    /// The tail holds a close reversal: `catchUp` must see the tail's reversals before it folds any of it
    /// (rule R, DR-22: a reversal's own settlement entries come before its `close.reversed` event), so the
    /// group stops and the ordinary catch-up takes over. Rare: it needs another writer's `reverse-close`.
    struct ReversalInTail: Error {}

    let log: any QueryableEventLog
    /// An event contradicted the state: it can no longer be trusted (see `Ledger.catchUp`).
    private(set) var contradicted = false
    private var checkedReversals = false

    init(_ log: any QueryableEventLog) { self.log = log }

    mutating func fold(_ view: borrowing EventView, into state: inout LedgerState) throws {
        if !checkedReversals {
            // Under the lock, so no reversal can come after this read and before the group's commit. One
            // read a group that has a tail (on SQLite an index's; on PostgreSQL a round trip).
            checkedReversals = true
            if try !log.closeReversals(after: view.sequence - 1).isEmpty { throw ReversalInTail() }
        }
        do {
            try Replay.apply(view, to: &state)
        } catch LedgerError.projection(let error) {
            contradicted = true
            throw LedgerError.projection(error)
        }
    }
}
