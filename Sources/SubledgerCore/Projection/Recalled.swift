/// What one decision needs that the open state no longer holds in memory (DR-22): transactions that a
/// close in force moved out of it, and the settlement events of closes a reversal negates. The facade
/// fetches them from the history tables and the log just before deciding, so `decide` stays pure (no I/O).
/// Not part of the state's value: never encoded, digested or compared, and emptied after each command.
public struct Recalled: Sendable {
    /// Transactions that left the open state, by id, as the history table holds them.
    public var transactions: [String: TransactionRecord] = [:]
    /// Settlement events of closes and recalculations, by the sequence of their `close.posted` event.
    public var closeEvents: [Int64: [SettlementPosted]] = [:]

    public init() {}

    public var isEmpty: Bool { transactions.isEmpty && closeEvents.isEmpty }
}
