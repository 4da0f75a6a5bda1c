// The history tables on PostgreSQL (issue 14, DR-47): the same workload (the demo, a recalculation,
// closes, a reversal) on a ledger file and on a PostgreSQL ledger leaves the same rows in every history
// table and the same text in every view; a rebuild refills them alike; `replay --verify` compares them with
// a fresh projection and names a changed row; two projectors at once never write a row twice; and the
// ledger's role (its grants) projects while the log stays insert-only.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresHistoryTests {
    /// After the demo (which closes January): a recalculation, February's close, its reversal, the close
    /// again, and March's close.
    static let commands: [LedgerCommand] = [
        .recalculate(date(20_260_214)), .close(date(20_260_228)),
        .reverseClose(date: date(20_260_228), through: nil), .close(date(20_260_228)), .close(date(20_260_331)),
    ]

    static let views = [
        "gl_days_v", "trial_balance_v", "voucher_lines_v", "settlements_v", "closes_v", "close_totals_v",
        "close_items_v", "close_accounts_v", "onhand_at_close_v", "onhand_v", "history_watermark_v",
    ]

    /// Every table in key order, then every view, as text. The history of transactions without its record
    /// (a blob, which the two stores print differently): its checksum covers the id, item and record.
    static func contents(_ rows: (String) throws -> [[String?]]) throws -> [String: [[String?]]] {
        var contents: [String: [[String?]]] = [:]
        for (table, key) in PostgresHistorySchema.keys where table != "history_transactions" {
            contents[table] = try rows("SELECT * FROM \(table) ORDER BY \(key)")
        }
        contents["history_transactions"] = try rows(
            "SELECT " + PostgresEvictionSchema.columns.replacing(", record", with: "")
                + " FROM history_transactions ORDER BY sequence, tx")
        for view in views { contents[view] = try rows("SELECT * FROM \(view)") }
        // Views without an order of their own, listed in the table's key order.
        contents["history_transactions_v"] = try rows("SELECT * FROM history_transactions_v ORDER BY sequence, tx")
        contents["evicted_sums_v"] = try rows("SELECT * FROM evicted_sums_v")
        return contents
    }

    static func run(_ ledger: Ledger) throws {
        try ledger.runDemo()
        for command in commands { _ = try ledger.execute(command) }
    }

    /// The workload run on a ledger in `file` and on a ledger in the harness's database (with its
    /// snapshots), for the tests that compare what the two stores answer.
    static func runOnBothStores(
        _ harness: LogHarness, file: TemporaryDatabase
    ) throws -> (onFile: Ledger, log: PostgresEventLog, ledger: Ledger) {
        let onFile = try Ledger(path: file.path)
        try run(onFile)
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let ledger = try Ledger(log: log, snapshots: PostgresSnapshots(log))
        try run(ledger)
        return (onFile, log, ledger)
    }

    @Test func theSameWorkloadLeavesTheSameRowsOnBothStores() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let file = TemporaryDatabase("pg-history")
        defer { file.remove() }
        try Self.run(try Ledger(path: file.path))
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        try Self.run(try Ledger(log: log, snapshots: PostgresSnapshots(log)))

        let sqlite = try Self.contents(try EventStore(path: file.path).textRows)
        let postgres = try Self.contents(log.textRows)
        #expect(sqlite["history_closes"]?.count == 5, "four closes and a recalculation")
        #expect(sqlite["history_settlements"]?.isEmpty == false)
        #expect(sqlite["onhand_v"]?.isEmpty == false)
        #expect(sqlite["history_transactions"]?.isEmpty == false, "the closes evicted")
        #expect(sqlite["history_evicted_sums"]?.isEmpty == false)
        for name in sqlite.keys.sorted() {
            let difference = zip(sqlite[name]!, postgres[name]!).first { $0.0 != $0.1 }
            #expect(sqlite[name]!.count == postgres[name]!.count, "\(name): row counts differ")
            #expect(difference == nil, "\(name): SQLite \(difference!.0) vs PostgreSQL \(difference!.1)")
        }

        // A rebuild refills them as the closes wrote them.
        let rebuilt = try LedgerLog(log: log).rebuildHistory()
        #expect(rebuilt.events == (try log.lastSequence()))
        #expect(
            rebuilt.rows.first { $0.table == "history_voucher_lines" }?.rows
                == Int64(sqlite["history_voucher_lines"]!.count))
        #expect(try Self.contents(log.textRows) == postgres)
    }

    @Test func verificationNamesAChangedRowAndARebuildRestoresIt() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let ledger = try Ledger(log: log, snapshots: PostgresSnapshots(log))
        try ledger.runDemo()
        #expect(try ledger.verifyHistory() == HistoryVerification(checked: true, difference: nil))

        try harness.runRaw("UPDATE history_closes SET day = 20260130")
        let changed = try ledger.verifyHistory()
        #expect(changed.checked)
        #expect(changed.difference?.hasPrefix("history_closes: stored (") == true, "\(changed)")
        #expect(changed.difference?.contains("20260130") == true && changed.difference?.contains("20260131") == true)

        try harness.runRaw("DELETE FROM history_voucher_lines WHERE line = 2")
        _ = try ledger.rebuildHistory()
        #expect(try ledger.verifyHistory() == HistoryVerification(checked: true, difference: nil))
    }

    /// Two nodes project the same events at once: one writes them, the other waits on the watermark's
    /// row and then finds nothing left; without the lock both would insert the same voucher lines.
    @Test func twoProjectorsAtOnceNeverWriteARowTwice() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let first = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let ledger = try Ledger(log: first, snapshots: PostgresSnapshots(first))
        try ledger.runDemo()
        let last = try first.lastSequence()
        for round in 0..<3 {
            // The projector's tables (DR-47); what closes evicted is the closes' own writing (DR-50).
            let evicted = Set(PostgresEvictionSchema.keys.map(\.table))
            for table in PostgresHistorySchema.tables where table != "history_watermark" && !evicted.contains(table) {
                try harness.runRaw("DELETE FROM \(table)")
            }
            try harness.runRaw("UPDATE history_watermark SET sequence = 0, latest_day = 0")
            let other = try Ledger(log: try harness.open(rowsPerInsert: 1000) as! PostgresEventLog)
            let results = Results()
            let threads = [Node(ledger: ledger), Node(ledger: other)].enumerated().map { index, node in
                Thread { results.set(index, Result { try node.ledger.projectHistory() }) }
            }
            threads.forEach { $0.start() }
            let projected = try results.wait(for: 2).map { try $0.get() }
            #expect(projected.sorted() == [0, last], "round \(round): \(projected)")
            #expect(try ledger.verifyHistory().difference == nil)
        }
    }

    @Test func theLedgerRoleProjectsAndTheLogStaysInsertOnly() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        try harness.asLedgerRole("historian") { log, _ in
            let ledger = try Ledger(log: log, snapshots: PostgresSnapshots(log))
            try ledger.runDemo()
            let rows = try log.textRows("SELECT count(*) FROM onhand_v")
            #expect(rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0 > 0)
            _ = try ledger.rebuildHistory()
            #expect(try ledger.verifyHistory().difference == nil)
            // The role writes the filter of closed ids too (DR-53's grants): the close's, then the rebuild's.
            #expect(try log.closedIDFilter()?.count == (try log.historyTransactionCount()))
            #expect(throws: StoreError.self) { try log.session.execute("DELETE FROM events") }
        }
    }

    @Test func rebuildAndReplayVerifyRunOnAPostgreSQLURL() throws {
        guard let server = PostgresTestServer.url() else { return }
        let dir = try TemporaryDirectory("pg-history-cli")
        let database = try PostgresTestServer.freshDatabase(server, prefix: "cross")
        #expect(try ProcessOutcome.run(["demo", "--db", database], in: dir.url).status == 0)
        let rebuild = try ProcessOutcome.run(["rebuild", "--db", database, "--json"], in: dir.url)
        #expect(rebuild.status == 0 && rebuild.stdout.contains("\"history_settlements\""), "\(rebuild.summary)")
        let verify = try ProcessOutcome.run(["replay", "--verify", "--db", database], in: dir.url)
        #expect(verify.status == 0, "\(verify.summary)")
        #expect(verify.stdout.contains("history tables match a fresh projection of the log"), "\(verify.summary)")
        let session = try PostgresSession(PostgresLocation(url: database))
        try session.execute("UPDATE history_gl_days SET amount = amount + 1 WHERE day = 20260131")
        let differs = try ProcessOutcome.run(["replay", "--verify", "--db", database, "--json"], in: dir.url)
        #expect(differs.status == 1, "\(differs.summary)")
        #expect(differs.stdout.contains("history_gl_days: stored ("), "\(differs.summary)")
    }
}

/// A ledger handed to a thread of its own (used there alone until the thread ends).
struct Node: @unchecked Sendable { let ledger: Ledger }

/// Results handed from threads to the test, in slots.
final class Results: @unchecked Sendable {
    private let condition = NSCondition()
    private var slots: [Int: Result<Int64, any Error>] = [:]

    func set(_ index: Int, _ result: Result<Int64, any Error>) {
        condition.lock()
        slots[index] = result
        condition.broadcast()
        condition.unlock()
    }

    func wait(for count: Int) -> [Result<Int64, any Error>] {
        condition.lock()
        defer { condition.unlock() }
        while slots.count < count { condition.wait() }
        return (0..<count).map { slots[$0]! }
    }
}
