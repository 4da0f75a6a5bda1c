// The events a group catches up with under the store's lock (DR-46): other writers' commits, handed over
// inside the group's transaction and folded into the working state before the group decides anything.

import SubledgerCore
internal import SubledgerStore

/// Folds the tail of the log a group's transaction hands over, remembering how a fold failed.
struct GroupTail {
    /// A close reversal in the tail: `catchUp` must see the tail's reversals before it folds any of it
    /// (rule R, DR-22), so the group stops and the ordinary catch-up takes over. Rare: it needs another
    /// writer's `reverse-close`.
    struct ReversalInTail: Error {}

    /// An event contradicted the state: it can no longer be trusted (see `Ledger.catchUp`).
    private(set) var contradicted = false

    mutating func fold(_ view: borrowing EventView, into state: inout LedgerState) throws {
        if EventCatalog.kind(typeBytes: view.type) == .closeReversed { throw ReversalInTail() }
        do {
            try Replay.apply(view, to: &state)
        } catch LedgerError.projection(let error) {
            contradicted = true
            throw LedgerError.projection(error)
        }
    }
}
