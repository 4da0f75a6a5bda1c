import SubledgerCore
import Testing

/// DR-62: a receipt, issue or invoice hands the pool it read while deciding to the range check (DR-17),
/// which no longer builds and looks up its key again. The check must still judge the pool the event
/// changes and no other: the same pool past the range names the pool, another site's pool stays in range
/// and the command stops at the inventory account's balance instead (checked after the pools).
struct PoolReadTests {
    typealias R = DecideRejectionTests

    /// The rejection's message, or nil when `text` is accepted.
    static func refusal(_ state: LedgerState, _ name: String, _ text: String) throws -> Rejection? {
        do {
            _ = try state.decide(try R.command(name, text))
            return nil
        } catch let rejection as Rejection {
            return rejection
        }
    }

    /// Item A (fifo) with 6 x 10^14 of value at site S1 and a physical-only receipt at each site.
    static func nearTheLimit() throws -> LedgerState {
        var state = LedgerState()
        try R.run(&state, "item", "item=A model=fifo")
        try R.run(&state, "receive", "date=2026-01-02 item=A tx=P1 qty=1000 cost=600000000000 site=S1")
        try R.run(&state, "receive", "date=2026-01-02 item=A tx=Q1 qty=1000 cost=1 site=S1 physical=yes")
        try R.run(&state, "receive", "date=2026-01-02 item=A tx=Q2 qty=1000 cost=1 site=S2 physical=yes")
        return state
    }

    @Test func aReceiptIsCheckedAgainstItsOwnPool() throws {
        let state = try Self.nearTheLimit()
        let receipt = "date=2026-01-03 item=A tx=P2 qty=1000 cost=500000000000"
        let same = try Self.refusal(state, "receive", receipt + " site=S1")
        #expect(same?.code == .invalidAmount && same?.field == "cost")
        #expect(same?.message.hasPrefix("the cost pool's value would be 1100000000000000.00") == true, "\(same!)")
        let other = try Self.refusal(state, "receive", receipt + " site=S2")
        #expect(other?.code == .invalidAmount && other?.field == "cost")
        #expect(other?.message.hasPrefix("the balance of account") == true, "\(other!)")
        #expect(try Self.refusal(state, "receive", "date=2026-01-03 item=A tx=P2 qty=1 cost=1 site=S2") == nil)
    }

    @Test func anInvoiceIsCheckedAgainstItsTransactionsPool() throws {
        let state = try Self.nearTheLimit()
        let same = try Self.refusal(state, "invoice", "date=2026-01-03 tx=Q1 cost=500000000000")
        #expect(same?.code == .invalidAmount && same?.field == "cost")
        #expect(same?.message.hasPrefix("the cost pool's value would be 1100000000000000.00") == true, "\(same!)")
        let other = try Self.refusal(state, "invoice", "date=2026-01-03 tx=Q2 cost=500000000000")
        #expect(other?.code == .invalidAmount && other?.field == "cost")
        #expect(other?.message.hasPrefix("the balance of account") == true, "\(other!)")
    }

    @Test func anIssueIsCheckedAgainstItsOwnPool() throws {
        var state = LedgerState()
        try R.run(&state, "item", "item=N model=fifo")  // negative inventory allowed by default
        try R.run(&state, "issue", "date=2026-01-02 item=N tx=S1 qty=900000000000 site=S1")
        let same = try Self.refusal(state, "issue", "date=2026-01-03 item=N tx=S2 qty=200000000000 site=S1")
        #expect(same?.code == .invalidQuantity && same?.field == "qty")
        #expect(same?.message.hasPrefix("the cost pool's quantity would be -1100000000000") == true, "\(same!)")
        #expect(try Self.refusal(state, "issue", "date=2026-01-03 item=N tx=S2 qty=200000000000 site=S2") == nil)
    }
}
