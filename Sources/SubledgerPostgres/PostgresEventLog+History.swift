// The history tables of a PostgreSQL ledger (HistoryTableStore, DR-47): one projector at a time, across
// every process and node. A run's transaction first locks the watermark row (SELECT ... FOR UPDATE): a
// second projector waits there until the first commits, then reads the watermark the first moved (READ
// COMMITTED re-reads a locked row after the wait) and projects only what is after it, so no row is ever
// written twice and none is left out. The log's appends take their own advisory lock, never this row, so
// a long projection never holds up a post.
//
// Every table name is qualified with the ledger's schema: a verification's scratch tables are temporary
// tables of the same names, and PostgreSQL looks in the session's temporary schema first.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog: HistoryTableStore {
    /// The schema's tables, qualified.
    var historyPrefix: String { PostgresSchema.quoted(schema) + "." }
    static let scratchPrefix = "pg_temp."

    public var hasHistoryTables: Bool {
        let query: PostgresQuery = """
            SELECT count(*) FROM pg_tables WHERE schemaname = \(schema) AND tablename = 'history_watermark'
            """
        return (try? session.scalarInt64(query)) == 1
    }

    public func historyWatermark() throws(StoreError) -> Int64 {
        try session.scalarInt64(
            PostgresQuery(
                unsafeSQL: "SELECT sequence FROM \(historyPrefix)history_watermark WHERE name = 'events'")) ?? 0
    }

    public func writeHistory(
        fresh: Bool, scratch: Bool,
        _ body: (any HistoryRowWriter, _ from: Int64, _ latestDay: Int32) throws -> (through: Int64, latestDay: Int32)
    ) throws {
        let prefix = scratch ? Self.scratchPrefix : historyPrefix
        // A rebuild empties the as-of day sums and a verification reads them: a role granted before
        // migration 7 may do neither, and is told what its owner runs rather than shown a refused DELETE.
        if fresh || scratch, schemaVersion >= PostgresAsOfDaySumsSchema.version,
            !PostgresAsOfDaySumsSchema.usable(session, prefix: historyPrefix)
        {
            throw StoreError.logFailure(.readOnly, "subledger: " + PostgresAsOfDaySumsSchema.missingGrant)
        }
        try session.execute("BEGIN")
        do {
            // The lock: the ledger's own watermark row, also for a run into the scratch tables.
            let locked = try session.query(
                PostgresQuery(
                    unsafeSQL:
                        "SELECT sequence, latest_day FROM \(historyPrefix)history_watermark WHERE name = 'events' "
                        + "FOR UPDATE"))
            var start: (sequence: Int64, latestDay: Int32) = (0, 0)
            if let row = locked.first(where: { _ in true }) {
                start = try row.decode((Int64, Int32).self)
            }
            if fresh || scratch {
                let tables = PostgresHistorySchema.tables.filter { $0 != "history_watermark" }
                try session.pipeline(tables.map { PostgresQuery(unsafeSQL: "DELETE FROM \(prefix)\($0)") })
                // A rebuild empties the filter of closed ids with the rows (the writer adds the replay's ids);
                // a verification's scratch run compares the filter with the stored rows instead (DR-53).
                if !scratch && hasClosedIDFilter { try closedIDs.clear() }
                start = (0, 0)
            }
            let entries =
                try session.scalarInt64(
                    PostgresQuery(unsafeSQL: "SELECT max(entry) FROM \(prefix)history_settlements")) ?? 0
            let writer = PostgresHistoryWriter(session, prefix: prefix, nextEntry: entries + 1)
            writer.closedIDs = scratch || !hasClosedIDFilter ? nil : closedIDs
            let end = try body(writer, start.sequence, start.latestDay)
            try writer.finish(through: end.through, latestDay: end.latestDay)
            try session.execute("COMMIT")
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
    }

    public func historyRowCounts() throws(StoreError) -> [(table: String, rows: Int64)] {
        let tables = PostgresHistorySchema.tables
        let results = try session.pipeline(
            tables.map { PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(historyPrefix)\($0)") })
        var counts: [(String, Int64)] = []
        for (table, result) in zip(tables, results) {
            let rows = try? result.first(where: { _ in true })?.decode(Int64.self)
            counts.append((table, rows ?? 0))
        }
        return counts
    }

    public func createHistoryScratch() throws(StoreError) {
        dropHistoryScratch()
        let tables =
            PostgresHistorySchema.tableDefinitions(temporary: true)
            + PostgresEvictionSchema.tableDefinitions(temporary: true)
            + PostgresAsOfDaySumsSchema.tableDefinitions(temporary: true)
        try session.pipeline(tables.map { PostgresQuery(unsafeSQL: $0) })
    }

    public func dropHistoryScratch() {
        let tables = PostgresHistorySchema.tables.map { Self.scratchPrefix + $0 }.joined(separator: ", ")
        _ = try? session.execute("DROP TABLE IF EXISTS \(tables)")
    }

    /// For each table in key order, the first stored row the scratch table lacks and the first scratch row
    /// the stored table lacks (a changed row shows as both).
    public func historyScratchDifference() throws(StoreError) -> String? {
        for (table, key) in PostgresHistorySchema.keys {
            let stored = historyPrefix + table, fresh = Self.scratchPrefix + table
            let sides = try session.pipeline([
                PostgresQuery(
                    unsafeSQL: "SELECT * FROM (TABLE \(stored) EXCEPT ALL TABLE \(fresh)) d ORDER BY \(key) LIMIT 1"),
                PostgresQuery(
                    unsafeSQL: "SELECT * FROM (TABLE \(fresh) EXCEPT ALL TABLE \(stored)) d ORDER BY \(key) LIMIT 1"),
            ])
            var rows: [[String?]?] = []
            for side in sides {
                rows.append(
                    try side.first(where: { _ in true }).map { row throws(StoreError) in
                        try PostgresText.cells(row, session)
                    })
            }
            guard rows[0] != nil || rows[1] != nil else { continue }
            let words = rows.map { $0.map { "(\($0.map { $0 ?? "NULL" }.joined(separator: ", ")))" } ?? "no row" }
            return "\(table): stored \(words[0]) vs fresh \(words[1])"
        }
        return nil
    }

    /// The rows of a query as text (NULL as nil), for the tests and tools that read the views.
    package func textRows(_ sql: String) throws(StoreError) -> [[String?]] {
        let result = try session.execute(sql)
        var rows: [[String?]] = []
        for row in result { rows.append(try PostgresText.cells(row, session)) }
        return rows
    }
}
