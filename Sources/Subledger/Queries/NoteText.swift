import SubledgerCodec
import SubledgerCore

// The English text of close notes and ledger warnings: the one place their wording lives. Notes and
// warnings are stored as data; a close recorded before notes were typed keeps its own text verbatim.

extension CloseNote {
    /// The note in JSON output: its stable code (what a program matches on) and its text (what a person reads).
    public var json: JSONValue { ["code": .string(kind.name), "text": .string(message)] }

    /// The note as one log line (`unsettled: S1 (A site:S1) qty 2 keeps its cost`).
    public var message: String {
        switch self {
        case .unsettled(let issue, let item, let dimensions, let quantity):
            return "unsettled: \(issue) (\(item) \(dimensions.description)) qty \(Self.qty(quantity)) keeps its cost"
        case .markedIssueWaiting(let issue):
            return "marked issue \(issue) waits for its receipt: not settled"
        case .postedAtZeroCost(let issue, let item):
            return "posted at zero cost: \(issue) (\(item))"
        case .valuedWithoutSettlement(let issue, let item, let quantity, let receipt):
            return "valued without settlement: \(issue) (\(item)) qty \(Self.qty(quantity))"
                + " from physically-only receipt \(receipt); stays open"
        case .negativeOnHand(let item, let dimensions, let quantity):
            return "negative on-hand: \(item) \(dimensions.description) qty \(Self.qty(quantity))"
        case .transferCycle(let item, let dimensions):
            return "transfer cycle: \(item) \(dimensions.description) closed before its sources; iterating"
        case .transferCycleUnresolved(let iterations):
            return "transfer cycle: adjustments still changing after \(iterations) iterations"
        case .recorded(_, let text):
            return text
        }
    }

    private static func qty(_ quantity: Quantity) -> String { quantity.formatted(minimumDecimals: 0) }
}

extension LedgerWarning {
    /// The warning as one line (`S1: posted at zero cost (no average, no default price)`).
    public var message: String {
        switch self {
        case .postedAtZeroCost(let transaction):
            return "\(transaction): posted at zero cost (no average, no default price)"
        }
    }
}
