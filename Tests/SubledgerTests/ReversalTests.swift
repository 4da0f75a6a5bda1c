import Foundation
import Subledger
import SubledgerCore
import SubledgerTestSupport
import Testing

/// Reversing a close or recalculation (decision D12, valuation-rules.md 4.6) on a real SQLite file:
/// compensation restores exactly the state before the close, a close run again gives exactly the same
/// result, `through` reverses several closes in one atomic command, and a re-sent command id appends nothing.
struct ReversalTests {
    // MARK: - Helpers

    static func tempPath(_ name: String = #function) -> String {
        TemporaryDatabase("reversal-tests-" + name.filter(\.isLetter)).path
    }

    static func command(_ name: String, _ pairs: KeyValuePairs<String, String>) throws -> LedgerCommand {
        try CommandDecoder.decode(command: name, CommandFields(pairs.map { (key: $0.key, value: $0.value) }))
    }

    @discardableResult
    static func run(
        _ ledger: Ledger, _ name: String, _ pairs: KeyValuePairs<String, String>,
        id: String? = nil
    ) throws -> CommandResult {
        try ledger.execute(try command(name, pairs), commandID: id)
    }

    static func date(_ text: String) -> LedgerDate { LedgerDate(text)! }

    /// A settlement entry without where it was logged: what two runs of the same close must agree on.
    struct Entry: Equatable, CustomStringConvertible {
        var kind: SettlementEntry.Kind, model: SettleModel, tx: String, counterpart: String
        var quantity: Quantity, settled: Money, adjustment: Money, physical: Bool

        init(_ e: SettlementEntry) {
            kind = e.kind; model = e.model; tx = e.transaction; counterpart = e.counterpart
            quantity = e.quantity; settled = e.settledAmount; adjustment = e.adjustment; physical = e.physical
        }

        var description: String {
            "\(SettlementRow.kindName(kind)) \(model.name) \(tx)<-\(counterpart) qty \(quantity) settled \(settled) adj \(adjustment)"
        }
    }

    /// The entries of the close or recalculation whose `close.posted` event has `sequence`.
    static func entries(_ ledger: Ledger, close sequence: Int64) throws -> [Entry] {
        try ledger.settlements(closeSequence: sequence).map { Entry($0.entry) }
    }

    /// The latest close or recalculation, which the test just ran.
    static func latestClose(_ ledger: Ledger) throws -> CloseRecord {
        try #require(ledger.state.closes.last)
    }

    /// Account balances as of a date, without accounts whose balance is zero (a reversal may leave a
    /// zero balance on an account that only the close had used).
    static func balances(_ ledger: Ledger, asOf date: LedgerDate = .distantFuture) -> [String: Money] {
        var result: [String: Money] = [:]
        for row in ledger.trialBalance(asOf: date) where !row.balance.isZero { result[row.account] = row.balance }
        return result
    }

    /// Everything a close changes and a reversal must restore, in comparable form.
    struct Snapshot: Equatable {
        var balances: [String: Money]
        var balancesThroughClose: [String: Money]
        var onHand: [OnHandRow]
        var transactions: [String: TransactionRecord]

        init(_ ledger: Ledger, closeDate: LedgerDate) {
            balances = ReversalTests.balances(ledger)
            balancesThroughClose = ReversalTests.balances(ledger, asOf: closeDate)
            onHand = ledger.onHand()
            transactions = ledger.state.transactions.dictionary
        }
    }

    /// January of a history with one item per periodic model and a transfer between sites:
    /// F FIFO, L LIFO, W weighted average, D weighted average date, T FIFO by site (A -> B).
    static func postJanuary(_ ledger: Ledger) throws {
        try run(ledger, "item", ["item": "F", "model": "fifo", "price": "11.00"])
        try run(ledger, "item", ["item": "L", "model": "lifo"])
        try run(ledger, "item", ["item": "W", "model": "weighted-average"])
        try run(ledger, "item", ["item": "D", "model": "weighted-average-date"])
        try run(ledger, "item", ["item": "T", "model": "fifo", "dimensions": "site"])
        let moves: [(day: String, item: String, tx: String, qty: String, cost: String?)] = [  // no cost: an issue
            ("2026-01-02", "F", "FP1", "2", "10.00"), ("2026-01-02", "L", "LP1", "2", "8.00"),
            ("2026-01-02", "W", "WP1", "2", "20.00"), ("2026-01-03", "D", "DP1", "2", "5.00"),
            ("2026-01-03", "D", "DS1", "1", nil), ("2026-01-05", "F", "FP2", "3", "13.00"),
            ("2026-01-05", "L", "LP2", "3", "9.50"), ("2026-01-06", "W", "WP2", "3", "23.00"),
            ("2026-01-08", "D", "DP2", "3", "6.00"), ("2026-01-08", "D", "DS2", "2", nil),
            ("2026-01-10", "F", "FS1", "1", nil), ("2026-01-11", "L", "LS1", "1", nil),
            ("2026-01-12", "W", "WS1", "1", nil), ("2026-01-14", "F", "FP3", "1", "11.50"),
            ("2026-01-15", "L", "LP3", "1", "12.00"), ("2026-01-15", "D", "DP3", "1", "7.00"),
            ("2026-01-15", "D", "DS3", "1", nil), ("2026-01-16", "W", "WP3", "1", "21.00"),
            ("2026-01-20", "F", "FS2", "2", nil), ("2026-01-21", "L", "LS2", "2", nil),
            ("2026-01-22", "W", "WS2", "2", nil),
        ]
        for move in moves {
            if let cost = move.cost {
                try run(
                    ledger, "receive",
                    ["date": move.day, "item": move.item, "tx": move.tx, "qty": move.qty, "cost": cost])
            } else {
                try run(ledger, "issue", ["date": move.day, "item": move.item, "tx": move.tx, "qty": move.qty])
            }
        }
        try run(
            ledger, "receive",
            ["date": "2026-01-04", "item": "T", "tx": "TP1", "qty": "2", "cost": "10.00", "site": "A"])
        try run(
            ledger, "receive",
            ["date": "2026-01-06", "item": "T", "tx": "TP2", "qty": "2", "cost": "18.00", "site": "A"])
        try run(
            ledger, "transfer",
            ["date": "2026-01-09", "item": "T", "tx": "TX1", "qty": "2", "from": "site:A", "to": "site:B"])
        try run(ledger, "issue", ["date": "2026-01-12", "item": "T", "tx": "TS1", "qty": "1", "site": "B"])
    }

    /// February of the same history: sales from January's open receipts (and W's closing receipt),
    /// new receipts, a second transfer.
    static func postFebruary(_ ledger: Ledger) throws {
        try run(ledger, "receive", ["date": "2026-02-03", "item": "F", "tx": "FP4", "qty": "2", "cost": "14.00"])
        try run(ledger, "issue", ["date": "2026-02-06", "item": "F", "tx": "FS3", "qty": "4"])
        try run(ledger, "receive", ["date": "2026-02-04", "item": "L", "tx": "LP4", "qty": "1", "cost": "15.00"])
        try run(ledger, "issue", ["date": "2026-02-07", "item": "L", "tx": "LS3", "qty": "2"])
        try run(ledger, "issue", ["date": "2026-02-05", "item": "W", "tx": "WS3", "qty": "1"])
        try run(ledger, "receive", ["date": "2026-02-09", "item": "W", "tx": "WP4", "qty": "2", "cost": "25.00"])
        try run(ledger, "issue", ["date": "2026-02-12", "item": "W", "tx": "WS4", "qty": "2"])
        try run(ledger, "receive", ["date": "2026-02-02", "item": "D", "tx": "DP4", "qty": "2", "cost": "8.00"])
        try run(ledger, "issue", ["date": "2026-02-02", "item": "D", "tx": "DS4", "qty": "2"])
        try run(
            ledger, "receive",
            ["date": "2026-02-03", "item": "T", "tx": "TP3", "qty": "1", "cost": "20.00", "site": "A"])
        try run(
            ledger, "transfer",
            ["date": "2026-02-10", "item": "T", "tx": "TX2", "qty": "2", "from": "site:A", "to": "site:B"])
        try run(ledger, "issue", ["date": "2026-02-14", "item": "T", "tx": "TS2", "qty": "2", "site": "B"])
    }

    /// Closes through `day`, reverses that close, closes through `day` again, and checks that the second run
    /// recorded exactly the first run's entries and left the same GL, on-hand and transactions.
    static func closeReverseClose(_ ledger: Ledger, _ day: String) throws {
        let closeDate = date(day)
        try run(ledger, "close", ["date": day])
        let first = try latestClose(ledger)
        let firstEntries = try entries(ledger, close: first.sequence)
        let afterFirst = Snapshot(ledger, closeDate: closeDate)

        // The close did something for every model, so an empty or partial second run cannot pass.
        let models = Set(firstEntries.filter { $0.kind == .settlement }.map(\.model.name))
        #expect(models.isSuperset(of: ["fifo", "lifo", "weighted-average", "weighted-average-date"]), "\(models)")
        #expect(firstEntries.contains { $0.kind == .receiptAdjustment && $0.model == .transfer })
        #expect(firstEntries.contains { $0.kind == .consumption })
        #expect(firstEntries.contains { !$0.adjustment.isZero })

        try run(ledger, "reverse-close", ["date": day])
        #expect(ledger.state.closes.last(where: { $0.sequence == first.sequence })?.isInForce == false)
        #expect(ledger.state.closedThrough != closeDate)

        try run(ledger, "close", ["date": day])
        let second = try latestClose(ledger)
        #expect(second.sequence > first.sequence)
        #expect(second.isInForce)
        let secondEntries = try entries(ledger, close: second.sequence)
        #expect(secondEntries == firstEntries)
        #expect(second.log == first.log)
        #expect(ledger.state.closedThrough == closeDate)

        let afterSecond = Snapshot(ledger, closeDate: closeDate)
        #expect(afterSecond.balances == afterFirst.balances)
        #expect(afterSecond.balancesThroughClose == afterFirst.balancesThroughClose)
        #expect(afterSecond.onHand == afterFirst.onHand)
        // Transactions too, but for the sequences of a weighted average closing receipt (it is created
        // again by the second run).
        var expected = afterFirst.transactions, found = afterSecond.transactions
        for id in expected.keys where id.hasPrefix("wa-close@") {
            expected[id]!.sequence = 0; expected[id]!.financialSequence = 0
        }
        for id in found.keys where id.hasPrefix("wa-close@") {
            found[id]!.sequence = 0; found[id]!.financialSequence = 0
        }
        #expect(found == expected)
        #expect(Reconciliation.totals(ledger.state).difference == .zero)
    }

    // MARK: - (a) reverse, close again: the same result

    @Test func closingAgainAfterReversalGivesTheSameResult() throws {
        let ledger = try Ledger(path: Self.tempPath())
        try Self.postJanuary(ledger)
        try Self.closeReverseClose(ledger, "2026-01-31")
        // February settles against January's open receipts and W's closing receipt of January.
        try Self.postFebruary(ledger)
        try Self.closeReverseClose(ledger, "2026-02-28")
        let february = try Self.latestClose(ledger)
        #expect(
            try Self.entries(ledger, close: february.sequence).contains {
                $0.kind == .consumption && $0.tx.hasPrefix("wa-close@2026-01-31")
            })
    }

    // MARK: - (b) --through: several closes, one atomic command

    @Test func throughReversesEveryLaterCloseInOneCommand() throws {
        let ledger = try Ledger(path: Self.tempPath())
        try Self.postJanuary(ledger)
        try Self.run(ledger, "close", ["date": "2026-01-31"])
        let january = try Self.latestClose(ledger)
        let januaryBalances = Self.balances(ledger, asOf: Self.date("2026-01-31"))

        try Self.postFebruary(ledger)
        let beforeFebruaryClose = Self.balances(ledger)
        try Self.run(ledger, "close", ["date": "2026-02-28"])
        let february = try Self.latestClose(ledger)
        let februaryDelta = Self.difference(Self.balances(ledger), beforeFebruaryClose)

        try Self.run(ledger, "receive", ["date": "2026-03-02", "item": "F", "tx": "FP5", "qty": "3", "cost": "12.00"])
        try Self.run(ledger, "issue", ["date": "2026-03-05", "item": "F", "tx": "FS4", "qty": "2"])
        try Self.run(ledger, "issue", ["date": "2026-03-06", "item": "W", "tx": "WS5", "qty": "1"])
        try Self.run(ledger, "issue", ["date": "2026-03-07", "item": "L", "tx": "LS4", "qty": "1"])
        let beforeMarchClose = Self.balances(ledger)
        let marchOnlyBalancesBefore = Self.difference(
            beforeMarchClose, Self.balances(ledger, asOf: Self.date("2026-02-28")))
        try Self.run(ledger, "close", ["date": "2026-03-31"])
        let march = try Self.latestClose(ledger)
        let marchDelta = Self.difference(Self.balances(ledger), beforeMarchClose)
        #expect(
            !februaryDelta.isEmpty && !marchDelta.isEmpty,
            "both closes must post adjustments for this test to mean anything")

        let beforeReversal = Self.balances(ledger)
        let sequenceBefore = try ledger.store.lastSequence()
        let commandsBefore = try ledger.store.commands().count

        // A batch that reverses and then fails writes nothing: both closes stay in force.
        #expect(throws: Rejection.self) {
            try ledger.executeBatch(commandID: "reverse-then-fail", kind: "test") { submit in
                try submit(.reverseClose(date: nil, through: Self.date("2026-01-31")))
                try submit(try Self.command("issue", ["date": "2026-03-10", "item": "NOPE", "tx": "X", "qty": "1"]))
            }
        }
        #expect(try ledger.store.lastSequence() == sequenceBefore)
        #expect(ledger.state.closes.allSatisfy { $0.isInForce })

        let result = try ledger.execute(
            .reverseClose(date: nil, through: Self.date("2026-01-31")), commandID: "reverse-feb-mar")
        #expect(!result.duplicate)
        #expect(try ledger.store.commands().count == commandsBefore + 1)
        let record = try #require(try ledger.store.command(id: "reverse-feb-mar"))
        #expect(record.firstSequence == sequenceBefore + 1)
        #expect(record.lastSequence == (try ledger.store.lastSequence()))
        #expect(record.eventCount == result.eventCount)

        // Both later closes reversed by this one command, newest first; January stays in force.
        let closes = ledger.state.closes
        let marchReversedBy = try #require(closes.first { $0.sequence == march.sequence }?.reversedBy)
        let februaryReversedBy = try #require(closes.first { $0.sequence == february.sequence }?.reversedBy)
        #expect((result.firstSequence...result.lastSequence).contains(marchReversedBy))
        #expect((result.firstSequence...result.lastSequence).contains(februaryReversedBy))
        #expect(marchReversedBy < februaryReversedBy)
        #expect(februaryReversedBy == result.lastSequence)
        #expect(closes.first { $0.sequence == january.sequence }?.isInForce == true)
        #expect(ledger.state.closedThrough == Self.date("2026-01-31"))
        // The compensating entries of the command are the two closes' entries negated.
        let compensating = try ledger.settlements().filter {
            $0.mode == .reversal && $0.sequence >= result.firstSequence
        }
        #expect(
            try compensating.count == Self.entries(ledger, close: march.sequence).count
                + Self.entries(ledger, close: february.sequence).count)

        // Every GL account nets to its balance without the two closes, and each period's balances are back
        // to their values before its close.
        let expected = Self.difference(Self.difference(beforeReversal, marchDelta), februaryDelta)
        #expect(Self.balances(ledger) == expected)
        #expect(Self.balances(ledger, asOf: Self.date("2026-02-28")) == beforeFebruaryClose)
        #expect(
            Self.difference(Self.balances(ledger), Self.balances(ledger, asOf: Self.date("2026-02-28")))
                == marchOnlyBalancesBefore)
        #expect(Self.balances(ledger, asOf: Self.date("2026-01-31")) == januaryBalances)
        #expect(Reconciliation.totals(ledger.state).difference == .zero)

        // Nothing left after January: the same command again (new id) is refused and writes nothing.
        let last = try ledger.store.lastSequence()
        #expect {
            try ledger.execute(.reverseClose(date: nil, through: Self.date("2026-01-31")))
        } throws: { ($0 as? Rejection)?.code == .nothingToReverse }
        #expect(try ledger.store.lastSequence() == last)
        // February is open again; January is not.
        try Self.run(ledger, "issue", ["date": "2026-02-20", "item": "F", "tx": "FS5", "qty": "1"])
        #expect {
            try Self.run(ledger, "issue", ["date": "2026-01-30", "item": "F", "tx": "FS6", "qty": "1"])
        } throws: { ($0 as? Rejection)?.code == .periodClosed }
    }

    /// `a - b` per account, zero differences dropped.
    static func difference(_ a: [String: Money], _ b: [String: Money]) -> [String: Money] {
        var result = a
        for (account, amount) in b { result[account, default: .zero] -= amount }
        return result.filter { !$0.value.isZero }
    }

    // MARK: - (c) the state before the close, exactly; replay agrees

    @Test func reversalRestoresThePreCloseStateAndReplaysTheSame() throws {
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        try Self.postJanuary(ledger)
        let closeDate = Self.date("2026-01-31")
        let before = Snapshot(ledger, closeDate: closeDate)

        try Self.run(ledger, "close", ["date": "2026-01-31"])
        let afterClose = Snapshot(ledger, closeDate: closeDate)
        #expect(afterClose.balances != before.balances, "the close must change the GL for this test to mean anything")
        #expect(afterClose.onHand != before.onHand)
        #expect(ledger.state.transactions.keys.contains { $0.hasPrefix("wa-close@") })

        try Self.run(ledger, "reverse-close", [:])
        let after = Snapshot(ledger, closeDate: closeDate)
        #expect(after.balances == before.balances)
        #expect(after.balancesThroughClose == before.balancesThroughClose)
        #expect(after.onHand == before.onHand)
        #expect(after.transactions == before.transactions)  // closing receipts gone, settled quantities back
        #expect(ledger.state.closedThrough == nil)
        #expect(Reconciliation.totals(ledger.state).difference == .zero)
        // The rows of the GL: the reversal posted the close's lines negated, on the closing date.
        #expect(
            ledger.state.ledger.trialBalance(asOf: closeDate).allSatisfy { row in
                (before.balancesThroughClose[row.account] ?? .zero) == row.balance
            })

        // Replaying the file gives the same projection.
        let replayed = try Ledger(path: path)
        #expect(replayed.state.lastSequence == ledger.state.lastSequence)
        #expect(replayed.state.transactions == ledger.state.transactions)
        #expect(replayed.state.pools == ledger.state.pools)
        #expect(replayed.state.ledger == ledger.state.ledger)
        #expect(replayed.state.closes == ledger.state.closes)
        #expect(replayed.state.markedSettled == ledger.state.markedSettled)
        #expect(replayed.trialBalance() == ledger.trialBalance())
        #expect(replayed.onHand() == ledger.onHand())
        #expect(try replayed.closes() == ledger.closes())
        #expect(Snapshot(replayed, closeDate: closeDate) == before)
        if case .broken(let sequence, let reason) = try replayed.verify() {
            Issue.record("chain broken at \(sequence): \(reason)")
        }
    }

    /// D16: a reversal posts to the accounts the close posted to, even when the posting profile has changed
    /// since and the issue's latest invoice (after the close) used the new accounts: deriving the lines again
    /// from the issue's latest accounts would leave the close's accounts unbalanced.
    @Test func reversalPostsToTheAccountsTheCloseUsed() throws {
        let ledger = try Ledger(path: ":memory:")
        try Self.run(ledger, "item", ["item": "F", "model": "fifo"])
        try Self.run(ledger, "receive", ["date": "2026-01-02", "item": "F", "tx": "P1", "qty": "10", "cost": "10.00"])
        try Self.run(ledger, "receive", ["date": "2026-01-03", "item": "F", "tx": "P2", "qty": "10", "cost": "20.00"])
        // A packing slip of 15 at the running average (15.00), 5 of it invoiced in January.
        try Self.run(ledger, "issue", ["date": "2026-01-04", "item": "F", "tx": "S1", "qty": "15", "physical": "true"])
        try Self.run(ledger, "invoice", ["date": "2026-01-05", "tx": "S1", "qty": "5"])
        let close = try Self.run(ledger, "close", ["date": "2026-01-31"])
        let closeLines = try ledger.events(after: close.firstSequence - 1).filter {
            $0.stored.sequence <= close.lastSequence
        }
        .flatMap(\.event.lines)
        // FIFO settles the invoiced 5 at 10.00 (50.00) instead of 75.00: COGS 25.00 less, on 5000 and 1400.
        #expect(Set(closeLines.map(\.account)) == ["1400", "5000"])
        #expect(closeLines.contains(VoucherLine(.cogs, "5000", Money(cents: -2_500))))

        // New accounts, and the rest of the packing slip invoiced on them in February.
        try Self.run(ledger, "accounts", ["inventory": "1409", "cogs": "5009"])
        try Self.run(ledger, "invoice", ["date": "2026-02-02", "tx": "S1"])
        let reversal = try Self.run(ledger, "reverse-close", [:])
        let reversalLines = try ledger.events(after: reversal.firstSequence - 1).flatMap(\.event.lines)

        #expect(
            reversalLines.sorted { $0.account < $1.account }
                == closeLines.map { VoucherLine($0.postingType, $0.account, -$0.amount) }.sorted {
                    $0.account < $1.account
                })
        #expect(Reconciliation.totals(ledger.state).difference == .zero)
    }

    // MARK: - (d) idempotency

    @Test func resentReverseAppendsNothing() throws {
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        try Self.postJanuary(ledger)
        try Self.run(ledger, "close", ["date": "2026-01-31"])
        let first = try Self.run(ledger, "reverse-close", ["date": "2026-01-31"], id: "reverse-jan")
        #expect(!first.duplicate)
        #expect(first.eventCount > 1)
        let sequence = try ledger.store.lastSequence()
        let balances = Self.balances(ledger)

        let again = try Self.run(ledger, "reverse-close", ["date": "2026-01-31"], id: "reverse-jan")
        #expect(again.duplicate)
        #expect(again.firstSequence == first.firstSequence && again.lastSequence == first.lastSequence)
        #expect(again.eventCount == first.eventCount)
        #expect(try ledger.store.lastSequence() == sequence)
        #expect(Self.balances(ledger) == balances)

        // Even once a new close is in force, the re-sent reversal does not reverse it.
        try Self.run(ledger, "close", ["date": "2026-01-31"])
        let reclose = try Self.latestClose(ledger)
        let afterReclose = try ledger.store.lastSequence()
        let third = try Self.run(ledger, "reverse-close", ["date": "2026-01-31"], id: "reverse-jan")
        #expect(third.duplicate)
        #expect(try ledger.store.lastSequence() == afterReclose)
        // Without the date it is another command, refused under that id (command-id-conflict).
        let refused = #expect(throws: Rejection.self) { try Self.run(ledger, "reverse-close", [:], id: "reverse-jan") }
        #expect(refused?.code.rawValue == "command-id-conflict")
        #expect(try ledger.store.lastSequence() == afterReclose)
        #expect(ledger.state.closes.first { $0.sequence == reclose.sequence }?.isInForce == true)
        #expect(ledger.state.closedThrough == Self.date("2026-01-31"))

        // A second process on the same file sees the same command as applied.
        let other = try Ledger(path: path)
        #expect(
            try other.execute(.reverseClose(date: Self.date("2026-01-31"), through: nil), commandID: "reverse-jan")
                .duplicate)
        #expect(try other.store.lastSequence() == afterReclose)
    }

    // MARK: - the command line

    /// `subledger reverse-close` on the practitioner FIFO example (the fixture of `CLICloseTests`).
    @Test func commandLineReversesTheLatestCloseAndRefusesAnOlderOne() throws {
        let box = try CLITests.Sandbox()
        try CLICloseTests.postPractitionerHistory(box)
        let before = try CLICloseTests.glBalance(box, "cogs")
        #expect(before == "21.17")

        let nothing = try box.run(["reverse-close", "--json"])
        #expect(nothing.status == 2)
        #expect(try nothing.errorJSON()["error"] as? String == "nothing-to-reverse")

        try box.ok(["close", "2026-01-31"])
        try box.ok([
            "post", "receive", "--date", "2026-02-03", "--item", "A", "--tx", "P6", "--qty", "1", "--cost", "14.00",
        ])
        try box.ok(["close", "2026-02-28"])
        let events = try box.eventCount()

        let older = try box.run(["reverse-close", "--date", "2026-01-31"])
        #expect(older.status == 2)
        #expect(older.stderr.hasPrefix("error[not-latest-close]"), "\(older.stderr)")
        let both = try box.run(["reverse-close", "--date", "2026-02-28", "--through", "2026-01-31"])
        #expect(both.status == 64, "\(both.stderr)")
        #expect(try box.eventCount() == events)

        // --through reverses February then January in one command.
        let json = try box.ok(["reverse-close", "--through", "2025-12-31", "--command-id", "reopen", "--json"]).json()
        let result = try #require(json["result"] as? [String: Any])
        #expect(result["command_id"] as? String == "reopen")
        // close.reversed for February (it settled nothing); settlement + close.reversed for January
        #expect(json["appended"] as? Int == 3)
        let reversed = try #require(json["reversed"] as? [[String: Any]])
        #expect(reversed.map { $0["date"] as? String } == ["2026-02-28", "2026-01-31"])
        #expect(reversed.allSatisfy { $0["reversed_by"] is Int })
        #expect(json["closed_through"] is NSNull)
        let entries = try #require(json["settlements"] as? [[String: Any]])
        #expect(entries.map { $0["mode"] as? String } == ["reversal", "reversal"])
        #expect(entries.map { $0["adjustment"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["-1.83", "0.50"])
        #expect(try CLICloseTests.glBalance(box, "cogs") == before)

        // Re-sent: nothing appended, the same report.
        let again = try box.ok(["reverse-close", "--through", "2025-12-31", "--command-id", "reopen"])
        #expect(again.stdout.hasPrefix("already applied"), "\(again.stdout)")
        #expect(again.stdout.contains("period open again; no close in force"), "\(again.stdout)")
        #expect(try box.eventCount() == events + 3)

        // January is open again.
        try box.ok(["post", "issue", "--date", "2026-01-25", "--item", "A", "--tx", "S3", "--qty", "1"])
    }
}
