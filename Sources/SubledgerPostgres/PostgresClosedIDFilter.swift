// The filter of closed ids on PostgreSQL (DR-53, the file's DR-52): without it a ledger looks every new id
// of a command up in `history_transactions`, a round trip each (an import pays one per posting; a `serve`
// node one per POST, under the append lock). Migration 6's tables hold the file's rows (the codec of
// ClosedIDFilterSource.swift), written in the transaction that writes the history rows: a close's or a
// backfill's save (`saveHistoryTransactions`), a rebuild's run (`writeHistory` empties the filter, the
// writer's `historyTransactions` adds the replay's ids). A verification's scratch run leaves it alone.
// The coverage row follows the file's rule: migration 6 finds history rows and marks the filter not
// covering; nothing reads it then, and the next save makes it from every id of the table.

import PostgresNIO
import SubledgerStore

enum PostgresClosedIDFilterSchema {
    /// The schema version that has the tables (migration 6 in `PostgresSchema.migrations`).
    static let version = 6

    static let tables = ["history_id_filter", "history_id_filter_coverage"]

    /// Migration 6. Re-run on a migrated database, it keeps what is there.
    static let migration: [String] = [
        """
        CREATE TABLE IF NOT EXISTS history_id_filter(
            segment bigint PRIMARY KEY CHECK(segment >= 0), capacity bigint NOT NULL CHECK(capacity > 0),
            count bigint NOT NULL CHECK(count >= 0), bits bytea NOT NULL, checksum bigint NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS history_id_filter_coverage(
            id integer PRIMARY KEY CHECK(id = 1), covered integer NOT NULL CHECK(covered IN (0, 1)))
        """,
        """
        INSERT INTO history_id_filter_coverage(id, covered)
        SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM history_transactions) THEN 0 ELSE 1 END
        ON CONFLICT (id) DO NOTHING
        """,
    ]

    /// As the other history tables (DR-47): the ledger's role rewrites them.
    static func grants(role: String, schema: String) -> [String] {
        let tables = Self.tables.map { "\(schema).\($0)" }.joined(separator: ", ")
        return ["REVOKE ALL ON \(tables) FROM \(role)", "GRANT SELECT, INSERT, UPDATE, DELETE ON \(tables) TO \(role)"]
    }
}

/// The filter's tables in one schema, on one session (the log's, inside the caller's transaction).
struct PostgresClosedIDs {
    let session: PostgresSession
    /// The ledger's schema, qualified ("public.").
    let prefix: String

    /// What the tables hold.
    enum Stored {
        case usable(ClosedIDFilter)
        case notCovering
        case damaged(ClosedIDFilterRows.DamagedSegment)
    }

    func stored() throws(StoreError) -> Stored {
        let covered = try session.scalarInt64(
            PostgresQuery(unsafeSQL: "SELECT covered FROM \(prefix)history_id_filter_coverage WHERE id = 1"))
        guard covered == 1 else { return .notCovering }
        let sql = "SELECT segment, capacity, count, bits, checksum FROM \(prefix)history_id_filter ORDER BY segment"
        var rows: [ClosedIDFilterRow] = []
        for cells in try session.execute(sql) {
            do {
                let (segment, capacity, count, bits, checksum) =
                    try cells.decode((Int64, Int64, Int64, ByteBuffer, Int64).self)
                rows.append(
                    ClosedIDFilterRow(
                        segment: segment, capacity: capacity, count: count, bits: Array(bits.readableBytesView),
                        checksum: checksum))
            } catch {
                throw session.storeError(error, sql: sql)
            }
        }
        switch ClosedIDFilterRows.filter(rows) {
        case .success(let filter): return .usable(filter)
        case .failure(let damaged): return .damaged(damaged)
        }
    }

    func usable() throws(StoreError) -> ClosedIDFilter? {
        if case .usable(let filter) = try stored() { return filter }
        return nil
    }

    /// Adds `ids` (history rows just written, in this transaction); a filter not covering the table, or
    /// damaged, is made again from every id of the table.
    func add(_ ids: [String]) throws(StoreError) {
        let stored = try usable()
        let (filter, changed) = try ClosedIDFilterRows.adding(ids, to: stored) { () throws(StoreError) -> [String] in
            var all: [String] = []
            try forEachID { all.append($0) }
            return all
        }
        try save(filter, changed: changed)
    }

    /// Empties the filter, covering the (emptied) table: a rebuild refills both.
    func clear() throws(StoreError) { try save(ClosedIDFilter(), changed: nil) }

    /// Writes the segments `changed` (all, the others deleted, when nil) and marks the filter covering.
    private func save(_ filter: ClosedIDFilter, changed: [Int]?) throws(StoreError) {
        var statements: [PostgresQuery] = []
        if changed == nil { statements.append(PostgresQuery(unsafeSQL: "DELETE FROM \(prefix)history_id_filter")) }
        for row in ClosedIDFilterRows.rows(filter, changed: changed) {
            statements.append(
                """
                INSERT INTO \(unescaped: prefix)history_id_filter VALUES (\(row.segment), \(row.capacity),
                \(row.count), \(ByteBuffer(bytes: row.bits)), \(row.checksum)) ON CONFLICT (segment) DO UPDATE
                SET capacity = excluded.capacity, count = excluded.count, bits = excluded.bits,
                checksum = excluded.checksum
                """)
        }
        statements.append(
            PostgresQuery(
                unsafeSQL: "INSERT INTO \(prefix)history_id_filter_coverage VALUES (1, 1) "
                    + "ON CONFLICT (id) DO UPDATE SET covered = 1"))
        try session.pipeline(statements)
    }

    /// Every id of `history_transactions`, in keyset pages of its id index (one page in memory at a time).
    func forEachID(_ body: (String) throws(StoreError) -> Void) throws(StoreError) {
        var after: String?
        while true {
            var binds = PostgresBindings()
            var sql = "SELECT tx FROM \(prefix)history_transactions"
            if let after {
                binds.append(after)
                sql += " WHERE tx > $1"
            }
            sql += " ORDER BY tx LIMIT \(Self.pageSize)"
            var count = 0
            for cells in try session.query(PostgresQuery(unsafeSQL: sql, binds: binds)) {
                let id: String
                do { id = try cells.decode(String.self) } catch { throw session.storeError(error, sql: sql) }
                try body(id)
                after = id
                count += 1
            }
            if count < Self.pageSize { return }
        }
    }

    static let pageSize = 65_536

    /// `replay --verify`'s difference: a damaged segment, or the first history id the filter misses.
    func difference() throws(StoreError) -> String? {
        let filter: ClosedIDFilter
        switch try stored() {
        case .notCovering: return nil  // nothing reads it: not filled yet is not damage
        case .damaged(let damaged): return damaged.message
        case .usable(let usable): filter = usable
        }
        var found: String?
        try forEachID { id throws(StoreError) in
            if found == nil { found = ClosedIDFilterRows.missing(filter, id) }
        }
        return found
    }
}

extension PostgresEventLog: ClosedIDFilterSource {
    var hasClosedIDFilter: Bool { schemaVersion >= PostgresClosedIDFilterSchema.version }

    var closedIDs: PostgresClosedIDs { PostgresClosedIDs(session: session, prefix: historyPrefix) }

    public func closedIDFilter() throws(StoreError) -> ClosedIDFilter? {
        hasClosedIDFilter ? try closedIDs.usable() : nil
    }

    public func closedIDFilterDifference() throws(StoreError) -> String? {
        hasClosedIDFilter ? try closedIDs.difference() : nil
    }
}
