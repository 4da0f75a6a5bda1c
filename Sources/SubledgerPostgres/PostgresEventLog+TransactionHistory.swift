// The history of transactions on PostgreSQL (DR-50): what the facade reads and writes of the transactions
// closes move out of the open state, in the tables of migration 5, on the log's own connection. Writes run
// in the caller's transaction (a close's append body), so the rows commit with the close. Reads go in
// keyset pages of the table's own order, (sequence, tx), so a read of any length holds one page in memory;
// every row is checked against its checksum before it is handed out (DR-18).

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog: TransactionHistory {
    public var hasTransactionHistory: Bool { schemaVersion >= PostgresEvictionSchema.version }
    public var historyIsWritable: Bool { true }

    public func historyTransactionLookup() -> any HistoryTransactionLookup {
        PostgresHistoryLookup(session: session, prefix: historyPrefix)
    }

    public func hasHistoryTransactions() throws(StoreError) -> Bool {
        guard hasTransactionHistory else { return false }
        let query = PostgresQuery(unsafeSQL: "SELECT count(*) FROM (SELECT 1 FROM \(table) LIMIT 1) t")
        return try session.scalarInt64(query) == 1
    }

    public func historyTransactionCount() throws(StoreError) -> Int {
        guard hasTransactionHistory else { return 0 }
        return Int(try session.scalarInt64(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)")) ?? 0)
    }

    public func forEachHistoryTransactionRecord(
        item: String?, closedThrough close: Int64?, _ body: ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        var conditions: [HistoryCondition] = []
        if let item { conditions.append(.item(item)) }
        if let close { conditions.append(.closedThrough(close)) }
        try historyPages(conditions) { row throws(StoreError) in
            try body(row.record)
            return true
        }
    }

    public func forEachHistoryTransaction(
        fromSequence sequence: Int64, item: String?, from: Int64?, to: Int64?,
        _ body: (String, Int64, [UInt8]) throws(StoreError) -> Bool
    ) throws(StoreError) {
        var conditions: [HistoryCondition] = [.fromSequence(sequence)]
        if let item { conditions.append(.item(item)) }
        if let from { conditions.append(.from(from)) }
        if let to { conditions.append(.to(to)) }
        try historyPages(conditions) { row throws(StoreError) in try body(row.id, row.sequence, row.record) }
    }

    public func forEachHistoryTransactionUnordered(
        _ body: (String, [UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        try historyPages([]) { row throws(StoreError) in
            try body(row.id, row.record)
            return true
        }
    }

    public func historyTransactionItems() throws(StoreError) -> [String: String] {
        var items: [String: String] = [:]
        try historyPages([]) { row throws(StoreError) in
            items[row.id] = row.item
            return true
        }
        return items
    }

    public func saveHistoryTransactions(batches next: () -> [HistoryTransactionRow]?) throws(StoreError) {
        guard hasTransactionHistory else { return }
        var statements: [PostgresQuery] = []
        var ids: [String] = []
        while let batch = next() {
            statements += PostgresHistoryRows.inserts(batch, prefix: historyPrefix)
            ids.append(contentsOf: batch.lazy.map(\.transaction))
            if statements.count >= PostgresHistoryWriter.pipelineDepth {
                try session.pipeline(statements)
                statements = []
            }
        }
        if !statements.isEmpty { try session.pipeline(statements) }
        // The filter an import asks before looking an id up (DR-53), in the same transaction as the rows.
        if hasClosedIDFilter { try closedIDs.add(ids) }
    }

    public func saveHistoryTransactionsAtomically(_ rows: [HistoryTransactionRow]) throws(StoreError) {
        try session.execute("BEGIN")
        do throws(StoreError) {
            var pending: [HistoryTransactionRow]? = rows
            try saveHistoryTransactions(batches: {
                defer { pending = nil }
                return pending
            })
            try session.execute("COMMIT")
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
    }

    public func deleteHistoryTransactions(closedBy: Int64) throws(StoreError) {
        guard hasTransactionHistory else { return }
        try session.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE closed_by = \(closedBy)"))
    }

    public var evictedSumsStore: (any EvictedSumsStore)? {
        hasTransactionHistory ? PostgresEvictedSums(session: session, prefix: historyPrefix) : nil
    }

    private var table: String { historyPrefix + "history_transactions" }

    /// A filter of the history rows, each bound as a parameter.
    enum HistoryCondition {
        case item(String), closedThrough(Int64), fromSequence(Int64), from(Int64), to(Int64)
    }

    /// Rows per page of a history read.
    static let historyPageSize = 4096

    /// The rows `conditions` admit, in (sequence, tx) order, a page at a time, until `body` returns false.
    func historyPages(
        _ conditions: [HistoryCondition], _ body: (PostgresHistoryRows.Row) throws(StoreError) -> Bool
    ) throws(StoreError) {
        guard hasTransactionHistory else { return }
        var after: (Int64, String)?
        while true {
            var binds = PostgresBindings()
            var filters: [String] = []
            for condition in conditions {
                let column: String
                switch condition {
                case .item(let item): (column, binds) = ("item =", binds.appending(item))
                case .closedThrough(let close): (column, binds) = ("closed_by <=", binds.appending(close))
                case .fromSequence(let sequence): (column, binds) = ("sequence >=", binds.appending(sequence))
                case .from(let day): (column, binds) = ("date >=", binds.appending(Int32(truncatingIfNeeded: day)))
                case .to(let day): (column, binds) = ("date <=", binds.appending(Int32(truncatingIfNeeded: day)))
                }
                filters.append("\(column) $\(binds.count)")
            }
            if let after {
                binds.append(after.0)
                binds.append(after.1)
                filters.append("(sequence, tx) > ($\(binds.count - 1), $\(binds.count))")
            }
            let filter = filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND ")
            let sql =
                "SELECT tx, item, record, checksum, sequence FROM \(table)\(filter) ORDER BY sequence, tx "
                + "LIMIT \(Self.historyPageSize)"
            let result = try session.query(PostgresQuery(unsafeSQL: sql, binds: binds))
            var count = 0
            for cells in result {
                let row = try PostgresHistoryRows.row(cells, session, sql: sql)
                count += 1
                after = (row.sequence, row.id)
                guard try body(row) else { return }
            }
            if count < Self.historyPageSize { return }
        }
    }
}

extension PostgresBindings {
    /// These bindings and `value` after them.
    fileprivate func appending(_ value: some PostgresNonThrowingEncodable) -> PostgresBindings {
        var bindings = self
        bindings.append(value)
        return bindings
    }
}

/// The file's by-id lookup on PostgreSQL: one statement per id (the server plans it once per connection).
final class PostgresHistoryLookup: HistoryTransactionLookup {
    let session: PostgresSession
    let prefix: String

    init(session: PostgresSession, prefix: String) {
        self.session = session
        self.prefix = prefix
    }

    func record(_ transaction: String) throws(StoreError) -> [UInt8]? {
        var binds = PostgresBindings()
        binds.append(transaction)
        let sql = "SELECT tx, item, record, checksum, sequence FROM \(prefix)history_transactions WHERE tx = $1"
        let result = try session.query(PostgresQuery(unsafeSQL: sql, binds: binds))
        guard let cells = result.first(where: { _ in true }) else { return nil }
        return try PostgresHistoryRows.row(cells, session, sql: sql).record
    }
}

/// The rows of `history_transactions` as statements and back.
enum PostgresHistoryRows {
    /// A row read back and checked against its checksum.
    struct Row {
        var id: String, item: String, record: [UInt8], sequence: Int64
    }

    /// A row of `SELECT tx, item, record, checksum, sequence`, checked.
    static func row(_ cells: PostgresRow, _ session: PostgresSession, sql: String) throws(StoreError) -> Row {
        let decoded: (String, String, ByteBuffer, Int64, Int64)
        do {
            decoded = try cells.decode((String, String, ByteBuffer, Int64, Int64).self)
        } catch {
            throw session.storeError(error, sql: sql)
        }
        let record = try HistoryTransactionRow.checked(
            transaction: decoded.0, item: decoded.1, record: Array(decoded.2.readableBytesView),
            checksum: decoded.3)
        return Row(id: decoded.0, item: decoded.1, record: record, sequence: decoded.4)
    }

    /// Rows per INSERT (12 parameters a row: 12,000 of PostgreSQL's 65,535).
    static let rowsPerStatement = 1000

    /// Multi-row INSERTs of `rows` in the table's key order; a row for an id already there replaces it
    /// (SQLite's INSERT OR REPLACE through its unique index by id).
    static func inserts(_ rows: [HistoryTransactionRow], prefix: String) -> [PostgresQuery] {
        let sorted = rows.sorted {
            $0.sequence != $1.sequence ? $0.sequence < $1.sequence : $0.transaction < $1.transaction
        }
        var statements: [PostgresQuery] = []
        var start = 0
        while start < sorted.count {
            let slice = sorted[start..<min(start + rowsPerStatement, sorted.count)]
            var binds = PostgresBindings()
            var values: [String] = []
            for row in slice {
                let first = binds.count + 1
                binds.append(row.transaction)
                binds.append(row.item)
                binds.append(row.sequence)
                binds.append(row.closedBy)
                binds.append(Int32(truncatingIfNeeded: row.date))
                binds.append(row.kind)
                binds.append(row.quantity)
                binds.append(row.postedAmount)
                binds.append(row.adjustment)
                binds.append(row.currentAmount)
                binds.append(ByteBuffer(bytes: row.record))
                binds.append(row.checksum)
                values.append("(" + (first..<first + 12).map { "$\($0)" }.joined(separator: ",") + ")")
            }
            let others = PostgresEvictionSchema.columns.split(separator: ", ").dropFirst()
            let sql =
                "INSERT INTO \(prefix)history_transactions(\(PostgresEvictionSchema.columns)) VALUES "
                + values.joined(separator: ",") + " ON CONFLICT (tx) DO UPDATE SET "
                + others.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            statements.append(PostgresQuery(unsafeSQL: sql, binds: binds))
            start += rowsPerStatement
        }
        return statements
    }
}
