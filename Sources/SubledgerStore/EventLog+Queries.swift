// QueryableEventLog: the reads of the log the ledger's queries need beyond `EventLog` (issue 14): the
// command rows (`commands`, and who appended which events for `events`), and the close log's few events
// (`closes`, `settlements`, rule R's reversals) without folding every posting. SQLite's EventStore has
// them already, over its indexes; PostgresEventLog answers them with SQL of the same meaning.

import SubledgerCore

public protocol QueryableEventLog: EventLog {
    /// Every command row, in log order.
    func commands() throws -> [CommandRecord]
    /// The commands with an actor that appended any of the events `after + 1 ... through`, in log order.
    func commandActors(after: Int64, through: Int64) throws -> [CommandActorSpan]
    /// Every `settlement.posted`, `close.posted` and `close.reversed` event from event `first` on, in log
    /// order, each checked against the chain.
    func forEachCloseLogEvent(from first: Int64, _ body: (StoredEvent) throws -> Void) throws
    /// The `close.reversed` events after `sequence`: (sequence, version, payload).
    func closeReversals(after sequence: Int64) throws -> [(Int64, Int, [UInt8])]
}

extension EventStore: QueryableEventLog {}

extension CommandActorSpan {
    /// A span read by another store (the memberwise initializer is internal).
    public init(first: Int64, last: Int64, actor: String) {
        self.init(firstSequence: first, lastSequence: last, actor: actor)
    }
}

extension EventLog {
    /// `scan` through exactly `last`: a log that stops short of it is damaged.
    public func scanThrough(after sequence: Int64, _ last: Int64, _ body: (borrowing EventView) throws -> Void) throws {
        let reached = try scan(after: sequence, through: last, body)
        guard reached == last else {
            throw StoreError.corrupt(
                "the log holds events through \(last) but reading stopped after \(reached): the log is damaged; "
                    + "run `subledger verify`")
        }
    }
}

extension QueryableEventLog {
    /// `forEachCloseLogEvent` from the log's first event.
    public func forEachCloseLogEvent(_ body: (StoredEvent) throws -> Void) throws {
        try forEachCloseLogEvent(from: 1, body)
    }
}
