/// Invariants of the projection that must hold after every event. Broken invariants are defects, not
/// user errors: the tests and the scenario runner check them after every command.
extension LedgerState {
    /// Descriptions of what does not hold; empty when everything does.
    public func invariantViolations() -> [String] {
        var violations: [String] = []
        // Summed in Int128: every balance and pool is in range, their number is not (DR-17).
        let total = ledger.accountNames.total { ledger.balance($0) }
        if !total.isZero { violations.append("the GL does not balance: debits exceed credits by \(total)") }
        let subledger = pools.values.total(\.value)
        let inventory = ledger.inventoryAccounts.total { ledger.balance($0) }
        if subledger != inventory {
            violations.append("subledger value \(subledger) differs from the GL inventory accounts \(inventory)")
        }
        var physical: [PoolKey: Quantity] = [:]
        for record in transactions.values where !record.physicalOpenQuantity.isZero {
            guard let setup = items[record.item] else {
                violations.append("transaction \(record.id): unknown item \(record.item)")
                continue
            }
            let key = poolKey(item: setup, record.dimensions)
            physical[key, default: .zero] +=
                record.direction == .receipt ? record.physicalOpenQuantity : -record.physicalOpenQuantity
        }
        for (key, pool) in pools where pool.physicalQuantity != (physical[key] ?? .zero) {
            violations.append(
                "pool \(key.item) \(key.dimensions.description): physical qty \(pool.physicalQuantity) but open "
                    + "physical rows \(physical[key] ?? .zero)"
            )
        }
        return violations
    }
}
