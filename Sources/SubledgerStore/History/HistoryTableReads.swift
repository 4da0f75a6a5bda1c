// What the facade's queries read of the history tables, whichever store holds them (DR-56): the SQLite
// file or a PostgreSQL database (its migrations 4 and 7). The facade asks one `HistoryTableReads` whether
// the tables hold every event (the watermark) and then reads closes, close summaries, a close's settlement
// pages, the settlement days, GL balances as of a date, the as-of day sums, and one transaction's voucher
// lines and settlement entries by id (DR-57), never asking which store it is. The as-of day sums are
// written through `AsOfDaySumsStore`, so one fold fills both.

import SubledgerCore

/// The history tables' reads the queries make.
public protocol HistoryTableReads: AnyObject {
    /// True when the store holds the history tables (its schema is recent enough).
    var hasHistoryTables: Bool { get }
    /// True when the store holds the close summary tables.
    var hasCloseSummaryTables: Bool { get }
    /// The last event projected into the tables (0 when none).
    func historyWatermark() throws(StoreError) -> Int64
    /// Every projected close, recalculation and reversal run, oldest first.
    func historyCloses() throws(StoreError) -> [HistoryClose]
    /// How many projected closes have no summary yet.
    func closesWithoutSummary() throws(StoreError) -> Int64
    /// The totals of every projected close, oldest first; with `sequence`, of that close alone with its
    /// items and accounts.
    func historyCloseSummaries(sequence: Int64?) throws(StoreError) -> [HistoryCloseSummary]
    /// Up to `limit` settlement entries of the run at `close` after entry `after`, and whether more follow.
    func historyCloseSettlements(
        close: Int64, after entry: Int64, limit: Int
    ) throws(StoreError) -> (rows: [(entry: Int64, row: HistorySettlementRow)], more: Bool)
    /// The stored settlement days, ascending; nil when the store has no such table.
    func historySettlementDays() throws(StoreError) -> [LedgerDate]?
    /// Each account's GL balance through `day` (the sums of `history_gl_days`).
    func historyBalances(through day: LedgerDate) throws(StoreError) -> [String: Money]
    /// The voucher lines of every event dated through `day`, of one reference (`tx`) or all, in log order
    /// (sequence, then line); `body` gets the sequence, date, event type, reference and the line.
    func historyVoucherLines(
        reference: String?, through day: LedgerDate,
        _ body: (Int64, LedgerDate, String, String, VoucherLine) throws -> Void
    ) throws
    /// The settlement entries that change `transaction` or settle against it, in entry (log) order.
    func historySettlements(naming transaction: String) throws(StoreError) -> [HistorySettlementRow]
    /// The as-of day sums; nil when the store has none, or the connection's role may not use them.
    var asOfDaySumsStore: (any AsOfDaySumsStore)? { get }
    /// Runs `body`'s reads in one snapshot (a read-only transaction), so a gate and the rows it admits
    /// see the same commits: another process's projection never lands between them.
    func inOneSnapshot<T>(_ body: () throws -> T) throws -> T
}

/// The as-of day sums of one store (DR-35): the rows of each close in force, written by the fill in the
/// facade (`HistoryTables.fillAsOfDaySums`) and summed through a date by the reconciliation.
public protocol AsOfDaySumsStore {
    /// The closes whose rows are stored.
    func segments() throws(StoreError) -> Set<Int64>
    /// Stores `segment` as the rows of the close at `close`, in the caller's transaction.
    func save(close: Int64, _ segment: AsOfDaySegment) throws(StoreError)
    /// Deletes the rows of the close at `close`.
    func delete(close: Int64) throws(StoreError)
    /// Deletes every row.
    func deleteAll() throws(StoreError)
    /// Whether a stored gap holds `day`.
    func isGap(_ day: LedgerDate) throws(StoreError) -> Bool
    /// Every row dated through `day`, summed; nil when a sum leaves 64 bits.
    func figures(through day: LedgerDate) throws(StoreError) -> AsOfDayFigures?
}

extension AsOfDaySumsTable: AsOfDaySumsStore {}

extension EventStore: HistoryTableReads {
    public var asOfDaySumsStore: (any AsOfDaySumsStore)? { asOfDaySums() }

    /// A deferred transaction: its first read fixes the snapshot (WAL), which writers never block.
    public func inOneSnapshot<T>(_ body: () throws -> T) throws -> T {
        try connection.execute("BEGIN")
        defer { try? connection.execute("ROLLBACK") }  // it only read
        return try body()
    }
}

// Rows another store's reads make (the memberwise initializers are internal to this module).
extension HistoryClose {
    public init(closeSequence: Int64, day: LedgerDate, mode: String, reversedBy: Int64?, latestDayThrough: Int32) {
        self.init(
            sequence: closeSequence, day: day, mode: mode, reversedBy: reversedBy, latestDayThrough: latestDayThrough)
    }
}

extension HistoryCloseSummary.ItemSum {
    public init(item: String, entries: Int64, issue: Total<Money>, receipt: Total<Money>) {
        self.init(item: item, entries: entries, issueAdjustment: issue, receiptAdjustment: receipt)
    }
}

extension HistoryCloseSummary.AccountSum {
    public init(account: String, postingType: String, total: Total<Money>) {
        self.init(account: account, postingType: postingType, amount: total)
    }
}
