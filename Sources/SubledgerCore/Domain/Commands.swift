/// What a user asks the ledger to do. Validated shape only; `decide` checks it against the state.
public enum LedgerCommand: Sendable, Equatable {
    case defineItem(ItemSetup)
    case setAccounts(group: String, accounts: [AccountAssignment])
    case receive(Receive)
    case issue(Issue)
    case invoice(Invoice)
    case mark(Mark)
    case transfer(Transfer)
    case activateStandardCost(StandardCostChange)
    case revalue(Revaluation)
    case adjust(Adjustment)
    /// Inventory close through a date: settle, adjust, lock (section 4).
    case close(LedgerDate)
    /// Recalculation through a date: adjust only, no settlement, no lock (D13).
    case recalculate(LedgerDate)
    /// Reverse the latest close or recalculation (optionally checking its date), or with `through`, every
    /// close dated after that date, newest first, in one command (D12).
    case reverseClose(date: LedgerDate?, through: LedgerDate?)

    public enum ReceiptKind: String, Sendable, CaseIterable {
        case purchase, journal, `return`, production

        /// Stable byte in event payloads and transaction records. Never renumber.
        public var code: UInt8 {
            switch self {
            case .purchase: return 1
            case .journal: return 2
            case .return: return 3
            case .production: return 4
            }
        }
        public init?(code: UInt8) {
            guard let kind = ReceiptKind.allCases.first(where: { $0.code == code }) else { return nil }
            self = kind
        }
    }

    public enum IssueKind: String, Sendable, CaseIterable {
        case sale, journal, production

        /// Stable byte in event payloads and transaction records (issue codes start at 11). Never renumber.
        public var code: UInt8 {
            switch self {
            case .sale: return 11
            case .journal: return 12
            case .production: return 13
            }
        }
        public init?(code: UInt8) {
            guard let kind = IssueKind.allCases.first(where: { $0.code == code }) else { return nil }
            self = kind
        }
    }

    public struct AccountAssignment: Sendable, Equatable {
        public var postingType: PostingType
        public var account: String
        public init(_ postingType: PostingType, _ account: String) {
            self.postingType = postingType
            self.account = account
        }
    }

    public struct Receive: Sendable, Equatable {
        public var date: LedgerDate, item: String, transaction: String
        public var quantity: Quantity, unitPrice: UnitPrice
        public var physicalOnly: Bool, kind: ReceiptKind, dimensions: DimensionValues
        public init(
            date: LedgerDate, item: String, transaction: String, quantity: Quantity, unitPrice: UnitPrice,
            physicalOnly: Bool = false, kind: ReceiptKind = .purchase, dimensions: DimensionValues = .none
        ) {
            self.date = date; self.item = item; self.transaction = transaction
            self.quantity = quantity; self.unitPrice = unitPrice
            self.physicalOnly = physicalOnly; self.kind = kind; self.dimensions = dimensions
        }
    }

    public struct Issue: Sendable, Equatable {
        public var date: LedgerDate, item: String, transaction: String
        public var quantity: Quantity, physicalOnly: Bool, kind: IssueKind, dimensions: DimensionValues
        public init(
            date: LedgerDate, item: String, transaction: String, quantity: Quantity,
            physicalOnly: Bool = false, kind: IssueKind = .sale, dimensions: DimensionValues = .none
        ) {
            self.date = date; self.item = item; self.transaction = transaction
            self.quantity = quantity; self.physicalOnly = physicalOnly; self.kind = kind; self.dimensions = dimensions
        }
    }

    /// Financial update of an earlier physical update, for all (`quantity` nil) or part of it.
    public struct Invoice: Sendable, Equatable {
        public var date: LedgerDate, transaction: String, quantity: Quantity?, unitPrice: UnitPrice?
        public init(date: LedgerDate, transaction: String, quantity: Quantity? = nil, unitPrice: UnitPrice? = nil) {
            self.date = date; self.transaction = transaction; self.quantity = quantity; self.unitPrice = unitPrice
        }
    }

    public struct Mark: Sendable, Equatable {
        public var date: LedgerDate, issue: String, receipt: String, quantity: Quantity?
        public init(date: LedgerDate, issue: String, receipt: String, quantity: Quantity? = nil) {
            self.date = date; self.issue = issue; self.receipt = receipt; self.quantity = quantity
        }
    }

    public struct Transfer: Sendable, Equatable {
        public var date: LedgerDate, item: String, transaction: String, quantity: Quantity
        public var from: DimensionValues, to: DimensionValues
        public init(
            date: LedgerDate, item: String, transaction: String, quantity: Quantity,
            from: DimensionValues, to: DimensionValues
        ) {
            self.date = date; self.item = item; self.transaction = transaction; self.quantity = quantity
            self.from = from; self.to = to
        }
    }

    public struct StandardCostChange: Sendable, Equatable {
        public var date: LedgerDate, item: String, unitCost: UnitPrice
        public init(date: LedgerDate, item: String, unitCost: UnitPrice) {
            self.date = date; self.item = item; self.unitCost = unitCost
        }
    }

    public struct Revaluation: Sendable, Equatable {
        public var date: LedgerDate, item: String, unitCost: UnitPrice, dimensions: DimensionValues
        public init(date: LedgerDate, item: String, unitCost: UnitPrice, dimensions: DimensionValues = .none) {
            self.date = date; self.item = item; self.unitCost = unitCost; self.dimensions = dimensions
        }
    }

    /// Transaction adjustment of an open receipt's value (valuation-rules.md 4.7).
    public struct Adjustment: Sendable, Equatable {
        public var date: LedgerDate, transaction: String, amount: Money
        public init(date: LedgerDate, transaction: String, amount: Money) {
            self.date = date; self.transaction = transaction; self.amount = amount
        }
    }

    /// The business date of a posting; setup commands have none.
    public var date: LedgerDate? {
        switch self {
        case .defineItem, .setAccounts: return nil
        case .receive(let c): return c.date
        case .issue(let c): return c.date
        case .invoice(let c): return c.date
        case .mark(let c): return c.date
        case .transfer(let c): return c.date
        case .activateStandardCost(let c): return c.date
        case .revalue(let c): return c.date
        case .adjust(let c): return c.date
        case .close(let date), .recalculate(let date): return date
        case .reverseClose: return nil
        }
    }
}
