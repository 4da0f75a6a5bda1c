// The figures the web console charts (issue 13), read from the projection in memory: no page of the
// console reads the whole log or history for them.

import SubledgerCore

extension Ledger {
    /// The GL inventory accounts' balance at the end of each day the projection holds a posting to one of
    /// them, oldest first. Days before the latest close may be netted into fewer points (the projection
    /// keeps what the period state needs); each point is still the exact balance as of its day.
    public func inventoryBalanceByDay() -> [(date: LedgerDate, balance: Total<Money>)] {
        let inventory = Set(state.ledger.inventoryAccounts)
        var byDay: [Int32: Total<Money>] = [:]
        for account in state.ledger.accountEntries where inventory.contains(account.name) {
            for (day, amount) in zip(account.days, account.amounts) { byDay[day, default: Total()] += amount }
        }
        var running = Total<Money>()
        return byDay.keys.sorted().compactMap { day in
            running += byDay[day]!
            return LedgerDate(yyyymmdd: day).map { ($0, running) }
        }
    }
}
