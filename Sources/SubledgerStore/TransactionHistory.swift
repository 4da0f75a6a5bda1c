// What the facade reads and writes of the transactions closes moved out of the open state (DR-22, DR-50),
// whichever database keeps them: the SQLite file (`history_transactions` and `history_evicted_*`,
// HistoryTransactions.swift and History/EvictedSums.swift) or PostgreSQL (its migration 5). The facade
// holds one `TransactionHistory` and never asks which store it is: a close's evicted records go in inside
// the close's own transaction, a reversal deletes them, and the queries read them back by id, in listing
// order, by item and all at once. Every row carries the same checksum on both stores, checked on every
// read (DR-18).

import SubledgerCore

/// Looks up one history record by transaction id (an import asks once per new id).
public protocol HistoryTransactionLookup: AnyObject {
    /// The stored record of `transaction`, nil when the history holds none.
    func record(_ transaction: String) throws(StoreError) -> [UInt8]?
}

/// The history of transactions and the sums of what each close moved out, in one store.
public protocol TransactionHistory: AnyObject {
    /// Whether the store has the tables (a file opened read-only at an older schema has not).
    var hasTransactionHistory: Bool { get }
    /// False when the tables may only be read (a file opened read-only).
    var historyIsWritable: Bool { get }
    /// A lookup by id; keep it no longer than the store.
    func historyTransactionLookup() -> any HistoryTransactionLookup
    /// Whether the table holds any row.
    func hasHistoryTransactions() throws(StoreError) -> Bool
    /// Number of rows.
    func historyTransactionCount() throws(StoreError) -> Int
    /// Each stored record, of one item or all, in log order; with `close`, only the rows of closes at or
    /// before that sequence.
    func forEachHistoryTransactionRecord(
        item: String?, closedThrough close: Int64?, _ body: ([UInt8]) throws(StoreError) -> Void
    ) throws(StoreError)
    /// Id, sequence and record of each row from `sequence` on (of `item`, dated `from...to` as yyyymmdd,
    /// when given), in (sequence, id) order, until `body` returns false.
    func forEachHistoryTransaction(
        fromSequence sequence: Int64, item: String?, from: Int64?, to: Int64?,
        _ body: (String, Int64, [UInt8]) throws(StoreError) -> Bool
    ) throws(StoreError)
    /// Id and record of every row, in whatever order the store reads fastest.
    func forEachHistoryTransactionUnordered(_ body: (String, [UInt8]) throws(StoreError) -> Void) throws(StoreError)
    /// Every row's item, by transaction id.
    func historyTransactionItems() throws(StoreError) -> [String: String]
    /// Writes the rows `next` hands over until it returns nil (a row for an id already there replaces it),
    /// inside the caller's transaction: call it in an append body, so they commit with the close.
    func saveHistoryTransactions(batches next: () -> [HistoryTransactionRow]?) throws(StoreError)
    /// Writes `rows` in a transaction of their own (filling the table of a ledger that lacked it).
    func saveHistoryTransactionsAtomically(_ rows: [HistoryTransactionRow]) throws(StoreError)
    /// Deletes the rows the close at `closedBy` evicted (it is being reversed), in the caller's transaction.
    func deleteHistoryTransactions(closedBy: Int64) throws(StoreError)
    /// The sums of what each close moved out (DR-31); nil when the store has no such tables.
    var evictedSumsStore: (any EvictedSumsStore)? { get }
}

extension TransactionHistory {
    /// The stored records, of one item or all, in log order.
    public func historyTransactionRecords(item: String?) throws(StoreError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        try forEachHistoryTransactionRecord(item: item, closedThrough: nil) { records.append($0) }
        return records
    }
}

/// The sums of what each close in force moved out of the open state, per close (DR-31).
public protocol EvictedSumsStore {
    /// The rows of the close at `close` (summed over their chunks), nil when that close has none stored.
    func sums(close: Int64) throws(StoreError) -> [EvictedSumKey: EvictedSums]?
    /// Whether the close at `close` has its rows stored.
    func has(close: Int64) throws(StoreError) -> Bool
    /// The latest close stored before `close` (nil when none).
    func previousClose(before close: Int64) throws(StoreError) -> Int64?
    /// Stores the rows of the close at `close` (replacing any), in the caller's transaction.
    func save(close: Int64, _ groups: [EvictedSumKey: EvictedSums]) throws(StoreError)
    /// Deletes the rows of the close at `close` (a reversal of it).
    func delete(close: Int64) throws(StoreError)
    /// Deletes every row (before a refill).
    func deleteAll() throws(StoreError)
}

extension EvictedSumsTable: EvictedSumsStore {}

extension EvictedSums {
    /// The stored chunks of these sums (financial, offset, physical open), each within 64 bits: the same
    /// sums always give the same chunks on every store, so a rebuild writes what the close wrote.
    public var storedChunks: [(Int64, Int64, Int64)] { EvictedSumsSchema.chunks(self) }
}

extension HistoryTransactionRow {
    /// The row's checksum as every store keeps it (64-bit FNV-1a over id, item and record).
    public var checksum: Int64 { EventStore.historyChecksum(transaction, item, record) }

    /// `record` when `checksum` is the one its id and item give, else the damaged-row error (DR-18).
    public static func checked(
        transaction: String, item: String, record: [UInt8], checksum: Int64
    ) throws(StoreError) -> [UInt8] {
        guard EventStore.historyChecksum(transaction, item, record) == checksum else {
            throw StoreError.corrupt(
                "the history row of transaction '\(transaction.prefix(80))' does not match its checksum: "
                    + "the ledger's history is damaged; run `subledger replay --verify`")
        }
        return record
    }
}

extension EventStore: TransactionHistory {
    public var historyIsWritable: Bool { !isReadOnly }
    public func historyTransactionLookup() -> any HistoryTransactionLookup { SQLiteHistoryLookup(self) }
    public var evictedSumsStore: (any EvictedSumsStore)? { evictedSums }
}

/// A projection run's writer that also takes what the closes of a replay moved out (a rebuild or a
/// verification of a store whose ledger evicts): the history rows at the run's end, the sums per close as
/// the run meets each close. The SQLite file writes these beside its `HistoryWriter` (its own path).
public protocol EvictionRowWriter: HistoryRowWriter {
    /// Rows of `history_transactions` (any order; a row for an id already there replaces it).
    func historyTransactions(_ rows: [HistoryTransactionRow]) throws(StoreError)
    /// The sums' tables this run writes (the stored ones, or a verification's scratch copies).
    var evictedSums: any EvictedSumsStore { get }
}
