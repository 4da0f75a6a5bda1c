/// One inventory transaction (an InventTrans row and its later financial updates): what was posted,
/// what is still only physical, and what has been adjusted since. All values are positive magnitudes.
public struct TransactionRecord: Sendable, Equatable {
    public enum Direction: String, Sendable { case receipt, issue }

    public var id: String
    /// Sequence of the event that created it (log order, D11).
    public var sequence: Int64
    public var item: String
    /// What created it; its direction follows.
    public var kind: TransactionKind
    public var dimensions: DimensionValues
    public var date: LedgerDate
    public var financialDate: LedgerDate?
    /// Sequence of its first financial update (the posting itself, or the first invoice of a packing slip
    /// or product receipt): its place among updates of the same financial date (D11). 0 until then.
    public var financialSequence: Int64 = 0
    public var quantity: Quantity
    /// Price the user entered (receipts) or the last invoice price.
    public var unitPrice: UnitPrice

    public var physicalOpenQuantity = Quantity.zero
    public var physicalOpenValue = Money.zero
    /// Offset (accrual) amount of the open physical part, reversed at invoice.
    public var physicalOpenOffset = Money.zero
    public var financialQuantity = Quantity.zero
    public var financialValue = Money.zero
    /// Every adjustment since posting (close, recalculation, transaction adjustment): + means more cost.
    public var adjustment = Money.zero
    /// The part of `adjustment` made to the physically-only part (include physical value, D5); it is
    /// also in `physicalOpenValue`, which the invoice reverses.
    public var physicalAdjustment = Money.zero
    /// Quantity and value matched by closes: an issue's settled cost, or the value taken from a receipt.
    public var settledQuantity = Quantity.zero
    public var settledValue = Money.zero
    /// A receipt financially updated more than once (a partial invoice splits the row, 1.2): each update
    /// with its own financial date and value, settled separately by the close. Empty means one part: the
    /// whole financial quantity, dated `financialDate` (the common case, no allocation).
    public var parts: [FinancialPart] = []
    public var costSource: CostSource
    /// Accounts (interned in `LedgerState.accountSets`) of the posting that created it and of its latest
    /// invoice: the accounts later adjustments post to (D16). -1 when none.
    public var postedAccounts: Int32
    public var invoiceAccounts: Int32 = -1

    public var direction: Direction { kind.direction }
    public var kindName: String { kind.name }
    public var isTransferLeg: Bool { kind.isTransferLeg }

    /// Unit cost it was posted with, before adjustments: the financial posting when there is one.
    public var postedUnitCost: UnitPrice? {
        if financialQuantity.isPositive { return financialValue.perUnit(financialQuantity) }
        if physicalOpenQuantity.isPositive { return physicalOpenValue.perUnit(physicalOpenQuantity) }
        return nil
    }

    /// Current cost amount: posted (physical and financial) plus adjustments.
    public var currentAmount: Money { financialValue + physicalOpenValue + adjustment - physicalAdjustment }

    /// Financial quantity not yet settled by a close.
    public var openQuantity: Quantity { financialQuantity - settledQuantity }
    /// Current value (receipt) or cost (issue) of the financial quantity not yet settled.
    public var openValue: Money { financialValue + adjustment - physicalAdjustment - settledValue }

    public var currentUnitCost: UnitPrice? {
        let quantity = financialQuantity + physicalOpenQuantity
        guard quantity.isPositive else { return nil }
        return currentAmount.perUnit(quantity)
    }
}

/// One financial update of a transaction that was invoiced in parts.
public struct FinancialPart: Sendable, Equatable {
    public var date: LedgerDate
    public var sequence: Int64
    public var quantity: Quantity
    public var value: Money
    /// Receipt-level adjustments applied while this was the latest part (transaction adjustments, D15).
    public var adjustment = Money.zero
    public var settledQuantity = Quantity.zero
    public var settledValue = Money.zero

    public var openQuantity: Quantity { quantity - settledQuantity }
    public var openValue: Money { value + adjustment - settledValue }
}

extension TransactionRecord {
    /// Records a further financial update of a receipt or an issue: the first one becomes part 0.
    mutating func addFinancialPart(
        date: LedgerDate, sequence: Int64, quantity: Quantity, value: Money
    ) throws(FoldFailure) {
        if parts.isEmpty {
            var adjusted = adjustment
            try adjusted.subtract(physicalAdjustment)
            parts.append(
                FinancialPart(
                    date: financialDate ?? date, sequence: financialSequence, quantity: financialQuantity,
                    value: financialValue, adjustment: adjusted,
                    settledQuantity: settledQuantity, settledValue: settledValue))
        }
        parts.append(FinancialPart(date: date, sequence: sequence, quantity: quantity, value: value))
    }

    /// A receipt-level value change: on the latest part when the receipt has parts.
    mutating func addReceiptAdjustment(_ amount: Money) throws(FoldFailure) {
        try adjustment.add(amount)
        if !parts.isEmpty { try parts[parts.count - 1].adjustment.add(amount) }
    }

    /// A settlement or consumption of `quantity` worth `value` from part `part`.
    mutating func settleReceipt(part: Int, _ quantity: Quantity, _ value: Money) throws(FoldFailure) {
        try settledQuantity.add(quantity)
        try settledValue.add(value)
        if !parts.isEmpty {
            try checkPart(part)
            try parts[part].settledQuantity.add(quantity)
            try parts[part].settledValue.add(value)
        }
    }

    /// `quantity` of an issue's part `part` settled at the cost `value` (what it took from its receipts),
    /// which changed the issue's cost by `change`.
    mutating func settleIssue(
        part: Int, _ quantity: Quantity, _ value: Money, adjustment change: Money
    ) throws(FoldFailure) {
        try settledQuantity.add(quantity)
        try settledValue.add(value)
        try adjustment.add(change)
        if !parts.isEmpty {
            try checkPart(part)
            try parts[part].settledQuantity.add(quantity)
            try parts[part].settledValue.add(value)
            try parts[part].adjustment.add(change)
        }
    }

    /// A stored settlement names a part by index; a damaged one must not index out of range.
    private func checkPart(_ part: Int) throws(FoldFailure) {
        guard parts.indices.contains(part) else {
            throw .contradiction("transaction '\(id)' has no financial part \(part)")
        }
    }
}
