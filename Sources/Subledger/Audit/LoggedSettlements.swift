import SubledgerCore
internal import SubledgerStore

/// One settlement entry as the log holds it (the projection keeps none): for the audits, which walk the
/// entries folded into the state they look at.
struct LoggedSettlement {
    var date: LedgerDate
    /// Sequence of its `settlement.posted` event.
    var sequence: Int64
    var mode: CloseMode
    var entry: SettlementEntry
}

extension Ledger {
    /// The settlement entries folded into `view`'s state, in log order: those of events up to its last
    /// sequence, and for a replayed as-of state only those dated on or before its date and not skipped.
    func loggedSettlements(of view: AsOfState) throws -> [LoggedSettlement] {
        let last = view.state.lastSequence
        let asOf = view.origin == .replayed ? view.date : nil
        let skipped = Set(view.skipped.map(\.sequence))
        var settlements: [LoggedSettlement] = []
        try LedgerError.sealing {
            try log.forEachCloseLogEvent { stored in
                let date = stored.envelope.date
                guard stored.sequence <= last, !skipped.contains(stored.sequence), asOf.map({ date <= $0 }) ?? true,
                    case .settlementPosted(let posted) = try EventStore.decoded(stored)
                else { return }
                for entry in posted.entries {
                    settlements.append(
                        LoggedSettlement(date: date, sequence: stored.sequence, mode: posted.mode, entry: entry))
                }
            }
        }
        return settlements
    }
}
