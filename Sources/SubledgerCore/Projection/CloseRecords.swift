/// A close or recalculation as the projection keeps it.
public struct CloseRecord: Sendable, Equatable {
    public var date: LedgerDate
    public var mode: CloseMode
    /// Sequence of its `close.posted` event.
    public var sequence: Int64
    public var log: [String]
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
    mutating func applySettlement(_ e: SettlementPosted, _ date: LedgerDate) {
        let setup = items[e.item]!
        if e.mode != .reversal { pendingCloseEvents.append(e) }
        for receipt in e.closingReceipts where e.mode != .reversal {
            var record = TransactionRecord(
                id: receipt.id, sequence: lastSequence, item: e.item, direction: .receipt,
                kindCode: TransactionRecord.closingReceiptCode, dimensions: e.dimensions, date: date,
                financialDate: date, quantity: receipt.quantity, unitPrice: .zero, costSource: .receiptPrice,
                postedAccounts: -1)
            record.financialSequence = lastSequence
            record.financialQuantity = receipt.quantity
            record.financialValue = receipt.value
            transactions[receipt.id] = record
        }
        for entry in e.entries {
            var record = transactions[entry.transaction]!
            let key = poolKey(item: setup, record.dimensions)
            switch entry.kind {
            case .settlement:
                record.settleIssue(part: entry.issuePart, entry.quantity, entry.settledAmount, adjustment: entry.adjustment)
                transactions[entry.counterpart]!.settleReceipt(part: entry.part, entry.quantity, entry.settledAmount)
                pools[key, default: CostPool()].financialValue -= entry.adjustment
            case .adjustment:
                if entry.physical {
                    let effect = physicalEffect(entry, on: record)
                    record.adjustment += entry.adjustment
                    record.physicalAdjustment += entry.adjustment
                    record.physicalOpenValue += effect
                    pools[key, default: CostPool()].physicalValue -= effect
                } else {
                    // A recalculation's adjustment: on the issue's part it was computed for.
                    record.settleIssue(part: entry.issuePart, .zero, .zero, adjustment: entry.adjustment)
                    pools[key, default: CostPool()].financialValue -= entry.adjustment
                }
            case .consumption:
                record.settleReceipt(part: entry.part, entry.quantity, entry.settledAmount)
            case .receiptAdjustment:
                record.addReceiptAdjustment(entry.adjustment)
                pools[key, default: CostPool()].financialValue += entry.adjustment
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
