// The closes as the console shows them: each run's totals, its adjustments by item and by GL account, and
// its settlement entries a page at a time, read by key from the summary tables (CloseSummarySchema.swift)
// instead of summing every settlement event of a close, on the file and on PostgreSQL alike (DR-56). A file
// whose tables are not there or not current (opened read-only at an older schema) gets the same figures from
// the same fold over its close log.

import SubledgerCore
internal import SubledgerStore

/// One close or recalculation with its totals; `items`, `accounts` and `log` only from `closeSummary`.
public struct CloseSummary: Sendable, Equatable {
    public var sequence: Int64
    public var date: LedgerDate
    public var mode: CloseMode
    public var reversedBy: Int64?
    /// Entries of every kind; entries of kind `settlement`, with their quantity and settled amount.
    public var entryCount: Int
    public var settledCount: Int
    public var settledQuantity: Total<Quantity>
    public var settledAmount: Total<Money>
    /// As `CloseRow`: the change of cost of the issues, and of the receipts.
    public var issueAdjustment: Total<Money>
    public var receiptAdjustment: Total<Money>
    public var logLines: Int
    public var unsettled: Int
    public var zeroCost: Int
    public var negativeOnHand: Int
    /// Sorted by item: every item with an entry (one with consumptions only shows zeros).
    public var items: [CloseItemSum] = []
    /// The GL lines of the run's events summed per account and posting type (debit +).
    public var accounts: [CloseAccountSum] = []
    /// The close log's lines (all of them).
    public var log: [String] = []

    public var isInForce: Bool { reversedBy == nil }
}

public struct CloseItemSum: Sendable, Equatable {
    public var item: String
    public var entries: Int
    public var issueAdjustment: Total<Money>
    public var receiptAdjustment: Total<Money>
}

public struct CloseAccountSum: Sendable, Equatable {
    public var account: String
    public var postingType: String
    public var amount: Total<Money>
}

extension CloseSummary {
    init(_ s: HistoryCloseSummary, date: LedgerDate, mode: CloseMode, reversedBy: Int64?) {
        self.init(
            sequence: s.closeSequence, date: date, mode: mode, reversedBy: reversedBy, entryCount: Int(s.entries),
            settledCount: Int(s.settled), settledQuantity: s.settledQuantity, settledAmount: s.settledAmount,
            issueAdjustment: s.issueAdjustment, receiptAdjustment: s.receiptAdjustment, logLines: Int(s.logLines),
            unsettled: Int(s.unsettled), zeroCost: Int(s.zeroCost), negativeOnHand: Int(s.negativeOnHand))
        items = s.items.map {
            CloseItemSum(
                item: $0.item, entries: Int($0.entries), issueAdjustment: $0.issueAdjustment,
                receiptAdjustment: $0.receiptAdjustment)
        }
        accounts = s.accounts.map {
            CloseAccountSum(account: $0.account, postingType: $0.postingType, amount: $0.amount)
        }
    }
}

extension Ledger {
    /// Every close and recalculation, oldest first, with its totals (no items, accounts or log).
    public func closeSummaries() throws -> [CloseSummary] {
        guard let store = try currentSummaries() else {
            return try CloseSummaryReading.fold(log).map { $0.totalsOnly }
        }
        return try HistoryTables.call { () throws(StoreError) in
            let closes = try store.historyCloses()
            let summaries = try store.historyCloseSummaries(sequence: nil)
            var byClose: [Int64: HistoryCloseSummary] = [:]
            for summary in summaries { byClose[summary.closeSequence] = summary }
            return closes.compactMap { close in
                guard let summary = byClose[close.sequence], let mode = CloseMode(name: close.mode) else { return nil }
                return CloseSummary(summary, date: close.day, mode: mode, reversedBy: close.reversedBy)
            }
        }
    }

    /// The run whose `close.posted` is event `sequence`: its totals, items, accounts and log; nil when the
    /// event is no close.
    public func closeSummary(sequence: Int64) throws -> CloseSummary? {
        guard let store = try currentSummaries() else {
            return try CloseSummaryReading.fold(log).first { $0.sequence == sequence }
        }
        var found = try HistoryTables.call { () throws(StoreError) -> CloseSummary? in
            guard let close = try store.historyCloses().first(where: { $0.sequence == sequence }),
                let mode = CloseMode(name: close.mode),
                let summary = try store.historyCloseSummaries(sequence: sequence).first
            else { return nil }
            return CloseSummary(summary, date: close.day, mode: mode, reversedBy: close.reversedBy)
        }
        if found != nil { found!.log = try CloseSummaryReading.log(self.log, sequence: sequence) }
        return found
    }

    /// Up to `limit` settlement entries of the run at `sequence` after the entry numbered `after` (0: from
    /// the first), in log order, each with its number (the key of the next page), and whether more follow.
    public func closeSettlements(
        sequence: Int64, after: Int64, limit: Int
    ) throws -> (rows: [(entry: Int64, row: SettlementRow)], more: Bool) {
        guard let store = try currentSummaries() else {
            let rows = try closeWithSettlements(sequence: sequence).settlements
            let start = Int(clamping: max(after, 0))
            let page = rows.indices.dropFirst(start).prefix(limit).map { (Int64($0 + 1), rows[$0]) }
            return (page, start + limit < rows.count)
        }
        let page = try HistoryTables.call { () throws(StoreError) in
            try store.historyCloseSettlements(close: sequence, after: after, limit: limit)
        }
        let rows = page.rows.map { entry, row in
            (
                entry,
                SettlementRow(
                    date: row.day, sequence: row.sequence, closeSequence: row.closeSequence, mode: row.mode,
                    item: row.item, entry: row.entry)
            )
        }
        return (rows, page.more)
    }

    /// True when the summary tables hold every close of the log (projecting, and filling them, first).
    func summariesAreCurrent() throws -> Bool { try currentSummaries() != nil }

    /// The history tables when their summaries hold every close of the log (on either store, DR-56), else
    /// nil (the caller folds the close log).
    private func currentSummaries() throws -> (any HistoryTableReads)? {
        guard let store = historyReads, store.hasCloseSummaryTables, try historyIsCurrent(),
            try HistoryTables.call({ () throws(StoreError) in try store.closesWithoutSummary() }) == 0
        else { return nil }
        return store
    }
}

extension CloseSummary {
    var totalsOnly: CloseSummary {
        var copy = self
        (copy.items, copy.accounts, copy.log) = ([], [], [])
        return copy
    }
}

extension CloseMode {
    init?(name: String) {
        guard let mode = [CloseMode.close, .recalculation, .reversal].first(where: { $0.name == name }) else {
            return nil
        }
        self = mode
    }
}

/// The summaries folded from the close log: the first fill of a file the tables were added to, and the
/// answer for a file without them.
enum CloseSummaryReading {
    /// Every run through event `last` (all when nil), with its date, mode, reversal and log.
    static func fold(_ store: any QueryableEventLog, through last: Int64? = nil) throws -> [CloseSummary] {
        var fold = CloseSummaryFold()
        var summaries: [CloseSummary] = []
        try LedgerError.sealing {
            try store.forEachCloseLogEvent { stored in
                guard last.map({ stored.sequence <= $0 }) ?? true else { return }
                let event = try EventStore.decoded(stored)
                if let summary = fold.add(event, sequence: stored.sequence),
                    case .closePosted(let posted) = event
                {
                    var row = CloseSummary(summary, date: stored.envelope.date, mode: posted.mode, reversedBy: nil)
                    row.log = posted.log.map(\.message)
                    summaries.append(row)
                }
                if case .closeReversed(let reversed) = event,
                    let index = summaries.lastIndex(where: { $0.sequence == reversed.closeSequence })
                {
                    summaries[index].reversedBy = stored.sequence
                }
            }
        }
        return summaries
    }

    /// The log lines of the `close.posted` at `sequence` (none when that event is no close).
    static func log(_ store: any QueryableEventLog, sequence: Int64) throws -> [String] {
        var lines: [String] = []
        try LedgerError.sealing {
            try store.forEachEvent(after: sequence - 1, through: sequence) { stored in
                if case .closePosted(let posted) = try EventStore.decoded(stored) { lines = posted.log.map(\.message) }
            }
        }
        return lines
    }
}

extension HistoryTables {
    /// Sums the closes the summary tables lack (a file migrated after its closes were projected), once,
    /// from the close log through the watermark, in one transaction.
    static func fillCloseSummaries(_ store: EventStore) throws {
        guard !store.isReadOnly, store.hasCloseSummaryTables,
            try call({ () throws(StoreError) in try store.closesWithoutSummary() }) > 0
        else { return }
        try LedgerError.sealing {
            try store.writeHistory { writer, from, latestDay in
                var fold = CloseSummaryFold()
                try store.forEachCloseLogEvent { stored in
                    guard stored.sequence <= from else { return }
                    if let summary = fold.add(try EventStore.decoded(stored), sequence: stored.sequence) {
                        try writer.closeSummary(summary)
                    }
                }
                return (from, latestDay)
            }
        }
    }
}
