/// On-hand of one cost pool (item x financially tracked dimension values), split into physically-only
/// rows (received or shipped, not yet invoiced) and financially updated rows (valuation-rules.md 1.3, 2.1).
public struct CostPool: Sendable, Equatable {
    public var physicalQuantity = Quantity.zero
    public var physicalValue = Money.zero
    public var financialQuantity = Quantity.zero
    public var financialValue = Money.zero
    /// Unit cost of the last issue posted while on-hand was positive (moving average fallback, 3.10).
    public var lastIssueUnitCost: UnitPrice?
    /// Latest business date posted to this pool (moving average: later-dated postings exist => backdated).
    public var latestDate: LedgerDate?

    public init() {}

    public var quantity: Quantity { physicalQuantity + financialQuantity }
    public var value: Money { physicalValue + financialValue }

    /// The quantity and value the running average is taken over (2.1, 2.2).
    public func averageBasis(includePhysical: Bool) -> (quantity: Quantity, value: Money) {
        includePhysical ? (quantity, value) : (financialQuantity, financialValue)
    }

    /// The running average cost price, 4 decimals, for display; issues use the unrounded ratio.
    public func averageCost(includePhysical: Bool) -> UnitPrice? {
        let basis = averageBasis(includePhysical: includePhysical)
        guard basis.quantity.isPositive else { return nil }
        return basis.value.perUnit(basis.quantity)
    }

    mutating func touch(_ date: LedgerDate) {
        if latestDate == nil || latestDate! < date { latestDate = date }
    }
}
