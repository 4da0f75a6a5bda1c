// Writing and reading the per-close summaries (CloseSummarySchema.swift), and a close's settlement entries
// a page at a time through `history_settlements_by_close`.

import SubledgerCore

extension HistoryWriter {
    /// Stores one run's summary (replacing any earlier one of the same close: a first fill may meet a
    /// close the projection wrote meanwhile).
    public func closeSummary(_ summary: HistoryCloseSummary) throws(StoreError) {
        let totals = try connection.prepare(
            "INSERT OR REPLACE INTO \(schema).history_close_totals "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        )
        try totals.bind(summary.closeSequence, at: 1)
        try totals.bind(summary.entries, at: 2)
        try totals.bind(summary.settled, at: 3)
        try totals.bind(String(summary.settledQuantity.units), at: 4)
        try totals.bind(String(summary.settledAmount.units), at: 5)
        try totals.bind(String(summary.issueAdjustment.units), at: 6)
        try totals.bind(String(summary.receiptAdjustment.units), at: 7)
        try totals.bind(summary.logLines, at: 8)
        try totals.bind(summary.unsettled, at: 9)
        try totals.bind(summary.zeroCost, at: 10)
        try totals.bind(summary.negativeOnHand, at: 11)
        try totals.run()
        let items = try connection.prepare(
            "INSERT OR REPLACE INTO \(schema).history_close_items VALUES (?1, ?2, ?3, ?4, ?5)")
        for item in summary.items {
            defer { items.reset() }
            try items.bind(summary.closeSequence, at: 1)
            try items.bind(item.item, at: 2)
            try items.bind(item.entries, at: 3)
            try items.bind(String(item.issueAdjustment.units), at: 4)
            try items.bind(String(item.receiptAdjustment.units), at: 5)
            try items.run()
        }
        let accounts = try connection.prepare(
            "INSERT OR REPLACE INTO \(schema).history_close_accounts VALUES (?1, ?2, ?3, ?4)")
        for account in summary.accounts {
            defer { accounts.reset() }
            try accounts.bind(summary.closeSequence, at: 1)
            try accounts.bind(account.account, at: 2)
            try accounts.bind(account.postingType, at: 3)
            try accounts.bind(String(account.amount.units), at: 4)
            try accounts.run()
        }
    }
}

extension EventStore {
    /// True when the file has the summary tables (a file opened read-only at an older schema has not).
    public var hasCloseSummaryTables: Bool {
        (try? connection.scalarInt64(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history_close_totals'")) == 1
    }

    /// How many projected closes have no summary yet (a file the tables were added to after its closes).
    public func closesWithoutSummary() throws(StoreError) -> Int64 {
        try connection.scalarInt64(
            """
            SELECT count(*) FROM history_closes c
            WHERE NOT EXISTS (SELECT 1 FROM history_close_totals t WHERE t.close_sequence = c.close_sequence)
            """) ?? 0
    }

    /// The totals of every projected close, oldest first (no items or accounts); with `sequence`, of that
    /// close alone, with its items and accounts.
    public func historyCloseSummaries(sequence: Int64? = nil) throws(StoreError) -> [HistoryCloseSummary] {
        let sql = """
            SELECT close_sequence, entries, settled, settled_quantity, settled_amount, issue_adjustment,
                   receipt_adjustment, log_lines, unsettled, zero_cost, negative_on_hand
            FROM history_close_totals \(sequence == nil ? "" : "WHERE close_sequence = ?1") ORDER BY close_sequence
            """
        let statement = try connection.prepare(sql)
        if let sequence { try statement.bind(sequence, at: 1) }
        var summaries: [HistoryCloseSummary] = []
        while try statement.step() {
            var summary = HistoryCloseSummary(closeSequence: statement.int64(at: 0))
            summary.entries = statement.int64(at: 1)
            summary.settled = statement.int64(at: 2)
            summary.settledQuantity = try Self.total(statement, 3, sql)
            summary.settledAmount = try Self.total(statement, 4, sql)
            summary.issueAdjustment = try Self.total(statement, 5, sql)
            summary.receiptAdjustment = try Self.total(statement, 6, sql)
            summary.logLines = statement.int64(at: 7)
            summary.unsettled = statement.int64(at: 8)
            summary.zeroCost = statement.int64(at: 9)
            summary.negativeOnHand = statement.int64(at: 10)
            summaries.append(summary)
        }
        if let sequence, !summaries.isEmpty {
            summaries[0].items = try closeItems(sequence)
            summaries[0].accounts = try closeAccounts(sequence)
        }
        return summaries
    }

    private func closeItems(_ sequence: Int64) throws(StoreError) -> [HistoryCloseSummary.ItemSum] {
        let sql = """
            SELECT item, entries, issue_adjustment, receipt_adjustment FROM history_close_items
            WHERE close_sequence = ?1 ORDER BY item
            """
        let statement = try connection.prepare(sql)
        try statement.bind(sequence, at: 1)
        var items: [HistoryCloseSummary.ItemSum] = []
        while try statement.step() {
            items.append(
                HistoryCloseSummary.ItemSum(
                    item: statement.text(at: 0), entries: statement.int64(at: 1),
                    issueAdjustment: try Self.total(statement, 2, sql),
                    receiptAdjustment: try Self.total(statement, 3, sql)))
        }
        return items
    }

    private func closeAccounts(_ sequence: Int64) throws(StoreError) -> [HistoryCloseSummary.AccountSum] {
        let sql = """
            SELECT account, posting_type, amount FROM history_close_accounts
            WHERE close_sequence = ?1 ORDER BY account, posting_type
            """
        let statement = try connection.prepare(sql)
        try statement.bind(sequence, at: 1)
        var accounts: [HistoryCloseSummary.AccountSum] = []
        while try statement.step() {
            accounts.append(
                HistoryCloseSummary.AccountSum(
                    account: statement.text(at: 0), postingType: statement.text(at: 1),
                    amount: try Self.total(statement, 2, sql)))
        }
        return accounts
    }

    private static func total<Value>(_ s: Statement, _ column: Int32, _ sql: String) throws(StoreError) -> Total<Value>
    {
        guard let units = Int128(s.text(at: column)) else {
            throw StoreError.corrupt(
                "a close summary holds a sum that is not an integer; run `subledger rebuild`", sql: sql)
        }
        return Total(units: units)
    }

    /// Up to `limit` settlement entries of the run at `close` (not the reversal's, which carry the same
    /// close) after entry `after`, in log order, with their entry numbers, and whether more follow: a range
    /// of the close index. A reversal's entries come after the run's (they are later in the log), so the
    /// read stops at the first of them: at most `limit + 1` rows are read.
    public func historyCloseSettlements(
        close: Int64, after entry: Int64, limit: Int
    ) throws(StoreError) -> (rows: [(entry: Int64, row: HistorySettlementRow)], more: Bool) {
        let sql = """
            SELECT sequence, close_sequence, day, mode, item, site, warehouse, batch, serial, kind, model, tx,
                   counterpart, quantity, settled_amount, adjustment, part, issue_part, physical, entry
            FROM history_settlements WHERE close_sequence = ?1 AND entry > ?2 ORDER BY entry LIMIT ?3
            """
        let statement = try connection.prepare(sql)
        try statement.bind(close, at: 1)
        try statement.bind(entry, at: 2)
        try statement.bind(Int64(limit) + 1, at: 3)
        var rows: [(entry: Int64, row: HistorySettlementRow)] = []
        while try statement.step() {
            let row = try Self.historySettlement(statement, sql: sql)
            if row.mode == .reversal { break }
            rows.append((statement.int64(at: 19), row))
        }
        let more = rows.count > limit
        return (Array(rows.prefix(limit)), more)
    }
}
