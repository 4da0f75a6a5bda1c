// The sums of what each close moved out of a PostgreSQL ledger's open state (DR-31 on the file, DR-50):
// `history_evicted_closes` and `history_evicted_sums` of migration 5, in the ledger's schema or a
// verification's scratch copies (`prefix`), on the log's connection and in the caller's transaction. The
// same rows as the file's: the same groups, the same 64-bit chunks of each sum, the count on the first.

import PostgresNIO
import SubledgerCore
import SubledgerStore

struct PostgresEvictedSums: EvictedSumsStore {
    let session: PostgresSession
    /// The tables' schema, qualified ("public." or "pg_temp.").
    let prefix: String

    func sums(close: Int64) throws(StoreError) -> [EvictedSumKey: EvictedSums]? {
        guard try has(close: close) else { return nil }
        let sql = """
            SELECT item, posted_accounts, invoice_accounts, receipt, offset_eligible, financial, fixed_price_offset,
                   physical_open, transactions
            FROM \(prefix)history_evicted_sums WHERE close_sequence = \(close)
            """
        var groups: [EvictedSumKey: EvictedSums] = [:]
        for row in try session.execute(sql) {
            let cells: (String, Int32, Int32, Int32, Int32, Int64, Int64, Int64, Int64)
            do {
                cells = try row.decode((String, Int32, Int32, Int32, Int32, Int64, Int64, Int64, Int64).self)
            } catch {
                throw session.storeError(error, sql: sql)
            }
            let key = EvictedSumKey(
                item: cells.0, postedAccounts: cells.1, invoiceAccounts: cells.2, receipt: cells.3 != 0,
                offsetEligible: cells.4 != 0)
            var sums = EvictedSums()
            sums.financial = Total(units: Int128(cells.5))
            sums.offset = Total(units: Int128(cells.6))
            sums.physicalOpen = Total(units: Int128(cells.7))
            sums.transactions = cells.8
            groups[key, default: EvictedSums()] += sums
        }
        return groups
    }

    func has(close: Int64) throws(StoreError) -> Bool {
        let sql = "SELECT count(*) FROM \(prefix)history_evicted_closes WHERE close_sequence = \(close)"
        return try session.scalarInt64(PostgresQuery(unsafeSQL: sql)) == 1
    }

    func previousClose(before close: Int64) throws(StoreError) -> Int64? {
        let sql = "SELECT max(close_sequence) FROM \(prefix)history_evicted_closes WHERE close_sequence < \(close)"
        return try session.scalarInt64(PostgresQuery(unsafeSQL: sql))
    }

    func save(close: Int64, _ groups: [EvictedSumKey: EvictedSums]) throws(StoreError) {
        try delete(close: close)
        var statements: [PostgresQuery] = []
        var binds = PostgresBindings()
        var values: [String] = []
        var transactions: Int64 = 0
        func flush() {
            guard !values.isEmpty else { return }
            statements.append(
                PostgresQuery(
                    unsafeSQL: "INSERT INTO \(prefix)history_evicted_sums VALUES " + values.joined(separator: ","),
                    binds: binds))
            binds = PostgresBindings()
            values = []
        }
        for key in groups.keys.sorted() {
            let sums = groups[key]!
            transactions += sums.transactions
            for (index, chunk) in sums.storedChunks.enumerated() {
                let first = binds.count + 1
                binds.append(close)
                binds.append(key.item)
                binds.append(key.postedAccounts)
                binds.append(key.invoiceAccounts)
                binds.append(Int32(key.receipt ? 1 : 0))
                binds.append(Int32(key.offsetEligible ? 1 : 0))
                binds.append(Int32(index))
                binds.append(chunk.0)
                binds.append(chunk.1)
                binds.append(chunk.2)
                // The count goes on the first chunk only, so the chunks add up to the group.
                binds.append(index == 0 ? sums.transactions : 0)
                values.append("(" + (first..<first + 11).map { "$\($0)" }.joined(separator: ",") + ")")
                if values.count == 1000 { flush() }
            }
        }
        flush()
        statements.append(
            PostgresQuery(
                unsafeSQL: "INSERT INTO \(prefix)history_evicted_closes VALUES (\(close), \(transactions))"))
        try session.pipeline(statements)
    }

    func delete(close: Int64) throws(StoreError) {
        try session.pipeline(
            ["history_evicted_closes", "history_evicted_sums"].map {
                PostgresQuery(unsafeSQL: "DELETE FROM \(prefix)\($0) WHERE close_sequence = \(close)")
            })
    }

    func deleteAll() throws(StoreError) {
        try session.pipeline(
            ["history_evicted_closes", "history_evicted_sums"].map {
                PostgresQuery(unsafeSQL: "DELETE FROM \(prefix)\($0)")
            })
    }
}
