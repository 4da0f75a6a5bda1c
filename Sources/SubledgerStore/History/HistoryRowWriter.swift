// The seam between the history projection and the store that keeps its tables (issue 14, DR-47): what a
// projection run writes, whichever database holds the rows. SQLite's `HistoryWriter` (prepared statements
// in the file's transaction) and PostgreSQL's writer (pipelined multi-row INSERTs) both conform, so the
// one fold (`HistoryProjection` in the facade) writes the same rows into either.

import SubledgerCore

/// What one projection run writes. A run is one transaction of the store: its rows and the watermark
/// land together or not at all. The GL days are the writer's own sum of the voucher lines' amounts per
/// account and day, added to the stored days when the run ends.
public protocol HistoryRowWriter: AnyObject {
    /// One GL line of an event (`history_voucher_lines`); its amount goes into the day's GL net too.
    func voucherLine(
        sequence: Int64, line: Int, reference: String, _ voucher: VoucherLine, day: LedgerDate
    ) throws(StoreError)
    /// One settlement entry, numbered in the order written (`history_settlements`).
    func settlement(_ row: HistorySettlementRow) throws(StoreError)
    /// The date of a settlement event that holds at least one entry (`history_settlement_days`).
    func settlementDay(_ day: LedgerDate) throws(StoreError)
    /// A close, recalculation or reversal run (`history_closes`), in force until marked reversed.
    func close(sequence: Int64, day: LedgerDate, mode: CloseMode, latestDayThrough: Int32) throws(StoreError)
    /// Marks the close at `closeSequence` reversed by the `close.reversed` at `sequence`.
    func closeReversed(_ closeSequence: Int64, by sequence: Int64) throws(StoreError)
    /// Every cost pool's on-hand right after the close at `closeSequence` (`history_onhand_at_close`).
    func onHand(closeSequence: Int64, _ rows: [HistoryOnHandRow]) throws(StoreError)
    /// One run's totals, items and accounts (`history_close_totals`, `_items`, `_accounts`).
    func closeSummary(_ summary: HistoryCloseSummary) throws(StoreError)
}

extension HistoryWriter: HistoryRowWriter {}

/// A store other than the SQLite file that keeps the history tables beside its log (PostgreSQL). The
/// SQLite file has its own, richer path (`EventStore.writeHistory`: the eviction tables, its indexes).
public protocol HistoryTableStore: AnyObject {
    /// True when the store holds the tables (its schema is recent enough).
    var hasHistoryTables: Bool { get }

    /// The last event projected into the tables (0 when none).
    func historyWatermark() throws(StoreError) -> Int64

    /// Runs `body` with a writer in ONE transaction that holds the projector's lock (one projector at a
    /// time across every process and node): its rows and the watermark land together or not at all.
    /// `body` gets the watermark to project from and returns the new one. With `fresh`, the tables are
    /// emptied first (a rebuild); with `scratch`, the run writes into the scratch tables instead
    /// (`createHistoryScratch`, a verification).
    func writeHistory(
        fresh: Bool, scratch: Bool,
        _ body: (any HistoryRowWriter, _ from: Int64, _ latestDay: Int32) throws -> (through: Int64, latestDay: Int32)
    ) throws

    /// Rows per history table.
    func historyRowCounts() throws(StoreError) -> [(table: String, rows: Int64)]

    /// Creates empty scratch tables of the same shape, private to this connection.
    func createHistoryScratch() throws(StoreError)
    /// Drops the scratch tables.
    func dropHistoryScratch()
    /// The first row in which a stored table differs from its scratch copy, in words, or nil.
    func historyScratchDifference() throws(StoreError) -> String?
    /// The as-of day sums (DR-56): the stored ones, or the scratch copies a verification fills; nil when
    /// the store has none or the role may not use them.
    func asOfDaySums(scratch: Bool) -> (any AsOfDaySumsStore)?
}

extension HistorySettlementRow {
    /// The entry's kind as every store's tables hold it (`settlement`, `adjustment`, ...).
    public var kindName: String { HistoryWriter.kindName(entry.kind) }
}
