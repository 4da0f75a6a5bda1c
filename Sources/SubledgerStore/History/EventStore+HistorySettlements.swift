// Settlement entries of one transaction read back from `history_settlements` through the key table of
// their transactions and counterparts (DR-48): what `GET /v1/transactions/{tx}` shows without decoding
// every close's settlement events (on a closed 1M-posting ledger, some 600,000 entries).

import SubledgerCore

extension EventStore {
    /// The entries that change `transaction` or settle against it, in log order (the table's key is the
    /// order the projection wrote them in, which is the log's).
    public func historySettlements(naming transaction: String) throws(StoreError) -> [HistorySettlementRow] {
        let sql = """
            SELECT sequence, close_sequence, day, mode, item, site, warehouse, batch, serial, kind, model, tx,
                   counterpart, quantity, settled_amount, adjustment, part, issue_part, physical
            FROM history_settlements
            WHERE entry IN (\(hasHistoryRefs ? Self.entriesByKey : Self.entriesByIndex))
            ORDER BY entry
            """
        let statement = try connection.prepare(sql)
        try statement.bind(transaction, at: 1)
        var rows: [HistorySettlementRow] = []
        while try statement.step() { rows.append(try Self.historySettlement(statement, sql: sql)) }
        return rows
    }

    /// The entries naming `?1` through the key table, and those past its watermark scanned (DR-48).
    static let entriesByKey = """
        SELECT entry FROM history_settlement_refs WHERE tx = ?1
        UNION SELECT entry FROM history_settlements
        WHERE entry > \(HistoryRefsSchema.watermark("settlements", in: "main")) AND (tx = ?1 OR counterpart = ?1)
        """

    /// The same through the indexes a file older than the key table has (opened read-only).
    static let entriesByIndex = """
        SELECT entry FROM history_settlements WHERE tx = ?1
        UNION SELECT entry FROM history_settlements WHERE counterpart = ?1
        """

    static func historySettlement(_ s: Statement, sql: String) throws(StoreError) -> HistorySettlementRow {
        try historySettlement(text: { s.text(at: Int32($0)) }, int: { s.int64(at: Int32($0)) }, sql: sql)
    }

    /// A `history_settlements` row from its 19 columns in the order of `historyCloseSettlements`' select,
    /// read through `text` and `int` (by column index): the one reading of every store's rows.
    public static func historySettlement(
        text: (Int) -> String, int: (Int) -> Int64, sql: String
    ) throws(StoreError) -> HistorySettlementRow {
        guard let day = LedgerDate(yyyymmdd: Int32(truncatingIfNeeded: int(2))),
            let mode = [CloseMode.close, .recalculation, .reversal].first(where: { $0.name == text(3) }),
            let kind = [SettlementEntry.Kind.settlement, .adjustment, .consumption, .receiptAdjustment]
                .first(where: { HistoryWriter.kindName($0) == text(9) }),
            let model = SettleModel.allCases.first(where: { $0.name == text(10) })
        else {
            throw StoreError.corrupt("a history_settlements row names no known date, mode, kind or model", sql: sql)
        }
        let entry = SettlementEntry(
            kind: kind, model: model, transaction: text(11), counterpart: text(12),
            part: Int(int(16)), issuePart: Int(int(17)), quantity: Quantity(units: int(13)),
            settledAmount: Money(units: int(14)), adjustment: Money(units: int(15)),
            physical: int(18) != 0)
        let dimensions = DimensionValues(site: text(5), warehouse: text(6), batch: text(7), serial: text(8))
        return HistorySettlementRow(
            sequence: int(0), closeSequence: int(1), day: day, mode: mode, item: text(4),
            dimensions: dimensions, entry: entry)
    }
}
