import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerStore

/// Point-in-time replay (`Replay`, `Ledger.replayState`, `verifyReplay`), the state digest and its
/// first-difference report, and the `replay` subcommand.
struct ReplayTests {
    // MARK: - Fixtures

    static func date(_ text: String) -> LedgerDate { LedgerDate(text)! }

    static func command(_ name: String, _ pairs: KeyValuePairs<String, String>) -> LedgerCommand {
        try! CommandDecoder.decode(command: name, CommandFields(pairs.map { (key: $0.key, value: $0.value) }))
    }

    /// Two months over three valuation models, in date order, one command per step: physical receipts
    /// invoiced later, a transaction adjustment, a transfer between sites, a moving-average revaluation,
    /// a close of January and a recalculation of February. `date` is nil for setup.
    static let history: [(date: LedgerDate?, command: LedgerCommand)] = {
        func step(
            _ day: String?, _ name: String, _ pairs: KeyValuePairs<String, String>
        ) -> (LedgerDate?, LedgerCommand) {
            (day.map(date), command(name, pairs))
        }
        return [
            step(nil, "item", ["item": "A", "model": "fifo", "price": "10.00"]),
            step(nil, "item", ["item": "B", "model": "moving-average", "price": "4.00"]),
            step(nil, "item", ["item": "C", "model": "weighted-average", "include-physical": "yes"]),
            step(
                "2026-01-02", "receive",
                ["date": "2026-01-02", "item": "A", "tx": "R1", "qty": "10", "cost": "10.00", "site": "S1"]),
            step(
                "2026-01-03", "receive",
                ["date": "2026-01-03", "item": "B", "tx": "R2", "qty": "5", "cost": "4.00", "site": "S1"]),
            step(
                "2026-01-05", "receive",
                [
                    "date": "2026-01-05", "item": "C", "tx": "R3", "qty": "8", "cost": "7.00", "physical": "yes",
                    "site": "S1",
                ]),
            step("2026-01-07", "issue", ["date": "2026-01-07", "item": "A", "tx": "S1", "qty": "3", "site": "S1"]),
            step(
                "2026-01-09", "receive",
                ["date": "2026-01-09", "item": "A", "tx": "R4", "qty": "4", "cost": "12.50", "site": "S1"]),
            step("2026-01-12", "invoice", ["date": "2026-01-12", "tx": "R3", "cost": "7.25"]),
            step("2026-01-14", "issue", ["date": "2026-01-14", "item": "B", "tx": "S2", "qty": "2", "site": "S1"]),
            step("2026-01-15", "issue", ["date": "2026-01-15", "item": "A", "tx": "S3", "qty": "5", "site": "S1"]),
            step(
                "2026-01-18", "receive",
                ["date": "2026-01-18", "item": "A", "tx": "R5", "qty": "6", "cost": "11.00", "site": "S1"]),
            step("2026-01-20", "issue", ["date": "2026-01-20", "item": "C", "tx": "S4", "qty": "3", "site": "S1"]),
            step("2026-01-22", "adjust", ["date": "2026-01-22", "tx": "R1", "amount": "1.50"]),
            step(
                "2026-01-25", "transfer",
                ["date": "2026-01-25", "item": "A", "tx": "T1", "qty": "2", "from": "site:S1", "to": "site:S2"]),
            step("2026-01-28", "revalue", ["date": "2026-01-28", "item": "B", "price": "4.40", "site": "S1"]),
            step("2026-01-31", "close", ["date": "2026-01-31"]),
            step(
                "2026-02-03", "receive",
                ["date": "2026-02-03", "item": "A", "tx": "R6", "qty": "10", "cost": "9.80", "site": "S1"]),
            step("2026-02-06", "issue", ["date": "2026-02-06", "item": "A", "tx": "S5", "qty": "4", "site": "S1"]),
            step(
                "2026-02-10", "receive",
                ["date": "2026-02-10", "item": "B", "tx": "R7", "qty": "3", "cost": "4.60", "site": "S1"]),
            step("2026-02-14", "issue", ["date": "2026-02-14", "item": "C", "tx": "S6", "qty": "2", "site": "S1"]),
            step(
                "2026-02-15", "receive",
                ["date": "2026-02-15", "item": "C", "tx": "R8", "qty": "5", "cost": "7.10", "site": "S1"]),
            step("2026-02-20", "issue", ["date": "2026-02-20", "item": "A", "tx": "S7", "qty": "6", "site": "S1"]),
            step("2026-02-28", "recalculate", ["date": "2026-02-28"]),
        ]
    }()

    /// A ledger with the history steps dated on or before `through` (every step when nil), one command each.
    static func ledger(through: LedgerDate? = nil, path: String = ":memory:") throws -> Ledger {
        let ledger = try Ledger(path: path)
        for step in history where through == nil || step.date.map({ $0 <= through! }) ?? true {
            try ledger.execute(step.command)
        }
        return ledger
    }

    static func tempPath(_ name: String = #function) -> String {
        TemporaryDatabase("replay-tests-" + name.filter(\.isLetter)).path
    }

    /// `base` with one more event applied (sequence after its last).
    static func applying(_ event: LedgerEvent, to base: LedgerState, on day: String = "2026-03-02") -> LedgerState {
        var state = base
        try! state.apply(event, date: date(day), sequence: base.lastSequence + 1)  // the fixtures fold
        return state
    }

    static func receipt(_ id: String, price: String = "5.00", value: Int64 = 500, site: String = "S1") -> LedgerEvent {
        .receiptPosted(
            ReceiptPosted(
                transaction: id, item: "A", kind: .purchase, dimensions: DimensionValues(site: site),
                quantity: Quantity(whole: 1), unitPrice: try! UnitPrice(parsing: price), physicalOnly: false,
                inventoryValue: Money(cents: value), offsetValue: Money(cents: value), lines: []))
    }

    // MARK: - As of a date

    @Test(arguments: ["2026-01-15", "2026-02-15"])
    func asOfMidPeriodEqualsLedgerOfTheEarlyPostings(cut: String) throws {
        let full = try Self.ledger()
        let early = try Self.ledger(through: Self.date(cut))
        let outcome = try full.replay(asOf: Self.date(cut))
        let replayed = outcome.state

        #expect(outcome.skipped.isEmpty)
        #expect(outcome.eventsRead == full.state.lastSequence)
        #expect(StateDigest(replayed) == StateDigest(early.state))
        #expect(StateDigest.firstDifference(early.state, replayed) == nil)
        #expect(replayed.onHand() == early.onHand())
        #expect(replayed.trialBalance() == early.trialBalance())
        #expect(replayed.eventCount == early.state.eventCount)
        // The GL's own as-of view of the full ledger agrees with the replayed trial balance.
        for row in replayed.trialBalance() {
            #expect(full.state.ledger.balance(row.account, asOf: Self.date(cut)) == row.balance, "\(row.account)")
        }
        // The cut matters: later postings exist, and the replay left them out.
        #expect(StateDigest(replayed) != StateDigest(full.state))
        #expect(replayed.transactions.values.allSatisfy { $0.date <= Self.date(cut) })
        #expect(replayed.onHand() != full.onHand())
    }

    @Test func asOfMidFebruaryKeepsTheJanuaryClose() throws {
        let full = try Self.ledger()
        let february = try full.replayState(asOf: Self.date("2026-02-15"))
        #expect(february.closes.map(\.mode) == [.close])
        #expect(february.closedThrough == Self.date("2026-01-31"))
        #expect(february.closes.first.map { $0.settlementEventCount > 0 } == true)
        #expect(full.state.closes.map(\.mode) == [.close, .recalculation])
        let january = try full.replayState(asOf: Self.date("2026-01-30"))
        #expect(january.closes.isEmpty)
    }

    @Test func asOfNilOrTheLastDateIsTheWholeLog() throws {
        let full = try Self.ledger()
        let live = StateDigest(full.state)
        #expect(StateDigest(try full.replayState(asOf: nil)) == live)
        #expect(StateDigest(try full.replayState(asOf: Self.date("2026-02-28"))) == live)
        #expect(StateDigest(try full.replayState(asOf: Self.date("2026-02-27"))) != live)
        // Before every posting only the setup is left.
        let setup = try full.replayState(asOf: Self.date("2025-12-31"))
        #expect(setup.items.count == 3)
        #expect(setup.transactions.isEmpty)
        #expect(setup.eventCount == 3)
    }

    /// An invoice dated before its receipt would leave an as-of replay an event without its transaction:
    /// the ledger refuses it (invalid-date), and an as-of replay of what is there skips nothing.
    @Test func anInvoiceDatedBeforeItsReceiptIsRefused() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(Self.command("item", ["item": "A", "model": "fifo"]))
        try ledger.execute(
            Self.command(
                "receive",
                ["date": "2026-02-10", "item": "A", "tx": "R1", "qty": "2", "cost": "5.00", "physical": "yes"]))
        #expect {
            try ledger.execute(Self.command("invoice", ["date": "2026-02-05", "tx": "R1", "cost": "5.10"]))
        } throws: { ($0 as? Rejection)?.code == .invalidDate && ($0 as? Rejection)?.field == "date" }
        let outcome = try ledger.replay(asOf: Self.date("2026-02-07"))
        #expect(outcome.skipped.isEmpty)
        #expect(outcome.state.transactions.isEmpty)
        #expect(outcome.eventsRead == 2)
    }

    // MARK: - At a sequence

    @Test func atSequenceEqualsTheStateAfterThatEvent() throws {
        let ledger = try Ledger(path: ":memory:")
        var checkpoints: [(sequence: Int64, digest: StateDigest, onHand: [OnHandRow])] = []
        for step in Self.history {
            try ledger.execute(step.command)
            checkpoints.append((ledger.state.lastSequence, StateDigest(ledger.state), ledger.onHand()))
        }
        // Every command changed the state, so no two checkpoints may share a digest.
        #expect(Set(checkpoints.map(\.digest)).count == checkpoints.count)
        for checkpoint in checkpoints {
            let replayed = try ledger.replayState(atSequence: checkpoint.sequence)
            #expect(replayed.lastSequence == checkpoint.sequence)
            #expect(StateDigest(replayed) == checkpoint.digest, "at sequence \(checkpoint.sequence)")
            #expect(replayed.onHand() == checkpoint.onHand, "at sequence \(checkpoint.sequence)")
        }
        #expect(StateDigest(try ledger.replayState(atSequence: 0)) == StateDigest(LedgerState()))
        let last = ledger.state.lastSequence
        #expect(throws: ReplayError.sequenceOutOfRange(requested: last + 1, last: last)) {
            try ledger.replayState(atSequence: last + 1)
        }
        #expect(throws: ReplayError.sequenceOutOfRange(requested: -1, last: last)) {
            try ledger.replayState(atSequence: -1)
        }
    }

    @Test func progressCountsTheEventsRead() throws {
        let ledger = try Self.ledger()
        var calls: [(Int64, Int64)] = []
        _ = try ledger.replayState(atSequence: 10) { calls.append(($0, $1)) }
        #expect(calls.last.map { $0 == (10, 10) } == true)
        calls = []
        _ = try ledger.replayState(asOf: Self.date("2026-01-10")) { calls.append(($0, $1)) }
        let last = ledger.state.lastSequence
        #expect(calls.last.map { $0 == (last, last) } == true)
    }

    // MARK: - Verify

    @Test func verifyMatchesOnTheDemoWithCloses() throws {
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        let beforeCloses = StateDigest(ledger.state)
        try ledger.execute(.close(LedgerDate(year: 2026, month: 1, day: 31)!))
        try ledger.execute(.recalculate(LedgerDate(year: 2026, month: 2, day: 28)!))
        try ledger.execute(.close(LedgerDate(year: 2026, month: 2, day: 28)!))
        try ledger.execute(.reverseClose(date: LedgerDate(year: 2026, month: 2, day: 28)!, through: nil))
        try ledger.execute(.close(LedgerDate(year: 2026, month: 2, day: 28)!))
        try ledger.execute(.close(LedgerDate(year: 2026, month: 3, day: 31)!))
        #expect(ledger.state.closes.count == 5)
        #expect(ledger.state.closes.contains { $0.reversedBy != nil })
        #expect(try ledger.settlements().count > 50)
        #expect(StateDigest(ledger.state) != beforeCloses)

        let verification = try ledger.verifyReplay()
        #expect(verification.matches)
        #expect(verification.firstDifference == nil)
        #expect(verification.liveDigest == verification.replayedDigest)
        #expect(verification.liveDigest == StateDigest(ledger.state))
        #expect(verification.events == ledger.state.lastSequence)
        // A second process opening the file replays to the same digest.
        #expect(StateDigest(try Ledger(path: path).state) == verification.liveDigest)
    }

    /// An event payload edited behind the ledger's back (triggers dropped): the replay refuses it by its
    /// hash. Rehashed by the forger, the chain holds; the live projection still holds the original
    /// figures, a replay the edited ones, and verify names the first figure that differs.
    @Test func verifyNamesTheFirstDifferenceOfATamperedLog() throws {
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        try ledger.execute(Self.command("item", ["item": "A", "model": "fifo"]))
        try ledger.execute(
            Self.command(
                "receive", ["date": "2026-01-02", "item": "A", "tx": "R1", "qty": "3", "cost": "13.777", "site": "S1"]))
        #expect(try ledger.verifyReplay().matches)

        guard case .receiptPosted(var receipt) = try ledger.events(after: 1, limit: 1).first?.event else {
            Issue.record("event 2 is not the receipt"); return
        }
        #expect(receipt.inventoryValue == Money(cents: 4133))
        receipt.inventoryValue = Money(cents: 4134)
        let raw = try Connection(path: path)
        let triggers = try raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        var names: [String] = []
        while try triggers.step() { names.append(triggers.text(at: 0)) }
        triggers.reset()
        for name in names { try raw.execute("DROP TRIGGER \(name)") }
        let update = try raw.prepare("UPDATE events SET payload = ?1 WHERE sequence = 2")
        try update.bind(EventCatalog.encode(.receiptPosted(receipt)), at: 1)
        try update.run()
        #expect { try ledger.verifyReplay() } throws: { error in
            if case LedgerError.storage = error { return true } else { return false }
        }

        try rehashEvent(path, sequence: 2)
        let verification = try ledger.verifyReplay()
        #expect(!verification.matches)
        #expect(verification.liveDigest != verification.replayedDigest)
        #expect(verification.firstDifference == "pool A site:S1: financial value 41.33 vs 41.34")
    }

    // MARK: - The digest

    @Test func digestChangesWhenAnyFigureChanges() throws {
        let base = try Self.ledger().stateWithHistory()  // R1 was closed out (DR-22): the fixtures adjust it
        let digest = StateDigest(base)
        let cent = Money(cents: 1)
        func issue(_ source: CostSource) -> LedgerEvent {
            .issuePosted(
                IssuePosted(
                    transaction: "S99", item: "A", kind: .sale, dimensions: DimensionValues(site: "S1"),
                    quantity: Quantity(whole: 1), physicalOnly: false, costAmount: Money(cents: 1000),
                    costSource: source, lines: []))
        }
        func gl(_ account: String, _ amount: Money) -> LedgerEvent {
            .receiptAdjusted(
                ReceiptAdjusted(
                    transaction: "R1", amount: .zero,
                    lines: [VoucherLine(.inventory, account, amount), VoucherLine(.costAdjustment, "5900", -amount)]))
        }
        func item(_ price: String) -> LedgerEvent {
            .itemDefined(ItemSetup(id: "A", model: .fifo, defaultPrice: try! UnitPrice(parsing: price)))
        }
        func mark(_ receipt: String, _ quantity: Int64) -> LedgerEvent {
            .markPosted(MarkPosted(issue: "S7", receipt: receipt, quantity: Quantity(whole: quantity)))
        }
        func revalue(_ amount: Money) -> LedgerEvent {
            .movingAverageRevalued(
                MovingAverageRevalued(
                    item: "B", dimensions: DimensionValues(site: "S1"),
                    unitCost: .zero, amount: amount, lines: []))
        }
        // Pairs of one extra event that differ in one figure only: same number of events, same sequence.
        let pairs: [(String, LedgerEvent, LedgerEvent)] = [
            ("receipt value", Self.receipt("R99", value: 500), Self.receipt("R99", value: 501)),
            ("receipt unit price", Self.receipt("R99", price: "5.00"), Self.receipt("R99", price: "5.0001")),
            ("receipt site", Self.receipt("R99", site: "S1"), Self.receipt("R99", site: "S2")),
            ("receipt id", Self.receipt("R99"), Self.receipt("R98")),
            ("issue cost source", issue(.runningAverage), issue(.defaultPrice)),
            (
                "adjustment", .receiptAdjusted(ReceiptAdjusted(transaction: "R1", amount: cent, lines: [])),
                .receiptAdjusted(ReceiptAdjusted(transaction: "R1", amount: cent + cent, lines: []))
            ),
            (
                "adjusted receipt", .receiptAdjusted(ReceiptAdjusted(transaction: "R1", amount: cent, lines: [])),
                .receiptAdjusted(ReceiptAdjusted(transaction: "R4", amount: cent, lines: []))
            ),
            ("mark quantity", mark("R6", 1), mark("R6", 2)),
            ("mark receipt", mark("R6", 1), mark("R5", 1)),
            ("item default price", item("10.00"), item("10.0001")),
            (
                "posting profile", .accountsSet(group: "", accounts: [.init(.cogs, "5001")]),
                .accountsSet(group: "", accounts: [.init(.cogs, "5002")])
            ),
            ("GL amount", gl("1400", cent), gl("1400", cent + cent)),
            ("GL account", gl("1400", cent), gl("1401", cent)),
            ("pool revaluation", revalue(.zero), revalue(cent)),
        ]
        for (name, a, b) in pairs {
            let left = StateDigest(Self.applying(a, to: base)), right = StateDigest(Self.applying(b, to: base))
            #expect(left != right, "\(name): one figure changed, the digest did not")
            #expect(left != digest && right != digest, "\(name): an extra event did not change the digest")
        }
        // Same figures, same digest: a state is a fold, not an object identity.
        #expect(StateDigest(try Self.ledger().stateWithHistory()) == digest)
        #expect(
            StateDigest(Self.applying(Self.receipt("R99"), to: base))
                == StateDigest(Self.applying(Self.receipt("R99"), to: base)))
    }

    @Test func digestDoesNotDependOnTableOrder() throws {
        let ledger = try Self.ledger()
        // A snapshot is read back in id order, the fold keeps the records in the order they came ...
        let decoded = try LedgerState(decoding: ledger.state.encoded())
        #expect(Array(decoded.transactions.keys) != Array(ledger.state.transactions.keys))
        #expect(decoded.transactions == ledger.state.transactions)
        // ... and the digest does not see it.
        #expect(StateDigest(decoded) == StateDigest(ledger.state))
    }

    @Test func digestSeesTheDayOfAGLPosting() throws {
        let base = try Self.ledger().stateWithHistory()
        let adjustment = LedgerEvent.receiptAdjusted(
            ReceiptAdjusted(
                transaction: "R1", amount: Money(cents: 100),
                lines: [
                    VoucherLine(.inventory, "1400", Money(cents: 100)),
                    VoucherLine(.costAdjustment, "5900", Money(cents: -100)),
                ]))
        let onThe2nd = Self.applying(adjustment, to: base, on: "2026-03-02")
        let onThe3rd = Self.applying(adjustment, to: base, on: "2026-03-03")
        // The GL's day-by-day amounts are read by reflection; a rename in GeneralLedger must fail here.
        let accounts = try #require(StateDigest.ledgerAccounts(base.ledger))
        #expect(accounts.map(\.name).sorted() == base.ledger.accountNames)
        #expect(onThe2nd.ledger.balance("1400") == onThe3rd.ledger.balance("1400"))
        #expect(StateDigest(onThe2nd) != StateDigest(onThe3rd))
        #expect(
            StateDigest.firstDifference(onThe2nd, onThe3rd, labels: ("a", "b"))
                == "GL account 1400: posted on day 2026-03-02 vs 2026-03-03")
    }

    // MARK: - First difference

    @Test func firstDifferenceNamesThePoolTransactionOrItem() throws {
        let base = try Self.ledger().stateWithHistory()
        func difference(_ a: LedgerEvent, _ b: LedgerEvent) -> String? {
            StateDigest.firstDifference(Self.applying(a, to: base), Self.applying(b, to: base))
        }
        let rValue = try #require(base.pools[PoolKey(item: "A", dimensions: DimensionValues(site: "S1"))])
            .financialValue
        let cent = Money(cents: 1)
        // A value: the pool comes first in canonical order.
        #expect(
            difference(
                .receiptAdjusted(ReceiptAdjusted(transaction: "R1", amount: cent, lines: [])),
                .receiptAdjusted(ReceiptAdjusted(transaction: "R1", amount: cent + cent, lines: [])))
                == "pool A site:S1: financial value \(rValue + cent) vs \(rValue + cent + cent)")
        // A figure only a transaction holds.
        #expect(
            difference(Self.receipt("R99", price: "5.00"), Self.receipt("R99", price: "5.10"))
                == "transaction R99: unit price 5.0000 vs 5.1000")
        // A transaction only one side has.
        #expect(difference(Self.receipt("R99"), Self.receipt("R98")) == "transaction R98: only in replayed")
        #expect(
            StateDigest.firstDifference(
                Self.applying(Self.receipt("R98"), to: base), Self.applying(Self.receipt("R99"), to: base),
                labels: ("left", "right")) == "transaction R98: only in left")
        // An item's setup.
        #expect(
            difference(
                .itemDefined(ItemSetup(id: "A", model: .fifo, defaultPrice: try UnitPrice(parsing: "10.00"))),
                .itemDefined(ItemSetup(id: "A", model: .fifo, defaultPrice: try UnitPrice(parsing: "10.50"))))
                == "item A: default price 10.0000 vs 10.5000")
        // A mark: which receipt.
        #expect(
            difference(
                .markPosted(MarkPosted(issue: "S7", receipt: "R5", quantity: Quantity(whole: 1))),
                .markPosted(MarkPosted(issue: "S7", receipt: "R6", quantity: Quantity(whole: 1))))
                == "marks of S7: mark 1 receipt R5 vs R6")
        // The log itself: one more event.
        let more = Self.applying(Self.receipt("R99"), to: base)
        #expect(
            StateDigest.firstDifference(base, more)
                == "log: events applied \(base.eventCount) vs \(base.eventCount + 1)")
        #expect(StateDigest.firstDifference(base, base) == nil)
    }

    @Test func firstDifferenceOfASettlement() throws {
        let ledger = try Self.ledger()
        // Fold the same log, but with the first settled amount of the close a cent off; both folds keep
        // every transaction (the close would move the settled pair out of the open state, DR-22).
        var base = LedgerState(), edited = LedgerState()
        base.evicts = false
        edited.evicts = false
        var changed: (issue: String, receipt: String)?
        try ledger.store.scan(after: 0) { view in
            var event = try Replay.decode(view)
            try base.apply(event, date: view.date, sequence: view.sequence)
            if changed == nil, case .settlementPosted(var posted) = event,
                let index = posted.entries.firstIndex(where: { $0.kind == .settlement })
            {
                posted.entries[index].settledAmount += Money(cents: 1)
                changed = (posted.entries[index].transaction, posted.entries[index].counterpart)
                event = .settlementPosted(posted)
            }
            try edited.apply(event, date: view.date, sequence: view.sequence)
        }
        let (issue, receipt) = try #require(changed)
        let difference = try #require(StateDigest.firstDifference(base, edited))
        // Settled value is kept on the issue and on the receipt; the first of the two ids is named (the
        // transactions come before the settlement list in canonical order).
        #expect(difference.hasPrefix("transaction \(min(issue, receipt)): settled value "))
        #expect(StateDigest(base) != StateDigest(edited))
    }

    // MARK: - The command line

    @Test func replayCommandVerifiesAndPrintsAPointInTime() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])  // closes its first month
        let verified = try box.ok(["replay", "--verify"])
        #expect(verified.stdout.hasPrefix("replay matches the live projection: digest "))
        #expect(verified.stderr.isEmpty, "no progress on a pipe: \(verified.stderr)")
        let verifiedJSON = try box.ok(["replay", "--verify", "--json"]).json()
        #expect(verifiedJSON["matches"] as? Bool == true)
        let digest = try #require(verifiedJSON["live_digest"] as? String)
        #expect(verified.stdout.contains(digest))

        let whole = try box.ok(["replay", "--json"]).json()
        #expect(whole["digest"] as? String == digest)
        let counts = try #require(whole["counts"] as? [String: Any])
        #expect(counts["closes"] as? Int == 1)
        #expect((counts["settlements"] as? Int ?? 0) > 0)

        let midJanuary = try box.ok(["replay", "--as-of", "2026-01-15", "--json"]).json()
        #expect(midJanuary["digest"] as? String != digest)
        #expect((midJanuary["counts"] as? [String: Any])?["closes"] as? Int == 0)
        let text = try box.ok(["replay", "--as-of", "2026-01-15"]).stdout
        #expect(text.hasPrefix("replayed as of 2026-01-15: "))
        #expect(text.contains("On hand") && text.contains("Trial balance") && text.contains("\ndigest "))

        let atTen = try box.ok(["replay", "--at-sequence", "10", "--json"]).json()
        #expect(atTen["last_sequence"] as? Int == 10)
        #expect((atTen["counts"] as? [String: Any])?["events"] as? Int == 10)

        #expect(try box.run(["replay", "--as-of", "2026-01-15", "--at-sequence", "3"]).status == 64)
        #expect(try box.run(["replay", "--verify", "--at-sequence", "3"]).status == 64)
        let beyond = try box.run(["replay", "--at-sequence", "999999"])
        #expect(beyond.status == 64)
        #expect(beyond.stderr.contains("out of range"))
        #expect(
            try box.run(["replay", "--db", box.directory.appendingPathComponent("none.db").path], withDB: false).status
                == 66)
    }
}
