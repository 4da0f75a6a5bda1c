// The subledger side of what has left the open state (DR-31): for each close in force that evicted
// (DR-22), the figures the reconciliation sums of every transaction moved to `history_transactions` by
// that close and the closes in force before it, grouped by what decides where each figure goes (the item,
// its stored account sets, receipt or issue, a fixed receipt price offset or not). Written with the close's
// history rows, deleted with them by a reversal, refilled by `subledger rebuild`, compared by
// `replay --verify`. A reconciliation at the latest date reads the latest close's rows (a few thousand)
// instead of every history record (890,408 on the 1M-posting ledger).
//
// Amounts are integer cents: a group's sum over any number of records is split into chunks of at most
// `chunkLimit` each, so every stored figure fits 64 bits whatever the history holds (DR-17).

import SubledgerCore

/// One group's figures: the records of one item with one pair of account sets and one direction.
public struct EvictedSumKey: Hashable, Comparable, Sendable {
    public var item: String
    public var postedAccounts: Int32
    public var invoiceAccounts: Int32
    public var receipt: Bool
    /// A receipt that is no transfer leg and has a positive financial quantity: its fixed receipt price
    /// offset counts if the item has a fixed receipt price under a periodic model (D9).
    public var offsetEligible: Bool

    public init(item: String, postedAccounts: Int32, invoiceAccounts: Int32, receipt: Bool, offsetEligible: Bool) {
        self.item = item
        self.postedAccounts = postedAccounts
        self.invoiceAccounts = invoiceAccounts
        self.receipt = receipt
        self.offsetEligible = offsetEligible
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.item, lhs.postedAccounts, lhs.invoiceAccounts, lhs.receipt ? 1 : 0, lhs.offsetEligible ? 1 : 0)
            < (rhs.item, rhs.postedAccounts, rhs.invoiceAccounts, rhs.receipt ? 1 : 0, rhs.offsetEligible ? 1 : 0)
    }
}

/// A group's sums (unsigned: the reader applies a receipt's or an issue's sign).
public struct EvictedSums: Equatable, Sendable {
    /// Financial value plus adjustments less physical adjustments.
    public var financial = Total<Money>()
    /// Financial value less financial quantity at the unit price (offset-eligible receipts only).
    public var offset = Total<Money>()
    /// Physical open value.
    public var physicalOpen = Total<Money>()
    public var transactions: Int64 = 0

    public init() {}

    public static func += (lhs: inout Self, rhs: Self) {
        lhs.financial += rhs.financial
        lhs.offset += rhs.offset
        lhs.physicalOpen += rhs.physicalOpen
        lhs.transactions += rhs.transactions
    }
}

enum EvictedSumsSchema {
    /// Largest magnitude of one stored chunk (a tenth of `Int64.max`).
    static let chunkLimit: Int128 = 900_000_000_000_000_000

    static let tables = ["history_evicted_closes", "history_evicted_sums"]
    static let keys = [
        ("history_evicted_closes", "close_sequence"),
        (
            "history_evicted_sums",
            "close_sequence, item, posted_accounts, invoice_accounts, receipt, offset_eligible, chunk"
        ),
    ]

    /// Migration 14: the tables and their view. `IF NOT EXISTS`: a file set back re-runs it.
    static let migration = tableDefinitions(in: "main") + "\n" + views

    static func tableDefinitions(in schema: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(schema).history_evicted_closes(
            close_sequence INTEGER PRIMARY KEY, transactions INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS \(schema).history_evicted_sums(
            close_sequence INTEGER NOT NULL, item TEXT NOT NULL, posted_accounts INTEGER NOT NULL,
            invoice_accounts INTEGER NOT NULL, receipt INTEGER NOT NULL, offset_eligible INTEGER NOT NULL,
            chunk INTEGER NOT NULL, financial INTEGER NOT NULL, fixed_price_offset INTEGER NOT NULL,
            physical_open INTEGER NOT NULL, transactions INTEGER NOT NULL,
            PRIMARY KEY(close_sequence, item, posted_accounts, invoice_accounts, receipt, offset_eligible, chunk))
            STRICT, WITHOUT ROWID;
        """
    }

    static let views = """
        CREATE VIEW IF NOT EXISTS evicted_sums_v AS
            SELECT close_sequence, item, posted_accounts, invoice_accounts,
                   CASE receipt WHEN 0 THEN 'issue' ELSE 'receipt' END AS direction,
                   CASE offset_eligible WHEN 0 THEN 'no' ELSE 'yes' END AS offset_eligible, chunk,
                   \(HistorySchema.money("financial")) AS financial,
                   \(HistorySchema.money("fixed_price_offset")) AS fixed_price_offset,
                   \(HistorySchema.money("physical_open")) AS physical_open, transactions
            FROM history_evicted_sums
            ORDER BY close_sequence, item, posted_accounts, invoice_accounts, receipt, offset_eligible, chunk;
        """

    /// `total` as chunks of at most `chunkLimit` each (one chunk when it fits): the same totals always give
    /// the same chunks, so a rebuild writes what the close wrote.
    static func chunks(_ sums: EvictedSums) -> [(Int64, Int64, Int64)] {
        let largest = [sums.financial.units, sums.offset.units, sums.physicalOpen.units].map(\.magnitude).max() ?? 0
        let count = Int128(largest / UInt128(chunkLimit)) + 1
        func part(_ total: Int128, _ index: Int128) -> Int64 {
            // Each chunk carries total / count; the last one the remainder too (at most 2 x chunkLimit).
            Int64(total / count + (index == count - 1 ? total % count : 0))
        }
        return (0..<count).map {
            (part(sums.financial.units, $0), part(sums.offset.units, $0), part(sums.physicalOpen.units, $0))
        }
    }
}

/// The tables in one schema (`main`, or the scratch database a verification fills) on one connection.
public struct EvictedSumsTable {
    let connection: Connection
    let schema: String

    /// The rows of the close at `close` (summed over their chunks), nil when that close has none stored.
    public func sums(close: Int64) throws(StoreError) -> [EvictedSumKey: EvictedSums]? {
        let marker = try connection.prepare(
            "SELECT transactions FROM \(schema).history_evicted_closes WHERE close_sequence = ?1")
        try marker.bind(close, at: 1)
        guard try marker.step() else { return nil }
        let select = try connection.prepare(
            """
            SELECT item, posted_accounts, invoice_accounts, receipt, offset_eligible, financial, fixed_price_offset,
                   physical_open, transactions
            FROM \(schema).history_evicted_sums WHERE close_sequence = ?1
            """)
        try select.bind(close, at: 1)
        var groups: [EvictedSumKey: EvictedSums] = [:]
        while try select.step() {
            let key = EvictedSumKey(
                item: select.text(at: 0), postedAccounts: Int32(truncatingIfNeeded: select.int64(at: 1)),
                invoiceAccounts: Int32(truncatingIfNeeded: select.int64(at: 2)), receipt: select.int64(at: 3) != 0,
                offsetEligible: select.int64(at: 4) != 0)
            var sums = EvictedSums()
            sums.financial = Total(units: Int128(select.int64(at: 5)))
            sums.offset = Total(units: Int128(select.int64(at: 6)))
            sums.physicalOpen = Total(units: Int128(select.int64(at: 7)))
            sums.transactions = select.int64(at: 8)
            groups[key, default: EvictedSums()] += sums
        }
        return groups
    }

    /// Whether the close at `close` has its rows stored.
    public func has(close: Int64) throws(StoreError) -> Bool {
        let marker = try connection.prepare(
            "SELECT 1 FROM \(schema).history_evicted_closes WHERE close_sequence = ?1")
        try marker.bind(close, at: 1)
        return try marker.step()
    }

    /// The latest close stored before `close` (nil when none).
    public func previousClose(before close: Int64) throws(StoreError) -> Int64? {
        let select = try connection.prepare(
            "SELECT max(close_sequence) FROM \(schema).history_evicted_closes WHERE close_sequence < ?1")
        try select.bind(close, at: 1)
        return try select.step() && !select.isNull(at: 0) ? select.int64(at: 0) : nil
    }

    /// Stores the rows of the close at `close` (replacing any). Call it inside a write transaction.
    public func save(close: Int64, _ groups: [EvictedSumKey: EvictedSums]) throws(StoreError) {
        try delete(close: close)
        let insert = try connection.prepare(
            "INSERT INTO \(schema).history_evicted_sums VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        var transactions: Int64 = 0
        for key in groups.keys.sorted() {
            let sums = groups[key]!
            transactions += sums.transactions
            for (index, chunk) in EvictedSumsSchema.chunks(sums).enumerated() {
                defer { insert.reset() }
                try insert.bind(close, at: 1)
                try insert.bind(key.item, at: 2)
                try insert.bind(Int64(key.postedAccounts), at: 3)
                try insert.bind(Int64(key.invoiceAccounts), at: 4)
                try insert.bind(key.receipt ? 1 : 0, at: 5)
                try insert.bind(key.offsetEligible ? 1 : 0, at: 6)
                try insert.bind(Int64(index), at: 7)
                try insert.bind(chunk.0, at: 8)
                try insert.bind(chunk.1, at: 9)
                try insert.bind(chunk.2, at: 10)
                // The count goes on the first chunk only, so the chunks add up to the group.
                try insert.bind(index == 0 ? sums.transactions : 0, at: 11)
                try insert.run()
            }
        }
        let marker = try connection.prepare("INSERT INTO \(schema).history_evicted_closes VALUES (?1, ?2)")
        try marker.bind(close, at: 1)
        try marker.bind(transactions, at: 2)
        try marker.run()
    }

    /// Deletes the rows of the close at `close` (a reversal of it).
    public func delete(close: Int64) throws(StoreError) {
        for table in EvictedSumsSchema.tables {
            let delete = try connection.prepare("DELETE FROM \(schema).\(table) WHERE close_sequence = ?1")
            try delete.bind(close, at: 1)
            try delete.run()
        }
    }

    /// Deletes every row (before a refill).
    public func deleteAll() throws(StoreError) {
        for table in EvictedSumsSchema.tables { try connection.execute("DELETE FROM \(schema).\(table)") }
    }
}

extension EventStore {
    /// Whether the file has the tables (a ledger opened read-only at an older schema has not).
    public var hasEvictedSums: Bool {
        (try? connection.scalarInt64(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history_evicted_sums'")) == 1
    }

    /// The tables in `main`; nil when the file has none.
    public var evictedSums: EvictedSumsTable? {
        hasEvictedSums ? EvictedSumsTable(connection: connection, schema: "main") : nil
    }

    /// Runs `body` inside one `BEGIN IMMEDIATE` transaction (a refill of the tables: all or nothing).
    public func inWriteTransaction(_ body: () throws -> Void) throws {
        try checkWritable()
        try connection.execute("BEGIN IMMEDIATE")
        do {
            try body()
            try connection.execute("COMMIT")
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    /// Every stored history record with the close that evicted it, in log order.
    public func forEachHistoryRecordWithClose(_ body: (Int64, [UInt8]) throws -> Void) throws {
        guard hasTransactionHistory else { return }
        let select = try connection.prepare(
            "SELECT tx, item, record, checksum, closed_by FROM history_transactions ORDER BY sequence")
        while try select.step() { try body(select.int64(at: 4), try Self.checkedHistoryRecord(select).record) }
    }
}

extension HistoryWriter {
    /// The tables in this run's schema (a rebuild's `main`, or a verification's scratch database).
    public var evictedSums: EvictedSumsTable { EvictedSumsTable(connection: connection, schema: schema) }
}
