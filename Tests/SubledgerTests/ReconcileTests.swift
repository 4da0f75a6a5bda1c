import Foundation
import Subledger
import SubledgerCore
import Testing

/// Subledger-to-GL reconciliation, the external trial balance comparison and the inventory value report
/// (valuation-rules.md section 6).
struct ReconcileTests {
    static func day(_ text: String) -> LedgerDate { LedgerDate(text)! }
    static func money(_ text: String) -> Money { try! Money(parsing: text) }
    static func qty(_ whole: Int64) -> Quantity { Quantity(whole: whole) }
    static func price(_ text: String) -> UnitPrice { try! UnitPrice(parsing: text) }
    static let end = day("2026-12-31")
    static let middle = day("2026-02-14")

    /// The demo history with a close through January (adjustments, settlements, WA closing receipts).
    static func demo() throws -> Ledger {
        let ledger = try Ledger(path: ":memory:")
        try ledger.loadDemo()
        try ledger.execute(.close(day("2026-01-31")))
        return ledger
    }

    static func csv(_ balances: [(String, Money)]) -> String {
        "account,balance\n" + balances.map { "\($0.0),\($0.1)\n" }.joined()
    }

    // MARK: - Subledger against GL

    @Test func demoReconcilesOnEveryInventoryAccount() throws {
        let ledger = try Self.demo()
        let report = try ledger.reconcile(asOf: Self.end)
        #expect(report.origin == .live)
        #expect(Set(report.accounts.map(\.account)) == ["1400", "1410", "1460"])
        for account in report.accounts {
            #expect(
                account.difference == .zero, "\(account.account): subledger \(account.subledger) GL \(account.ledger)")
            #expect(account.ledger == ledger.state.ledger.balance(account.account))
        }
        #expect(report.agrees)
        #expect(report.unexplainedPoolValue.isEmpty, "\(report.unexplainedPoolValue)")
        // The subledger side is the value of every pool, and it is not all on one account.
        let pools = ledger.state.pools.values.reduce(Money.zero) { $0 + $1.value }
        #expect(report.subledgerTotal == pools)
        #expect(report.poolValue == pools)
        #expect(!report.accounts.first { $0.account == "1410" }!.composition.received.isZero)
        // Standard cost activation and moving-average revaluation are pool revaluations.
        #expect(!report.accounts.first { $0.account == "1460" }!.composition.revaluation.isZero)

        // The drill-down finds no source whose subledger and GL amounts differ, close vouchers included.
        let detailed = try ledger.reconcile(asOf: Self.end, details: true)
        for account in detailed.accounts {
            let sources = try #require(account.sources)
            #expect(sources.isEmpty, "\(account.account): \(sources)")
        }
    }

    @Test func reconcileAsOfAMiddleDateEqualsALedgerWithOnlyThosePostings() throws {
        let full = try Self.demo()
        let partial = try Ledger(path: ":memory:")
        try partial.executeBatch(kind: "demo-through-middle") { submit in
            for command in DemoHistory.commands() where (command.date ?? Self.middle) <= Self.middle {
                try submit(command)
            }
        }
        try partial.execute(.close(Self.day("2026-01-31")))
        #expect(full.state.eventCount > partial.state.eventCount + 50, "the middle date must cut the history")

        let asOf = try full.reconcile(asOf: Self.middle)
        #expect(asOf.origin == .replayed)
        #expect(asOf.skipped.isEmpty)
        let expected = try partial.reconcile(asOf: Self.end)
        #expect(asOf.accounts.map(\.account) == expected.accounts.map(\.account))
        for (got, want) in zip(asOf.accounts, expected.accounts) {
            #expect(got.subledger == want.subledger, "\(got.account)")
            #expect(got.ledger == want.ledger, "\(got.account)")
            #expect(got.composition == want.composition, "\(got.account)")
            #expect(got.difference == .zero, "\(got.account)")
        }
        let totals = Reconciliation.totals(partial.state)
        #expect(asOf.subledgerTotal == totals.subledger)
        #expect(asOf.ledgerTotal == totals.ledger)
        #expect(asOf.subledgerTotal != (try full.reconcile(asOf: Self.end)).subledgerTotal)
        // The value report as of the date is the partial ledger's on-hand.
        let value = try full.inventoryValue(asOf: Self.middle)
        let onHand = partial.onHand().filter { !$0.pool.quantity.isZero || !$0.pool.value.isZero }
        #expect(value.rows.map(\.item) == onHand.map(\.item))
        #expect(value.rows.map(\.value) == onHand.map(\.pool.value))
        #expect(value.rows.map(\.financialQuantity) == onHand.map(\.pool.financialQuantity))
    }

    /// An account shared by two posting types (inventory and inventory loss): the GL nets the journal issue
    /// to zero on it, the subledger takes its cost off. The drill-down names the transaction.
    @Test func aDifferenceIsListedDownToTheTransaction() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(.defineItem(ItemSetup(id: "A", model: .fifo)))
        try ledger.execute(
            .receive(
                .init(
                    date: Self.day("2026-01-02"), item: "A", transaction: "P1", quantity: Self.qty(10),
                    unitPrice: Self.price("3.00"))))
        try ledger.execute(
            .issue(.init(date: Self.day("2026-01-03"), item: "A", transaction: "S1", quantity: Self.qty(2))))
        try ledger.execute(.setAccounts(group: "", accounts: [.init(.inventoryLoss, "1400")]))
        try ledger.execute(
            .issue(
                .init(
                    date: Self.day("2026-01-04"), item: "A", transaction: "J1", quantity: Self.qty(1),
                    kind: .journal)))
        let report = try ledger.reconcile(asOf: Self.end)
        #expect(!report.agrees)
        let account = try #require(report.accounts.first { $0.account == "1400" })
        #expect(account.subledger == Self.money("21.00"))
        #expect(account.ledger == Self.money("24.00"))
        #expect(account.difference == Self.money("-3.00"))
        #expect(account.otherPostingTypes == [.inventoryLoss])
        let sources = try #require(account.sources)
        #expect(sources.count == 1)
        #expect(sources.first?.source == .transaction("J1"))
        #expect(sources.first?.subledger == Self.money("-3.00"))
        #expect(sources.first?.ledger == .zero)
    }

    /// A standard cost activation dated before a product receipt still revalues it (it revalues every
    /// physically-only row): as of a date between them, the subledger cannot hold the activation (its
    /// receipt does not exist yet) while the GL has its lines. The event is listed and explains the difference.
    @Test func anEventNeedingALaterTransactionIsListed() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(.defineItem(ItemSetup(id: "M", model: .standard, standardCost: Self.price("250.00"))))
        try ledger.execute(
            .receive(
                .init(
                    date: Self.day("2026-03-10"), item: "M", transaction: "P1", quantity: Self.qty(2),
                    unitPrice: Self.price("250.00"), physicalOnly: true)))
        try ledger.execute(
            .activateStandardCost(.init(date: Self.day("2026-03-05"), item: "M", unitCost: Self.price("260.00"))))
        let report = try ledger.reconcile(asOf: Self.day("2026-03-07"))
        #expect(report.origin == .replayed)
        #expect(report.skipped.map(\.type) == ["standard-cost.activated"])
        #expect(report.skipped.first?.missing == "P1")
        let received = try #require(report.accounts.first { $0.account == "1410" })
        #expect(received.subledger == .zero)
        #expect(received.ledger == Self.money("20.00"))
        #expect(received.sources?.map(\.source) == [.transaction("P1")])
        #expect(received.sources?.first?.label.contains("not applied") == true)
        #expect(!report.agrees)
        // Once both are dated on or before the date, it reconciles.
        let later = try ledger.reconcile(asOf: Self.day("2026-03-10"))
        #expect(later.agrees)
        #expect(later.subledgerTotal == Self.money("520.00"))
    }

    /// A transaction adjustment leaves no date in the projection; as of a date before it, the state is
    /// replayed without it, not taken live.
    @Test func anAdjustmentAfterTheDateIsNotInTheValueAsOfTheDate() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(.defineItem(ItemSetup(id: "A", model: .fifo)))
        try ledger.execute(
            .receive(
                .init(
                    date: Self.day("2026-01-02"), item: "A", transaction: "P1", quantity: Self.qty(10),
                    unitPrice: Self.price("3.00"))))
        try ledger.execute(.adjust(.init(date: Self.day("2026-01-10"), transaction: "P1", amount: Self.money("5.00"))))
        let before = try ledger.inventoryValue(asOf: Self.day("2026-01-05"))
        #expect(before.origin == .replayed)
        #expect(before.value == Self.money("30.00"))
        #expect(before.ledgerValue == Self.money("30.00"))
        let after = try ledger.reconcile(asOf: Self.day("2026-01-10"))
        #expect(after.origin == .live)
        #expect(after.subledgerTotal == Self.money("35.00"))
        #expect(after.agrees)
    }

    /// Fixed receipt price (D9): the entered amount sits on inventory, the difference on the fixed price
    /// offset account; the subledger splits the receipt's value the same way.
    @Test func fixedReceiptPriceOffsetsReconcile() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(
            .defineItem(ItemSetup(id: "F", model: .fifo, defaultPrice: Self.price("10.00"), fixedReceiptPrice: true)))
        try ledger.execute(
            .receive(
                .init(
                    date: Self.day("2026-01-02"), item: "F", transaction: "P1", quantity: Self.qty(5),
                    unitPrice: Self.price("11.00"))))
        try ledger.execute(
            .receive(
                .init(
                    date: Self.day("2026-01-03"), item: "F", transaction: "P2", quantity: Self.qty(3),
                    unitPrice: Self.price("9.00"), physicalOnly: true)))
        try ledger.execute(
            .invoice(.init(date: Self.day("2026-01-05"), transaction: "P2", unitPrice: Self.price("9.50"))))
        try ledger.execute(
            .issue(.init(date: Self.day("2026-01-06"), item: "F", transaction: "S1", quantity: Self.qty(4))))
        let report = try ledger.reconcile(asOf: Self.end, details: true)
        #expect(report.agrees, "\(report.accounts)")
        let offset = try #require(report.accounts.first { $0.account == "1430" })
        // P1: 50.00 fixed - 55.00 entered; P2: 30.00 fixed - 28.50 entered.
        #expect(offset.composition.fixedPriceOffset == Self.money("-3.50"))
        #expect(offset.difference == .zero)
        #expect(report.subledgerTotal == Self.money("40.00"))
    }

    // MARK: - External trial balance

    @Test func aManualPostingOnTheInventoryAccountIsExplained() throws {
        let ledger = try Self.demo()
        var balances = ledger.trialBalance(asOf: Self.middle).map { ($0.account, $0.balance) }
        let index = try #require(balances.firstIndex { $0.0 == "1400" })
        balances[index].1 += Self.money("100.00")
        let external = try ExternalTrialBalance.parse(Self.csv(balances))
        let report = try ledger.reconcile(asOf: Self.middle, external: external)
        let rows = try #require(report.external)
        let row = try #require(rows.first { $0.account == "1400" })
        #expect(row.difference == Self.money("100.00"))
        #expect(row.explanation == .manualPosting(amount: Self.money("100.00")))
        #expect(row.message(asOf: Self.middle).contains("manual posting"))
        #expect(rows.filter { $0.account != "1400" }.allSatisfy { $0.explanation == .agrees })
        #expect(report.differingAccounts.isEmpty)
        #expect(!report.agrees)
    }

    @Test func otherExternalDifferencesAreExplained() throws {
        let ledger = try Self.demo()
        let balances = Dictionary(
            uniqueKeysWithValues: ledger.trialBalance(asOf: Self.middle).map { ($0.account, $0.balance) })
        let later = Dictionary(
            uniqueKeysWithValues: ledger.trialBalance(asOf: Self.day("2026-02-20")).map { ($0.account, $0.balance) })
        let received = try #require(balances["1410"])
        #expect(!received.isZero)
        #expect(later["1400"] != balances["1400"])
        var rows: [(String, Money)] = []
        for (account, balance) in balances.sorted(by: { $0.key < $1.key }) where account != "5000" {
            switch account {
            case "1410": rows.append((account, .zero))  // product receipts not posted
            case "1400": rows.append((account, later["1400"]!))  // taken as of a later date
            default: rows.append((account, balance))
            }
        }
        rows.append(("9999", Self.money("12.00")))
        let report = try ledger.reconcile(asOf: Self.middle, external: try ExternalTrialBalance.parse(Self.csv(rows)))
        let explanations = Dictionary(
            uniqueKeysWithValues: try #require(report.external).map { ($0.account, $0.explanation) })
        #expect(explanations["1410"] == .physicalNotPosted(amount: received))
        guard case .otherDate(let other)? = explanations["1400"] else {
            Issue.record("1400: \(String(describing: explanations["1400"]))")
            return
        }
        #expect(other > Self.middle && other <= Self.day("2026-02-20"))
        #expect(explanations["5000"] == .missingInExternal)
        #expect(explanations["9999"] == .missingInLedger)
        #expect(explanations["1460"] == .agrees)
    }

    @Test func aBadTrialBalanceIsRejectedNamingTheLine() throws {
        func rejection(_ text: String) -> Rejection? {
            do { _ = try ExternalTrialBalance.parse(text) } catch { return error }
            return nil
        }
        let amount = try #require(rejection("account,balance\n1400,12.00\n1410,12.x0\n"))
        #expect(amount.code == .invalidAmount)
        #expect(amount.line == 3)
        #expect(amount.description.contains("line 3"))
        let decimals = try #require(rejection("account,balance\n1400,1.005\n"))
        #expect(decimals.code == .invalidAmount)
        #expect(decimals.line == 2)
        let fields = try #require(rejection("account,balance\n1400,1.00\n\n1410,1,00\n"))
        #expect(fields.code == .malformed)
        #expect(fields.line == 4)
        let quote = try #require(rejection("account,balance\n\"1400,1.00\n"))
        #expect(quote.code == .malformed)
        #expect(quote.line == 2)
        let header = try #require(rejection("acct,amount\n1400,1.00\n"))
        #expect(header.code == .malformed)
        #expect(header.line == 1)
        let twice = try #require(rejection("account,balance\n1400,1.00\n1400,2.00\n"))
        #expect(twice.code == .malformed)
        #expect(twice.line == 3)
        #expect(rejection("account,balance\r\n1400,-1.5\r\n 1410 , 2 \r\n") == nil)
        #expect(try ExternalTrialBalance.parse("account,balance\n1400,-1.5\n").first?.balance == Self.money("-1.50"))
    }

    @Test func theCommandLineRejectsABadLineAndFlagsADifference() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])
        let bad = try box.write("tb.csv", "account,balance\n1400,10.00\n1410,ten\n")
        let rejected = try box.run(["reconcile", "--as-of", "2026-02-14", "--gl", bad])
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("error[invalid-amount] line 3"), "\(rejected.stderr)")
        let json = try box.run(["reconcile", "--as-of", "2026-02-14", "--gl", bad, "--json"])
        #expect(try json.errorJSON()["line"] as? Int == 3)

        let clean = try box.ok(["reconcile", "--as-of", "2026-02-14"])
        #expect(clean.stdout.contains("reconciled: every inventory account equals the subledger"))
        let trial = try box.ok(["gl", "--as-of", "2026-02-14", "--json"]).json()["accounts"] as? [[String: Any]]
        var lines = "account,balance\n"
        for row in try #require(trial) {
            let account = try #require(row["account"] as? String),
                balance = Self.money(try #require(row["balance"] as? String))
            lines += "\(account),\(account == "1400" ? balance + Self.money("100.00") : balance)\n"
        }
        let manual = try box.run([
            "reconcile", "--as-of", "2026-02-14", "--gl", try box.write("tb2.csv", lines), "--json",
        ])
        #expect(manual.status == 1)
        let rows = try #require(try manual.json()["external"] as? [String: Any])["accounts"] as? [[String: Any]]
        let row = try #require(rows?.first { $0["account"] as? String == "1400" })
        #expect(row["difference"] as? String == "100.00")
        #expect(row["explanation"] as? String == "manual-posting")
    }

    // MARK: - Inventory value report

    @Test func valueReportTotalsEqualPoolsAndTheGL() throws {
        let ledger = try Self.demo()
        let report = try ledger.inventoryValue(asOf: Self.end)
        let pools = ledger.state.pools.values
        #expect(report.value == pools.reduce(Money.zero) { $0 + $1.value })
        #expect(report.financialValue == pools.reduce(Money.zero) { $0 + $1.financialValue })
        #expect(report.physicalValue == pools.reduce(Money.zero) { $0 + $1.physicalValue })
        #expect(report.quantity == pools.reduce(Quantity.zero) { $0 + $1.quantity })
        let gl = ledger.state.ledger.inventoryAccounts.reduce(Money.zero) { $0 + ledger.state.ledger.balance($1) }
        #expect(report.ledgerValue == gl)
        #expect(report.value == gl)
        #expect(!report.physicalValue.isZero)
        for row in report.rows {
            #expect(row.value == row.financialValue + row.physicalValue)
            if row.quantity.isPositive { #expect(row.averageUnitCost == row.value.perUnit(row.quantity)) }
        }
        let bolts = try ledger.inventoryValue(asOf: Self.end, item: "BOLT-M8")
        #expect(bolts.rows.map(\.dimensions.site) == ["EAST", "WEST"])
        #expect(bolts.value == ledger.onHand(item: "BOLT-M8").reduce(Money.zero) { $0 + $1.pool.value })
        // As of the middle date: the pools of that date, still equal to the GL as of that date.
        let middle = try ledger.inventoryValue(asOf: Self.middle)
        #expect(middle.value == middle.ledgerValue)
        #expect(middle.value != report.value)
    }
}
