// The whole log folded as `replay` folds it (Replay.swift), from any event log (DR-34): the state whose
// digest `subledger copy` compares between a ledger's two ends. A SQLite store folds through `Replay.state`
// itself; another store is read twice, first for the closes its log reverses (rule R, DR-22: the fold must
// know them before it meets the close), then for the fold.

import SubledgerCore
package import SubledgerStore

extension Replay {
    /// Every event of `log` folded into a fresh state, as `Replay.state(of:asOf: nil)` folds a SQLite log.
    package static func state(
        ofLog log: any EventLog, progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> LedgerState {
        if let store = log as? EventStore { return try state(of: store, asOf: nil, progress: progress).state }
        let last = try log.checkedLastSequence()
        var state = LedgerState()
        state.evicts = true
        state.reserveCapacity(transactions: Int(last))
        state.reversedCloses = try reversedCloses(log, through: last)
        if last > 0 {
            let strings = StringTable()
            try log.scan(after: 0, through: last) { view in
                try apply(view, to: &state, strings: strings)
                if let progress, view.sequence % progressStride == 0 { progress(view.sequence, last) }
            }
        }
        progress?(last, last)
        return state
    }

    /// The closes reversed by `close.reversed` events of 1...`last`.
    static func reversedCloses(_ log: any EventLog, through last: Int64) throws -> Set<Int64> {
        var closes = Set<Int64>()
        guard last > 0 else { return closes }
        try log.scan(after: 0, through: last) { view in
            guard EventCatalog.kind(typeBytes: view.type) == .closeReversed else { return }
            if case .closeReversed(let event) = try decode(view) { closes.insert(event.closeSequence) }
        }
        return closes
    }
}
