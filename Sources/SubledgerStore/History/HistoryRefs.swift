// The lookups of voucher lines and settlement entries by transaction id, as key tables instead of SQLite
// indexes (DR-48, migration 16). An index takes each row's key when the row goes in: a later close's rows
// go in log order, their ids in no order, and each key lands on a random page of a B-tree as large as the
// whole history (month 2's close paid about 0.6 s more than month 1's at 200,000 postings for the voucher
// lines alone). A key table is filled once per projection by one INSERT ... SELECT ... ORDER BY: SQLite
// sorts the new keys and walks the B-tree once in order, which costs a later month what building the
// index costs month 1. The watermark table says through which row each key table is filled; a read also
// scans the rows past it (none, unless a run was killed between its rows and its keys), so a lagging key
// table is never a missing row.

enum HistoryRefsSchema {
    static let tables = ["history_voucher_line_refs", "history_settlement_refs", "history_refs_watermark"]
    static let keys = [
        ("history_voucher_line_refs", "tx, sequence, line"), ("history_settlement_refs", "tx, entry"),
        ("history_refs_watermark", "name"),
    ]

    /// The schema version that has the key tables (its place in `Schema.migrations`).
    static let version = Int64((Schema.migrations.firstIndex(of: migration) ?? Int(Int32.max) - 1) + 1)

    /// The indexes the key tables replace (`HistorySchema.shippedIndexDefinitions`).
    static let replacedIndexes = [
        "history_voucher_lines_by_tx", "history_settlements_by_tx", "history_settlements_by_counterpart",
    ]

    /// Migration 16: the indexes by id go, the key tables come, filled from the stored rows. `IF EXISTS`,
    /// `IF NOT EXISTS` and `OR IGNORE` throughout: a file set back re-runs it.
    static let migration =
        replacedIndexes.map { "DROP INDEX IF EXISTS \($0);" }.joined(separator: "\n") + "\n"
        + tableDefinitions(in: "main") + "\n" + fill(in: "main")

    /// `tx` holds both the entry's transaction and its counterpart: a transaction's entries are those
    /// that change it or settle against it (`historySettlements(naming:)`).
    static func tableDefinitions(in schema: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(schema).history_voucher_line_refs(
            tx TEXT NOT NULL, sequence INTEGER NOT NULL, line INTEGER NOT NULL,
            PRIMARY KEY(tx, sequence, line)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_settlement_refs(
            tx TEXT NOT NULL, entry INTEGER NOT NULL, PRIMARY KEY(tx, entry)) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS \(schema).history_refs_watermark(
            name TEXT PRIMARY KEY, through INTEGER NOT NULL) STRICT;
        """
    }

    /// The last voucher line's sequence and the last settlement entry the key tables hold.
    static func watermark(_ name: String, in schema: String) -> String {
        "coalesce((SELECT through FROM \(schema).history_refs_watermark WHERE name = '\(name)'), 0)"
    }

    /// The keys of the rows past the watermark, sorted, then the watermark moved to the last row. Voucher
    /// lines and settlement entries are only ever appended (a line's key starts with its event's sequence,
    /// an entry's is the next rowid), so the rows past the watermark are exactly those not yet keyed.
    static func fill(in schema: String) -> String {
        """
        INSERT OR IGNORE INTO \(schema).history_voucher_line_refs
            SELECT tx, sequence, line FROM \(schema).history_voucher_lines
            WHERE sequence > \(watermark("voucher_lines", in: schema)) ORDER BY tx, sequence, line;
        INSERT OR IGNORE INTO \(schema).history_settlement_refs
            SELECT tx, entry FROM \(schema).history_settlements
            WHERE entry > \(watermark("settlements", in: schema))
            UNION SELECT counterpart, entry FROM \(schema).history_settlements
            WHERE entry > \(watermark("settlements", in: schema))
            ORDER BY 1, 2;
        INSERT OR REPLACE INTO \(schema).history_refs_watermark
            SELECT 'voucher_lines', coalesce(max(sequence), 0) FROM \(schema).history_voucher_lines
            UNION ALL SELECT 'settlements', coalesce(max(entry), 0) FROM \(schema).history_settlements;
        """
    }
}

extension EventStore {
    /// Whether the file has the key tables (a ledger of an older schema opened read-only has not: it
    /// still has the indexes they replace).
    var hasHistoryRefs: Bool { schemaVersion >= HistoryRefsSchema.version }

    /// True when a row of the voucher lines or the settlements in `schema` is past the key tables'
    /// watermark: two reads at the tables' right edges.
    func historyRefsLag(_ schema: String = "main") throws(StoreError) -> Bool {
        let lag = try connection.scalarInt64(
            """
            SELECT (SELECT coalesce(max(sequence), 0) FROM \(schema).history_voucher_lines)
                       > \(HistoryRefsSchema.watermark("voucher_lines", in: schema))
                OR (SELECT coalesce(max(entry), 0) FROM \(schema).history_settlements)
                       > \(HistoryRefsSchema.watermark("settlements", in: schema))
            """)
        return lag == 1
    }

    /// Keys the rows past the watermark; inside the caller's transaction.
    func fillHistoryRefs(_ schema: String = "main") throws(StoreError) {
        try connection.execute(HistoryRefsSchema.fill(in: schema))
    }

    /// Keys the rows past the watermark in a transaction of its own, when any is (the end of every
    /// projection; a no-op read when the key tables are current).
    func bringHistoryRefsUpToDate() throws(StoreError) {
        guard hasHistoryRefs, try historyRefsLag() else { return }
        // Room for the key tables' pages a month of lines touches (SQLite's default cache is 2 MB).
        let cache = try connection.scalarInt64("PRAGMA cache_size") ?? -2000
        try connection.execute("PRAGMA cache_size = -131072")
        defer { try? connection.execute("PRAGMA cache_size = \(cache)") }
        try projectionCommitsWithoutSync()
        defer { restoreFullSync() }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            try fillHistoryRefs()
            try connection.execute("COMMIT")
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}
