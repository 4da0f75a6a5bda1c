// Migration 12: history_transactions keyed by (sequence, tx), the listing order, with the id lookup through
// a unique index. A close's rows append at the table's end; a page in listing order and the reads in log
// order are ranges of the table (no sort); a file of the older layout migrates with every row kept.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct HistoryTransactionOrderTests {
    static func row(_ index: Int, sequence: Int64? = nil) -> HistoryTransactionRow {
        HistoryTransactionRow(
            transaction: "T\(900 - index)", item: "I\(index % 3)", sequence: sequence ?? Int64(10 * index),
            closedBy: 99, date: 2026_01_31, kind: "receipt", quantity: Int64(index), postedAmount: 2, adjustment: 0,
            currentAmount: 2, record: [UInt8(index % 256), 9])
    }

    static func plan(_ store: EventStore, _ sql: String) throws -> String {
        try store.textRows("EXPLAIN QUERY PLAN " + sql).map { $0.last.flatMap { $0 } ?? "" }.joined(separator: "; ")
    }

    static let columns = "tx, item, sequence, closed_by, date, kind, quantity, record, checksum"

    @Test func rowsAreKeptInListingOrderAndFoundById() throws {
        let store = try EventStore(path: ":memory:")
        // Ids descend as sequences ascend: the table's order is the sequences', whatever the ids.
        try store.saveHistoryTransactionsAtomically([5, 1, 4].map { Self.row($0) })
        try store.saveHistoryTransactionsAtomically([Self.row(2), Self.row(3), Self.row(6, sequence: 10)])
        let listed = try store.textRows("SELECT tx, sequence FROM history_transactions ORDER BY sequence, tx")
        #expect(
            listed == [
                ["T894", "10"], ["T899", "10"], ["T898", "20"], ["T897", "30"], ["T896", "40"],
                ["T895", "50"],
            ])
        #expect(try store.historyTransactionRecords(item: nil).map(\.[0]) == [6, 1, 2, 3, 4, 5])
        // A page after sequence 20 in listing order: a range of the table, no sort.
        let page = "SELECT tx FROM history_transactions WHERE sequence > 20 ORDER BY sequence, tx LIMIT 2"
        #expect(try store.textRows(page) == [["T897"], ["T896"]])
        let pagePlan = try Self.plan(store, page)
        #expect(pagePlan.contains("SEARCH history_transactions USING PRIMARY KEY (sequence>?)"))
        #expect(!pagePlan.contains("TEMP B-TREE"))
        #expect(!(try Self.plan(store, "SELECT record FROM history_transactions ORDER BY sequence")).contains("TEMP"))
        // By id, through the unique index; saving an id again replaces its row.
        #expect(try SQLiteHistoryLookup(store).record("T898") == [2, 9])
        #expect(
            try Self.plan(store, "SELECT record FROM history_transactions WHERE tx = 'T898'")
                .contains("history_transactions_by_tx"))
        var again = Self.row(2)
        again.record = [42, 9]
        try store.saveHistoryTransactionsAtomically([again])
        #expect(try store.historyTransactionCount() == 6)
        #expect(try SQLiteHistoryLookup(store).record("T898") == [42, 9])
    }

    @Test func aFileOfTheOlderLayoutMigratesWithEveryRow() throws {
        let file = TempDatabase("history-transactions-order")
        defer { file.remove() }
        let rows = (1...7).map { Self.row($0, sequence: Int64(100 - $0 % 3)) }
        var stored: [[String?]] = []
        do {
            // The table as migration 7 made it (keyed by tx), its rows, and the version before 13.
            let older = try EventStore(path: file.path)
            try older.connection.execute("DROP VIEW history_transactions_v; DROP TABLE history_transactions")
            try older.connection.execute(HistoryTransactionSchema.migration)
            #expect(
                try older.textRows("SELECT sql FROM sqlite_master WHERE name = 'history_transactions'")[0][0]?
                    .contains("tx TEXT PRIMARY KEY") == true)
            let insert = try older.connection.prepare(
                "INSERT INTO history_transactions(\(HistoryTransactionSchema.columns)) "
                    + "VALUES (?, ?, ?, 7, 20260131, 'receipt', 1, 2, 0, 2, ?, ?)")
            for row in rows {
                defer { insert.reset() }
                try insert.bind(row.transaction, at: 1)
                try insert.bind(row.item, at: 2)
                try insert.bind(row.sequence, at: 3)
                try insert.bind(row.record, at: 4)
                try insert.bind(EventStore.historyChecksum(row.transaction, row.item, row.record), at: 5)
                try insert.run()
            }
            // A view another migration made over the table (the server's, the console's) survives.
            try older.connection.execute("CREATE VIEW other_v AS SELECT tx FROM history_transactions")
            stored = try older.textRows("SELECT \(Self.columns) FROM history_transactions ORDER BY tx")
            let before = HistoryTransactionSchema.sequenceVersion - 1
            try older.connection.execute("PRAGMA user_version = \(before)")
        }
        let migrated = try EventStore(path: file.path)
        #expect(try Schema.userVersion(migrated.connection) == Schema.currentVersion)
        #expect(try migrated.textRows("SELECT \(Self.columns) FROM history_transactions ORDER BY tx") == stored)
        #expect(try migrated.textRows("SELECT count(*) FROM history_transactions_v") == [["7"]])
        #expect(try migrated.textRows("SELECT count(*) FROM other_v") == [["7"]])
        let names = try migrated.textRows(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'history_transactions' AND type = 'index' "
                + "AND sql IS NOT NULL ORDER BY name")
        #expect(names == [["history_transactions_by_item"], ["history_transactions_by_tx"]])
        // In the table's order now: sequence, then id; and read back through the checksums.
        let order = rows.sorted { $0.precedes($1) }.map(\.transaction)
        let listing = "SELECT tx FROM history_transactions ORDER BY sequence, tx"
        #expect(try migrated.textRows(listing).map { $0[0] ?? "" } == order)
        #expect(!(try Self.plan(migrated, listing)).contains("TEMP B-TREE"))
        #expect(try migrated.historyTransactionRecords(item: "I1").count == 3)
        // Run again on a migrated file (its version set back), it keeps the rows.
        try migrated.connection.execute("PRAGMA user_version = \(HistoryTransactionSchema.sequenceVersion - 1)")
        let again = try EventStore(path: file.path)
        #expect(try again.textRows("SELECT \(Self.columns) FROM history_transactions ORDER BY tx") == stored)
    }
}
