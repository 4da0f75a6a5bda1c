import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerStore

/// The open state (DR-22): a close moves what it settled and closed out of memory into the history
/// table, queries show the same rows as before, decisions naming a closed-out id answer as before, a
/// reversed close evicts nothing (rule R), and snapshots are of the open state and pruned.
struct OpenStateTests {
    static func command(_ name: String, _ text: String) throws -> LedgerCommand {
        try Posting.command(name, text)
    }

    static func run(_ ledger: Ledger, _ name: String, _ text: String) throws {
        try ledger.execute(try command(name, text))
    }

    /// January: a FIFO item whose first receipt and both issues settle fully, a second receipt left
    /// open, a product receipt still physical, and a standard cost item fully invoiced (never settled,
    /// D6); then the close through 2026-01-31.
    static func januaryClosed(path: String = TemporaryDatabase("open-state").path) throws -> Ledger {
        let ledger = try Ledger(path: path)
        for (name, text) in [
            ("item", "item=A model=fifo price=10.00"),
            ("item", "item=B model=standard standard=10.00"),
            ("receive", "date=2026-01-02 item=A tx=R1 qty=2 cost=10.00"),
            ("receive", "date=2026-01-03 item=A tx=R2 qty=3 cost=20.00"),
            ("receive", "date=2026-01-04 item=A tx=R3 qty=1 cost=30.00 physical=yes"),
            ("issue", "date=2026-01-05 item=A tx=S1 qty=2"),
            ("issue", "date=2026-01-06 item=A tx=S2 qty=1"),
            ("receive", "date=2026-01-07 item=B tx=RB qty=4 cost=10.00"),
            ("issue", "date=2026-01-08 item=B tx=SB qty=1"),
            ("close", "date=2026-01-31"),
        ] {
            try run(ledger, name, text)
        }
        return ledger
    }

    /// The ledger's log folded again keeping every transaction: the state before eviction.
    static func withoutEviction(_ ledger: Ledger) throws -> LedgerState {
        var state = LedgerState()
        state.evicts = false
        for row in try ledger.events() {
            try state.apply(row.event, date: row.stored.envelope.date, sequence: row.stored.sequence)
        }
        return state
    }

    static func historyIDs(_ ledger: Ledger) throws -> [String] {
        try ledger.historyTransactions().map(\.id).sorted()
    }

    @Test func aCloseMovesWhatItClosedToHistory() throws {
        let ledger = try Self.januaryClosed()
        // R2 is still open (2 of 3 left), R3 only physical; the rest is settled (A) or invoiced (B).
        #expect(ledger.state.transactions.keys.sorted() == ["R2", "R3"])
        #expect(try Self.historyIDs(ledger) == ["R1", "RB", "S1", "S2", "SB"])
        // The rows users see are those of the ledger before eviction, in the same order.
        let full = try Self.withoutEviction(ledger)
        #expect(try ledger.transactions() == full.transactionRows())
        #expect(try ledger.transactions(item: "A") == full.transactionRows(item: "A"))
        #expect(try ledger.transaction("S1") == full.transactions["S1"])
        // Opening the file again gives the same open state (from the close's snapshot), and a replay too.
        let reopened = try Ledger(path: ledger.store.connection.path)
        #expect(StateDigest(reopened.state) == StateDigest(ledger.state))
        #expect(try ledger.verifyReplay().matches)
        #expect(try ledger.verifySnapshots().allSatisfy(\.matches))
    }

    @Test func aClosedOutIDAnswersAsItDidInMemory() throws {
        let ledger = try Self.januaryClosed()
        try Self.expectClosedOutIDsAnswerAsInMemory(ledger)
        #expect(ledger.state.recalled.isEmpty)
    }

    /// Commands naming transactions the January close moved out of `ledger`'s memory are refused as they
    /// are by the same ledger folded without eviction (the ClosedIDFilter tests ask it with the filter read).
    static func expectClosedOutIDsAnswerAsInMemory(_ ledger: Ledger) throws {
        var full = try withoutEviction(ledger)
        for (name, text) in [
            ("receive", "date=2026-02-02 item=A tx=R1 qty=1 cost=10.00"),
            ("issue", "date=2026-02-02 item=A tx=S1 qty=1"),
            ("issue", "date=2026-02-02 item=B tx=RB qty=1"),
            ("invoice", "date=2026-02-02 tx=R1"),
            ("invoice", "date=2026-02-02 tx=S2 qty=1"),
            ("invoice", "date=2026-02-02 tx=NOPE"),
        ] {
            let command = try Self.command(name, text)
            let expected = #expect(throws: Rejection.self) { try Posting.run(&full, command) }
            let found = #expect(throws: Rejection.self) { try ledger.execute(command) }
            #expect(found == expected, "\(name) \(text)")
        }
    }

    @Test func aClosedOutTransactionIsNeitherMarkedNorAdjusted() throws {
        let ledger = try Self.januaryClosed()
        let mark = #expect(throws: Rejection.self) {
            try Self.run(ledger, "mark", "date=2026-02-02 issue=S1 receipt=R2 qty=1")
        }
        #expect(mark?.code == .invalidMarking && mark?.field == "issue")
        let adjust = #expect(throws: Rejection.self) {
            try Self.run(ledger, "adjust", "date=2026-02-02 tx=R1 amount=1.00")
        }
        #expect(adjust?.code == .notAdjustable)
    }

    @Test func reversingTheCloseBringsItsTransactionsBack() throws {
        let ledger = try Self.januaryClosed()
        let close = try #require(ledger.state.closes.last)
        let entries = try ledger.settlements(closeSequence: close.sequence).map(\.entry)
        let balances = ledger.trialBalance()
        try Self.run(ledger, "reverse-close", "")
        #expect(ledger.state.transactions.keys.sorted() == ["R1", "R2", "R3", "RB", "S1", "S2", "SB"])
        #expect(try Self.historyIDs(ledger).isEmpty)
        #expect(try ledger.verifyReplay().matches)
        #expect(try ledger.snapshots().allSatisfy { $0.sequence < close.sequence })  // the stale one is gone
        // Closing again gives the same close, and moves the same transactions out.
        try Self.run(ledger, "close", "date=2026-01-31")
        let again = try #require(ledger.state.closes.last)
        #expect(try ledger.settlements(closeSequence: again.sequence).map(\.entry) == entries)
        #expect(ledger.trialBalance() == balances)
        #expect(try Self.historyIDs(ledger) == ["R1", "RB", "S1", "S2", "SB"])
        #expect(StateDigest(try Ledger(path: ledger.store.connection.path).state) == StateDigest(ledger.state))
    }

    @Test func reversingThroughTwoClosesInOneCommand() throws {
        let ledger = try Self.januaryClosed()
        try Self.run(ledger, "receive", "date=2026-02-02 item=A tx=R4 qty=2 cost=12.00")
        try Self.run(ledger, "issue", "date=2026-02-03 item=A tx=S3 qty=4")
        try Self.run(ledger, "close", "date=2026-02-28")
        #expect(ledger.state.transactions["R2"] == nil)  // settled by February's close
        try Self.run(ledger, "reverse-close", "through=2026-01-01")
        #expect(ledger.state.closedThrough == nil)
        #expect(try Self.historyIDs(ledger).isEmpty)
        #expect(ledger.state.transactions.count == 9)
        #expect(try ledger.verifyReplay().matches)
        let reopened = try Ledger(path: ledger.store.connection.path)
        #expect(StateDigest(reopened.state) == StateDigest(ledger.state))
        #expect(StateDigest(try ledger.replayState(asOf: nil)) == StateDigest(ledger.state))
    }

    @Test func aSnapshotOfAReversedCloseIsNotUsed() throws {
        let ledger = try Self.januaryClosed()
        let stale = try #require(try ledger.store.snapshot(sequence: ledger.state.lastSequence))
        try Self.run(ledger, "reverse-close", "")
        // Put the snapshot of the reversed close back (as a crash between the reversal and its clean-up would).
        try ledger.store.saveSnapshot(
            sequence: stale.sequence, chainHash: stale.chainHash, businessDate: stale.businessDate,
            createdAt: stale.createdAt, format: stale.format, state: stale.state)
        let reopened = try Ledger(path: ledger.store.connection.path)
        #expect(reopened.state.transactions["S1"] != nil)
        #expect(StateDigest(reopened.state) == StateDigest(ledger.state))
        let verified = try ledger.verifySnapshots().first { $0.sequence == stale.sequence }
        #expect(verified?.matches == false)
        #expect(verified?.difference?.contains("reversed after it") == true)
    }

    @Test func anotherWritersReversalIsCaughtUp() throws {
        let path = TemporaryDatabase("open-state-writers").path
        let first = try Self.januaryClosed(path: path)
        let second = try Ledger(path: path)
        try Self.run(second, "reverse-close", "")
        try first.catchUp()
        #expect(first.state.transactions["S1"] != nil)
        #expect(StateDigest(first.state) == StateDigest(second.state))
    }

    @Test func aLogWithoutItsHistoryGetsItBackWhenOpened() throws {
        let ledger = try Self.januaryClosed()
        let rows = try ledger.transactions()
        let path = try ledger.store.connection.path
        try ledger.store.connection.execute("DELETE FROM history_transactions; DELETE FROM snapshots")
        let reopened = try Ledger(path: path)
        #expect(try Self.historyIDs(reopened) == ["R1", "RB", "S1", "S2", "SB"])
        #expect(try reopened.transactions() == rows)
    }

    /// `subledger rebuild` refills history_transactions from its replay (rule R), row for row: a damaged or
    /// emptied table comes back, and a reversed close's transactions do not.
    @Test func rebuildRefillsTheHistoryOfTransactions() throws {
        let ledger = try Self.januaryClosed()
        try Self.run(ledger, "reverse-close", "")
        try Self.run(ledger, "close", "date=2026-01-31")
        let rows = try ledger.transactions()
        let ids = try Self.historyIDs(ledger)
        #expect(ids == ["R1", "RB", "S1", "S2", "SB"])
        try ledger.store.connection.execute("DELETE FROM history_transactions WHERE tx IN ('R1', 'S2')")
        try ledger.store.connection.execute("UPDATE history_transactions SET closed_by = 1 WHERE tx = 'RB'")
        _ = try ledger.rebuildHistory()
        #expect(try Self.historyIDs(ledger) == ids)
        #expect(try ledger.transactions() == rows)
        let closedBy = try ledger.store.connection.scalarInt64(
            "SELECT count(DISTINCT closed_by) FROM history_transactions")
        #expect(closedBy == 1, "every row belongs to the close in force")
    }

    @Test func aCloseKeepsTheNewestSnapshots() throws {
        let ledger = try Self.januaryClosed()
        ledger.keepSnapshots = 2
        for month in ["02-28", "03-31", "04-30"] {
            try Self.run(ledger, "receive", "date=2026-\(month) item=A tx=R\(month) qty=1 cost=10.00")
            try Self.run(ledger, "close", "date=2026-\(month)")
        }
        let kept = try ledger.snapshots().map(\.sequence)
        #expect(kept.count == 2)
        #expect(kept.max() == ledger.state.lastSequence)
        #expect(try ledger.snapshots().allSatisfy { $0.bytes > 0 })
    }

    @Test func aDamagedHistoryRowIsAnErrorNotAFigure() throws {
        let ledger = try Self.januaryClosed()
        // One byte of S2's record changed behind SQLite's back (its amounts are near the end).
        try ledger.store.connection.execute(
            """
            UPDATE history_transactions
            SET record = CAST(
                substr(record, 1, length(record) - 8) || x'07' || substr(record, length(record) - 6) AS BLOB)
            WHERE tx = 'S2'
            """)
        #expect(throws: LedgerError.self) { try ledger.transactions() }
        #expect(throws: LedgerError.self) { try ledger.transaction("S2") }
        #expect(throws: LedgerError.self) { try ledger.stateWithHistory() }
        #expect(try ledger.transaction("S1") != nil)  // the other rows still read
    }

    @Test func historyViewShowsExactDecimals() throws {
        let ledger = try Self.januaryClosed()
        let select = try ledger.store.connection.prepare(
            "SELECT tx, date, quantity, posted_amount, current_amount FROM history_transactions_v WHERE tx = 'S2'")
        try #require(try select.step())
        #expect(select.text(at: 0) == "S2")
        #expect(select.text(at: 1) == "2026-01-06")
        #expect(select.text(at: 2) == "1.0000")
        #expect(select.text(at: 3) == "16.00")  // the running average of R1 and R2: 80.00 / 5
        #expect(select.text(at: 4) == "20.00")  // settled against R2 by FIFO
    }
}

/// A close killed at random moments leaves its events and its history rows together or neither
/// (SUBLEDGER_CRASH_POINTS sets the number of kill points, 6 by default here).
struct OpenStateCrashTests {
    @Test func killedCloseWritesHistoryWithItsEvents() throws {
        let seed = KillLoop.seed(fromEnvironment: "SUBLEDGER_CRASH_SEED")
        let points = ProcessInfo.processInfo.environment["SUBLEDGER_CRASH_POINTS"].flatMap(Int.init) ?? 6
        let dir = try TemporaryDirectory("crash-open-state")
        let (text, _) = Harness.jsonLines(prefix: "H", postings: 1500, seed: seed &+ 7)
        let file = dir.path("history.jsonl")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let template = dir.path("history.db")
        #expect(try ProcessOutcome.run(["init", "--db", template], in: dir.url).status == 0)
        try #require(try ProcessOutcome.run(["import", file, "--db", template], in: dir.url).status == 0)
        let base = try Self.counts(template)

        let closeArgs = ["close", "2026-01-31", "--command-id", "close-2026-01"]
        let reference = dir.path("reference.db")
        try TemporaryDatabase.copy(template, to: reference)
        let t0 = ContinuousClock.now
        try #require(try ProcessOutcome.run(closeArgs + ["--db", reference], in: dir.url).status == 0)
        let window = KillLoop.milliseconds(since: t0)
        let closed = try Self.counts(reference)
        #expect(closed.history > 0)

        let loop = KillLoop(seed: seed ^ 0x0DE4_5EED, points: points, window: window)
        let db = dir.path("crash.db")
        try loop.run(closeArgs + ["--db", db], template: template, db: db, in: dir.url, label: "close") { point in
            // Counted on the raw file first: opening a Ledger would fill a missing history in.
            let found = try Self.counts(db)
            #expect(found == base || found == closed, "\(point.context): \(found) not \(base) or \(closed)")
        }
    }

    static func counts(_ path: String) throws -> Counts {
        let raw = try Connection(path: path)
        return Counts(
            events: try raw.scalarInt64("SELECT count(*) FROM events") ?? -1,
            history: try raw.scalarInt64("SELECT count(*) FROM history_transactions") ?? -1)
    }

    struct Counts: Equatable, CustomStringConvertible {
        var events: Int64, history: Int64
        var description: String { "\(events) events, \(history) history rows" }
    }
}
