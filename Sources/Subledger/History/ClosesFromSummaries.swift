// `closes` (the CLI and `GET /v1/closes`) from the per-close summary rows (DR-30) and each run's own
// `close.posted` (its log), when the history holds every event and every run has its row: one row and one
// event per run instead of every settlement event of the log. Otherwise (the history behind the log, a
// file without the tables) from the close log, as before; both give the same rows.

import SubledgerCore
internal import SubledgerStore

extension HistoryTables {
    /// The runs in log order from the summary rows; nil when the tables cannot stand for the log or there
    /// is no ledger file (a PostgreSQL ledger has no history tables yet).
    static func closeRows(_ store: EventStore?) throws -> [CloseRow]? {
        guard let store, store.hasHistoryTables, store.hasCloseSummaryTables else { return nil }
        return try LedgerError.sealing { () throws -> [CloseRow]? in
            guard try store.historyWatermark() == store.checkedLastSequence(), try store.closesWithoutSummary() == 0
            else { return nil }
            var totals: [Int64: HistoryCloseSummary] = [:]
            for summary in try store.historyCloseSummaries() { totals[summary.closeSequence] = summary }
            var rows: [CloseRow] = []
            for close in try store.historyCloses() {
                guard let summary = totals[close.sequence], let posted = try closePosted(store, close.sequence)
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

    private static func closePosted(_ store: EventStore, _ sequence: Int64) throws -> ClosePosted? {
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
        guard let rows = try HistoryTables.closeRows(sqlite) else { return try closes() }
        return (rows, rows.last { $0.mode == .close && $0.isInForce }?.date)
    }
}

extension Ledger {
    /// `closes()` from the summary rows when they stand for the log (projecting it first), else from the
    /// close log.
    public func currentCloses() throws -> [CloseRow] {
        if sqlite?.hasHistoryTables == true { _ = try? projectHistory() }
        return try HistoryTables.closeRows(sqlite) ?? closes()
    }
}
