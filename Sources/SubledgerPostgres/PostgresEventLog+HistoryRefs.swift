// One transaction's voucher lines and settlement entries read by id from the history tables on PostgreSQL
// (HistoryTableReads, DR-57): `vouchers --tx`, `GET /v1/transactions/{tx}` and the console's transaction
// and item pages. Migration 4's B-tree indexes by `tx` (and `counterpart`) answer them; the file keeps key
// tables instead (DR-48) because its later closes paid for unordered inserts into such indexes, which here
// the indexes are already paying whether read or not. The id is always a bound parameter.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    /// Rows of the whole table per round trip of `vouchers` without `--tx` (keyset pages in the table's
    /// order): the client never holds more than one page of text cells.
    static let voucherPage = 8_192

    public func historyVoucherLines(
        reference: String?, through day: LedgerDate,
        _ body: (Int64, LedgerDate, String, String, VoucherLine) throws -> Void
    ) throws {
        try historyVoucherLines(reference: reference, through: day, page: Self.voucherPage, body)
    }

    /// `page`: rows per statement of the whole table's read (a test reads in pages of a few rows).
    func historyVoucherLines(
        reference: String?, through day: LedgerDate, page: Int,
        _ body: (Int64, LedgerDate, String, String, VoucherLine) throws -> Void
    ) throws {
        if let reference {
            var binds = PostgresBindings()
            binds.append(reference)
            let sql = voucherLinesByReferenceSQL(through: day)
            _ = try voucherRows(PostgresQuery(unsafeSQL: sql, binds: binds), body)
            return
        }
        // Each page is a statement of its own: bounded by the watermark read first, a projection that
        // commits meanwhile adds no row the caller's state has not seen.
        let through = try historyWatermark()
        var after = (sequence: Int64(0), line: Int64(-1))
        while true {
            let sql = """
                SELECT \(Self.voucherColumns) FROM \(voucherLinesFrom)
                WHERE (l.sequence, l.line) > (\(after.sequence), \(after.line)) AND l.sequence <= \(through)
                    AND l.day <= \(day.yyyymmdd)
                ORDER BY 1, 8 LIMIT \(page)
                """
            let (count, last) = try voucherRows(PostgresQuery(unsafeSQL: sql), body)
            guard count == page, let last else { return }
            after = last
        }
    }

    static let voucherColumns = "l.sequence, l.day, e.type, l.tx, l.posting_type, l.account, l.amount, l.line"
    var voucherLinesFrom: String {
        "\(historyPrefix)history_voucher_lines l JOIN \(historyPrefix)events e ON e.sequence = l.sequence"
    }

    /// One reference's lines (`$1`) dated through `day`: through `history_voucher_lines_by_tx`.
    func voucherLinesByReferenceSQL(through day: LedgerDate) -> String {
        "SELECT \(Self.voucherColumns) FROM \(voucherLinesFrom) WHERE l.tx = $1 AND l.day <= \(day.yyyymmdd) "
            + "ORDER BY 1, 8"
    }

    /// Hands each row of `query` to `body`; returns how many and the last (sequence, line).
    private func voucherRows(
        _ query: PostgresQuery, _ body: (Int64, LedgerDate, String, String, VoucherLine) throws -> Void
    ) throws -> (Int, (sequence: Int64, line: Int64)?) {
        var count = 0
        var last: (sequence: Int64, line: Int64)?
        for row in try session.query(query) {
            let cells = try PostgresText.cells(row, session)
            let sequence = cells[0].flatMap { Int64($0) } ?? 0
            guard cells.count == 8, !cells.contains(nil),
                let date = cells[1].flatMap({ Int32($0) }).flatMap({ LedgerDate(yyyymmdd: $0) }),
                let postingType = PostingType(rawValue: cells[4]!), let amount = Int64(cells[6]!),
                let line = Int64(cells[7]!)
            else {
                throw StoreError.damagedLog(
                    "history_voucher_lines: the line of event \(sequence) cannot be read; run `subledger rebuild`")
            }
            try body(sequence, date, cells[2]!, cells[3]!, VoucherLine(postingType, cells[5]!, Money(units: amount)))
            count += 1
            last = (sequence, line)
        }
        return (count, last)
    }

    /// The entries naming `$1`: through the indexes by `tx` and by `counterpart` (a bitmap OR of the two).
    var settlementsNamingSQL: String {
        """
        SELECT sequence, close_sequence, day, mode, item, site, warehouse, batch, serial, kind, model, tx,
               counterpart, quantity, settled_amount, adjustment, part, issue_part, physical
        FROM \(historyPrefix)history_settlements WHERE tx = $1 OR counterpart = $1
        ORDER BY entry
        """
    }

    public func historySettlements(naming transaction: String) throws(StoreError) -> [HistorySettlementRow] {
        let sql = settlementsNamingSQL
        var binds = PostgresBindings()
        binds.append(transaction)
        var rows: [HistorySettlementRow] = []
        for row in try session.query(PostgresQuery(unsafeSQL: sql, binds: binds)) {
            let cells = try PostgresText.cells(row, session)
            guard cells.count == 19, !cells.contains(nil) else {
                throw StoreError.damagedLog("a history row holds a NULL where none belongs; run `subledger rebuild`")
            }
            rows.append(try Self.settlement(cells, sql: sql))
        }
        return rows
    }
}
