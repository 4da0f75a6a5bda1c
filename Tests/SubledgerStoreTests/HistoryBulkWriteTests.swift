// The history writes of a large close, made cheaper without changing a row: voucher lines and settlement
// entries go in multi-row inserts (a partial batch still lands, entries keep their order), their lookups
// by id are key tables filled after the rows (DR-48), a save into an
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

    /// A fresh run (a rebuild) and an incremental one.
    @Test(arguments: [true, false]) func linesAndEntriesOfFullAndPartialBatchesAllLandInOrder(fresh: Bool) throws {
        let store = try Self.store()
        let lineCount = 2 * HistoryWriter.batch + 5, entryCount = HistoryWriter.batch + 7
        try store.writeHistory(fresh: fresh) { writer, _, _ in
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

    /// The lookups by id read key tables (DR-48): filled inside a fresh run's transaction, after an
    /// incremental run by `ensureHistoryIndexes` (the end of every projection); rows past their
    /// watermark (a run killed before its keys) are still found, by a scan of the tables' tails.
    @Test func lookupsByIdComeFromKeyTablesFilledAfterTheRowsAndAlsoFindRowsNotYetKeyed() throws {
        let store = try Self.store()
        try appendCommands(store, sizes: [40])  // the events the lines' reads join
        func write(_ first: Int, _ count: Int) throws {
            try store.writeHistory { writer, _, _ in
                for index in first..<(first + count) {
                    let line = VoucherLine(.inventory, "A", Money(units: Int64(index)))
                    try writer.voucherLine(
                        sequence: Int64(index), line: 1, reference: "T\(index % 5)", line, day: date(2026_01_02))
                    let entry = SettlementEntry(
                        kind: .settlement, model: .fifo, transaction: "T\(index % 5)", counterpart: "R\(index % 3)",
                        quantity: Quantity(units: -1), settledAmount: Money(units: -1), adjustment: .zero,
                        physical: false)
                    try writer.settlement(
                        HistorySettlementRow(
                            sequence: Int64(index), closeSequence: 900, day: date(2026_01_02), mode: .close,
                            item: "I", dimensions: DimensionValues(site: "S1"), entry: entry))
                }
                return (Int64(first + count - 1), 2026_01_02)
            }
        }
        func found() throws -> (lines: [Int64], entries: [Int64]) {
            var lines: [Int64] = []
            try store.historyVoucherLines(reference: "T2", through: date(2026_12_31)) { sequence, _, _, _, _ in
                lines.append(sequence)
            }
            return (lines, try store.historySettlements(naming: "R1").map(\.sequence))
        }
        let expected: (lines: [Int64], entries: [Int64]) =
            ([2, 7, 12, 17, 22, 27, 32, 37], (1...40).filter { $0 % 3 == 1 }.map(Int64.init))
        try write(1, 25)
        // Not yet keyed: the projection's end keys them.
        #expect(try store.connection.scalarInt64("SELECT count(*) FROM history_voucher_line_refs") == 0)
        #expect(try store.historyRefsLag())
        try store.ensureHistoryIndexes()
        #expect(try store.connection.scalarInt64("SELECT count(*) FROM history_voucher_line_refs") == 25)
        // Each entry under its transaction and its counterpart.
        #expect(try store.connection.scalarInt64("SELECT count(*) FROM history_settlement_refs") == 50)
        #expect(try !store.historyRefsLag())
        try write(26, 15)  // keyed by none yet: found by the scan past the watermark
        let beforeKeys = try found()
        #expect(beforeKeys.lines == expected.lines && beforeKeys.entries == expected.entries)
        try store.ensureHistoryIndexes()
        #expect(try !store.historyRefsLag())
        let afterKeys = try found()
        #expect(afterKeys.lines == expected.lines && afterKeys.entries == expected.entries)
        // A rebuild's run keys its rows in its own transaction.
        try store.writeHistory(fresh: true) { _, _, _ in (0, 0) }
        #expect(try store.connection.scalarInt64("SELECT count(*) FROM history_voucher_line_refs") == 0)
        try write(1, 3)
        try store.writeHistory(fresh: true) { writer, _, _ in
            try writer.voucherLine(
                sequence: 1, line: 1, reference: "T2", VoucherLine(.inventory, "A", Money(units: 1)),
                day: date(2026_01_02))
            return (1, 2026_01_02)
        }
        #expect(try !store.historyRefsLag())
        #expect(try store.textRows("SELECT tx, sequence, line FROM history_voucher_line_refs") == [["T2", "1", "1"]])
    }

    /// The reads by id take the key tables, not a scan of the voucher lines or the settlements.
    @Test func theReadsByIdUseTheKeyTables() throws {
        let store = try Self.store()
        let plans =
            try store.textRows("EXPLAIN QUERY PLAN " + store.voucherLinesSQL(byReference: true))
            + store.textRows(
                "EXPLAIN QUERY PLAN SELECT * FROM history_settlements WHERE entry IN ("
                    + EventStore.entriesByKey + ")")
        let details = plans.compactMap { $0.last ?? nil }
        #expect(details.contains { $0.contains("SEARCH k USING PRIMARY KEY (tx=?)") })
        #expect(details.contains { $0.contains("SEARCH history_settlement_refs USING PRIMARY KEY (tx=?)") })
        #expect(!details.contains { $0.hasPrefix("SCAN") })
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
        let byTX: [String] = []  // nor one by id since migration 16 (DR-48)
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

    /// Migration 16 drops the indexes by id and keys the rows a file already has (DR-48).
    @Test func migration16ReplacesTheIndexesByIdWithFilledKeyTables() throws {
        let file = TempDatabase("history-refs-migration")
        defer { file.remove() }
        do {
            let older = try EventStore(path: file.path)
            try older.writeHistory { writer, _, _ in
                for index in 1...3 {
                    try writer.voucherLine(
                        sequence: Int64(index), line: 1, reference: "T\(index)",
                        VoucherLine(.inventory, "A", Money(units: 1)), day: date(2026_01_02))
                }
                return (3, 2026_01_02)
            }
            // As a build before migration 16 left it: the indexes by id, no key tables.
            try older.connection.execute(
                HistoryRefsSchema.tables.map { "DROP TABLE \($0);" }.joined() + HistorySchema.shippedIndexDefinitions)
            let before = Schema.migrations.firstIndex(of: HistoryRefsSchema.migration) ?? 0
            try older.connection.execute("PRAGMA user_version = \(before)")
        }
        let migrated = try EventStore(path: file.path)
        #expect(try Self.indexNames(migrated, on: "history_voucher_lines").isEmpty)
        #expect(try Self.indexNames(migrated, on: "history_settlements") == ["history_settlements_by_close"])
        #expect(
            try migrated.textRows("SELECT tx, sequence FROM history_voucher_line_refs")
                == [["T1", "1"], ["T2", "2"], ["T3", "3"]])
        #expect(try !migrated.historyRefsLag())
    }
}
