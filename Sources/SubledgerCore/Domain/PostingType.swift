/// Posting types of the inventory posting profile (valuation-rules.md section 5). Raw values are the wire
/// and scenario names; `code` is the stable byte stored in event payloads. Never renumber.
public enum PostingType: String, Sendable, CaseIterable {
    case inventory  // Cost of units / purchased materials, invoiced
    case inventoryReceived = "inventory-received"  // Cost of purchased materials received (not invoiced)
    case inventoryShipped = "inventory-shipped"  // Cost of units, delivered (not invoiced)
    case purchaseAccrual = "purchase-accrual"
    case payable
    case cogs  // Cost of goods sold, invoiced
    case cogsDelivered = "cogs-delivered"  // Cost of goods sold, delivered (deferred COGS)
    case ppv  // Purchase price variance (standard cost)
    case revaluation  // Inventory cost revaluation (standard cost activation)
    case costChangeVariance = "cost-change-variance"
    case maPriceDifference = "ma-price-difference"
    case maRevaluation = "ma-revaluation"
    case inventoryLoss = "inventory-loss"  // Inventory expenditure, loss (journal issues)
    case inventoryProfit = "inventory-profit"  // Inventory expenditure, profit (journal receipts)
    case fixedPriceProfit = "fixed-price-profit"
    case fixedPriceLoss = "fixed-price-loss"
    case fixedPriceOffset = "fixed-price-offset"
    case wip  // Work in progress (production receipts and issues)
    case costAdjustment = "cost-adjustment"  // Offset of a transaction adjustment of an open receipt

    public var code: UInt8 {
        switch self {
        case .inventory: return 1
        case .inventoryReceived: return 2
        case .inventoryShipped: return 3
        case .purchaseAccrual: return 4
        case .payable: return 5
        case .cogs: return 6
        case .cogsDelivered: return 7
        case .ppv: return 8
        case .revaluation: return 9
        case .costChangeVariance: return 10
        case .maPriceDifference: return 11
        case .maRevaluation: return 12
        case .inventoryLoss: return 13
        case .inventoryProfit: return 14
        case .fixedPriceProfit: return 15
        case .fixedPriceLoss: return 16
        case .fixedPriceOffset: return 17
        case .wip: return 18
        case .costAdjustment: return 19
        }
    }

    public init?(code: UInt8) {
        guard Int(code) < PostingType.byCode.count, let match = PostingType.byCode[Int(code)] else { return nil }
        self = match
    }

    private static let byCode: [PostingType?] = {
        var table = [PostingType?](repeating: nil, count: 32)
        for type in allCases { table[Int(type.code)] = type }
        return table
    }()

    /// Balance-sheet accounts that hold the value of goods on hand: the subledger must equal them (section 6).
    public var holdsInventoryValue: Bool {
        switch self {
        case .inventory, .inventoryReceived, .inventoryShipped, .fixedPriceOffset: return true
        default: return false
        }
    }

    /// The project's default chart of accounts: used for any posting type a profile leaves unset.
    public var defaultAccount: String {
        switch self {
        case .inventory: return "1400"
        case .inventoryReceived: return "1410"
        case .inventoryShipped: return "1420"
        case .fixedPriceOffset: return "1430"
        case .wip: return "1500"
        case .payable: return "2100"
        case .purchaseAccrual: return "2150"
        case .inventoryProfit: return "4200"
        case .fixedPriceProfit: return "4210"
        case .cogs: return "5000"
        case .cogsDelivered: return "5010"
        case .ppv: return "5100"
        case .revaluation: return "5110"
        case .costChangeVariance: return "5120"
        case .maPriceDifference: return "5130"
        case .maRevaluation: return "5140"
        case .costAdjustment: return "5150"
        case .inventoryLoss: return "5200"
        case .fixedPriceLoss: return "5210"
        }
    }

    public static var validNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Posting profiles: accounts per posting type for the default profile and per posting group.
/// Resolution order: the item's group, then the default profile, then the default chart.
public struct PostingProfiles: Sendable, Equatable {
    /// Key "" is the default profile.
    public private(set) var accounts: [String: [PostingType: String]] = [:]

    public init() {}

    public mutating func set(group: String, _ entries: [(PostingType, String)]) {
        for (type, account) in entries { accounts[group, default: [:]][type] = account }
    }

    public func account(for type: PostingType, group: String) -> String {
        if !group.isEmpty, let account = accounts[group]?[type] { return account }
        if let account = accounts[""]?[type] { return account }
        return type.defaultAccount
    }
}
