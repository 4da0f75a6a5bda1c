/// A warning the fold records on an event (the state's `warnings`). Data with a stable code; the Subledger
/// layer renders its text.
public enum LedgerWarning: Sendable, Equatable {
    /// D7: an issue with no usable average and no default price, posted at zero cost.
    case postedAtZeroCost(transaction: String)

    /// The stable wire code (snapshot state, state digest).
    public var code: UInt8 {
        switch self {
        case .postedAtZeroCost: return 1
        }
    }

    /// The stable name of the code.
    public var name: String {
        switch self {
        case .postedAtZeroCost: return "posted-at-zero-cost"
        }
    }

    /// The transaction the warning is about.
    public var transaction: String {
        switch self {
        case .postedAtZeroCost(let transaction): return transaction
        }
    }
}

extension PayloadWriter {
    mutating func ledgerWarning(_ warning: LedgerWarning) {
        byte(warning.code)
        switch warning {
        case .postedAtZeroCost(let transaction): string(transaction)
        }
    }
}

extension PayloadReader {
    mutating func ledgerWarning() throws(PayloadDecodingError) -> LedgerWarning {
        let code = try byte()
        switch code {
        case 1: return .postedAtZeroCost(transaction: try string())
        default: throw fail("unknown warning code \(code)")
        }
    }
}
