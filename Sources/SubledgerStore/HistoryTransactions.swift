// The history of transactions (DR-22): every transaction a close moved out of the open state, one row
// each, written in the same SQLite transaction as the close's events (so a crash keeps both or neither).
// A projection, not the log: the row's `record` is the transaction record as the projection held it when
// the close evicted it, the other columns are readable copies of its main figures for SQL users, and the
// view `history_transactions_v` shows them as exact decimal text. A reversal deletes the rows of the
// closes it reverses (their transactions are back in the open state).
//
// Each row carries a checksum of its id, item and record (64-bit FNV-1a: one changed byte always changes
// it), checked on every read: a damaged row is an error, never a figure (DR-18).

import CSQLite
import SubledgerCore

enum HistoryTransactionSchema {
    /// The schema version that has the table (its place in `Schema.migrations`), found once: an import
    /// asks for every new id.
    static let version = Int64((Schema.migrations.firstIndex(of: migration) ?? Int(Int32.max) - 1) + 1)

    /// The schema version whose table is keyed by (sequence, tx), with the id index.
    static let sequenceVersion = Int64((Schema.migrations.firstIndex(of: sequenceOrder) ?? Int(Int32.max) - 1) + 1)

    /// Migration 7.
    static let migration = """
        CREATE TABLE IF NOT EXISTS history_transactions(
            tx TEXT PRIMARY KEY,
            item TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            closed_by INTEGER NOT NULL,
            date INTEGER NOT NULL,
            kind TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            posted_amount INTEGER NOT NULL,
            adjustment INTEGER NOT NULL,
            current_amount INTEGER NOT NULL,
            record BLOB NOT NULL,
            checksum INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        \(itemIndex)
        \(view)
        """

    /// The table's figures as exact decimal text.
    static let view = """
        CREATE VIEW IF NOT EXISTS history_transactions_v AS
        SELECT tx, item, sequence, closed_by,
               printf('%04d-%02d-%02d', date / 10000, date / 100 % 100, date % 100) AS date, kind,
               \(decimal("quantity", 4)) AS quantity,
               \(decimal("posted_amount", 2)) AS posted_amount,
               \(decimal("adjustment", 2)) AS adjustment,
               \(decimal("current_amount", 2)) AS current_amount
        FROM history_transactions;
        """

    /// The index `transactions --item` and the as-of reads of one item take (a bulk save builds it last).
    static let itemIndex =
        "CREATE INDEX IF NOT EXISTS history_transactions_by_item ON history_transactions(item, sequence);"

    /// The lookup of one transaction by id (an import asks for every new id), unique: a row saved for an
    /// id already there replaces it. A bulk save builds it last, like the item index.
    static let idIndex =
        "CREATE UNIQUE INDEX IF NOT EXISTS history_transactions_by_tx ON history_transactions(tx);"

    /// Migration 12: the table keyed by `(sequence, tx)`, the listing order, instead of by `tx`. A close's
    /// rows, written in that order, append at the end of the table's B-tree instead of being inserted into
    /// the middle of an ever-growing one (a record of about 250 bytes per row); a page of transactions in
    /// listing order (`WHERE sequence > ? ORDER BY sequence, tx LIMIT ?`) and the full reads in log order
    /// are ranges of the table, with no sort and no index. The id lookup goes through `idIndex`. An
    /// existing file's rows are copied over in the new order; re-run on a migrated file, it copies again.
    /// The legacy rename: a view another migration made over the table names it by its final name, and
    /// the checked rename refuses to run while the table that name refers to is dropped.
    static let sequenceOrder = """
        CREATE TABLE IF NOT EXISTS history_transactions_13(
            tx TEXT NOT NULL,
            item TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            closed_by INTEGER NOT NULL,
            date INTEGER NOT NULL,
            kind TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            posted_amount INTEGER NOT NULL,
            adjustment INTEGER NOT NULL,
            current_amount INTEGER NOT NULL,
            record BLOB NOT NULL,
            checksum INTEGER NOT NULL,
            PRIMARY KEY(sequence, tx)
        ) STRICT, WITHOUT ROWID;
        INSERT OR REPLACE INTO history_transactions_13(\(columns))
            SELECT \(columns) FROM history_transactions ORDER BY sequence, tx;
        DROP VIEW IF EXISTS history_transactions_v;
        DROP TABLE history_transactions;
        PRAGMA legacy_alter_table = ON;
        ALTER TABLE history_transactions_13 RENAME TO history_transactions;
        PRAGMA legacy_alter_table = OFF;
        \(idIndex)
        \(itemIndex)
        \(view)
        """

    /// The table's columns in their order.
    static let columns =
        "tx, item, sequence, closed_by, date, kind, quantity, posted_amount, adjustment, current_amount, "
        + "record, checksum"

    /// SQL for the exact decimal text of an integer column with `scale` decimals (`-12.50`).
    static func decimal(_ column: String, _ scale: Int) -> String {
        let unit = (0..<scale).reduce(1) { value, _ in value * 10 }
        return "printf('%s%d.%0\(scale)d', CASE WHEN \(column) < 0 THEN '-' ELSE '' END, "
            + "abs(\(column)) / \(unit), abs(\(column)) % \(unit))"
    }
}

/// One row of `history_transactions`.
public struct HistoryTransactionRow: Sendable {
    public var transaction: String
    public var item: String
    public var sequence: Int64
    /// Sequence of the `close.posted` event of the close that evicted it.
    public var closedBy: Int64
    public var date: Int64
    public var kind: String
    public var quantity: Int64
    public var postedAmount: Int64
    public var adjustment: Int64
    public var currentAmount: Int64
    public var record: [UInt8]

    public init(
        transaction: String, item: String, sequence: Int64, closedBy: Int64, date: Int64, kind: String,
        quantity: Int64, postedAmount: Int64, adjustment: Int64, currentAmount: Int64, record: [UInt8]
    ) {
        self.transaction = transaction
        self.item = item
        self.sequence = sequence
        self.closedBy = closedBy
        self.date = date
        self.kind = kind
        self.quantity = quantity
        self.postedAmount = postedAmount
        self.adjustment = adjustment
        self.currentAmount = currentAmount
        self.record = record
    }
}

extension HistoryTransactionRow {
    /// The table's key order: sequence, then id (for ASCII ids `<` is SQLite's byte order; for others an
    /// order that differs costs only speed, the table orders its keys itself).
    func precedes(_ other: HistoryTransactionRow) -> Bool {
        sequence != other.sequence ? sequence < other.sequence : transaction < other.transaction
    }
}

extension EventStore {
    /// Whether the file has the history table (a ledger of an older schema opened read-only has not).
    public var hasTransactionHistory: Bool { schemaVersion >= HistoryTransactionSchema.version }

    /// Writes `rows` (a row for an id already there replaces it). Call it inside an append body, so the
    /// rows commit or roll back with the command's events.
    public func saveHistoryTransactions(_ rows: [HistoryTransactionRow]) throws(StoreError) {
        var pending: [HistoryTransactionRow]? = rows
        try saveHistoryTransactions(batches: {
            defer { pending = nil }
            return pending
        })
    }

    /// Writes the rows `next` hands over batch by batch until it returns nil (a close's 890,000 rows need
    /// not sit in memory at once beside their records). Call it inside an append body, so the rows commit
    /// or roll back with the command's events, the index rebuilt below included.
    public func saveHistoryTransactions(batches next: () -> [HistoryTransactionRow]?) throws(StoreError) {
        guard var batch = next(), !batch.isEmpty else { return }
        try checkWritable()
        // Room for the index pages a large close touches (SQLite's default cache is 2 MB); the pages are
        // dirty in the command's transaction anyway, this only keeps them from being spilled and re-read.
        let cache = try connection.scalarInt64("PRAGMA cache_size") ?? -2000
        try connection.execute("PRAGMA cache_size = -65536")
        defer { try? connection.execute("PRAGMA cache_size = \(cache)") }
        // Into an empty table (the first close after an import, a rebuild, a backfill) the item and id
        // indexes are built once after the rows, one sort each, instead of taking each row's key in random
        // order (about 30% of the insert's cost at 890,000 rows). In the caller's transaction: a crash or
        // error keeps the table and its indexes as they were. A later close inserts: rebuilding would sort
        // the whole history at every close. Never outside a transaction: a crash there would leave an index
        // dropped. Without the id index a row for an id already there is not replaced: the rows of one
        // save name each transaction once (a close evicts a transaction once).
        let empty = try !hasHistoryTransactions()
        let bulk = empty && connection.isInTransaction && schemaVersion >= HistoryTransactionSchema.sequenceVersion
        if bulk {
            try connection.execute("DROP INDEX IF EXISTS history_transactions_by_item")
            try connection.execute("DROP INDEX IF EXISTS history_transactions_by_tx")
        }
        let insert = try connection.prepare(
            """
            INSERT OR REPLACE INTO history_transactions(tx, item, sequence, closed_by, date, kind, quantity,
                posted_amount, adjustment, current_amount, record, checksum) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        var ids: [String] = []
        while true {
            try insertRows(batch, with: insert)
            ids.append(contentsOf: batch.lazy.map(\.transaction))
            guard let following = next() else { break }
            batch = following
        }
        if bulk {
            // Sorted in runs of a few MiB and merged (SQLite sizes its sorter's runs by the cache): one run of
            // the whole 64 MiB cache sorts 890,000 keys in one list that misses the CPU's caches, and took 1.7x
            // the CPU of the by-item index (DR-67). The rows' dirty pages are spilled to the WAL meanwhile, as
            // they would be at the commit.
            try connection.execute("PRAGMA cache_size = \(Self.indexBuildCache)")
            try connection.execute(HistoryTransactionSchema.idIndex)
            try connection.execute(HistoryTransactionSchema.itemIndex)
        }
        // The filter an import asks before looking an id up (DR-52), in the same transaction as the rows.
        try addClosedIDs(ids)
    }

    /// The cache while the bulk save builds its indexes: SQLite's default (2 MB) doubled.
    static let indexBuildCache = -4096

    private func insertRows(_ rows: [HistoryTransactionRow], with insert: Statement) throws(StoreError) {
        // In key order: each row then lands next to the previous one in the table's key order, at its end
        // for a close's rows, instead of on a random page of it (random order thrashed the cache).
        let sorted = rows.indices.dropFirst().allSatisfy { rows[$0 - 1].precedes(rows[$0]) }
        for row in sorted ? rows : rows.sorted(by: { $0.precedes($1) }) {
            try insert.bind(row.transaction, at: 1)
            try insert.bind(row.item, at: 2)
            try insert.bind(row.sequence, at: 3)
            try insert.bind(row.closedBy, at: 4)
            try insert.bind(row.date, at: 5)
            try insert.bind(row.kind, at: 6)
            try insert.bind(row.quantity, at: 7)
            try insert.bind(row.postedAmount, at: 8)
            try insert.bind(row.adjustment, at: 9)
            try insert.bind(row.currentAmount, at: 10)
            try insert.bind(row.record, at: 11)
            try insert.bind(Self.historyChecksum(row.transaction, row.item, row.record), at: 12)
            try insert.run()
        }
    }

    /// Writes `rows` in a transaction of their own (filling the table of a ledger that lacked it).
    public func saveHistoryTransactionsAtomically(_ rows: [HistoryTransactionRow]) throws(StoreError) {
        try checkWritable()
        try beginImmediate.run()
        do {
            try saveHistoryTransactions(rows)
            try commit.run()
        } catch {
            rollbackQuietly()
            throw error
        }
    }

    /// Replaces every row with `rows` (`subledger rebuild`); call it inside a transaction.
    public func replaceHistoryTransactions(_ rows: [HistoryTransactionRow]) throws(StoreError) {
        guard hasTransactionHistory else { return }
        try connection.execute("DELETE FROM history_transactions")
        try clearClosedIDFilter()
        try saveHistoryTransactions(rows)
    }

    /// Deletes the rows of the transactions the close at `closedBy` evicted (it is being reversed).
    public func deleteHistoryTransactions(closedBy: Int64) throws(StoreError) {
        guard hasTransactionHistory else { return }
        let delete = try connection.prepare("DELETE FROM history_transactions WHERE closed_by = ?")
        try delete.bind(closedBy, at: 1)
        try delete.run()
    }

    /// Calls `body` with each stored record, of one item or all, in log order (one row in memory at a time).
    public func forEachHistoryTransactionRecord(
        item: String?, closedThrough close: Int64? = nil, _ body: ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        guard hasTransactionHistory else { return }
        // `closedThrough`: only the rows of closes at or before that sequence (the state as of a close).
        // Conditions spelled out, not `?1 IS NULL OR item = ?1`: that form keeps SQLite off the item index.
        var conditions: [String] = []
        if item != nil { conditions.append("item = ?1") }
        if close != nil { conditions.append("closed_by <= ?2") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let select = try connection.prepare(
            "SELECT tx, item, record, checksum FROM history_transactions\(filter) ORDER BY sequence")
        if let item { try select.bind(item, at: 1) }
        if let close { try select.bind(close, at: 2) }
        while try select.step() { try body(try Self.checkedHistoryRecord(select).record) }
    }

    /// 64-bit FNV-1a over the id, the item and the record, each followed by 0xFF (not in UTF-8).
    public static func historyChecksum(_ transaction: String, _ item: String, _ record: [UInt8]) -> Int64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        for byte in transaction.utf8 { add(byte) }
        add(0xFF)
        for byte in item.utf8 { add(byte) }
        add(0xFF)
        for byte in record { add(byte) }
        add(0xFF)
        return Int64(bitPattern: hash)
    }

    /// The current row of a statement selecting `tx, item, record, checksum`, checked against its checksum.
    static func checkedHistoryRecord(_ row: Statement) throws(StoreError) -> (item: String, record: [UInt8]) {
        let transaction = row.text(at: 0), item = row.text(at: 1), record = row.blob(at: 2)
        guard historyChecksum(transaction, item, record) == row.int64(at: 3) else {
            throw StoreError.corrupt(
                "the history row of transaction '\(transaction.prefix(80))' does not match its checksum: "
                    + "the file is damaged; run `subledger verify`")
        }
        return (item, record)
    }

    /// Every history row's item, by transaction id.
    public func historyTransactionItems() throws(StoreError) -> [String: String] {
        guard hasTransactionHistory else { return [:] }
        let select = try connection.prepare("SELECT tx, item, record, checksum FROM history_transactions")
        var items: [String: String] = [:]
        while try select.step() { items[select.text(at: 0)] = try Self.checkedHistoryRecord(select).item }
        return items
    }

    /// Number of rows in the history table.
    public func historyTransactionCount() throws(StoreError) -> Int {
        guard hasTransactionHistory else { return 0 }
        return Int(try connection.scalarInt64("SELECT count(*) FROM history_transactions") ?? 0)
    }

    /// Whether the history table holds any row.
    public func hasHistoryTransactions() throws(StoreError) -> Bool {
        guard hasTransactionHistory else { return false }
        return try connection.scalarInt64("SELECT EXISTS (SELECT 1 FROM history_transactions)") == 1
    }

    /// Every `close.reversed` event after `sequence`: its sequence, version and payload (to decode).
    public func closeReversals(after sequence: Int64) throws(StoreError) -> [(Int64, Int, [UInt8])] {
        let select = try connection.prepare(
            "SELECT sequence, version, payload FROM events WHERE \(CloseLogSchema.filter) AND sequence > ? "
                + "AND type = 'close.reversed' ORDER BY sequence")
        try select.bind(sequence, at: 1)
        var rows: [(Int64, Int, [UInt8])] = []
        while try select.step() { rows.append((select.int64(at: 0), Int(select.int64(at: 1)), select.blob(at: 2))) }
        return rows
    }
}

/// The file's lookup of one history record by transaction id, through one prepared statement (an import
/// asks once per new id). Keep it no longer than its store.
public final class SQLiteHistoryLookup: HistoryTransactionLookup {
    let store: EventStore
    private var statement: Statement?

    public init(_ store: EventStore) { self.store = store }

    /// The stored record of `transaction`, nil when the history holds none.
    public func record(_ transaction: String) throws(StoreError) -> [UInt8]? {
        guard store.hasTransactionHistory else { return nil }
        if statement == nil {
            statement = try store.connection.prepare(
                "SELECT tx, item, record, checksum FROM history_transactions WHERE tx = ?")
        }
        guard let statement else { return nil }
        defer { statement.reset() }
        try statement.bind(transaction, at: 1)
        return try statement.step() ? try EventStore.checkedHistoryRecord(statement).record : nil
    }
}
