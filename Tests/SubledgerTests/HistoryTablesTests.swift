import Foundation
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// The history tables (issue 11, item 2) against the live projection and a fresh projection of the log,
/// and as-of answers from a close snapshot against a full replay (item 4), on the reference model's seeded
/// histories: several months, closes, recalculations, reversals, postings back into a reopened month.
/// `SUBLEDGER_HISTORY_SEEDS=N` runs seeds 1...N (default 1...8; the as-of test, a replay per date, the
/// first 3 of them).
struct HistoryTablesTests {
    static var seeds: [UInt64] {
        let count = ProcessInfo.processInfo.environment["SUBLEDGER_HISTORY_SEEDS"].flatMap { UInt64($0) } ?? 8
        return Array(1...max(count, 1))
    }

    /// The history run on a fresh ledger, projecting part-way now and then (besides after every close).
    static func ledger(seed: UInt64, path: String = ":memory:") throws -> Ledger {
        let ledger = try Ledger(path: path)
        var random = SplitMix64(seed: seed &* 31 &+ 7)
        for step in ReferenceHistories.history(seed: seed) {
            try ledger.execute(try ReferenceModelTests.engineCommand(step))
            if random.next(upTo: 8) == 0 { try ledger.projectHistory() }
        }
        return ledger
    }

    static func rows(_ store: EventStore, _ sql: String) throws -> [[String]] {
        try store.textRows(sql).map { $0.map { $0 ?? "NULL" } }
    }

    @Test(arguments: seeds)
    func tablesEqualAFreshProjectionAndTheLiveState(seed: UInt64) throws {
        let ledger = try Self.ledger(seed: seed)
        let verification = try ledger.verifyHistory()
        #expect(verification.checked)
        #expect(verification.difference == nil, "seed \(seed)")
        let state = ledger.state
        // Voucher lines: every line of every event.
        let lines = try ledger.store.connection.scalarInt64("SELECT count(*) FROM history_voucher_lines")
        #expect(lines == Int64(state.ledger.lineCount))
        // Settlements: every entry, in the order the projection keeps them.
        let stored = try Self.rows(
            ledger.store,
            "SELECT sequence, mode, tx, counterpart, quantity, settled_amount, adjustment, part, issue_part "
                + "FROM history_settlements ORDER BY entry")
        let expected: [[String]] = try ledger.settlements().map { (record: SettlementRow) -> [String] in
            let entry = record.entry
            let head = [String(record.sequence), record.mode.name, entry.transaction, entry.counterpart]
            let figures = [entry.quantity.units, entry.settledAmount.units, entry.adjustment.units].map { String($0) }
            return head + figures + [String(entry.part), String(entry.issuePart)]
        }
        #expect(stored == expected, "seed \(seed)")
        // On-hand at each close and recalculation: the pools of a replay through its close.posted.
        for close in state.closes {
            let replayed = try Replay.state(of: ledger.store, atSequence: close.sequence).state
            let pools = HistoryProjection.onHand(replayed).map {
                [
                    $0.item, $0.dimensions.site, String($0.financialQuantity.units), String($0.financialValue.units),
                    String($0.physicalQuantity.units), String($0.physicalValue.units),
                ]
            }
            let rows = try Self.rows(
                ledger.store,
                "SELECT item, site, financial_quantity, financial_value, physical_quantity, physical_value "
                    + "FROM history_onhand_at_close WHERE close_sequence = \(close.sequence) "
                    + "ORDER BY item, site, warehouse, batch, serial")
            #expect(rows == pools, "seed \(seed) close \(close.sequence)")
        }
        // Vouchers read from the voucher lines are the ones decoded from the log.
        #expect(try ledger.historicalVouchers() == ledger.vouchers())
        for reference in ["F"] + state.transactions.keys.sorted().prefix(6) {
            #expect(try ledger.historicalVouchers(reference: reference) == ledger.vouchers(reference: reference))
        }
        let mid = LedgerDate("2026-02-10")!
        #expect(try ledger.historicalVouchers(asOf: mid) == ledger.vouchers(asOf: mid))
        // Closes: in force or reversed as the projection says.
        let closes = try ledger.store.historyCloses()
        #expect(closes.map(\.sequence) == state.closes.map(\.sequence))
        #expect(closes.map(\.reversedBy) == state.closes.map(\.reversedBy))
    }

    @Test func rebuildIsIdempotentAndEqualsTheIncrements() throws {
        let ledger = try Self.ledger(seed: 3)
        let incremental = try ledger.store.historyRowCounts()
        let first = try ledger.rebuildHistory()
        #expect(first.rows.map(\.rows) == incremental.map(\.rows))
        #expect(try ledger.verifyHistory().difference == nil)
        let second = try ledger.rebuildHistory()
        #expect(second == first)
        #expect(try ledger.verifyHistory().difference == nil)
    }

    @Test func verificationNamesTheFirstDifference() throws {
        let ledger = try Self.ledger(seed: 2)
        try ledger.store.connection.execute(
            "UPDATE history_gl_days SET amount = amount + 1 WHERE day = (SELECT min(day) FROM history_gl_days)")
        let difference = try ledger.verifyHistory().difference
        #expect(difference?.hasPrefix("history_gl_days: stored (") == true, "\(difference ?? "nil")")
        _ = try ledger.rebuildHistory()
        #expect(try ledger.verifyHistory().difference == nil)
    }

    /// Events committed without the projector (postings; or a process killed between a close's commit and
    /// its projection) are projected by the next run from the watermark, and the tables then equal a
    /// fresh projection.
    @Test func theNextRunCompletesFromTheWatermark() throws {
        let ledger = try Self.ledger(seed: 5)
        try ledger.projectHistory()
        let watermark = try ledger.store.historyWatermark()
        let late = ["date": "2026-07-01", "item": "F", "tx": "LATE1", "qty": "2", "cost": "3.00"]
        try ledger.execute(try Self.command("receive", late))
        #expect(try ledger.store.historyWatermark() == watermark)  // a posting does not run the projector
        #expect(try ledger.projectHistory() == 1)
        #expect(try ledger.store.historyWatermark() == watermark + 1)
        #expect(try ledger.verifyHistory().difference == nil)
        #expect(try ledger.projectHistory() == 0)
    }

    /// Runs of a few events each: every run ends where no settlement entry waits for its close.
    @Test func smallRunsEqualOneRun() throws {
        let ledger = try Self.ledger(seed: 4)
        // Everything the events give, projected again from the start in runs of 3 events.
        for table in ["history_watermark", "history_gl_days", "history_voucher_lines", "history_closes"]
            + ["history_settlements"]
        {
            try ledger.store.connection.execute("DELETE FROM \(table)")
        }
        #expect(try HistoryTables.project(ledger.store, chunk: 3) == ledger.state.lastSequence)
        #expect(try ledger.store.historyIndexCount() == HistorySchema.indexes.count)  // dropped, built again
        #expect(try ledger.verifyHistory().difference == nil)
        // A run killed before it built them again: the next run does.
        try ledger.store.dropHistoryIndexes()
        #expect(try ledger.projectHistory() == 0)
        #expect(try ledger.store.historyIndexCount() == HistorySchema.indexes.count)
        #expect(try ledger.store.historyCloses().count == ledger.state.closes.count)
    }

    /// A projection that fails leaves the query its other way: the answer, not an error.
    @Test func aFailingProjectionFallsBackToTheReplay() throws {
        let ledger = try Self.ledger(seed: 6)
        let late = ["date": "2026-07-02", "item": "F", "tx": "LATE2", "qty": "1", "cost": "2.00"]
        try ledger.execute(try Self.command("receive", late))
        try ledger.store.connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON history_voucher_lines BEGIN SELECT RAISE(ABORT, 'full'); END")
        #expect(try ledger.store.historyWatermark() < ledger.store.checkedLastSequence())
        let date = LedgerDate("2026-02-14")!
        #expect(try ledger.historicalTrialBalance(asOf: date) == ledger.state.trialBalance(asOf: date))
        let full = try Replay.state(of: ledger.store, asOf: date, evicting: false)
        let asOf = try ledger.state(asOf: date)
        #expect(asOf.startedFromClose == nil)
        #expect(Self.sameForReports(asOf.state, full.state))
    }

    static func command(_ name: String, _ pairs: [String: String]) throws -> LedgerCommand {
        let fields = pairs.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        return try CommandDecoder.decode(command: name, CommandFields(fields))
    }

    /// What the as-of reports read equals the full replay's. The marks and warnings of transactions a
    /// close moved to history are not kept with them (DR-22), and no report reads those.
    static func sameForReports(_ a: LedgerState, _ b: LedgerState) -> Bool {
        a.pools == b.pools && a.transactions == b.transactions && a.ledger == b.ledger && a.closes == b.closes
            && a.items == b.items && a.lastSequence == b.lastSequence
    }

    static var asOfSeeds: [UInt64] { Array(seeds.prefix(3)) }

    /// gl, value and reconcile as of every date of the history: the state from a close snapshot (when one
    /// stands for the date) equals a full as-of replay, and the GL days give the live trial balance.
    @Test func asOfAnswersEqualAFullReplayOnEveryDate() throws {
        var fromClose = 0, dates = 0
        for seed in Self.asOfSeeds {
            let ledger = try Self.ledger(seed: seed)
            let state = ledger.state
            for day in 0...181 {
                let date = LedgerDate(ReferenceStep.date(min(day, 180)))!
                guard date <= state.latestBusinessDate else { break }
                dates += 1
                let asOf = try ledger.state(asOf: date)
                let full = try Replay.state(of: ledger.store, asOf: date, evicting: false)
                #expect(Self.sameForReports(asOf.state, full.state), "seed \(seed) as of \(date)")
                #expect(asOf.skipped == full.skipped)
                #expect(asOf.eventCount == full.state.eventCount)
                #expect(try ledger.historicalTrialBalance(asOf: date) == state.trialBalance(asOf: date))
                if let close = asOf.startedFromClose {
                    fromClose += 1
                    let record = state.closes.first { $0.sequence == close }
                    #expect(record?.mode == .close && record?.reversedBy == nil, "seed \(seed): close \(close)")
                }
            }
        }
        #expect(fromClose > dates / 4, "\(fromClose) of \(dates) dates started from a close snapshot")
    }

    /// The demo posts through March before it closes January: January's snapshot holds February and March
    /// postings, so it stands for no date before March 28 and those dates replay from event 1. After
    /// February is closed, reversed and closed again, the reversed close's snapshot is never taken.
    @Test func aCloseSnapshotStandsOnlyForDatesAfterEveryEventBeforeIt() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.loadDemo()
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        func check(_ label: String) throws -> Set<Int64> {
            var used: Set<Int64> = []
            for day in 0...89 {
                let date = LedgerDate(ReferenceStep.date(day))!
                let asOf = try ledger.state(asOf: date)
                let full = try Replay.state(of: ledger.store, asOf: date, evicting: false)
                #expect(Self.sameForReports(asOf.state, full.state), "\(label): as of \(date)")
                #expect(try ledger.historicalTrialBalance(asOf: date) == ledger.state.trialBalance(asOf: date))
                if let close = asOf.startedFromClose { used.insert(close) }
            }
            return used
        }
        #expect(try check("January closed").isEmpty)
        try ledger.execute(.close(LedgerDate("2026-02-28")!))
        let february = ledger.state.closes.last!.sequence
        try ledger.execute(.reverseClose(date: nil, through: nil))
        try ledger.execute(.close(LedgerDate("2026-02-28")!))
        let again = ledger.state.closes.last!.sequence
        // Only the close in force stands (for the dates after every event before it: none of the demo's).
        let used = try check("February closed, reversed and closed again")
        #expect(!used.contains(february))
        #expect(used.isSubset(of: [again]))
    }

    /// A reversed close's snapshot is never a starting point, also for the dates it would stand for.
    @Test func aReversedCloseSnapshotIsNeverUsed() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(try Self.command("item", ["item": "A", "model": "fifo", "price": "10.00"]))
        func receive(_ tx: String, _ date: String, _ cost: String) throws {
            try ledger.execute(
                try Self.command("receive", ["date": date, "item": "A", "tx": tx, "qty": "4", "cost": cost]))
        }
        try receive("P1", "2026-01-05", "10.00")
        try ledger.execute(try Self.command("issue", ["date": "2026-01-10", "item": "A", "tx": "S1", "qty": "3"]))
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        let january = ledger.state.closes.last!.sequence
        try receive("P2", "2026-02-03", "12.00")
        try ledger.execute(.close(LedgerDate("2026-02-28")!))
        let february = ledger.state.closes.last!.sequence
        try ledger.execute(.reverseClose(date: nil, through: nil))
        try receive("P3", "2026-02-10", "11.00")
        try receive("P4", "2026-03-05", "13.00")
        var used: [LedgerDate: Int64] = [:]
        for day in 0...63 {
            let date = LedgerDate(ReferenceStep.date(day))!
            let asOf = try ledger.state(asOf: date)
            let full = try Replay.state(of: ledger.store, asOf: date, evicting: false)
            #expect(Self.sameForReports(asOf.state, full.state), "as of \(date)")
            used[date] = asOf.startedFromClose
        }
        #expect(used[LedgerDate("2026-01-30")!] == nil)
        #expect(used[LedgerDate("2026-02-15")!] == january)
        #expect(used[LedgerDate("2026-03-01")!] == january, "not February's reversed close \(february)")
    }
}
