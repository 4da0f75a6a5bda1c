import SubledgerCore

/// Subledger value against the GL's inventory accounts (valuation-rules.md section 6).
public enum Reconciliation {
    public struct Totals: Sendable {
        /// Value of every cost pool (physical and financial).
        public var subledger: Money
        /// Balance of every account posted with an inventory-holding posting type.
        public var ledger: Money
        public var difference: Money { subledger - ledger }
    }

    public static func totals(_ state: LedgerState, asOf date: LedgerDate = .distantFuture) -> Totals {
        let subledger = state.pools.values.reduce(Money.zero) { $0 + $1.value }
        let ledger = state.ledger.inventoryAccounts.reduce(Money.zero) { $0 + state.ledger.balance($1, asOf: date) }
        return Totals(subledger: subledger, ledger: ledger)
    }
}
