// The reconciliation's subledger side as of the latest date without a copy of the state holding every
// transaction (`stateWithHistory()`): the open state's transactions, then each history record read one
// row at a time and summed into the same per-account totals. The figures are sums of exact integers, so
// the order the records come in does not change them.

import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// `valuation`'s subledger value per account over the open state's transactions and those closes moved
    /// to history (the open state wins on an id in both, as in `stateWithHistory()`). `valuation` is of the
    /// open state: its items, profiles, account sets and pools are those of the full one.
    func valueByAccountWithHistory(_ valuation: inout SubledgerValuation) throws -> [String: SubledgerComposition] {
        let open = valuation.state
        var sums = SubledgerValuation.AccountSums(open)
        for record in open.transactions.values { valuation.add(record, to: &sums) }
        guard let store = history else { return valuation.finish(sums) }  // a log alone evicts nothing
        var failure: (any Error)?
        try storeCall { () throws(StoreError) in
            try store.forEachHistoryTransactionUnordered { id, bytes throws(StoreError) in
                guard failure == nil, open.transactions[id] == nil else { return }
                do {
                    valuation.add(try decodedHistory(bytes, against: open), to: &sums)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return valuation.finish(sums)
    }
}
