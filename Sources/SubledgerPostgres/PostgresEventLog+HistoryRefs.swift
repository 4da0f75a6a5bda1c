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
        let columns = "l.sequence, l.day, e.type, l.tx, l.posting_type, l.account, l.amount, l.line"
        let from = "\(historyPrefix)history_voucher_lines l JOIN \(historyPrefix)events e ON e.sequence = l.sequence"
        if let reference {
            var binds = PostgresBindings()
            binds.append(reference)
            let sql = "SELECT \(columns) FROM \(from) WHERE l.tx = $1 AND l.day <= \(day.yyyymmdd) ORDER BY 1, 8"
            _ = try voucherRows(PostgresQuery(unsafeSQL: sql, binds: binds), body)
            return
        }
        var after = (sequence: Int64(0), line: Int64(-1))
        while true {
            let sql = """
                SELECT \(columns) FROM \(from)
                WHERE (l.sequence, l.line) > (\(after.sequence), \(after.line)) AND l.day <= \(day.yyyymmdd)
                ORDER BY 1, 8 LIMIT \(Self.voucherPage)
                """
            let (count, last) = try voucherRows(PostgresQuery(unsafeSQL: sql), body)
            guard count == Self.voucherPage, let last else { return }
            after = last
        }
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

    /// Through the indexes by `tx` and by `counterpart` (a bitmap OR of the two), in entry order.
    public func historySettlements(naming transaction: String) throws(StoreError) -> [HistorySettlementRow] {
        let sql = """
            SELECT sequence, close_sequence, day, mode, item, site, warehouse, batch, serial, kind, model, tx,
                   counterpart, quantity, settled_amount, adjustment, part, issue_part, physical
            FROM \(historyPrefix)history_settlements WHERE tx = $1 OR counterpart = $1
            ORDER BY entry
            """
        var binds = PostgresBindings()
        binds.append(transaction)
        var rows: [HistorySettlementRow] = []
        for row in try session.query(PostgresQuery(unsafeSQL: sql, binds: binds)) {
            let cells = try PostgresText.cells(row, session)
            guard cells.count == 19, !cells.contains(nil) else {
                throw StoreError.damagedLog("a history row holds a NULL where none belongs; run `subledger rebuild`")
            }
            rows.append(
                try EventStore.historySettlement(
                    text: { cells[$0]! }, int: { Int64(cells[$0]!) ?? 0 }, sql: sql))
        }
        return rows
    }
}
