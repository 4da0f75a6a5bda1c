import SubledgerCore
import Testing

/// DR-17: a figure out of range is a rejection naming its field, never a trap. Each example would trap
/// (exit 132) in unchecked arithmetic; it must be refused with nothing decided.
struct OverflowRejectionTests {
    typealias R = DecideRejectionTests

    static func expectRejected(
        _ state: LedgerState, _ name: String, _ text: String,
        _ code: Rejection.Code, field: String
    ) {
        do {
            let command = try R.command(name, text)
            _ = try state.decide(command)
            Issue.record("\(name) \(text) was accepted")
        } catch let rejection as Rejection {
            #expect(rejection.code == code, "\(rejection)")
            #expect(rejection.field == field, "\(rejection)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    static func stocked() throws -> LedgerState {
        var state = LedgerState()
        try R.run(&state, "item", "item=A model=fifo")
        try R.run(&state, "item", "item=STD model=standard standard=1")
        try R.run(&state, "receive", "date=2026-01-02 item=A tx=P1 qty=10 cost=5")
        return state
    }

    @Test func hugeReceiptIsRefusedAtTheField() throws {
        let state = try Self.stocked()
        Self.expectRejected(
            state, "receive", "date=2026-01-03 item=A tx=P2 qty=900000000000000 cost=100000",
            .invalidQuantity, field: "qty")
        Self.expectRejected(
            state, "receive", "date=2026-01-03 item=A tx=P2 qty=1 cost=1000000000000.0001",
            .invalidAmount, field: "cost")
        // Each field in range, the amount not: 10^6 x 10^12.
        Self.expectRejected(
            state, "receive", "date=2026-01-03 item=A tx=P2 qty=1000000 cost=1000000000000",
            .invalidAmount, field: "cost")
    }

    @Test func hugeQuantityOnAnItemWithStock() throws {
        let state = try Self.stocked()
        Self.expectRejected(
            state, "issue", "date=2026-01-03 item=A tx=S1 qty=922337203685477", .invalidQuantity, field: "qty")
        Self.expectRejected(
            state, "receive", "date=2026-01-03 item=A tx=P2 qty=922337203685477 cost=0",
            .invalidQuantity, field: "qty")
        Self.expectRejected(
            state, "transfer", "date=2026-01-03 item=A tx=T1 qty=922337203685477 from=site:S1 to=site:S2",
            .invalidQuantity, field: "qty")
    }

    @Test func issueFarBeyondOnHandAtAHighAverageIsRefused() throws {
        var state = LedgerState()
        try R.run(&state, "item", "item=A model=fifo")
        try R.run(&state, "receive", "date=2026-01-02 item=A tx=P1 qty=0.0001 cost=1000000000000")
        // 10^12 units at 10^12 each: the running average share is 10^24, beyond Int64.
        Self.expectRejected(
            state, "issue", "date=2026-01-03 item=A tx=S1 qty=1000000000000", .invalidAmount, field: "qty")
    }

    @Test func hugeAdjustmentIsRefused() throws {
        var state = LedgerState()
        try R.run(&state, "item", "item=A model=fifo")
        try R.run(&state, "receive", "date=2026-01-02 item=A tx=P1 qty=10 cost=5")
        Self.expectRejected(
            state, "adjust", "date=2026-01-03 tx=P1 amount=92233720368547758.07", .invalidAmount, field: "amount")
        Self.expectRejected(
            state, "adjust", "date=2026-01-03 tx=P1 amount=1000000000000000", .invalidAmount, field: "amount")
        try R.run(&state, "adjust", "date=2026-01-03 tx=P1 amount=999999999999950")
        #expect(state.invariantViolations().isEmpty)
    }

    @Test func standardCostChangeOnABillionUnitsIsRefused() throws {
        var state = try Self.stocked()
        try R.run(&state, "receive", "date=2026-01-02 item=STD tx=Q1 qty=1000000000 cost=1")
        let before = state.pools
        Self.expectRejected(
            state, "standard-cost", "date=2026-01-03 item=STD price=1000000000", .invalidAmount, field: "price")
        Self.expectRejected(
            state, "standard-cost", "date=2026-01-03 item=STD price=1000000000000", .invalidAmount, field: "price")
        #expect(state.pools == before)
        try R.run(&state, "standard-cost", "date=2026-01-03 item=STD price=999999")
        #expect(state.invariantViolations().isEmpty)
    }

    /// Three items in three posting groups on one inventory account: each receipt is in range, the
    /// third would take the account's balance beyond it and is refused; every total still adds up.
    @Test func threeReceiptsInThreePostingGroupsStopAtTheAccountBalance() throws {
        var state = LedgerState()
        for group in 1...3 { try R.run(&state, "item", "item=G\(group) model=fifo group=g\(group)") }
        Self.expectRejected(
            state, "receive", "date=2026-01-02 item=G1 tx=P1 qty=50 cost=900000000000000",
            .invalidAmount, field: "cost")
        try R.run(&state, "receive", "date=2026-01-02 item=G1 tx=P1 qty=400 cost=1000000000000")
        try R.run(&state, "receive", "date=2026-01-02 item=G2 tx=P2 qty=400 cost=1000000000000")
        Self.expectRejected(
            state, "receive", "date=2026-01-02 item=G3 tx=P3 qty=400 cost=1000000000000",
            .invalidAmount, field: "cost")
        // Backdated: a balance as of an earlier date counts too.
        Self.expectRejected(
            state, "receive", "date=2026-01-01 item=G3 tx=P3 qty=400 cost=1000000000000",
            .invalidAmount, field: "cost")
        #expect(state.invariantViolations().isEmpty)
        #expect(state.ledger.balance("1400") == Money(units: 80_000_000_000_000_000))
    }

    /// A backdated posting changes every balance after its date: inventory 10^17 on the 10th, back to zero
    /// on the 20th; a receipt of 10^17 dated the 5th keeps the closing balance in range but would make the
    /// balance of the 10th to the 19th 2 x 10^17.
    @Test func aBackdatedPostingCannotPutAnEarlierBalanceOutOfRange() throws {
        var state = LedgerState()
        try R.run(&state, "item", "item=A model=fifo")
        try R.run(&state, "receive", "date=2026-01-10 item=A tx=P1 qty=1000 cost=1000000000000 kind=return")
        try R.run(&state, "issue", "date=2026-01-20 item=A tx=S1 qty=1000")
        Self.expectRejected(
            state, "receive", "date=2026-01-05 item=A tx=P2 qty=1000 cost=1000000000000",
            .invalidAmount, field: "cost")
        try R.run(&state, "receive", "date=2026-01-25 item=A tx=P2 qty=1000 cost=1000000000000")
    }

    /// A close adds up every open receipt of a pool: 100 receipts of 10^17, each drained by an issue
    /// (returns and sales net to zero on every account), exceed Int64 in the weighted average's sum. The
    /// close is refused (field `date`) instead of trapping; the postings stay valid.
    @Test func aCloseThatCannotAddUpItsPoolIsRefused() throws {
        var state = LedgerState()
        try R.run(&state, "item", "item=W model=weighted-average")
        for n in 1...100 {
            try R.run(&state, "receive", "date=2026-01-02 item=W tx=R\(n) qty=1000 cost=1000000000000 kind=return")
            try R.run(&state, "issue", "date=2026-01-02 item=W tx=S\(n) qty=1000")
        }
        #expect(state.invariantViolations().isEmpty)
        Self.expectRejected(state, "close", "date=2026-01-31", .invalidAmount, field: "date")
        Self.expectRejected(state, "recalculate", "date=2026-01-31", .invalidAmount, field: "date")
    }

    @Test func commandsBuiltInCodeAreCheckedToo() throws {
        let state = try Self.stocked()
        let receive = LedgerCommand.receive(
            .init(
                date: LedgerDate("2026-01-03")!, item: "A", transaction: "P9",
                quantity: Quantity(units: Int64.max), unitPrice: UnitPrice(units: Int64.max)))
        #expect(throws: Rejection.self) { _ = try state.decide(receive) }
        let adjust = LedgerCommand.adjust(
            .init(date: LedgerDate("2026-01-03")!, transaction: "P1", amount: Money(units: Int64.min)))
        #expect(throws: Rejection.self) { _ = try state.decide(adjust) }
        let zero = LedgerCommand.issue(
            .init(date: LedgerDate("2026-01-03")!, item: "A", transaction: "S9", quantity: .zero))
        #expect(throws: Rejection.self) { _ = try state.decide(zero) }
    }

    @Test func outOfRangeTextNamesItsField() throws {
        let state = try Self.stocked()
        for text in ["9223372036854775807", "-9223372036854775808", "99999999999999999999", "1000000000000.0001"] {
            Self.expectRejected(
                state, "receive", "date=2026-01-03 item=A tx=P2 qty=\(text) cost=1", .invalidQuantity, field: "qty")
            Self.expectRejected(
                state, "receive", "date=2026-01-03 item=A tx=P2 qty=1 cost=\(text)", .invalidAmount, field: "cost")
        }
    }

    @Test func clampedProductsNeverTrap() {
        let huge = Quantity(units: Int64.max)
        #expect(huge.amount(at: UnitPrice(units: Int64.max)).units == Limits.clampedUnits)
        #expect(huge.share(of: Money(units: Int64.min), outOf: Quantity(units: 1)).units == -Limits.clampedUnits)
        #expect(Money(units: Int64.max).perUnit(Quantity(units: 1)).units == Limits.clampedUnits)
        var total = Total<Money>()
        for _ in 0..<1000 { total += Money(units: Int64.max) }
        #expect(total.exact == nil)
        #expect(total.description.hasSuffix(".00"))
    }
}
