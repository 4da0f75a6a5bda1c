import SubledgerCore

extension Ledger {
    /// Settlement events of the closes `command` may reverse, read from the log into
    /// `state.recalled.closeEvents` (the projection keeps only where they are, `CloseRecord.firstSequence`):
    /// for `reverse-close` the closes it targets, for `close DATE` the recalculations in force dated after
    /// DATE, which it cancels first (D13). Events the log does not hold where the close record says are
    /// damage: a `LedgerError`, before anything is decided.
    func recallCloseEvents(for command: LedgerCommand, into state: inout LedgerState) throws {
        // Only a close or its reversal reads settlement events: any other command returns before the
        // closes are filtered (that filter ran for every imported line, DR-68).
        switch command {
        case .reverseClose, .close: break
        default: return
        }
        let inForce = state.closes.filter(\.isInForce)
        let wanted: [CloseRecord]
        switch command {
        case .reverseClose(_, let through?):
            wanted = inForce.filter { $0.date > through }
        case .reverseClose:
            wanted = inForce.last.map { [$0] } ?? []
        case .close(let date):
            wanted = inForce.filter { $0.mode == .recalculation && $0.date > date }
        default:
            wanted = []
        }
        for close in wanted where state.recalled.closeEvents[close.sequence] == nil {
            let events = try LedgerError.sealing {
                try log.settlementEvents(first: close.firstSequence, close: close.sequence)
            }
            state.recalled.closeEvents[close.sequence] = events
        }
    }
}
