// A keyed read of the history of transactions in the listing's order, from a sequence on: what one page
// of `GET /v1/transactions` needs, instead of decoding every record a close moved out (890,000 on the
// benchmark ledger: 12 s while the server's queue waited). Each row is still checked against its checksum
// (DR-18).

import CSQLite

extension EventStore {
    /// Calls `body` with the id and stored record of each history row whose sequence is at least
    /// `sequence` (of `item` when given, dated `from...to` when given, as yyyymmdd), in (sequence, id)
    /// order, until `body` returns false. Served by the table's key (sequence, tx) or, for one item, by the
    /// index (item, sequence), whose entries end with that key: no sort (DR-28).
    public func forEachHistoryTransaction(
        fromSequence sequence: Int64, item: String?, from: Int64?, to: Int64?,
        _ body: (String, Int64, [UInt8]) throws(StoreError) -> Bool
    ) throws(StoreError) {
        guard hasTransactionHistory else { return }
        // Conditions spelled out, not `?2 IS NULL OR item = ?2`: that form keeps SQLite off the indexes.
        var conditions = ["sequence >= ?1"]
        if item != nil { conditions.append("item = ?2") }
        if from != nil { conditions.append("date >= ?3") }
        if to != nil { conditions.append("date <= ?4") }
        let select = try connection.prepare(
            "SELECT tx, item, record, checksum, sequence FROM history_transactions WHERE "
                + conditions.joined(separator: " AND ") + " ORDER BY sequence, tx")
        try select.bind(sequence, at: 1)
        if let item { try select.bind(item, at: 2) }
        if let from { try select.bind(from, at: 3) }
        if let to { try select.bind(to, at: 4) }
        while try select.step() {
            let record = try Self.checkedHistoryRecord(select).record
            guard try body(select.text(at: 0), select.int64(at: 4), record) else { return }
        }
    }
}
