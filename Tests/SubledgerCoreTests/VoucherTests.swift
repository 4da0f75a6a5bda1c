import SubledgerCore
import SubledgerTestSupport
import Testing

/// GL vouchers of every posting pattern (valuation-rules.md 5.5): each event's lines balance, hit the
/// expected posting types, accounts and amounts, and later adjustments use the stored accounts (D16).
struct VoucherTests {
    // MARK: - Helpers

    static func run(_ state: inout LedgerState, _ command: LedgerCommand) throws -> [LedgerEvent] {
        try Posting.run(&state, command)
    }

    /// Runs one command given as `name key=value ...` and returns its single event.
    @discardableResult
    static func post(_ state: inout LedgerState, _ name: String, _ text: String) throws -> LedgerEvent {
        let events = try Posting.run(&state, name, text)
        try #require(events.count == 1)
        return events[0]
    }

    static func money(_ text: String) -> Money { try! Money(parsing: text) }

    typealias Line = (type: PostingType, account: String, amount: String)

    /// The event's lines balance and equal `expected` as a multiset.
    static func expectLines(
        _ event: LedgerEvent, _ expected: [Line],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let lines = event.lines
        #expect(
            lines.reduce(Money.zero) { $0 + $1.amount } == .zero, "unbalanced: \(lines)",
            sourceLocation: sourceLocation)
        func key(_ line: VoucherLine) -> String { "\(line.postingType.rawValue) \(line.account) \(line.amount)" }
        let found = lines.map(key).sorted()
        let wanted = expected.map { key(VoucherLine($0.type, $0.account, money($0.amount))) }.sorted()
        #expect(found == wanted, sourceLocation: sourceLocation)
    }

    static func balance(_ state: LedgerState, _ account: String) -> Money { state.ledger.balance(account) }

    static func pool(_ state: LedgerState, _ item: String, site: String = "") -> CostPool {
        state.pool(PoolKey(item: item, dimensions: DimensionValues(site: site)))
    }

    /// The GL's inventory accounts hold exactly the value of the cost pools (section 6).
    static func expectReconciled(_ state: LedgerState, sourceLocation: SourceLocation = #_sourceLocation) {
        let subledger = state.pools.values.reduce(Money.zero) { $0 + $1.value }
        let gl = state.ledger.inventoryAccounts.reduce(Money.zero) { $0 + state.ledger.balance($1) }
        #expect(subledger == gl, sourceLocation: sourceLocation)
        let total = state.ledger.trialBalance().reduce(Money.zero) { $0 + $1.balance }
        #expect(total == .zero, sourceLocation: sourceLocation)
    }

    // MARK: - Receipts

    @Test func financialPurchaseReceipt() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        let event = try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=12.50")
        Self.expectLines(event, [(.inventory, "1400", "125.00"), (.payable, "2100", "-125.00")])
        guard case .receiptPosted(let e) = event else { Issue.record("not a receipt: \(event)"); return }
        #expect(e.inventoryValue == Self.money("125.00") && e.offsetValue == Self.money("125.00"))
        #expect(Self.pool(state, "F").financialValue == Self.money("125.00"))
        #expect(Self.pool(state, "F").financialQuantity == Quantity(whole: 10))
        Self.expectReconciled(state)
    }

    @Test(arguments: [
        ("purchase", PostingType.payable, "2100"),
        ("journal", .inventoryProfit, "4200"),
        ("return", .cogs, "5000"),
        ("production", .wip, "1500"),
    ])
    func financialReceiptOffsetByKind(kind: String, offset: PostingType, account: String) throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        let event = try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=3 cost=3.3333 kind=\(kind)")
        // 3 x 3.3333 = 9.9999 -> 10.00, rounded once.
        Self.expectLines(event, [(.inventory, "1400", "10.00"), (offset, account, "-10.00")])
    }

    @Test func physicalReceiptThenPartialInvoices() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        let receipt = try Self.post(&state, "receive", "date=2026-01-02 item=F tx=PP qty=10 cost=10 physical=yes")
        Self.expectLines(receipt, [(.inventoryReceived, "1410", "100.00"), (.purchaseAccrual, "2150", "-100.00")])
        #expect(Self.pool(state, "F").physicalValue == Self.money("100.00"))
        Self.expectReconciled(state)

        let first = try Self.post(&state, "invoice", "date=2026-01-10 tx=PP qty=4 cost=11")
        Self.expectLines(
            first,
            [
                (.purchaseAccrual, "2150", "40.00"), (.inventoryReceived, "1410", "-40.00"),
                (.inventory, "1400", "44.00"), (.payable, "2100", "-44.00"),
            ])
        Self.expectReconciled(state)
        let rest = try Self.post(&state, "invoice", "date=2026-01-11 tx=PP cost=10.50")
        Self.expectLines(
            rest,
            [
                (.purchaseAccrual, "2150", "60.00"), (.inventoryReceived, "1410", "-60.00"),
                (.inventory, "1400", "63.00"), (.payable, "2100", "-63.00"),
            ])
        // The clearing accounts are back to zero; inventory holds the invoiced value.
        #expect(Self.balance(state, "1410") == .zero)
        #expect(Self.balance(state, "2150") == .zero)
        #expect(Self.balance(state, "1400") == Self.money("107.00"))
        #expect(Self.balance(state, "2100") == Self.money("-107.00"))
        let pool = Self.pool(state, "F")
        #expect(pool.physicalQuantity == .zero && pool.physicalValue == .zero)
        #expect(pool.financialValue == Self.money("107.00"))
        Self.expectReconciled(state)
    }

    @Test func partialInvoicesLeaveTheRoundingRemainderOnTheRest() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=PP qty=3 cost=3.3333 physical=yes")  // 10.00
        var reversed: [Money] = []
        for _ in 0..<3 {
            guard
                case .invoicePosted(let e) = try Self.post(&state, "invoice", "date=2026-01-10 tx=PP qty=1 cost=3.3333")
            else { Issue.record("not an invoice"); return }
            reversed.append(e.physicalValueReversed)
        }
        // 10.00 over 3: 3.33, then 6.67 over 2 = 3.335 -> 3.34, then the last 3.33.
        #expect(reversed == [Self.money("3.33"), Self.money("3.34"), Self.money("3.33")])
        #expect(Self.balance(state, "1410") == .zero && Self.balance(state, "2150") == .zero)
        Self.expectReconciled(state)
    }

    @Test func standardCostReceiptPhysicalThenInvoice() throws {
        // Standard 1000.00, PO price 1005.00, invoice 1004.00: PPV 5.00 at receipt, reversed, 4.00 at invoice.
        var state = LedgerState()
        try Self.post(&state, "item", "item=STD model=standard standard=1000")
        let receipt = try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=PS qty=1 cost=1005 physical=yes")
        Self.expectLines(
            receipt,
            [
                (.inventoryReceived, "1410", "1000.00"), (.purchaseAccrual, "2150", "-1000.00"),
                (.ppv, "5100", "5.00"), (.purchaseAccrual, "2150", "-5.00"),
            ])
        let invoice = try Self.post(&state, "invoice", "date=2026-01-10 tx=PS cost=1004")
        Self.expectLines(
            invoice,
            [
                (.purchaseAccrual, "2150", "1000.00"), (.inventoryReceived, "1410", "-1000.00"),
                (.purchaseAccrual, "2150", "5.00"), (.ppv, "5100", "-5.00"),
                (.inventory, "1400", "1000.00"), (.payable, "2100", "-1000.00"),
                (.ppv, "5100", "4.00"), (.payable, "2100", "-4.00"),
            ])
        #expect(Self.balance(state, "5100") == Self.money("4.00"), "net PPV")
        #expect(Self.balance(state, "1400") == Self.money("1000.00"))
        #expect(Self.balance(state, "2100") == Self.money("-1004.00"))
        #expect(Self.balance(state, "1410") == .zero && Self.balance(state, "2150") == .zero)
        #expect(Self.pool(state, "STD").value == Self.money("1000.00"))
        Self.expectReconciled(state)
    }

    @Test func standardCostFinancialReceiptBelowStandard() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=STD model=standard standard=10")
        let event = try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=PS qty=3 cost=9.50")
        Self.expectLines(
            event,
            [
                (.inventory, "1400", "30.00"), (.payable, "2100", "-30.00"),
                (.payable, "2100", "1.50"), (.ppv, "5100", "-1.50"),
            ])
    }

    // MARK: - Issues

    @Test func saleIssuePhysicalThenInvoice() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        let slip = try Self.post(&state, "issue", "date=2026-01-03 item=F tx=S1 qty=4 physical=yes")
        Self.expectLines(slip, [(.cogsDelivered, "5010", "40.00"), (.inventoryShipped, "1420", "-40.00")])
        Self.expectReconciled(state)
        // A receipt at another price moves the running average before the invoice: 230.00 / 20.
        try Self.post(&state, "receive", "date=2026-01-04 item=F tx=P2 qty=10 cost=13")
        let invoice = try Self.post(&state, "invoice", "date=2026-01-05 tx=S1")
        Self.expectLines(
            invoice,
            [
                (.inventoryShipped, "1420", "40.00"), (.cogsDelivered, "5010", "-40.00"),
                (.cogs, "5000", "46.00"), (.inventory, "1400", "-46.00"),
            ])
        guard case .invoicePosted(let e) = invoice else { Issue.record("not an invoice"); return }
        #expect(e.costSource == .runningAverage)
        #expect(Self.balance(state, "1420") == .zero && Self.balance(state, "5010") == .zero)
        #expect(Self.balance(state, "5000") == Self.money("46.00"))
        #expect(Self.pool(state, "F").value == Self.money("184.00"))
        Self.expectReconciled(state)
    }

    @Test(arguments: [
        ("journal", PostingType.inventoryLoss, "5200"), ("production", .wip, "1500"),
        ("sale", .cogs, "5000"),
    ])
    func financialIssueByKind(kind: String, expense: PostingType, account: String) throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=3 cost=3.3333")  // 10.00
        let event = try Self.post(&state, "issue", "date=2026-01-03 item=F tx=J1 qty=1 kind=\(kind)")
        // 1 x 10.00 / 3 = 3.33; 6.67 stays on the remaining 2 units.
        Self.expectLines(event, [(expense, account, "3.33"), (.inventory, "1400", "-3.33")])
        #expect(Self.pool(state, "F").value == Self.money("6.67"))
        Self.expectReconciled(state)
    }

    @Test func issueWithoutAverageUsesTheDefaultPriceOrZero() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=D model=fifo price=2.50")
        try Self.post(&state, "item", "item=Z model=fifo")
        let withPrice = try Self.post(&state, "issue", "date=2026-01-03 item=D tx=S1 qty=2")
        Self.expectLines(withPrice, [(.cogs, "5000", "5.00"), (.inventory, "1400", "-5.00")])
        let atZero = try Self.post(&state, "issue", "date=2026-01-03 item=Z tx=S2 qty=2")
        Self.expectLines(atZero, [])
        guard case .issuePosted(let e) = atZero else { Issue.record("not an issue"); return }
        #expect(e.costSource == .zeroCost && e.costAmount == .zero)
        #expect(!state.warnings.isEmpty)
        Self.expectReconciled(state)
    }

    // MARK: - Moving average and fixed receipt price

    @Test func movingAverageInvoiceWithAPriceDifference() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=MA model=moving-average")
        let receipt = try Self.post(&state, "receive", "date=2026-01-02 item=MA tx=PM qty=10 cost=10 physical=yes")
        Self.expectLines(receipt, [(.inventoryReceived, "1410", "100.00"), (.purchaseAccrual, "2150", "-100.00")])
        let issue = try Self.post(&state, "issue", "date=2026-01-03 item=MA tx=SM qty=4")
        Self.expectLines(issue, [(.cogs, "5000", "40.00"), (.inventory, "1400", "-40.00")])
        // Invoice at 12: difference 20.00; 6 of the 10 are still on hand -> 12.00 capitalized, 8.00 expensed (D8).
        let invoice = try Self.post(&state, "invoice", "date=2026-01-04 tx=PM cost=12")
        Self.expectLines(
            invoice,
            [
                (.purchaseAccrual, "2150", "100.00"), (.inventoryReceived, "1410", "-100.00"),
                (.inventory, "1400", "112.00"), (.payable, "2100", "-112.00"),
                (.maPriceDifference, "5130", "8.00"), (.payable, "2100", "-8.00"),
            ])
        let pool = Self.pool(state, "MA")
        #expect(pool.quantity == Quantity(whole: 6))
        #expect(pool.value == Self.money("72.00"))
        #expect(pool.averageCost(includePhysical: true) == (try UnitPrice(parsing: "12")))
        Self.expectReconciled(state)
    }

    @Test func movingAverageBackdatedReceiptTakesTheCurrentAverage() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=MA model=moving-average")
        try Self.post(&state, "receive", "date=2026-01-10 item=MA tx=P1 qty=10 cost=10")
        let backdated = try Self.post(&state, "receive", "date=2026-01-05 item=MA tx=P2 qty=10 cost=12")
        Self.expectLines(
            backdated,
            [
                (.inventory, "1400", "100.00"), (.payable, "2100", "-100.00"),
                (.maPriceDifference, "5130", "20.00"), (.payable, "2100", "-20.00"),
            ])
        Self.expectReconciled(state)
    }

    @Test(arguments: [
        // (invoice price, invoiced amount, fixed-price posting type, its account, its amount, offset amount)
        ("12", "120.00", PostingType.fixedPriceLoss, "5210", "20.00", "-20.00"),
        ("9", "90.00", .fixedPriceProfit, "4210", "-10.00", "10.00"),
    ])
    func fixedReceiptPriceInvoice(
        price: String, invoiced: String, type: PostingType, account: String,
        difference: String, offset: String
    ) throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=FX model=fifo fixed-receipt-price=yes price=10")
        let receipt = try Self.post(
            &state, "receive", "date=2026-01-02 item=FX tx=PF qty=10 cost=\(price) physical=yes")
        // Received at the fixed price, whatever the PO price.
        Self.expectLines(receipt, [(.inventoryReceived, "1410", "100.00"), (.purchaseAccrual, "2150", "-100.00")])
        let invoice = try Self.post(&state, "invoice", "date=2026-01-10 tx=PF cost=\(price)")
        Self.expectLines(
            invoice,
            [
                (.purchaseAccrual, "2150", "100.00"), (.inventoryReceived, "1410", "-100.00"),
                (.inventory, "1400", invoiced), (.payable, "2100", "-" + invoiced),
                (type, account, difference), (.fixedPriceOffset, "1430", offset),
            ])
        // Inventory (1400 + fixed price offset 1430) stays at the fixed price (D9).
        #expect(Self.balance(state, "1400") + Self.balance(state, "1430") == Self.money("100.00"))
        #expect(Self.pool(state, "FX").value == Self.money("100.00"))
        Self.expectReconciled(state)
    }

    @Test func fixedReceiptPriceFinancialReceiptAboveAndBelow() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=FX model=weighted-average fixed-receipt-price=yes price=10")
        let above = try Self.post(&state, "receive", "date=2026-01-02 item=FX tx=P1 qty=10 cost=12")
        Self.expectLines(
            above,
            [
                (.inventory, "1400", "120.00"), (.payable, "2100", "-120.00"),
                (.fixedPriceLoss, "5210", "20.00"), (.fixedPriceOffset, "1430", "-20.00"),
            ])
        let below = try Self.post(&state, "receive", "date=2026-01-02 item=FX tx=P2 qty=10 cost=9")
        Self.expectLines(
            below,
            [
                (.inventory, "1400", "90.00"), (.payable, "2100", "-90.00"),
                (.fixedPriceOffset, "1430", "10.00"), (.fixedPriceProfit, "4210", "-10.00"),
            ])
        let exact = try Self.post(&state, "receive", "date=2026-01-02 item=FX tx=P3 qty=1 cost=10")
        Self.expectLines(exact, [(.inventory, "1400", "10.00"), (.payable, "2100", "-10.00")])
        #expect(Self.pool(state, "FX").value == Self.money("210.00"))
        Self.expectReconciled(state)
    }

    // MARK: - Transfers, standard cost, revaluation, adjustment

    @Test func transferBetweenSites() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=3 cost=3.3333 site=S1")  // 10.00
        let transfer = try Self.post(&state, "transfer", "date=2026-01-03 item=F tx=T1 qty=1 from=site:S1 to=site:S2")
        Self.expectLines(transfer, [(.inventory, "1400", "3.33"), (.inventory, "1400", "-3.33")])
        #expect(Self.pool(state, "F", site: "S1").value == Self.money("6.67"))
        #expect(Self.pool(state, "F", site: "S2").value == Self.money("3.33"))
        #expect(Self.pool(state, "F", site: "S2").quantity == Quantity(whole: 1))
        // Inside one financial dimension value (site only is tracked): nothing posts (D15).
        let inside = try Self.post(
            &state, "transfer",
            "date=2026-01-03 item=F tx=T2 qty=1 from=site:S1,warehouse:W1 to=site:S1,warehouse:W2")
        Self.expectLines(inside, [])
        guard case .transferPosted(let e) = inside else { Issue.record("not a transfer"); return }
        #expect(e.amount == .zero)
        #expect(Self.pool(state, "F", site: "S1").quantity == Quantity(whole: 2))
        Self.expectReconciled(state)
    }

    @Test func standardCostActivationRevaluesOnHand() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=STD model=standard standard=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=P1 qty=10 cost=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=P2 qty=5 cost=10 physical=yes")
        let up = try Self.post(&state, "standard-cost", "date=2026-02-01 item=STD price=12")
        Self.expectLines(
            up,
            [
                (.inventory, "1400", "20.00"), (.revaluation, "5110", "-20.00"),
                (.inventoryReceived, "1410", "10.00"), (.revaluation, "5110", "-10.00"),
            ])
        #expect(Self.pool(state, "STD").value == Self.money("180.00"))
        let down = try Self.post(&state, "standard-cost", "date=2026-02-02 item=STD price=9")
        Self.expectLines(
            down,
            [
                (.revaluation, "5110", "30.00"), (.inventory, "1400", "-30.00"),
                (.revaluation, "5110", "15.00"), (.inventoryReceived, "1410", "-15.00"),
            ])
        #expect(Self.pool(state, "STD").value == Self.money("135.00"))
        #expect(state.items["STD"]?.standardCost == (try UnitPrice(parsing: "9")))
        // Receipts and issues now use the new standard.
        let issue = try Self.post(&state, "issue", "date=2026-02-03 item=STD tx=S1 qty=1")
        Self.expectLines(issue, [(.cogs, "5000", "9.00"), (.inventory, "1400", "-9.00")])
        Self.expectReconciled(state)
    }

    @Test func movingAverageRevaluation() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=MA model=moving-average")
        try Self.post(&state, "receive", "date=2026-01-02 item=MA tx=P1 qty=10 cost=10")
        let up = try Self.post(&state, "revalue", "date=2026-01-03 item=MA price=11")
        Self.expectLines(up, [(.inventory, "1400", "10.00"), (.maRevaluation, "5140", "-10.00")])
        let down = try Self.post(&state, "revalue", "date=2026-01-04 item=MA price=10.50")
        Self.expectLines(down, [(.maRevaluation, "5140", "5.00"), (.inventory, "1400", "-5.00")])
        #expect(Self.pool(state, "MA").value == Self.money("105.00"))
        let same = try Self.post(&state, "revalue", "date=2026-01-05 item=MA price=10.50")
        Self.expectLines(same, [])
        Self.expectReconciled(state)
    }

    @Test func transactionAdjustmentOfAReceipt() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        let up = try Self.post(&state, "adjust", "date=2026-01-03 tx=P1 amount=5")
        Self.expectLines(up, [(.inventory, "1400", "5.00"), (.costAdjustment, "5150", "-5.00")])
        let down = try Self.post(&state, "adjust", "date=2026-01-04 tx=P1 amount=-3")
        Self.expectLines(down, [(.costAdjustment, "5150", "3.00"), (.inventory, "1400", "-3.00")])
        #expect(state.transactions["P1"]?.adjustment == Self.money("2.00"))
        #expect(state.transactions["P1"]?.currentAmount == Self.money("102.00"))
        #expect(Self.pool(state, "F").value == Self.money("102.00"))
        Self.expectReconciled(state)
    }

    @Test func nonValuatedItemsExpenseEverything() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=NV model=non-valuated")
        let physical = try Self.post(&state, "receive", "date=2026-01-02 item=NV tx=P1 qty=2 cost=5 physical=yes")
        Self.expectLines(physical, [(.cogsDelivered, "5010", "10.00"), (.purchaseAccrual, "2150", "-10.00")])
        let invoice = try Self.post(&state, "invoice", "date=2026-01-03 tx=P1 cost=6")
        Self.expectLines(
            invoice,
            [
                (.purchaseAccrual, "2150", "10.00"), (.cogsDelivered, "5010", "-10.00"),
                (.cogs, "5000", "12.00"), (.payable, "2100", "-12.00"),
            ])
        let issue = try Self.post(&state, "issue", "date=2026-01-04 item=NV tx=S1 qty=1")
        Self.expectLines(issue, [])
        #expect(Self.pool(state, "NV").value == .zero)
        Self.expectReconciled(state)
    }

    // MARK: - D16: accounts are stored on the event

    @Test func laterAccountsChangeDoesNotMoveTheReversalOfAPhysicalReceipt() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "accounts", "inventory-received=1411 purchase-accrual=2151")
        let receipt = try Self.post(&state, "receive", "date=2026-01-02 item=F tx=PP qty=10 cost=10 physical=yes")
        Self.expectLines(receipt, [(.inventoryReceived, "1411", "100.00"), (.purchaseAccrual, "2151", "-100.00")])
        try Self.post(&state, "accounts", "inventory-received=1419 purchase-accrual=2159 inventory=1409 payable=2109")
        let invoice = try Self.post(&state, "invoice", "date=2026-01-10 tx=PP cost=11")
        Self.expectLines(
            invoice,
            [
                // The reversal uses the accounts stored on the receipt ...
                (.purchaseAccrual, "2151", "100.00"), (.inventoryReceived, "1411", "-100.00"),
                // ... the new financial posting uses today's profile.
                (.inventory, "1409", "110.00"), (.payable, "2109", "-110.00"),
            ])
        #expect(Self.balance(state, "1411") == .zero && Self.balance(state, "2151") == .zero)
        #expect(Self.balance(state, "1419") == .zero && Self.balance(state, "2159") == .zero)
        Self.expectReconciled(state)
    }

    @Test func laterAccountsChangeDoesNotMoveTheReversalOfAPackingSlip() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        try Self.post(&state, "accounts", "cogs-delivered=5011 inventory-shipped=1421")
        try Self.post(&state, "issue", "date=2026-01-03 item=F tx=S1 qty=4 physical=yes")
        try Self.post(&state, "accounts", "cogs-delivered=5019 inventory-shipped=1429 cogs=5009")
        let invoice = try Self.post(&state, "invoice", "date=2026-01-05 tx=S1")
        Self.expectLines(
            invoice,
            [
                (.inventoryShipped, "1421", "40.00"), (.cogsDelivered, "5011", "-40.00"),
                (.cogs, "5009", "40.00"), (.inventory, "1400", "-40.00"),
            ])
        #expect(Self.balance(state, "1421") == .zero && Self.balance(state, "5011") == .zero)
        Self.expectReconciled(state)
    }

    @Test func laterAccountsChangeDoesNotMoveTheReversalOfAStandardCostReceipt() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=STD model=standard standard=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=PS qty=1 cost=11 physical=yes")
        try Self.post(&state, "accounts", "ppv=5199 inventory-received=1419 purchase-accrual=2159")
        let invoice = try Self.post(&state, "invoice", "date=2026-01-10 tx=PS cost=12")
        Self.expectLines(
            invoice,
            [
                (.purchaseAccrual, "2150", "10.00"), (.inventoryReceived, "1410", "-10.00"),
                (.purchaseAccrual, "2150", "1.00"), (.ppv, "5100", "-1.00"),
                (.inventory, "1400", "10.00"), (.payable, "2100", "-10.00"),
                (.ppv, "5199", "2.00"), (.payable, "2100", "-2.00"),
            ])
        #expect(Self.balance(state, "5100") == .zero)
        #expect(Self.balance(state, "1410") == .zero && Self.balance(state, "2150") == .zero)
    }

    @Test func adjustmentPostsToTheReceiptsStoredInventoryAccount() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        try Self.post(&state, "accounts", "inventory=1409")
        let adjust = try Self.post(&state, "adjust", "date=2026-01-03 tx=P1 amount=5")
        Self.expectLines(adjust, [(.inventory, "1400", "5.00"), (.costAdjustment, "5150", "-5.00")])
        #expect(state.transactions["P1"].map { state.accounts(of: $0)[.inventory] } == "1400")
        Self.expectReconciled(state)
    }

    @Test func postingGroupsOverrideTheDefaultProfile() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=M model=fifo group=machines")
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "accounts", "group=machines inventory=1460")
        try Self.post(&state, "accounts", "payable=2101")
        let machine = try Self.post(&state, "receive", "date=2026-01-02 item=M tx=P1 qty=1 cost=10")
        Self.expectLines(machine, [(.inventory, "1460", "10.00"), (.payable, "2101", "-10.00")])
        let other = try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P2 qty=1 cost=10")
        Self.expectLines(other, [(.inventory, "1400", "10.00"), (.payable, "2101", "-10.00")])
        Self.expectReconciled(state)
    }

    // MARK: - Standard changes on physical stock, marking before the invoice

    /// 3.9: activating a new standard revalues on-hand, including physically received stock. Invoicing that
    /// receipt later must leave the pool at quantity x the new standard with no value on zero physical stock.
    @Test func standardCostChangeIsNotStrandedOnAPhysicalReceipt() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=STD model=standard standard=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=PS qty=5 cost=10 physical=yes")  // 50.00
        try Self.post(&state, "standard-cost", "date=2026-01-03 item=STD price=12")  // +10.00
        #expect(Self.pool(state, "STD").value == Self.money("60.00"))
        try Self.post(&state, "invoice", "date=2026-01-04 tx=PS cost=10")
        let pool = Self.pool(state, "STD")
        #expect(pool.quantity == Quantity(whole: 5))
        #expect(pool.physicalQuantity == .zero)
        #expect(pool.physicalValue == .zero, "physical value left on zero physical quantity")
        #expect(pool.value == Self.money("60.00"), "5 on hand at standard 12.00")
        #expect(Self.balance(state, "1410") == .zero, "inventory received (clearing) must be cleared")
        Self.expectReconciled(state)
    }

    /// Same for a packing slip posted before the standard changed.
    @Test func standardCostChangeIsNotStrandedOnAPackingSlip() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=STD model=standard standard=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=STD tx=P1 qty=10 cost=10")
        try Self.post(&state, "issue", "date=2026-01-02 item=STD tx=S1 qty=4 physical=yes")
        try Self.post(&state, "standard-cost", "date=2026-01-03 item=STD price=12")
        #expect(Self.pool(state, "STD").value == Self.money("72.00"))
        try Self.post(&state, "invoice", "date=2026-01-04 tx=S1")
        let pool = Self.pool(state, "STD")
        #expect(pool.quantity == Quantity(whole: 6))
        #expect(pool.physicalValue == .zero, "physical value left on zero physical quantity")
        #expect(pool.value == Self.money("72.00"), "6 on hand at standard 12.00")
        Self.expectReconciled(state)
    }

    /// D14: an issue marked to receipts before its invoice posts each marked quantity at its receipt's cost.
    @Test func issueMarkedToTwoReceiptsUsesBoth() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P2 qty=10 cost=20")
        try Self.post(&state, "issue", "date=2026-01-03 item=F tx=S1 qty=4 physical=yes")
        try Self.post(&state, "mark", "date=2026-01-03 issue=S1 receipt=P1 qty=2")
        try Self.post(&state, "mark", "date=2026-01-03 issue=S1 receipt=P2 qty=2")
        guard case .invoicePosted(let e) = try Self.post(&state, "invoice", "date=2026-01-04 tx=S1") else {
            Issue.record("not an invoice"); return
        }
        #expect(e.costSource == .marking)
        #expect(e.financialValue == Self.money("60.00"), "2 x 10.00 from P1 + 2 x 20.00 from P2")
        Self.expectReconciled(state)
    }

    /// D14: a partly marked issue posts only the marked quantity at the receipt's cost.
    @Test func partlyMarkedIssueUsesTheRunningAverageForTheRest() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P2 qty=10 cost=20")
        try Self.post(&state, "issue", "date=2026-01-03 item=F tx=S1 qty=4 physical=yes")
        try Self.post(&state, "mark", "date=2026-01-03 issue=S1 receipt=P1 qty=1")
        guard case .invoicePosted(let e) = try Self.post(&state, "invoice", "date=2026-01-04 tx=S1") else {
            Issue.record("not an invoice"); return
        }
        #expect(e.financialValue == Self.money("55.00"), "1 x 10.00 marked + 3 x 15.00 running average")
    }

    @Test func fullyMarkedIssuePostsAtTheReceiptsCost() throws {
        var state = LedgerState()
        try Self.post(&state, "item", "item=F model=fifo")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P1 qty=10 cost=10")
        try Self.post(&state, "receive", "date=2026-01-02 item=F tx=P2 qty=10 cost=20")
        try Self.post(&state, "issue", "date=2026-01-03 item=F tx=S1 qty=4 physical=yes")
        try Self.post(&state, "mark", "date=2026-01-03 issue=S1 receipt=P2")
        let invoice = try Self.post(&state, "invoice", "date=2026-01-04 tx=S1")
        Self.expectLines(
            invoice,
            [
                (.inventoryShipped, "1420", "60.00"), (.cogsDelivered, "5010", "-60.00"),
                (.cogs, "5000", "80.00"), (.inventory, "1400", "-80.00"),
            ])
        guard case .invoicePosted(let e) = invoice else { return }
        #expect(e.costSource == .marking)
        Self.expectReconciled(state)
    }
}
