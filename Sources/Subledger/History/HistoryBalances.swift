// GL balances as of a past date from the history's GL days (a sum per account over an index), for the
// reports that take `--as-of`: the open state need not keep every account's amount per day before the
// latest close. The accounts listed and their posting types are the ledger's, as before.

import SubledgerCore
internal import SubledgerStore

extension Ledger {
    /// The trial balance as of `date`: the live projection's when nothing is dated after `date`, else the
    /// balances summed from the history tables (the live projection's when they cannot be brought up to
    /// date, e.g. a read-only ledger behind its log).
    public func historicalTrialBalance(asOf date: LedgerDate) throws -> [TrialBalanceRow] {
        let balance = try balances(asOf: date)
        return state.ledger.accountNames.map {
            TrialBalanceRow(account: $0, postingTypes: state.ledger.postingTypes(of: $0), balance: balance($0))
        }
    }

    /// Each account's balance as of `date`, by the cheapest source that has it.
    func balances(asOf date: LedgerDate) throws -> (String) -> Money {
        try catchUp()
        let ledger = state.ledger
        guard date < state.latestBusinessDate, try historyIsCurrent() else {
            return { ledger.balance($0, asOf: date) }
        }
        guard let reads = historyReads else { return { ledger.balance($0, asOf: date) } }
        let stored = try storeCall { () throws(StoreError) in try reads.historyBalances(through: date) }
        return { stored[$0] ?? .zero }
    }
}

extension Ledger {
    /// `vouchers` from the history's voucher lines (read by reference) when they hold the whole log, on
    /// either store (DR-57), else from a decoding pass over the log: the same rows either way.
    public func historicalVouchers(
        reference: String? = nil, asOf date: LedgerDate = .distantFuture
    ) throws -> [VoucherRow] {
        try catchUp()
        guard try historyIsCurrent(), let reads = historyReads else {
            return try vouchers(reference: reference, asOf: date)
        }
        if let reference, state.items[reference] == nil { try requireKnown(transaction: reference) }
        var rows: [VoucherRow] = []
        try LedgerError.sealing {
            try reads.historyVoucherLines(reference: reference, through: date) { sequence, day, type, tx, line in
                if rows.last?.sequence == sequence {
                    rows[rows.count - 1].lines.append(line)
                } else {
                    rows.append(
                        VoucherRow(sequence: sequence, date: day, eventType: type, reference: tx, lines: [line]))
                }
            }
        }
        return rows
    }
}
