/// The name of every command: in JSON Lines, CSV, `subledger post`, scenarios, and in the command log.
/// One table, so the decoder, the ledger, the CLI help and the scenario parser cannot disagree.
public enum CommandName: String, Sendable, CaseIterable {
    case item, accounts, receive, issue, invoice, mark, transfer
    case standardCost = "standard-cost"
    case revalue, adjust, close, recalculate
    case reverseClose = "reverse-close"

    /// The name a command is given under.
    public init(_ command: LedgerCommand) {
        switch command {
        case .defineItem: self = .item
        case .setAccounts: self = .accounts
        case .receive: self = .receive
        case .issue: self = .issue
        case .invoice: self = .invoice
        case .mark: self = .mark
        case .transfer: self = .transfer
        case .activateStandardCost: self = .standardCost
        case .revalue: self = .revalue
        case .adjust: self = .adjust
        case .close: self = .close
        case .recalculate: self = .recalculate
        case .reverseClose: self = .reverseClose
        }
    }

    /// Every name, in this order: `item, accounts, receive, ...`.
    public static let all: [String] = allCases.map(\.rawValue)

    /// Keys the command accepts. Short arrays: a linear scan of small strings beats hashing here, and this
    /// runs once per imported line.
    public var allowedKeys: [String] {
        let dimensionKeys = Dimension.allCases.map(\.rawValue)
        switch self {
        case .item:
            return [
                "item", "model", "include-physical", "price", "standard", "group", "dimensions",
                "negative", "fixed-receipt-price",
            ]
        case .accounts: return ["group"] + PostingType.allCases.map(\.rawValue)
        case .receive: return ["date", "item", "tx", "qty", "cost", "physical", "kind"] + dimensionKeys
        case .issue: return ["date", "item", "tx", "qty", "physical", "kind"] + dimensionKeys
        case .invoice: return ["date", "tx", "qty", "cost"]
        case .mark: return ["date", "issue", "receipt", "qty"]
        case .transfer: return ["date", "item", "tx", "qty", "from", "to"]
        case .standardCost: return ["date", "item", "price"]
        case .revalue: return ["date", "item", "price"] + dimensionKeys
        case .adjust: return ["date", "tx", "amount"]
        case .close, .recalculate: return ["date"]
        case .reverseClose: return ["date", "through"]
        }
    }
}
