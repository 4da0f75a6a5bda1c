/// Issue and receipt pricing by model, at the moment of posting (valuation-rules.md 2, 3.8-3.10).
extension LedgerState {
    /// Cost of issuing `quantity` from `pool` now: running average (D7 fallback), standard or moving average.
    func issueCost(_ setup: ItemSetup, _ pool: CostPool, _ quantity: Quantity) -> (Money, CostSource) {
        switch setup.model {
        case .nonValuated:
            return (.zero, .notValuated)
        case .standard:
            return (quantity.amount(at: setup.standardCost ?? .zero), .standardCost)
        case .movingAverage:
            if pool.quantity.isPositive && !pool.value.isNegative {
                return (quantity.share(of: pool.value, outOf: pool.quantity), .movingAverage)
            }
            return fallback(setup, pool, quantity, lastIssue: true)
        case .fifo, .lifo, .lifoDate, .weightedAverage, .weightedAverageDate:
            // D7: the average only when quantity and value are both positive before the issue; an issue
            // larger than on-hand is still priced wholly at that average (pricing amplification, 2.4).
            let basis = pool.averageBasis(includePhysical: setup.includePhysicalValue)
            if basis.quantity.isPositive && basis.value.isPositive {
                return (quantity.share(of: basis.value, outOf: basis.quantity), .runningAverage)
            }
            return fallback(setup, pool, quantity, lastIssue: false)
        }
    }

    private func fallback(
        _ setup: ItemSetup, _ pool: CostPool, _ quantity: Quantity, lastIssue: Bool
    )
        -> (Money, CostSource)
    {
        // Moving average default fallback order: last issue cost, then item price (3.10).
        if lastIssue, let unit = pool.lastIssueUnitCost { return (quantity.amount(at: unit), .movingAverage) }
        if let price = setup.defaultPrice { return (quantity.amount(at: price), .defaultPrice) }
        return (.zero, .zeroCost)
    }

    /// Moving average receipt value (3.10, D8): a backdated receipt takes the current average; a receipt
    /// that lifts negative on-hand costs the part up to zero at the current average. The rest of the
    /// entered amount is the price difference the caller expenses.
    func movingAverageReceiptValue(
        _ setup: ItemSetup, _ pool: CostPool, _ quantity: Quantity,
        entered: Money, date: LedgerDate
    ) -> Money {
        if let latest = pool.latestDate, date < latest {
            return issueCost(setup, pool, quantity).0
        }
        guard pool.quantity.isNegative else { return entered }
        let upToZero = min(quantity, -pool.quantity)
        let atAverage: Money
        if pool.value.isNegative || pool.value.isZero {
            atAverage = upToZero.share(of: pool.value, outOf: pool.quantity)
        } else {
            atAverage = fallback(setup, pool, upToZero, lastIssue: true).0
        }
        let rest = quantity - upToZero
        return atAverage + (rest.isZero ? .zero : rest.share(of: entered, outOf: quantity))
    }
}
