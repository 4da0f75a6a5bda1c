import SubledgerCore

/// One line of the inventory value report: a cost pool (item x financially tracked dimension values).
public struct InventoryValueRow: Sendable, Equatable {
    public var item: String
    public var model: ValuationModel
    public var dimensions: DimensionValues
    /// Financially updated (invoiced or journal-posted) on-hand.
    public var financialQuantity: Quantity
    public var financialValue: Money
    /// Physically updated only (received or shipped, not invoiced).
    public var physicalQuantity: Quantity
    public var physicalValue: Money

    public var quantity: Quantity { financialQuantity + physicalQuantity }
    public var value: Money { financialValue + physicalValue }
    /// Value / quantity, 4 decimals; nil when the quantity is not positive.
    public var averageUnitCost: UnitPrice? { quantity.isPositive ? value.perUnit(quantity) : nil }
}

/// The inventory value report as of a date (valuation-rules.md section 6): financial, physical and total
/// quantity and value per cost pool, the average unit cost, totals, and the GL inventory accounts beside.
public struct InventoryValueReport: Sendable {
    public var asOf: LedgerDate
    public var origin: AsOfState.Origin
    public var item: String?
    public var rows: [InventoryValueRow]
    /// GL inventory accounts (posted with an inventory-holding posting type) and their balances as of the date.
    public var ledgerAccounts: [(account: String, balance: Money)]

    // Totals in Int128: every row is in range, their number is not (DR-17).
    public var financialQuantity: Total<Quantity> { rows.total(\.financialQuantity) }
    public var financialValue: Total<Money> { rows.total(\.financialValue) }
    public var physicalQuantity: Total<Quantity> { rows.total(\.physicalQuantity) }
    public var physicalValue: Total<Money> { rows.total(\.physicalValue) }
    public var quantity: Total<Quantity> { financialQuantity + physicalQuantity }
    public var value: Total<Money> { financialValue + physicalValue }
    public var ledgerValue: Total<Money> { ledgerAccounts.total(\.balance) }
}

extension Ledger {
    /// The value report as of `date` (inclusive), optionally for one item. Pools with no quantity and no
    /// value are left out. Without `item`, the GL inventory accounts' total can be compared with the
    /// report's total; with it, the GL balances are still those of every item.
    public func inventoryValue(asOf date: LedgerDate, item: String? = nil) throws -> InventoryValueReport {
        try inventoryValue(asOf: date, item: item, openStateWhenLatest: true)
    }

    /// `openStateWhenLatest`: as of the latest date the report reads the open state, whose pools and items
    /// are the whole ledger's (the transactions closes moved to history are not read); false builds the
    /// state with every transaction (the path the tests compare with).
    func inventoryValue(asOf date: LedgerDate, item: String?, openStateWhenLatest: Bool) throws -> InventoryValueReport
    {
        try requireKnown(item: item)
        try catchUp()
        let snapshot =
            openStateWhenLatest && AsOfState.liveStateCovers(self.state, through: date)
            ? AsOfState(date: date, origin: .live, state: self.state, eventCount: self.state.eventCount, skipped: [])
            : try state(asOf: date)
        let state = snapshot.state
        var rows: [InventoryValueRow] = []
        for key in state.pools.keys.sorted() where item == nil || key.item == item {
            let pool = state.pools[key]!
            guard let setup = state.items[key.item],
                !(pool.financialQuantity.isZero && pool.financialValue.isZero
                    && pool.physicalQuantity.isZero && pool.physicalValue.isZero)
            else { continue }
            rows.append(
                InventoryValueRow(
                    item: key.item, model: setup.model, dimensions: key.dimensions,
                    financialQuantity: pool.financialQuantity, financialValue: pool.financialValue,
                    physicalQuantity: pool.physicalQuantity, physicalValue: pool.physicalValue))
        }
        // The accounts are the live ledger's (every inventory account, zero as of an earlier date too).
        let balance = try balances(asOf: date)
        let accounts = self.state.ledger.inventoryAccounts.map { ($0, balance($0)) }
        return InventoryValueReport(
            asOf: date, origin: snapshot.origin, item: item, rows: rows, ledgerAccounts: accounts)
    }
}
