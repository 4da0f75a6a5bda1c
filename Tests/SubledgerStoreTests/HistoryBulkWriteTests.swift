// The history writes of a large close, made cheaper without changing a row: voucher lines and settlement
// entries go in multi-row inserts while the tables lack their secondary indexes, one row per statement
// while they have them (a partial batch still lands, entries keep their order), a save into an
// empty history_transactions builds its item and id indexes after the rows (inside the caller's transaction, so a
// rollback restores both), and the voucher lines have no account index (migration 11 drops it).

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct HistoryBulkWriteTests {
    static func store() throws -> EventStore { try EventStore(path: ":memory:") }

    static func indexNames(_ store: EventStore, on table: String) throws -> [String] {
        try store.textRows(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '\(table)' AND sql IS NOT NULL "
                + "ORDER BY name"
        ).map { $0[0] ?? "" }
    }

    /// Batched (a fresh run: no secondary index) and one row per statement (the indexes in place).
    @Test(arguments: [true, false]) func linesAndEntriesOfFullAndPartialBatchesAllLandInOrder(fresh: Bool) throws {
        let store = try Self.store()
        let lineCount = 2 * HistoryWriter.batch + 5, entryCount = HistoryWriter.batch + 7
        try store.writeHistory(fresh: fresh) { writer, _, _ in
            #expect(writer.rowsPerStatement == (fresh ? HistoryWriter.batch : 1))
            for index in 1...lineCount {
                let line = VoucherLine(.inventory, "A\(index % 3)", Money(units: Int64(index)))
                try writer.voucherLine(
                    sequence: Int64((index + 1) / 2), line: 2 - index % 2, reference: "T\(index)", line,
                    day: date(2026_01_01 + Int32(index % 28)))
            }
            for index in 1...entryCount {
                let entry = SettlementEntry(
                    kind: .settlement, model: .fifo, transaction: "S\(index)", counterpart: "R\(index)",
                    quantity: Quantity(units: -1), settledAmount: Money(units: -Int64(index)),
                    adjustment: .zero, physical: false)
                try writer.settlement(
                    HistorySettlementRow(
                        sequence: Int64(1_000 + index), closeSequence: 2_000, day: date(2026_01_31), mode: .close,
                        item: "I", dimensions: DimensionValues(site: "S1"), entry: entry))
            }
            return (2_000, 2026_01_31)
        }
        let lines = try store.textRows(
            "SELECT sequence, line, tx, account, posting_type, amount, day FROM history_voucher_lines "
                + "ORDER BY sequence, line")
        #expect(
            lines
                == (1...lineCount).map {
                    [
                        "\(($0 + 1) / 2)", "\(2 - $0 % 2)", "T\($0)", "A\($0 % 3)", "inventory", "\($0)",
                        "\(2026_01_01 + $0 % 28)",
                    ]
                })
        let entries = try store.textRows("SELECT entry, sequence, tx, settled_amount FROM history_settlements")
        #expect(entries == (1...entryCount).map { ["\($0)", "\(1_000 + $0)", "S\($0)", "-\($0)"] })
        // The GL days are the lines' sums, whatever the batches.
        let total = try store.connection.scalarInt64("SELECT sum(amount) FROM history_gl_days")
        #expect(total == Int64(lineCount * (lineCount + 1) / 2))
    }

    /// Multi-row inserts only while no secondary index takes their keys: with the indexes, a multi-row
    /// INSERT in a transaction copies each existing page it changes into a statement journal (DR-36).
    @Test func aRunBatchesItsInsertsOnlyWhileTheSecondaryIndexesAreMissing() throws {
        let store = try Self.store()
        func rowsPerStatement() throws -> Int {
            var rows = 0
            try store.writeHistory { writer, from, latestDay in
                rows = writer.rowsPerStatement
                return (from, latestDay)
            }
            return rows
        }
        #expect(try rowsPerStatement() == 1)
        try store.dropHistoryIndexes()
        #expect(try rowsPerStatement() == HistoryWriter.batch)
        try store.ensureHistoryIndexes()
        #expect(try rowsPerStatement() == 1)
        // In a scratch database (a verification): the same rule, applied to its own indexes.
        try store.attachScratch("scratch")
        defer { store.detachScratch("scratch") }
        #expect(try store.historyIndexCount("scratch") == HistorySchema.indexes.count)
        var scratchRows = 0
        try store.writeHistory(fresh: true, schema: "scratch") { writer, from, latestDay in
            scratchRows = writer.rowsPerStatement
            return (from, latestDay)
        }
        #expect(scratchRows == HistoryWriter.batch)
    }

    static func row(_ index: Int) -> HistoryTransactionRow {
        HistoryTransactionRow(
            transaction: "T\(1_000 + index)", item: "I\(index % 4)", sequence: Int64(index), closedBy: 99,
            date: 2026_01_31, kind: "receipt", quantity: 1, postedAmount: 2, adjustment: 0, currentAmount: 2,
            record: [UInt8(index % 256), 7])
    }

    @Test func aSaveIntoAnEmptyTableRebuildsTheItemIndexWithinTheTransaction() throws {
        let store = try Self.store()
        let index = ["history_transactions_by_item", "history_transactions_by_tx"]
        var batches = [(0..<5).map(Self.row), (5..<9).map(Self.row), (9..<12).map(Self.row)][...]
        try store.connection.execute("BEGIN IMMEDIATE")
        try store.saveHistoryTransactions(batches: { batches.popFirst() })
        #expect(try Self.indexNames(store, on: "history_transactions") == index)
        try store.connection.execute("COMMIT")
        #expect(try store.historyTransactionCount() == 12)
        // By item, in log order: read through the rebuilt index.
        let itemOne = try store.historyTransactionRecords(item: "I1")
        #expect(itemOne == [1, 5, 9].map { [UInt8($0), 7] })
        let plan = try store.textRows(
            "EXPLAIN QUERY PLAN SELECT record FROM history_transactions WHERE item = 'I1' ORDER BY sequence")
        #expect(plan.contains { ($0.last ?? nil)?.contains("history_transactions_by_item") == true })

        // Emptied and filled again in a transaction that rolls back: rows and index as they were.
        try store.connection.execute("BEGIN IMMEDIATE")
        try store.replaceHistoryTransactions([Self.row(50)])
        #expect(try store.historyTransactionCount() == 1)
        try store.connection.execute("ROLLBACK")
        #expect(try store.historyTransactionCount() == 12)
        #expect(try Self.indexNames(store, on: "history_transactions") == index)
        #expect(try store.historyTransactionRecords(item: "I1") == itemOne)

        // A save into a table that has rows inserts into the index it has.
        try store.saveHistoryTransactionsAtomically([Self.row(13)])
        #expect(try store.historyTransactionRecords(item: "I1") == itemOne + [[13, 7]])
        #expect(try Self.indexNames(store, on: "history_transactions") == index)
    }

    @Test func voucherLinesHaveNoAccountIndexNewOrMigrated() throws {
        let byTX = ["history_voucher_lines_by_tx"]
        #expect(try Self.indexNames(try Self.store(), on: "history_voucher_lines") == byTX)
        // A file migrated by an older build has it: migration 11 drops it.
        let file = TempDatabase("history-account-index")
        defer { file.remove() }
        do {
            let older = try EventStore(path: file.path)
            try older.connection.execute(
                "CREATE INDEX history_voucher_lines_by_account ON history_voucher_lines(account, day)")
            // The version before migration 11 (later migrations run again: each is IF NOT EXISTS).
            let before = Schema.migrations.firstIndex(of: HistorySchema.dropAccountIndex) ?? 0
            try older.connection.execute("PRAGMA user_version = \(before)")
        }
        let migrated = try EventStore(path: file.path)
        #expect(try Self.indexNames(migrated, on: "history_voucher_lines") == byTX)
        #expect(try Schema.userVersion(migrated.connection) == Schema.currentVersion)
        #expect(try migrated.historyIndexCount() == HistorySchema.indexes.count)
    }
}
