import SubledgerCore

/// One parsed line of a scenario file (design/scenario-notation.md, version 1).
public struct ScenarioStatement: Sendable {
    public enum Body: Sendable {
        /// A command for the ledger: setup, posting, close, recalculation or reversal.
        case command(LedgerCommand)
        /// A posting whose values the ledger refuses before deciding (e.g. `qty=0`): it writes nothing.
        case refusedInput(Rejection)
        case expectation(Expectation)
    }

    public var line: Int
    public var text: String
    public var body: Body
}

/// What must hold at a point of a scenario.
public enum Expectation: Sendable {
    case posted(transaction: String, unitCost: UnitPrice)
    case cost(transaction: String, unitCost: UnitPrice)
    case amount(transaction: String, amount: Money)
    case adjusted(transaction: String, amount: Money)
    case settled(issue: String, receipt: String, quantity: Quantity, amount: Money?, adjustment: Money?)
    case unsettled(transaction: String, quantity: Quantity)
    case onHand(item: String, quantity: Quantity, value: Money, part: OnHandPart, dimensions: DimensionFilter)
    case average(item: String, unitCost: UnitPrice, dimensions: DimensionFilter)
    case gl(accountOrPostingType: String, balance: Money)
    case reconciled
    case rejected(code: String)

    public enum OnHandPart: Sendable { case both, financial, physical }
}

/// Dimension values an expectation restricts to; dimensions not given match anything.
public struct DimensionFilter: Sendable {
    public var values: [Dimension: String] = [:]

    public func matches(_ dimensions: DimensionValues) -> Bool {
        values.allSatisfy { dimensions[$0.key] == $0.value }
    }
}
