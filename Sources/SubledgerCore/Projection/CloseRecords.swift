/// A close or recalculation as the projection keeps it.
public struct CloseRecord: Sendable, Equatable {
    public var date: LedgerDate
    public var mode: CloseMode
    /// Sequence of its `close.posted` event.
    public var sequence: Int64
    /// What the run could not do (unsettled issues, issues posted at zero cost, negative on-hand, ...).
    public var log: [CloseNote]
    /// Its per-pool results, kept so that a reversal can negate them exactly (D12).
    public var events: [SettlementPosted]
    /// Sequence of the `close.reversed` event that reversed it.
    public var reversedBy: Int64?

    public var isInForce: Bool { reversedBy == nil }
}

/// One settlement or close adjustment, for queries and audits.
public struct SettlementRecord: Sendable, Equatable {
    public var date: LedgerDate
    public var sequence: Int64
    public var mode: CloseMode
    public var entry: SettlementEntry
}

extension LedgerState {
    mutating func applySettlement(_ e: SettlementPosted, _ date: LedgerDate) throws(FoldFailure) {
        guard items[e.item] != nil else { throw .missing("item", e.item) }
        if e.mode != .reversal { pendingCloseEvents.append(e) }
        for receipt in e.closingReceipts where e.mode != .reversal {
            var record = TransactionRecord(
                id: receipt.id, sequence: lastSequence, item: e.item,
                kind: .closingReceipt, dimensions: e.dimensions, date: date,
                financialDate: date, quantity: receipt.quantity, unitPrice: .zero, costSource: .receiptPrice,
                postedAccounts: -1)
            record.financialSequence = lastSequence
            record.financialQuantity = receipt.quantity
            record.financialValue = receipt.value
            transactions[receipt.id] = record
        }
        for entry in e.entries {
            guard var record = transactions[entry.transaction] else { throw .missing("transaction", entry.transaction) }
            let key = try definedPoolKey(item: e.item, record.dimensions)
            switch entry.kind {
            case .settlement:
                guard transactions[entry.counterpart] != nil else { throw .missing("transaction", entry.counterpart) }
                try record.settleIssue(
                    part: entry.issuePart, entry.quantity, entry.settledAmount, adjustment: entry.adjustment)
                try transactions[entry.counterpart]?.settleReceipt(
                    part: entry.part, entry.quantity, entry.settledAmount)
                try pools[key, default: CostPool()].financialValue.subtract(entry.adjustment)
            case .adjustment:
                if entry.physical {
                    guard entry.quantity.units != .min else { throw .overflow }  // its magnitude would trap
                    let effect = physicalEffect(entry, on: record)
                    try record.adjustment.add(entry.adjustment)
                    try record.physicalAdjustment.add(entry.adjustment)
                    try record.physicalOpenValue.add(effect)
                    try pools[key, default: CostPool()].physicalValue.subtract(effect)
                } else {
                    // A recalculation's adjustment: on the issue's part it was computed for.
                    try record.settleIssue(part: entry.issuePart, .zero, .zero, adjustment: entry.adjustment)
                    try pools[key, default: CostPool()].financialValue.subtract(entry.adjustment)
                }
            case .consumption:
                try record.settleReceipt(part: entry.part, entry.quantity, entry.settledAmount)
            case .receiptAdjustment:
                try record.addReceiptAdjustment(entry.adjustment)
                try pools[key, default: CostPool()].financialValue.add(entry.adjustment)
            }
            transactions[entry.transaction] = record
            settlements.append(SettlementRecord(date: date, sequence: lastSequence, mode: e.mode, entry: entry))
        }
        // A reversed close's weighted average closing receipts go away with it (nothing else can have
        // settled against them: only the latest close can be reversed).
        if e.mode == .reversal {
            for receipt in e.closingReceipts { transactions[receipt.id] = nil }
        }
    }
}
