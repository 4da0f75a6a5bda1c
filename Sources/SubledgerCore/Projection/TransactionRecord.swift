/// One inventory transaction (an InventTrans row and its later financial updates): what was posted,
/// what is still only physical, and what has been adjusted since. All values are positive magnitudes.
public struct TransactionRecord: Sendable, Equatable {
    public enum Direction: String, Sendable { case receipt, issue, transfer }

    public var id: String
    /// Sequence of the event that created it (log order, D11).
    public var sequence: Int64
    public var item: String
    public var direction: Direction
    /// The posting kind's code: `ReceiptKind.code` or `IssueKind.code`; 0 for transfers.
    public var kindCode: UInt8
    public var dimensions: DimensionValues
    public var date: LedgerDate
    public var financialDate: LedgerDate?
    public var quantity: Quantity
    /// Price the user entered (receipts) or the last invoice price.
    public var unitPrice: UnitPrice

    public var physicalOpenQuantity = Quantity.zero
    public var physicalOpenValue = Money.zero
    /// Offset (accrual) amount of the open physical part, reversed at invoice.
    public var physicalOpenOffset = Money.zero
    public var financialQuantity = Quantity.zero
    public var financialValue = Money.zero
    public var adjustment = Money.zero
    public var costSource: CostSource
    /// GL lines of the posting that created it and of its latest invoice: the accounts it used (D16).
    public var postedLines: [VoucherLine]
    public var invoiceLines: [VoucherLine] = []
    /// For transfers: the receiving dimension values.
    public var destination: DimensionValues?

    public var kindName: String {
        if let kind = LedgerCommand.ReceiptKind(code: kindCode) { return kind.rawValue }
        if let kind = LedgerCommand.IssueKind(code: kindCode) { return kind.rawValue }
        return "transfer"
    }

    /// Accounts by posting type this transaction posted to; the latest invoice's win (D16).
    public var accounts: [PostingType: String] {
        var map: [PostingType: String] = [:]
        for line in postedLines { map[line.postingType] = line.account }
        for line in invoiceLines { map[line.postingType] = line.account }
        return map
    }

    /// Unit cost it was posted with, before adjustments: the financial posting when there is one.
    public var postedUnitCost: UnitPrice? {
        if financialQuantity.isPositive { return financialValue.perUnit(financialQuantity) }
        if physicalOpenQuantity.isPositive { return physicalOpenValue.perUnit(physicalOpenQuantity) }
        return nil
    }

    /// Current cost amount: posted (physical and financial) plus adjustments.
    public var currentAmount: Money { financialValue + physicalOpenValue + adjustment }

    public var currentUnitCost: UnitPrice? {
        let quantity = financialQuantity + physicalOpenQuantity
        guard quantity.isPositive else { return nil }
        return currentAmount.perUnit(quantity)
    }
}
