// The history tables' reads on PostgreSQL (HistoryTableReads, DR-56): the SQLite file's queries over the
// same tables (EventStore+History.swift, EventStore+CloseSummaries.swift, SettlementDays.swift), so a
// PostgreSQL ledger answers `closes`, `settlements`, `gl --as-of`, `value --as-of` and `reconcile --as-of`
// by key from its tables as a file does, instead of folding its log. Cells are read as text and parsed
// strictly (`PostgresText`): the Int128 sums are integer text, and a `numeric` sum past 64 bits where the
// file reads 64 is refused as the file's `sum` refuses it, never read as 0.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog: HistoryTableReads {
    /// Migration 4 made the summary tables with the others.
    public var hasCloseSummaryTables: Bool { hasHistoryTables }

    public var asOfDaySumsStore: (any AsOfDaySumsStore)? { asOfDaySums(scratch: false) }

    public func asOfDaySums(scratch: Bool) -> (any AsOfDaySumsStore)? {
        guard schemaVersion >= PostgresAsOfDaySumsSchema.version,
            PostgresAsOfDaySumsSchema.usable(session, prefix: historyPrefix)
        else { return nil }
        return PostgresAsOfDaySums(session: session, prefix: scratch ? Self.scratchPrefix : historyPrefix)
    }

    /// REPEATABLE READ: every statement of the body reads the snapshot of its first.
    public func inOneSnapshot<T>(_ body: () throws -> T) throws -> T {
        try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? session.execute("ROLLBACK") }  // it only read
        return try body()
    }

    /// The rows of `sql` as text cells, each row checked to have no NULL but in `nullable` columns.
    private func cells(_ sql: String, nullable: Set<Int> = []) throws(StoreError) -> [[String?]] {
        let rows = try textRows(sql)
        for row in rows where row.indices.contains(where: { row[$0] == nil && !nullable.contains($0) }) {
            throw StoreError.damagedLog("a history row holds a NULL where none belongs; run `subledger rebuild`")
        }
        return rows
    }

    /// A close summary's Int128 sum, stored as integer text.
    private static func total<Value>(_ cell: String?, _ table: String) throws(StoreError) -> Total<Value> {
        Total(units: try PostgresText.int128(cell, table))
    }

    public func historyCloses() throws(StoreError) -> [HistoryClose] {
        let sql =
            "SELECT close_sequence, day, mode, reversed_by, latest_day_through FROM \(historyPrefix)history_closes "
            + "ORDER BY 1"
        let table = "history_closes"
        return try cells(sql, nullable: [3]).map { row throws(StoreError) in
            guard let day = LedgerDate(yyyymmdd: Int32(truncatingIfNeeded: try PostgresText.int64(row[1], table)))
            else {
                throw StoreError.damagedLog("history_closes: a close with an invalid date; run `subledger rebuild`")
            }
            var reversedBy: Int64?
            if row[3] != nil { reversedBy = try PostgresText.int64(row[3], table) }
            return HistoryClose(
                closeSequence: try PostgresText.int64(row[0], table), day: day, mode: row[2]!, reversedBy: reversedBy,
                latestDayThrough: Int32(truncatingIfNeeded: try PostgresText.int64(row[4], table)))
        }
    }

    public func closesWithoutSummary() throws(StoreError) -> Int64 {
        try session.scalarInt64(
            PostgresQuery(
                unsafeSQL: """
                    SELECT count(*) FROM \(historyPrefix)history_closes c WHERE NOT EXISTS (
                        SELECT 1 FROM \(historyPrefix)history_close_totals t WHERE t.close_sequence = c.close_sequence)
                    """)) ?? 0
    }

    public func historyCloseSummaries(sequence: Int64?) throws(StoreError) -> [HistoryCloseSummary] {
        let sql = """
            SELECT close_sequence, entries, settled, settled_quantity, settled_amount, issue_adjustment,
                   receipt_adjustment, log_lines, unsettled, zero_cost, negative_on_hand
            FROM \(historyPrefix)history_close_totals \(sequence.map { "WHERE close_sequence = \($0)" } ?? "")
            ORDER BY close_sequence
            """
        var summaries: [HistoryCloseSummary] = []
        let table = "history_close_totals"
        for row in try cells(sql) {
            let int = { (index: Int) throws(StoreError) -> Int64 in try PostgresText.int64(row[index], table) }
            var summary = HistoryCloseSummary(closeSequence: try int(0))
            summary.entries = try int(1)
            summary.settled = try int(2)
            summary.settledQuantity = try Self.total(row[3], table)
            summary.settledAmount = try Self.total(row[4], table)
            summary.issueAdjustment = try Self.total(row[5], table)
            summary.receiptAdjustment = try Self.total(row[6], table)
            summary.logLines = try int(7)
            summary.unsettled = try int(8)
            summary.zeroCost = try int(9)
            summary.negativeOnHand = try int(10)
            summaries.append(summary)
        }
        if let sequence, !summaries.isEmpty {
            // Ordered as the file orders them: items and accounts compare bytewise there.
            let items = try cells(
                "SELECT item, entries, issue_adjustment, receipt_adjustment FROM \(historyPrefix)history_close_items "
                    + "WHERE close_sequence = \(sequence) ORDER BY item COLLATE \"C\"")
            summaries[0].items = try items.map { row throws(StoreError) in
                HistoryCloseSummary.ItemSum(
                    item: row[0]!, entries: try PostgresText.int64(row[1], "history_close_items"),
                    issue: try Self.total(row[2], "history_close_items"),
                    receipt: try Self.total(row[3], "history_close_items"))
            }
            let accounts = try cells(
                "SELECT account, posting_type, amount FROM \(historyPrefix)history_close_accounts "
                    + "WHERE close_sequence = \(sequence) ORDER BY account COLLATE \"C\", posting_type COLLATE \"C\"")
            summaries[0].accounts = try accounts.map { row throws(StoreError) in
                HistoryCloseSummary.AccountSum(
                    account: row[0]!, postingType: row[1]!, total: try Self.total(row[2], "history_close_accounts"))
            }
        }
        return summaries
    }

    public func historyCloseSettlements(
        close: Int64, after entry: Int64, limit: Int
    ) throws(StoreError) -> (rows: [(entry: Int64, row: HistorySettlementRow)], more: Bool) {
        let sql = """
            SELECT sequence, close_sequence, day, mode, item, site, warehouse, batch, serial, kind, model, tx,
                   counterpart, quantity, settled_amount, adjustment, part, issue_part, physical, entry
            FROM \(historyPrefix)history_settlements WHERE close_sequence = \(close) AND entry > \(entry)
            ORDER BY entry LIMIT \(limit + 1)
            """
        var rows: [(entry: Int64, row: HistorySettlementRow)] = []
        for cells in try cells(sql) {
            let row = try Self.settlement(cells, sql: sql)
            if row.mode == .reversal { break }  // a reversal's entries follow the run's (see the file's reader)
            rows.append((try PostgresText.int64(cells[19], "history_settlements"), row))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    /// A `history_settlements` row (the file's 19 columns first) by the file's reader, which takes its
    /// integers unchecked: they are parsed strictly here first.
    static func settlement(_ cells: [String?], sql: String) throws(StoreError) -> HistorySettlementRow {
        var ints: [Int: Int64] = [:]
        for index in [0, 1, 2, 13, 14, 15, 16, 17, 18] {
            ints[index] = try PostgresText.int64(cells[index], "history_settlements")
        }
        return try EventStore.historySettlement(text: { cells[$0] ?? "" }, int: { ints[$0] ?? 0 }, sql: sql)
    }

    public func historySettlementDays() throws(StoreError) -> [LedgerDate]? {
        guard hasHistoryTables else { return nil }
        return try cells("SELECT day FROM \(historyPrefix)history_settlement_days ORDER BY day").map {
            row throws(StoreError) in
            let yyyymmdd = try PostgresText.int64(row[0], "history_settlement_days")
            guard let day = LedgerDate(yyyymmdd: Int32(truncatingIfNeeded: yyyymmdd)) else {
                throw StoreError.damagedLog("history_settlement_days: an invalid date; run `subledger rebuild`")
            }
            return day
        }
    }

    public func historyBalances(through day: LedgerDate) throws(StoreError) -> [String: Money] {
        let sql =
            "SELECT account, sum(amount)::text FROM \(historyPrefix)history_gl_days WHERE day <= \(day.yyyymmdd) "
            + "GROUP BY account"
        // `numeric` sums: past 64 bits refused as the file's `sum` refuses them, never read as 0.
        var balances: [String: Money] = [:]
        for row in try cells(sql) {
            balances[row[0]!] = Money(units: try PostgresText.int64(row[1], "history_gl_days"))
        }
        return balances
    }
}
