// One transaction's voucher lines and settlement entries on PostgreSQL come from its history tables by id
// (DR-57), as the file's come from its key tables (DR-48): after the same workload, `vouchers --tx` and
// `GET /v1/transactions/{tx}`'s document are the same bytes on both stores for open, settled and evicted
// transactions; the reads go through the indexes by id; a changed row shows, a rebuild restores it.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresTransactionRefsTests {
    /// The transaction's detail as the server serializes it (the events by sequence: their recording times
    /// and hashes differ between two ledgers run at different times), and its `vouchers --tx` rows.
    static func detail(_ ledger: Ledger, _ id: String) throws -> String {
        let detail = try #require(try ledger.transactionDetail(id, readingEvents: false))
        return TransactionDetailJSON.document(detail).serialized() + "\n\(detail.eventSequences)\n"
            + VouchersJSON.rows(try ledger.historicalVouchers(reference: id)).serialized()
    }

    @Test func aTransactionReadsTheSameFromBothStoresTables() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let file = TemporaryDatabase("pg-refs")
        defer { file.remove() }
        let (onFile, log, ledger) = try PostgresHistoryTests.runOnBothStores(harness, file: file)
        #expect(try ledger.historyIsCurrent())

        let evicted = Set(try onFile.historyTransactions().map(\.id))
        let open = Set(onFile.state.transactions.keys)
        let ids = evicted.union(open).sorted()
        let settled = try ids.filter { !(try onFile.settlementsNaming($0)).isEmpty }
        #expect(!evicted.isEmpty && !open.isEmpty && !settled.isEmpty)
        #expect(settled.contains(where: evicted.contains) && settled.contains(where: open.contains))
        for id in ids { #expect(try Self.detail(ledger, id) == Self.detail(onFile, id), "\(id)") }
        #expect(try ledger.settlementsNaming(ids) == onFile.settlementsNaming(ids))
        #expect(try ledger.historicalVouchers() == onFile.historicalVouchers())
        let mid = date(2026_01_20)
        #expect(try ledger.historicalVouchers(asOf: mid) == onFile.historicalVouchers(asOf: mid))
        let first = ids[0]
        let asOf = try onFile.vouchers(reference: first, asOf: mid)
        #expect(try ledger.historicalVouchers(reference: first, asOf: mid) == asOf)

        // The whole table in pages of 3 rows: the same lines as one read.
        var paged: [Int64] = []
        try log.historyVoucherLines(reference: nil, through: .distantFuture, page: 3) { sequence, _, _, _, _ in
            paged.append(sequence)
        }
        #expect(paged == (try onFile.historicalVouchers()).flatMap { row in row.lines.map { _ in row.sequence } })
        #expect(throws: Rejection.self) { try ledger.historicalVouchers(reference: "NO-SUCH") }
        #expect(try ledger.transactionDetail("NO-SUCH") == nil)

        // Read from the tables: a changed row shows in the answer; a rebuild restores the file's bytes.
        let id = try #require(settled.first(where: evicted.contains))
        let before = try Self.detail(ledger, id)
        try harness.runRaw("UPDATE history_voucher_lines SET amount = amount + 1 WHERE tx = '\(id)'")
        let lines = try Self.detail(ledger, id)
        try harness.runRaw(
            "UPDATE history_settlements SET quantity = quantity + 1 WHERE tx = '\(id)' OR counterpart = '\(id)'")
        let entries = try Self.detail(ledger, id)
        #expect(before != lines && lines != entries, "the voucher lines, then the entries, read from the tables")
        _ = try ledger.rebuildHistory()
        #expect(try Self.detail(ledger, id) == Self.detail(onFile, id))
        #expect(try ledger.verifyHistory().difference == nil)
    }

    /// The reads by id take the indexes of migration 4 (on these few rows only with sequential scans off:
    /// the plan's shape is what a large table gets, checked on the 100,000-posting ledger for DR-57).
    @Test func theReadsByIDUseTheIndexes() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        try PostgresHistoryTests.run(try Ledger(log: log, snapshots: PostgresSnapshots(log)))
        let session = try harness.ownerSession()
        try session.execute("SET enable_seqscan = off")
        for (name, sql, indexes) in [
            ("lines", log.voucherLinesByReferenceSQL(through: .distantFuture), ["history_voucher_lines_by_tx"]),
            ("entries", log.settlementsNamingSQL, ["history_settlements_by_tx", "history_settlements_by_counterpart"]),
        ] {
            try session.execute("PREPARE \(name)(text) AS \(sql)")
            let plan = try session.execute("EXPLAIN EXECUTE \(name)('S1')").map { try $0.decode(String.self) }
                .joined(separator: "\n")
            for index in indexes { #expect(plan.contains(index), "\(name): \(plan)") }
        }
    }
}
