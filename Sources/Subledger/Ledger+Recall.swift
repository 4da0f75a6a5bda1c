import SubledgerCore

extension Ledger {
    /// Decides `command` on `state` with what it needs recalled from history; the recall is dropped after.
    func decide(
        _ command: LedgerCommand, on state: inout LedgerState
    ) throws -> [(event: LedgerEvent, date: LedgerDate)] {
        var events: [(event: LedgerEvent, date: LedgerDate)] = []
        try decide(command, on: &state, into: &events)
        return events
    }

    /// `decide(_:on:)`, into `events` (emptied first), a buffer the caller reuses across commands (DR-64).
    func decide(
        _ command: LedgerCommand, on state: inout LedgerState,
        into events: inout [(event: LedgerEvent, date: LedgerDate)]
    ) throws {
        var hint: FoldHint?
        try decide(command, on: &state, into: &events, hint: &hint)
    }

    /// `decide(_:on:into:)`, and the hint for folding its first event (`FoldHint`, DR-68).
    func decide(
        _ command: LedgerCommand, on state: inout LedgerState,
        into events: inout [(event: LedgerEvent, date: LedgerDate)], hint: inout FoldHint?
    ) throws {
        try appendDirectly(command)  // inside a pipelined batch, before this thread may touch the store
        try recall(for: command, into: &state)
        // Emptied only when something was recalled: replacing the empty value destroyed its two empty
        // dictionaries through their metadata on every imported line (DR-68).
        defer { if !state.recalled.isEmpty { state.recalled = Recalled() } }
        try state.decide(command, into: &events, hint: &hint)
    }

    /// Fetches what deciding `command` needs beyond the open state (DR-22) into `state.recalled`: the
    /// transactions it names that a close moved to the history tables, and the settlement events of the
    /// closes it would reverse. Read inside the command's append transaction, so what it reads is current.
    func recall(for command: LedgerCommand, into state: inout LedgerState) throws {
        try recallTransactions(for: command, into: &state)
        try recallCloseEvents(for: command, into: &state)
    }
}
