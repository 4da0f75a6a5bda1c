/// The domain events. Each carries every figure the projector needs, decided once when it was posted
/// (an issue's cost, the GL lines and their accounts), so replay never recomputes history differently.
public enum LedgerEvent: Sendable, Equatable {
    case itemDefined(ItemSetup)
    case accountsSet(group: String, accounts: [LedgerCommand.AccountAssignment])
    case receiptPosted(ReceiptPosted)
    case issuePosted(IssuePosted)
    case invoicePosted(InvoicePosted)
    case markPosted(MarkPosted)
    case transferPosted(TransferPosted)
    case standardCostActivated(StandardCostActivated)
    case movingAverageRevalued(MovingAverageRevalued)
    case receiptAdjusted(ReceiptAdjusted)
    case settlementPosted(SettlementPosted)
    case closePosted(ClosePosted)
    case closeReversed(CloseReversed)

    /// The GL lines of this event (empty for setup events).
    public var lines: [VoucherLine] {
        switch self {
        case .itemDefined, .accountsSet, .markPosted, .closePosted, .closeReversed: return []
        case .settlementPosted(let e): return e.lines
        case .receiptPosted(let e): return e.lines
        case .issuePosted(let e): return e.lines
        case .invoicePosted(let e): return e.lines
        case .transferPosted(let e): return e.lines
        case .standardCostActivated(let e): return e.lines
        case .movingAverageRevalued(let e): return e.lines
        case .receiptAdjusted(let e): return e.lines
        }
    }
}

/// Where an issue's cost came from when it was posted.
public enum CostSource: UInt8, Sendable {
    case runningAverage = 1
    /// D7: on-hand quantity or value was not positive; the item's default price was used.
    case defaultPrice = 2
    /// D7: no usable average and no default price: posted at zero (a warning).
    case zeroCost = 3
    /// D14: marked to a receipt before its financial posting.
    case marking = 4
    case standardCost = 5
    case movingAverage = 6
    case receiptPrice = 7
    /// Non-valuated items carry no inventory value.
    case notValuated = 8

    public var name: String {
        switch self {
        case .runningAverage: return "running-average"
        case .defaultPrice: return "default-price"
        case .zeroCost: return "zero-cost"
        case .marking: return "marking"
        case .standardCost: return "standard-cost"
        case .movingAverage: return "moving-average"
        case .receiptPrice: return "receipt-price"
        case .notValuated: return "not-valuated"
        }
    }
}

public struct ReceiptPosted: Sendable, Equatable {
    public var transaction: String, item: String, kind: LedgerCommand.ReceiptKind, dimensions: DimensionValues
    public var quantity: Quantity
    /// The price the user entered (PO or journal price).
    public var unitPrice: UnitPrice
    public var physicalOnly: Bool
    /// Value added to inventory (the cost pool).
    public var inventoryValue: Money
    /// Amount credited to the offset (purchase accrual or payable): quantity x entered price.
    public var offsetValue: Money
    public var lines: [VoucherLine]

    public init(
        transaction: String, item: String, kind: LedgerCommand.ReceiptKind, dimensions: DimensionValues,
        quantity: Quantity, unitPrice: UnitPrice, physicalOnly: Bool, inventoryValue: Money, offsetValue: Money,
        lines: [VoucherLine]
    ) {
        self.transaction = transaction
        self.item = item
        self.kind = kind
        self.dimensions = dimensions
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.physicalOnly = physicalOnly
        self.inventoryValue = inventoryValue
        self.offsetValue = offsetValue
        self.lines = lines
    }
}

public struct IssuePosted: Sendable, Equatable {
    public var transaction: String, item: String, kind: LedgerCommand.IssueKind, dimensions: DimensionValues
    public var quantity: Quantity
    public var physicalOnly: Bool
    /// Cost taken out of inventory (a positive magnitude).
    public var costAmount: Money
    public var costSource: CostSource
    public var lines: [VoucherLine]

    public init(
        transaction: String, item: String, kind: LedgerCommand.IssueKind, dimensions: DimensionValues,
        quantity: Quantity, physicalOnly: Bool, costAmount: Money, costSource: CostSource, lines: [VoucherLine]
    ) {
        self.transaction = transaction
        self.item = item
        self.kind = kind
        self.dimensions = dimensions
        self.quantity = quantity
        self.physicalOnly = physicalOnly
        self.costAmount = costAmount
        self.costSource = costSource
        self.lines = lines
    }
}

/// Financial update (invoice) of all or part of an earlier physical update, of a receipt or an issue.
public struct InvoicePosted: Sendable, Equatable {
    public var transaction: String
    public var quantity: Quantity
    /// Invoice unit price (receipts); zero for issues.
    public var unitPrice: UnitPrice
    /// Physical value and offset of the invoiced part, reversed from the physical posting.
    public var physicalValueReversed: Money
    public var physicalOffsetReversed: Money
    /// Value now posted financially (added for a receipt, removed for an issue).
    public var financialValue: Money
    public var costSource: CostSource
    public var lines: [VoucherLine]

    public init(
        transaction: String, quantity: Quantity, unitPrice: UnitPrice, physicalValueReversed: Money,
        physicalOffsetReversed: Money, financialValue: Money, costSource: CostSource, lines: [VoucherLine]
    ) {
        self.transaction = transaction
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.physicalValueReversed = physicalValueReversed
        self.physicalOffsetReversed = physicalOffsetReversed
        self.financialValue = financialValue
        self.costSource = costSource
        self.lines = lines
    }
}

public struct MarkPosted: Sendable, Equatable {
    public var issue: String, receipt: String, quantity: Quantity

    public init(issue: String, receipt: String, quantity: Quantity) {
        self.issue = issue
        self.receipt = receipt
        self.quantity = quantity
    }
}

public struct TransferPosted: Sendable, Equatable {
    public var transaction: String, item: String, quantity: Quantity
    public var from: DimensionValues, to: DimensionValues
    /// Cost moved; zero, with no lines, for a transfer inside one cost pool (D15).
    public var amount: Money
    public var costSource: CostSource
    public var lines: [VoucherLine]

    public init(
        transaction: String, item: String, quantity: Quantity, from: DimensionValues, to: DimensionValues,
        amount: Money, costSource: CostSource, lines: [VoucherLine]
    ) {
        self.transaction = transaction
        self.item = item
        self.quantity = quantity
        self.from = from
        self.to = to
        self.amount = amount
        self.costSource = costSource
        self.lines = lines
    }
}

public struct PoolRevaluation: Sendable, Equatable {
    public var dimensions: DimensionValues
    public var physicalDelta: Money
    public var financialDelta: Money

    public init(dimensions: DimensionValues, physicalDelta: Money, financialDelta: Money) {
        self.dimensions = dimensions
        self.physicalDelta = physicalDelta
        self.financialDelta = financialDelta
    }
}

/// A physically-only transaction revalued to a new standard: its open physical value changes by `delta`
/// (a positive delta means more value for a receipt and more cost for an issue).
public struct TransactionRevaluation: Sendable, Equatable {
    public var transaction: String
    public var delta: Money

    public init(transaction: String, delta: Money) {
        self.transaction = transaction
        self.delta = delta
    }
}

public struct StandardCostActivated: Sendable, Equatable {
    public var item: String, unitCost: UnitPrice
    /// Financial on-hand revalued per cost pool (`physicalDelta` is the net of the transactions below).
    public var revaluations: [PoolRevaluation]
    /// Physically-only receipts and issues revalued, so their invoice reverses the revalued amount.
    public var transactions: [TransactionRevaluation]
    public var lines: [VoucherLine]

    public init(
        item: String, unitCost: UnitPrice, revaluations: [PoolRevaluation],
        transactions: [TransactionRevaluation], lines: [VoucherLine]
    ) {
        self.item = item
        self.unitCost = unitCost
        self.revaluations = revaluations
        self.transactions = transactions
        self.lines = lines
    }
}

public struct MovingAverageRevalued: Sendable, Equatable {
    public var item: String, dimensions: DimensionValues, unitCost: UnitPrice
    /// Change of the financial value of the pool.
    public var amount: Money
    public var lines: [VoucherLine]

    public init(item: String, dimensions: DimensionValues, unitCost: UnitPrice, amount: Money, lines: [VoucherLine]) {
        self.item = item
        self.dimensions = dimensions
        self.unitCost = unitCost
        self.amount = amount
        self.lines = lines
    }
}

public struct ReceiptAdjusted: Sendable, Equatable {
    public var transaction: String, amount: Money
    public var lines: [VoucherLine]

    public init(transaction: String, amount: Money, lines: [VoucherLine]) {
        self.transaction = transaction
        self.amount = amount
        self.lines = lines
    }
}
