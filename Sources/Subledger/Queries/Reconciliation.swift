import SubledgerCore

/// Subledger value against the GL's inventory accounts (valuation-rules.md section 6).
public enum Reconciliation {
    public struct Totals: Sendable {
        /// Value of every cost pool (physical and financial).
        public var subledger: Total<Money>
        /// Balance of every account posted with an inventory-holding posting type.
        public var ledger: Total<Money>
        public var difference: Total<Money> { subledger - ledger }
    }

    public static func totals(_ state: LedgerState, asOf date: LedgerDate = .distantFuture) -> Totals {
        // Summed in Int128: every pool and balance is in range, their number is not (DR-17).
        let subledger = state.pools.values.total(\.value)
        let ledger = state.ledger.inventoryAccounts.total { state.ledger.balance($0, asOf: date) }
        return Totals(subledger: subledger, ledger: ledger)
    }
}
