// The history tables on the store: one write transaction per projection run, the reads as-of queries
// need, and a comparison of the tables with a fresh projection in a scratch database.

import CSQLite
import SubledgerCore

/// A close as the history keeps it.
public struct HistoryClose: Sendable, Equatable {
    public var sequence: Int64
    public var day: LedgerDate
    public var mode: String
    public var reversedBy: Int64?
    /// The latest business date of the events 1...sequence: a snapshot at this close stands for the state
    /// as of any date on or after it.
    public var latestDayThrough: Int32
}

extension EventStore {
    /// True when the file has the history tables (a ledger opened read-only at an older schema has not).
    public var hasHistoryTables: Bool {
        (try? connection.scalarInt64(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history_watermark'")) == 1
    }

    /// The last event projected into the history tables (0 when none).
    public func historyWatermark() throws(StoreError) -> Int64 {
        try connection.scalarInt64("SELECT sequence FROM history_watermark WHERE name = 'events'") ?? 0
    }

    /// Runs `body` with a writer in ONE `BEGIN IMMEDIATE` transaction: its rows and the watermark land
    /// together or not at all. `body` gets the watermark to project from and returns the new one.
    /// With `fresh`, the tables are emptied first (a rebuild; the secondary indexes are dropped and built
    /// again at the end, sorting once); `schema` names a scratch database instead
    /// of `main` (a verification).
    public func writeHistory(
        fresh: Bool = false, schema: String = "main",
        _ body: (HistoryWriter, _ from: Int64, _ latestDay: Int32) throws -> (through: Int64, latestDay: Int32)
    ) throws {
        try checkWritable()
        // Room for the index pages a month of voucher lines touches (SQLite's default cache is 2 MB): the
        // `tx` and account indexes take keys in no order, and a small cache spills and re-reads their pages.
        let cache = try connection.scalarInt64("PRAGMA cache_size") ?? -2000
        try connection.execute("PRAGMA cache_size = -131072")
        defer { try? connection.execute("PRAGMA cache_size = \(cache)") }
        try projectionCommitsWithoutSync()
        defer { restoreFullSync() }
        try connection.execute("BEGIN IMMEDIATE")
        do {
            if fresh {
                for table in HistorySchema.tables { try connection.execute("DELETE FROM \(schema).\(table)") }
            }
            if fresh { try dropHistoryIndexes(schema) }
            // Multi-row inserts: the one index left takes its keys at its right edge (HistoryWriter, DR-48).
            let writer = try HistoryWriter(connection, schema: schema)
            let start = try writer.watermark()
            let end = try body(writer, start.sequence, start.latestDay)
            try writer.finish(through: end.through, latestDay: end.latestDay)
            if fresh {  // sorted once
                try connection.execute(HistorySchema.indexDefinitions(in: schema))
                try fillHistoryRefs(schema)
            }
            try connection.execute("COMMIT")
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// A projection's commits do not wait for the disk (DR-67): its rows are a cache of the log, committed
    /// with the watermark that says how far they go, so a run a power cut takes back is projected again by
    /// the next one, and WAL keeps each commit atomic either way (a killed process loses nothing: the
    /// frames are in the file). A later commit of the log (FULL) syncs the WAL and every frame before it.
    func projectionCommitsWithoutSync() throws(StoreError) {
        syncLowered = true
        try connection.execute("PRAGMA synchronous = NORMAL")
    }

    /// Back to the connection's setting for the log's commits (`Connection.init`). SQLite refuses the
    /// change inside a transaction; the callers have ended theirs, and should one still be open (a failed
    /// rollback) the log's next append sets it first (`ensureFullSync`) instead of committing unsynced.
    func restoreFullSync() {
        if (try? connection.execute("PRAGMA synchronous = FULL")) != nil { syncLowered = false }
    }

    /// Before the log's own transaction: FULL again if a projection left it lowered, or the append is
    /// refused (its commit would not wait for the disk).
    func ensureFullSync() throws(StoreError) {
        guard syncLowered else { return }
        try connection.execute("PRAGMA synchronous = FULL")
        syncLowered = false
    }

    /// Drops the secondary indexes before a long incremental projection (`ensureHistoryIndexes` builds
    /// them again at its end, sorting once).
    public func dropHistoryIndexes() throws(StoreError) { try dropHistoryIndexes("main") }

    /// Builds any secondary index that is missing and keys the rows the key tables lack (DR-48): at the
    /// end of every projection, so an index dropped by a run that was killed comes back with the next one,
    /// and one sorted pass keys all of a close's lines and entries. Reads only when all is in place.
    public func ensureHistoryIndexes() throws(StoreError) {
        if try historyIndexCount() < HistorySchema.indexes.count {
            try connection.execute(HistorySchema.indexDefinitions(in: "main"))
        }
        try bringHistoryRefsUpToDate()
    }

    /// How many of the secondary indexes exist (in `main`, or in the scratch database `schema`).
    public func historyIndexCount(_ schema: String = "main") throws(StoreError) -> Int {
        let names = HistorySchema.indexes.map { "'\($0)'" }.joined(separator: ", ")
        return Int(
            try connection.scalarInt64(
                "SELECT count(*) FROM \(schema).sqlite_master WHERE type = 'index' AND name IN (\(names))") ?? 0)
    }

    private func dropHistoryIndexes(_ schema: String) throws(StoreError) {
        for index in HistorySchema.indexes { try connection.execute("DROP INDEX IF EXISTS \(schema).\(index)") }
    }

    /// Rows per history table, in `HistorySchema.tables` order.
    public func historyRowCounts(schema: String = "main") throws(StoreError) -> [(table: String, rows: Int64)] {
        var counts: [(String, Int64)] = []
        for table in HistorySchema.tables {
            counts.append((table, try connection.scalarInt64("SELECT count(*) FROM \(schema).\(table)") ?? 0))
        }
        return counts
    }

    /// Each account's balance through `day` (inclusive), from the GL days.
    public func historyBalances(through day: LedgerDate) throws(StoreError) -> [String: Money] {
        let statement = try connection.prepare(
            "SELECT account, sum(amount) FROM history_gl_days WHERE day <= ?1 GROUP BY account")
        try statement.bind(Int64(day.yyyymmdd), at: 1)
        var balances: [String: Money] = [:]
        while try statement.step() { balances[statement.text(at: 0)] = Money(units: statement.int64(at: 1)) }
        return balances
    }

    /// The voucher lines of every event dated through `day`, of one reference (`tx`) or all, in log order;
    /// `body` gets the sequence, date, event type, reference and the line.
    public func historyVoucherLines(
        reference: String?, through day: LedgerDate,
        _ body: (Int64, LedgerDate, String, String, VoucherLine) throws -> Void
    ) throws {
        let statement = try connection.prepare(voucherLinesSQL(byReference: reference != nil))
        try statement.bind(Int64(day.yyyymmdd), at: 1)
        if let reference { try statement.bind(reference, at: 2) }
        while try statement.step() {
            let sequence = statement.int64(at: 0)
            guard let date = LedgerDate(yyyymmdd: Int32(truncatingIfNeeded: statement.int64(at: 1))),
                let postingType = PostingType(rawValue: statement.text(at: 4))
            else {
                throw StoreError.corrupt(
                    "history_voucher_lines: the line of event \(sequence) cannot be read; run `subledger rebuild`")
            }
            let line = VoucherLine(postingType, statement.text(at: 5), Money(units: statement.int64(at: 6)))
            try body(sequence, date, statement.text(at: 2), statement.text(at: 3), line)
        }
    }

    /// Columns: sequence, day, event type, tx, posting type, account, amount, line. Two texts, not
    /// `(?2 IS NULL OR l.tx = ?2)`: SQLite cannot take a lookup by id for that OR, and one transaction's
    /// lines then cost a scan of every voucher line (0.7 s on the 1M ledger). By id: through the key
    /// table, and the lines past its watermark scanned (DR-48); a file older than the key table (opened
    /// read-only) has the index by `tx` instead.
    func voucherLinesSQL(byReference: Bool) -> String {
        let columns = "l.sequence, l.day, e.type, l.tx, l.posting_type, l.account, l.amount, l.line"
        let lines = "history_voucher_lines l JOIN events e ON e.sequence = l.sequence"
        guard byReference else { return "SELECT \(columns) FROM \(lines) WHERE l.day <= ?1 ORDER BY 1, 8" }
        guard hasHistoryRefs else {
            return "SELECT \(columns) FROM \(lines) WHERE l.day <= ?1 AND l.tx = ?2 ORDER BY 1, 8"
        }
        return """
            SELECT \(columns) FROM history_voucher_line_refs k
                JOIN history_voucher_lines l ON l.sequence = k.sequence AND l.line = k.line
                JOIN events e ON e.sequence = l.sequence
            WHERE k.tx = ?2 AND l.day <= ?1
            UNION ALL
            SELECT \(columns) FROM \(lines)
            WHERE l.sequence > \(HistoryRefsSchema.watermark("voucher_lines", in: "main"))
                AND l.tx = ?2 AND l.day <= ?1
            ORDER BY 1, 8
            """
    }

    /// Every close and recalculation projected so far, oldest first.
    public func historyCloses() throws(StoreError) -> [HistoryClose] {
        let statement = try connection.prepare(
            "SELECT close_sequence, day, mode, reversed_by, latest_day_through FROM history_closes ORDER BY 1")
        var closes: [HistoryClose] = []
        while try statement.step() {
            guard let day = LedgerDate(yyyymmdd: Int32(truncatingIfNeeded: statement.int64(at: 1))) else {
                throw .corrupt("history_closes: a close with an invalid date; run `subledger rebuild`")
            }
            closes.append(
                HistoryClose(
                    sequence: statement.int64(at: 0), day: day, mode: statement.text(at: 2),
                    reversedBy: statement.isNull(at: 3) ? nil : statement.int64(at: 3),
                    latestDayThrough: Int32(truncatingIfNeeded: statement.int64(at: 4))))
        }
        return closes
    }

    /// The rows of a query as text (NULL as nil), for the tests and tools that read the views.
    package func textRows(_ sql: String) throws(StoreError) -> [[String?]] {
        let statement = try connection.prepare(sql)
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append(
                (0..<sqlite3_column_count(statement.handle)).map {
                    statement.isNull(at: $0) ? nil : statement.text(at: $0)
                })
        }
        return rows
    }

    /// Creates a scratch database `schema` holding empty history tables, for a fresh projection to be
    /// compared with the stored one (`historyDifference`); `detachScratch` drops it. It is a temporary
    /// file SQLite deletes when it is detached (not memory: a million events' lines are hundreds of MB).
    public func attachScratch(_ schema: String) throws(StoreError) {
        try connection.execute("ATTACH DATABASE '' AS \(schema)")
        try connection.execute(HistorySchema.tables(in: schema))
        try connection.execute(CloseSummarySchema.tableDefinitions(in: schema))
        try connection.execute(EvictedSumsSchema.tableDefinitions(in: schema))
        try connection.execute(AsOfDaySumsSchema.tableDefinitions(in: schema))
        try connection.execute(SettlementDaysSchema.tableDefinitions(in: schema))
        try connection.execute(HistoryRefsSchema.tableDefinitions(in: schema))
    }

    public func detachScratch(_ schema: String) {
        try? connection.execute("DETACH DATABASE \(schema)")
    }

    /// The first row in which a history table differs from the same table in `schema`, in words, or nil.
    /// Both sides are read in key order and compared row by row: one pass, no temporary index.
    public func historyDifference(from schema: String) throws(StoreError) -> String? {
        for (table, key) in HistorySchema.keys {
            let stored = try connection.prepare("SELECT * FROM main.\(table) ORDER BY \(key)")
            let fresh = try connection.prepare("SELECT * FROM \(schema).\(table) ORDER BY \(key)")
            while true {
                let left = try stored.step() ? EventStore.cells(stored) : nil
                let right = try fresh.step() ? EventStore.cells(fresh) : nil
                if left == right {
                    if left == nil { break }
                    continue
                }
                let storedRow = left.map { "(\($0.joined(separator: ", ")))" } ?? "no row"
                let freshRow = right.map { "(\($0.joined(separator: ", ")))" } ?? "no row"
                return "\(table): stored \(storedRow) vs fresh \(freshRow)"
            }
        }
        return nil
    }

    private static func cells(_ statement: Statement) -> [String] {
        (0..<sqlite3_column_count(statement.handle)).map { statement.isNull(at: $0) ? "NULL" : statement.text(at: $0) }
    }
}
