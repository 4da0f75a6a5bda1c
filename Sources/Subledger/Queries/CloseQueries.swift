import SubledgerCore

/// Read models of inventory closes and recalculations (valuation-rules.md section 4): the runs with their
/// logs, and the settlement entries each run recorded. Views of `state.closes` and `state.settlements`.

/// One settlement entry of a close or recalculation.
public struct SettlementRow: Sendable, Equatable {
    /// The closing date (the business date of the run).
    public var date: LedgerDate
    /// Sequence of the `settlement.posted` event that carries the entry.
    public var sequence: Int64
    /// Sequence of the `close.posted` event of the run the entry belongs to (nil for entries that belong to
    /// no close or recalculation, like the compensating entries of a reversal).
    public var closeSequence: Int64?
    public var mode: CloseMode
    /// The item of the transaction the entry changes.
    public var item: String
    public var entry: SettlementEntry

    /// `settlement`, `adjustment`, `consumption` or `receipt-adjustment` (the event's wire names).
    public var kindName: String { SettlementRow.kindName(entry.kind) }
    /// The issue (or, for consumption and receipt adjustments, the receipt) the entry changes.
    public var transaction: String { entry.transaction }
    /// The receipt the issue settled against or was valued from ("" when none).
    public var counterpart: String { entry.counterpart }

    public static func kindName(_ kind: SettlementEntry.Kind) -> String {
        switch kind {
        case .settlement: return "settlement"
        case .adjustment: return "adjustment"
        case .consumption: return "consumption"
        case .receiptAdjustment: return "receipt-adjustment"
        }
    }

    /// True when the entry changes an issue's cost (settlement or adjustment without settlement).
    public var adjustsIssue: Bool { entry.kind == .settlement || entry.kind == .adjustment }
}

/// One close or recalculation, with what it recorded.
public struct CloseRow: Sendable, Equatable {
    public var date: LedgerDate
    public var mode: CloseMode
    /// Sequence of its `close.posted` event: the id `settlements --close` takes.
    public var sequence: Int64
    /// What the run could not do: unsettled issues, issues posted at zero cost, negative on-hand, ...
    public var notes: [CloseNote]
    /// Settlement entries the run recorded (every kind).
    public var entryCount: Int
    /// Entries of kind `settlement` (an issue matched with a receipt).
    public var settledCount: Int
    /// Sum of the adjustments of issues (settlements and adjustments without settlement): the change of
    /// cost of goods issued. + means more cost. In Int128: a close has any number of entries (DR-17).
    public var issueAdjustment: Total<Money>
    /// Sum of the adjustments of receipts (a transfer's receipt leg following its issue leg, D15).
    public var receiptAdjustment: Total<Money>
    /// Sequence of the `close.reversed` event that reversed the run (D12); nil while it is in force.
    public var reversedBy: Int64? = nil

    /// False once the run has been reversed: its settlements and adjustments are compensated and, for a
    /// close, its period is open again.
    public var isInForce: Bool { reversedBy == nil }

    /// The notes as log lines.
    public var log: [String] { notes.map(\.message) }
    /// The log lines sorted by what they report: a marked issue waiting for its receipt is unsettled too.
    public var unsettled: [String] { lines { $0 == .unsettled || $0 == .markedIssueWaiting } }
    public var zeroCost: [String] { lines { $0 == .postedAtZeroCost } }
    public var negativeOnHand: [String] { lines { $0 == .negativeOnHand } }
    /// Log lines of no category above.
    public var otherLog: [String] { notes.filter { CloseRow.isOther($0.kind) }.map(\.message) }

    static func isOther(_ kind: CloseNote.Kind) -> Bool {
        ![.unsettled, .markedIssueWaiting, .postedAtZeroCost, .negativeOnHand].contains(kind)
    }

    private func lines(_ isIncluded: (CloseNote.Kind) -> Bool) -> [String] {
        notes.filter { isIncluded($0.kind) }.map(\.message)
    }
}

extension Ledger {
    /// Closes and recalculations in log order, reversed ones included (`reversedBy` says by which event).
    public func closes() -> [CloseRow] {
        var rows = state.closes.map {
            CloseRow(
                date: $0.date, mode: $0.mode, sequence: $0.sequence, notes: $0.log, entryCount: 0, settledCount: 0,
                issueAdjustment: .zero, receiptAdjustment: .zero, reversedBy: $0.reversedBy)
        }
        for (record, owner) in zip(state.settlements, ownerIndices()) {
            guard let index = owner else { continue }
            rows[index].entryCount += 1
            switch record.entry.kind {
            case .settlement:
                rows[index].settledCount += 1
                rows[index].issueAdjustment += record.entry.adjustment
            case .adjustment:
                rows[index].issueAdjustment += record.entry.adjustment
            case .receiptAdjustment:
                rows[index].receiptAdjustment += record.entry.adjustment
            case .consumption:
                break
            }
        }
        return rows
    }

    /// For each settlement record, the index in `state.closes` of the run it belongs to: the first close
    /// or recalculation logged after it, of the same mode (a run's `settlement.posted` events come just
    /// before its `close.posted`). Entries of another mode (compensating entries) belong to no run.
    func ownerIndices() -> [Int?] {
        let closes = state.closes
        var index = 0
        return state.settlements.map { record in
            while index < closes.count && closes[index].sequence < record.sequence { index += 1 }
            guard index < closes.count, closes[index].mode == record.mode else { return nil }
            return index
        }
    }

    /// The close or recalculation whose `close.posted` event has this sequence.
    public func closeRow(sequence: Int64) -> CloseRow? {
        closes().first { $0.sequence == sequence }
    }

    /// Settlement entries in log order, optionally only those of one item, those that name a transaction
    /// (as the transaction changed or as its counterpart), and those of one run (by the sequence of its
    /// `close.posted` event).
    public func settlements(
        item: String? = nil, transaction: String? = nil, closeSequence: Int64? = nil
    )
        -> [SettlementRow]
    {
        var rows: [SettlementRow] = []
        // A settled transaction may have left the open state for the history table (DR-22): read the
        // items of all of them at the first one met (one pass over the table, not a lookup per entry).
        var closedItems: [String: String]?
        func itemOf(_ id: String) -> String? {
            if let open = state.transactions[id] { return open.item }
            if closedItems == nil { closedItems = (try? historyItems()) ?? [:] }
            return closedItems?[id]
        }
        for (record, ownerIndex) in zip(state.settlements, ownerIndices()) {
            let owner = ownerIndex.map { state.closes[$0].sequence }
            if let closeSequence, owner != closeSequence { continue }
            let entry = record.entry
            if let transaction, entry.transaction != transaction && entry.counterpart != transaction { continue }
            let itemID = itemOf(entry.transaction) ?? itemOf(entry.counterpart) ?? ""
            if let item, itemID != item { continue }
            rows.append(
                SettlementRow(
                    date: record.date, sequence: record.sequence, closeSequence: owner,
                    mode: record.mode, item: itemID, entry: entry))
        }
        return rows
    }
}
