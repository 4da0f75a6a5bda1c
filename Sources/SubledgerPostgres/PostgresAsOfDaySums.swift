// The as-of day sums on PostgreSQL (migration 7, DR-56; the file's DR-35, History/AsOfDaySums.swift in
// SubledgerStore): the file's four tables with its columns and keys, filled by the one fold in the facade
// (`HistoryTables.fillAsOfDaySums`) through `AsOfDaySumsStore`, so both stores hold the same rows. Items
// compare bytewise (COLLATE "C") as SQLite's text does, so a comparison in key order lists them alike. The
// file keeps no views of them, so neither does the database: the same questions, the same text.
//
// The sums of `figures` are `numeric` on PostgreSQL (SQLite's are 64-bit and fail past that): read as
// integer text (`PostgresText`, strictly) into the 128-bit totals, they are exact at any size.
//
// They are history tables (`PostgresHistorySchema.keys` lists them): a rebuild empties them with the others
// and the fill writes them again, `replay --verify` compares them with a fresh fill in scratch tables. The
// ledger's role gets DR-47's grants on them from `init --grant-to`; a role granted before migration 7 has
// none, and then its queries replay (`usable` is false) and a rebuild says what to run.

import PostgresNIO
import SubledgerCore
import SubledgerStore

enum PostgresAsOfDaySumsSchema {
    /// The schema version that has the tables (migration 7 in `PostgresSchema.migrations`).
    static let version = 7

    static let keys: [(table: String, key: String)] = [
        ("history_asof_days", "close_sequence, day"),
        (
            "history_asof_sums",
            "item, posted_accounts, invoice_accounts, receipt, offset_eligible, close_sequence, day, chunk"
        ),
        ("history_asof_pools", "item, close_sequence, day, chunk"),
        ("history_asof_gaps", "close_sequence, from_day, to_day"),
    ]

    static var tables: [String] { keys.map(\.table) }

    /// Migration 7. Re-run on a migrated database, it keeps what is there; the first projection after it
    /// fills every close in force from the log.
    static var migration: [String] { tableDefinitions(temporary: false) }

    static func tableDefinitions(temporary: Bool) -> [String] {
        let create = temporary ? "CREATE TEMPORARY TABLE" : "CREATE TABLE IF NOT EXISTS"
        return [
            """
            \(create) history_asof_days(
                close_sequence bigint NOT NULL, day integer NOT NULL, events bigint NOT NULL,
                PRIMARY KEY(close_sequence, day))
            """,
            """
            \(create) history_asof_sums(
                item text COLLATE "C" NOT NULL, posted_accounts integer NOT NULL, invoice_accounts integer NOT NULL,
                receipt integer NOT NULL, offset_eligible integer NOT NULL, close_sequence bigint NOT NULL,
                day integer NOT NULL, chunk integer NOT NULL, financial bigint NOT NULL,
                fixed_price_offset bigint NOT NULL, physical_open bigint NOT NULL, transactions bigint NOT NULL,
                PRIMARY KEY(
                    item, posted_accounts, invoice_accounts, receipt, offset_eligible, close_sequence, day, chunk))
            """,
            """
            \(create) history_asof_pools(
                item text COLLATE "C" NOT NULL, close_sequence bigint NOT NULL, day integer NOT NULL,
                chunk integer NOT NULL, value bigint NOT NULL, PRIMARY KEY(item, close_sequence, day, chunk))
            """,
            """
            \(create) history_asof_gaps(
                close_sequence bigint NOT NULL, from_day integer NOT NULL, to_day integer NOT NULL,
                PRIMARY KEY(close_sequence, from_day, to_day))
            """,
        ]
    }

    /// True when the session's role may read, write and delete every table (a role granted before
    /// migration 7 may not). A yes is kept for the session (every query asks); a no is asked again, so the
    /// owner's grant counts from the next query. A grant revoked from a running process shows as a refused
    /// statement there (an error, not a replay) until it reconnects.
    static func usable(_ session: PostgresSession, prefix: String) -> Bool {
        let key = "asof-day-sums " + prefix
        if session.passedPrivilegeChecks.contains(key) { return true }
        let checks = tables.flatMap { table in
            ["SELECT", "INSERT", "DELETE"].map { "has_table_privilege('\(prefix)\(table)', '\($0)')" }
        }
        let sql = "SELECT CASE WHEN " + checks.joined(separator: " AND ") + " THEN 1 ELSE 0 END"
        guard (try? session.scalarInt64(PostgresQuery(unsafeSQL: sql))) == 1 else { return false }
        session.passedPrivilegeChecks.insert(key)
        return true
    }

    static let missingGrant =
        "the ledger's role has no grant on the as-of day sums (PostgreSQL migration 7): the owner runs "
        + "`subledger init --grant-to ROLE` once more"
}

/// The tables in one schema (`prefix`: the ledger's, or "pg_temp." for a verification's scratch copies),
/// on the log's session, in the caller's transaction.
struct PostgresAsOfDaySums: AsOfDaySumsStore {
    typealias Rows = PostgresHistoryWriter.Rows
    let session: PostgresSession
    let prefix: String
    /// Rows per INSERT (12 parameters a row at most: 12,000 of PostgreSQL's 65,535); smaller in a test.
    var rowsPerStatement = PostgresHistoryWriter.rowsPerStatement

    func segments() throws(StoreError) -> Set<Int64> {
        let sql = "SELECT DISTINCT close_sequence FROM \(prefix)history_asof_days"
        var closes: Set<Int64> = []
        for row in try session.execute(sql) {
            do { closes.insert(try row.decode(Int64.self)) } catch { throw session.storeError(error, sql: sql) }
        }
        return closes
    }

    func save(close: Int64, _ segment: AsOfDaySegment) throws(StoreError) {
        try session.pipeline(statements(close: close, segment))
    }

    /// The INSERTs of a segment's rows, each of at most `rowsPerStatement` rows: the count is checked at
    /// every row, since one day of a large ledger can hold more rows than one statement may bind.
    func statements(close: Int64, _ segment: AsOfDaySegment) -> [PostgresQuery] {
        var statements: [PostgresQuery] = []
        var days = Rows(head: "INSERT INTO \(prefix)history_asof_days VALUES ", tail: "", columns: 3)
        for (date, count) in segment.events.sorted(by: { $0.key < $1.key }) {
            days.bindings.append(close)
            days.bindings.append(date)
            days.bindings.append(count)
            days.count += 1
            if days.count == rowsPerStatement { statements += [days.take()].compactMap { $0 } }
        }
        statements += [days.take()].compactMap { $0 }
        statements += sumRows(close: close, segment)
        var pools = Rows(head: "INSERT INTO \(prefix)history_asof_pools VALUES ", tail: "", columns: 5)
        for (date, items) in segment.pools {
            for (item, value) in items where !value.isZero {
                for (index, chunk) in AsOfDaySegment.poolChunks(value).enumerated() {
                    pools.bindings.append(item)
                    pools.bindings.append(close)
                    pools.bindings.append(date)
                    pools.bindings.append(Int32(index))
                    pools.bindings.append(chunk)
                    pools.count += 1
                    if pools.count == rowsPerStatement { statements += [pools.take()].compactMap { $0 } }
                }
            }
        }
        statements += [pools.take()].compactMap { $0 }
        for range in segment.gaps {
            statements.append(
                PostgresQuery(
                    unsafeSQL: "INSERT INTO \(prefix)history_asof_gaps VALUES (\(close), \(range[0]), \(range[1]))"))
        }
        return statements
    }

    /// The INSERTs of the groups' rows: each sum in the file's 64-bit chunks, the count on the first.
    private func sumRows(close: Int64, _ segment: AsOfDaySegment) -> [PostgresQuery] {
        var statements: [PostgresQuery] = []
        var rows = Rows(head: "INSERT INTO \(prefix)history_asof_sums VALUES ", tail: "", columns: 12)
        for (date, groups) in segment.groups {
            for (key, sums) in groups where sums != EvictedSums() {
                for (index, chunk) in sums.storedChunks.enumerated() {
                    rows.bindings.append(key.item)
                    rows.bindings.append(key.postedAccounts)
                    rows.bindings.append(key.invoiceAccounts)
                    rows.bindings.append(Int32(key.receipt ? 1 : 0))
                    rows.bindings.append(Int32(key.offsetEligible ? 1 : 0))
                    rows.bindings.append(close)
                    rows.bindings.append(date)
                    rows.bindings.append(Int32(index))
                    rows.bindings.append(chunk.0)
                    rows.bindings.append(chunk.1)
                    rows.bindings.append(chunk.2)
                    rows.bindings.append(index == 0 ? sums.transactions : 0)
                    rows.count += 1
                    if rows.count == rowsPerStatement { statements += [rows.take()].compactMap { $0 } }
                }
            }
        }
        return statements + [rows.take()].compactMap { $0 }
    }

    func delete(close: Int64) throws(StoreError) {
        try session.pipeline(
            PostgresAsOfDaySumsSchema.tables.map {
                PostgresQuery(unsafeSQL: "DELETE FROM \(prefix)\($0) WHERE close_sequence = \(close)")
            })
    }

    func deleteAll() throws(StoreError) {
        try session.pipeline(
            PostgresAsOfDaySumsSchema.tables.map { PostgresQuery(unsafeSQL: "DELETE FROM \(prefix)\($0)") })
    }

    func isGap(_ day: LedgerDate) throws(StoreError) -> Bool {
        let sql =
            "SELECT count(*) FROM \(prefix)history_asof_gaps WHERE from_day <= \(day.yyyymmdd) "
            + "AND to_day > \(day.yyyymmdd)"
        return (try session.scalarInt64(PostgresQuery(unsafeSQL: sql)) ?? 0) > 0
    }

    func figures(through day: LedgerDate) throws(StoreError) -> AsOfDayFigures? {
        let through = day.yyyymmdd
        let results = try session.pipeline([
            PostgresQuery(
                unsafeSQL: "SELECT coalesce(sum(events), 0)::text FROM \(prefix)history_asof_days "
                    + "WHERE day <= \(through)"),
            PostgresQuery(
                unsafeSQL: """
                    SELECT item, posted_accounts, invoice_accounts, receipt, offset_eligible, sum(financial)::text,
                           sum(fixed_price_offset)::text, sum(physical_open)::text, sum(transactions)::text
                    FROM \(prefix)history_asof_sums WHERE day <= \(through)
                    GROUP BY item, posted_accounts, invoice_accounts, receipt, offset_eligible
                    """),
            PostgresQuery(
                unsafeSQL: "SELECT item, sum(value)::text FROM \(prefix)history_asof_pools WHERE day <= \(through) "
                    + "GROUP BY item"),
        ])
        var rows: [[[String?]]] = []
        for result in results {
            var cells: [[String?]] = []
            for row in result { cells.append(try PostgresText.cells(row, session)) }
            rows.append(cells)
        }
        // A count past 64 bits replays, as the file's `sum` does; the money sums are exact here at any size.
        guard let events = Int64(exactly: try PostgresText.int128(rows[0].first?[0], "history_asof_days")) else {
            return nil
        }
        var groups: [EvictedSumKey: EvictedSums] = [:]
        for cells in rows[1] {
            var numbers: [Int128] = []
            for cell in cells[1...] { numbers.append(try PostgresText.int128(cell, "history_asof_sums")) }
            guard let item = cells[0] else {
                throw StoreError.damagedLog("history_asof_sums: a row cannot be read; run `subledger rebuild`")
            }
            guard let count = Int64(exactly: numbers[7]) else { return nil }
            let key = EvictedSumKey(
                item: item, postedAccounts: Int32(truncatingIfNeeded: numbers[0]),
                invoiceAccounts: Int32(truncatingIfNeeded: numbers[1]), receipt: numbers[2] != 0,
                offsetEligible: numbers[3] != 0)
            var sums = EvictedSums()
            sums.financial = Total(units: numbers[4])
            sums.offset = Total(units: numbers[5])
            sums.physicalOpen = Total(units: numbers[6])
            sums.transactions = count
            groups[key] = sums
        }
        var pools: [String: Total<Money>] = [:]
        for cells in rows[2] {
            guard let item = cells[0] else {
                throw StoreError.damagedLog("history_asof_pools: a row cannot be read; run `subledger rebuild`")
            }
            pools[item] = Total(units: try PostgresText.int128(cells[1], "history_asof_pools"))
        }
        return AsOfDayFigures(events: events, groups: groups, pools: pools)
    }
}
