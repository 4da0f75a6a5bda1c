/// What created a transaction record: a receipt or issue of a posting kind, a leg of a transfer (D15), or
/// a weighted average inventory closing receipt (D3). One stable byte code per kind (snapshot state, state
/// digest: the codes the posting kinds have in events, and the legs' and closing receipt's of old);
/// the direction follows from the kind.
public enum TransactionKind: Sendable, Hashable {
    case receipt(LedgerCommand.ReceiptKind)
    case issue(LedgerCommand.IssueKind)
    /// A transfer's issue leg, at its source (id: the transfer's).
    case transferOut
    /// A transfer's receipt leg, at its destination (id: `SyntheticID.transferReceipt`).
    case transferIn
    /// The weighted average inventory closing receipt (id: `SyntheticID.closingReceipt`).
    case closingReceipt

    /// Never renumber: receipts 1-4, transfer in 5, closing receipt 6, issues 11-13, transfer out 21.
    public var code: UInt8 {
        switch self {
        case .receipt(let kind): return kind.code
        case .issue(let kind): return kind.code
        case .transferOut: return 21
        case .transferIn: return 5
        case .closingReceipt: return 6
        }
    }

    /// The kind of a code; nil for a code no kind has (a decoding error for the caller).
    public init?(code: UInt8) {
        if let kind = LedgerCommand.ReceiptKind(code: code) {
            self = .receipt(kind)
        } else if let kind = LedgerCommand.IssueKind(code: code) {
            self = .issue(kind)
        } else {
            switch code {
            case 21: self = .transferOut
            case 5: self = .transferIn
            case 6: self = .closingReceipt
            default: return nil
            }
        }
    }

    public var direction: TransactionRecord.Direction {
        switch self {
        case .receipt, .transferIn, .closingReceipt: return .receipt
        case .issue, .transferOut: return .issue
        }
    }

    /// `purchase`, `sale`, ..., `transfer-out`, `transfer-in`, `weighted-average-closing`.
    public var name: String {
        switch self {
        case .receipt(let kind): return kind.rawValue
        case .issue(let kind): return kind.rawValue
        case .transferOut: return "transfer-out"
        case .transferIn: return "transfer-in"
        case .closingReceipt: return "weighted-average-closing"
        }
    }

    /// The posting kind of an issue; nil for a transfer leg or a closing receipt.
    public var issueKind: LedgerCommand.IssueKind? {
        if case .issue(let kind) = self { return kind }
        return nil
    }

    /// The posting kind of a receipt; nil for a transfer leg or a closing receipt.
    public var receiptKind: LedgerCommand.ReceiptKind? {
        if case .receipt(let kind) = self { return kind }
        return nil
    }

    public var isTransferLeg: Bool { self == .transferOut || self == .transferIn }
}
