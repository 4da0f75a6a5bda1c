// `closes` (the CLI and `GET /v1/closes`) from the per-close summary rows (DR-30) and each run's own
// `close.posted` (its log), when the history holds every event and every run has its row: one row and one
// event per run instead of every settlement event of the log. Otherwise (the history behind the log, a
// file without the tables) from the close log, as before; both give the same rows. The file's tables or a
// PostgreSQL ledger's (DR-56), read alike through `HistoryTableReads`.

import SubledgerCore
internal import SubledgerStore

extension HistoryTables {
    /// The runs in log order from the summary rows of `store` (the history of `log`); nil when the tables
    /// cannot stand for the log or there are none.
    static func closeRows(_ store: (any HistoryTableReads)?, log: any QueryableEventLog) throws -> [CloseRow]? {
        guard let store, store.hasHistoryTables, store.hasCloseSummaryTables else { return nil }
        return try LedgerError.sealing { () throws -> [CloseRow]? in
            guard try store.historyWatermark() == log.checkedLastSequence(), try store.closesWithoutSummary() == 0
            else { return nil }
            var totals: [Int64: HistoryCloseSummary] = [:]
            for summary in try store.historyCloseSummaries(sequence: nil) { totals[summary.closeSequence] = summary }
            var rows: [CloseRow] = []
            for close in try store.historyCloses() {
                guard let summary = totals[close.sequence], let posted = try closePosted(log, close.sequence)
                else { return nil }
                var row = CloseRow(date: close.day, sequence: close.sequence, posted)
                row.entryCount = Int(summary.entries)
                row.settledCount = Int(summary.settled)
                row.issueAdjustment = summary.issueAdjustment
                row.receiptAdjustment = summary.receiptAdjustment
                row.reversedBy = close.reversedBy
                rows.append(row)
            }
            return rows
        }
    }

    private static func closePosted(_ store: any QueryableEventLog, _ sequence: Int64) throws -> ClosePosted? {
        var found: ClosePosted?
        try store.forEachEvent(after: sequence - 1, through: sequence) { stored in
            if case .closePosted(let posted) = try EventStore.decoded(stored) { found = posted }
        }
        return found
    }
}

extension LedgerLog {
    /// `closes()` from the summary rows when they stand for the log, else from the close log.
    public func currentCloses() throws -> (closes: [CloseRow], closedThrough: LedgerDate?) {
        let reads = HistoryTables.reads(file: sqlite, log: log)
        guard let rows = try HistoryTables.closeRows(reads, log: log) else { return try closes() }
        return (rows, rows.last { $0.mode == .close && $0.isInForce }?.date)
    }
}

extension Ledger {
    /// `closes()` from the summary rows when they stand for the log (projecting it first), else from the
    /// close log.
    public func currentCloses() throws -> [CloseRow] {
        if historyReads?.hasHistoryTables == true { _ = try? projectHistory() }
        return try HistoryTables.closeRows(historyReads, log: log) ?? closes()
    }
}
