// Commands posted straight to a `LedgerState` (decide, then apply with the next sequences), written
// `name key=value ...` as in the scenario files: the decide and voucher tests' way of building books.

import SubledgerCore

public enum Posting {
    /// `key=value key=value ...` (values contain no spaces; `key=` gives an empty value).
    public static func fields(_ text: String) -> CommandFields {
        CommandFields(
            text.split(separator: " ").map { part in
                let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (key: String(pair[0]), value: pair.count > 1 ? String(pair[1]) : "")
            })
    }

    public static func command(_ name: String, _ text: String) throws -> LedgerCommand {
        try CommandDecoder.decode(command: name, fields(text))
    }

    /// Decides `command` and applies its events with increasing sequence numbers; returns the events.
    /// Plays the facade's part for reversals: each close's settlement events (the log's, which the state
    /// does not keep) stay in `state.recalled.closeEvents`.
    @discardableResult
    public static func run(_ state: inout LedgerState, _ command: LedgerCommand) throws -> [LedgerEvent] {
        var events: [LedgerEvent] = []
        var settlements: [SettlementPosted] = []
        for (event, date) in try state.decide(command) {
            try state.apply(event, date: date, sequence: state.lastSequence + 1)
            events.append(event)
            switch event {
            case .settlementPosted(let posted) where posted.mode != .reversal: settlements.append(posted)
            case .closePosted:
                state.recalled.closeEvents[state.lastSequence] = settlements
                settlements = []
            default: break
            }
        }
        return events
    }

    @discardableResult
    public static func run(_ state: inout LedgerState, _ name: String, _ text: String) throws -> [LedgerEvent] {
        try run(&state, try command(name, text))
    }
}

/// The projection's fields a rejected or re-sent command must not change, in comparable form.
public struct ProjectionSnapshot: Equatable {
    public var lastSequence: Int64, eventCount: Int
    public var items: [String: ItemSetup], profiles: PostingProfiles
    public var pools: [PoolKey: CostPool], transactions: [String: TransactionRecord], ledger: GeneralLedger
    public var marks: [String: [String]]

    public init(_ state: LedgerState) {
        lastSequence = state.lastSequence; eventCount = state.eventCount
        items = state.items; profiles = state.profiles
        pools = state.pools; transactions = state.transactions.dictionary; ledger = state.ledger
        marks = state.marks.mapValues { $0.map { "\($0.receipt) \($0.quantity)" } }
    }
}
