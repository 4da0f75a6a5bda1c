// A read of every history record in the table's own order, for the reports that only sum over them
// (the reconciliation's attribution per account): no `ORDER BY sequence`, which would sort the whole
// table (hundreds of thousands of rows with their records) before the first row. Each row is still
// checked against its checksum (DR-18).

import CSQLite

extension EventStore {
    /// Calls `body` with each stored transaction id and record, in no particular order (one row in memory
    /// at a time).
    public func forEachHistoryTransactionUnordered(
        _ body: (String, [UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        guard hasTransactionHistory else { return }
        let select = try connection.prepare("SELECT tx, item, record, checksum FROM history_transactions")
        while try select.step() {
            let record = try Self.checkedHistoryRecord(select).record
            try body(select.text(at: 0), record)
        }
    }
}
