import SubledgerCore

/// One transaction with what happened to it: the read behind `GET /v1/transactions/{tx}`.
public struct TransactionDetail: Sendable {
    public var row: TransactionRow
    /// The events that posted, invoiced, adjusted or settled it, in log order.
    public var events: [EventRow]
    /// Its GL voucher lines (as `vouchers --tx` lists them).
    public var vouchers: [VoucherRow]
    /// The settlement entries that change it or settle against it (as `settlements --tx` lists them).
    public var settlements: [SettlementRow]
}

extension Ledger {
    /// One transaction's row as `transactions` shows it, open or in history; nil when the ledger has none.
    /// Read by key (the open state's table, else history's primary key), not by listing every transaction.
    public func transactionRow(_ id: String) throws -> TransactionRow? {
        guard let record = try transaction(id), let setup = state.items[record.item] else { return nil }
        let destination =
            record.kind == .transferOut ? try transaction(SyntheticID.transferReceipt(id))?.dimensions : nil
        return TransactionRow(
            record: record, model: setup.model, accounts: state.accounts(of: record), destination: destination)
    }

    /// The transaction, its voucher lines and settlement entries, and the events behind them; nil when the
    /// ledger has no such transaction. The events are read by sequence: the one that posted it, the one
    /// that invoiced it, and each one its voucher lines and settlement entries came from.
    public func transactionDetail(_ id: String) throws -> TransactionDetail? {
        guard let row = try transactionRow(id) else { return nil }
        let vouchers = try historicalVouchers(reference: id)
        let settlements = try self.settlements(transaction: id)
        var sequences = Set(vouchers.map(\.sequence) + settlements.map(\.sequence))
        sequences.insert(row.record.sequence)
        if row.record.financialSequence > 0 { sequences.insert(row.record.financialSequence) }
        var events: [EventRow] = []
        for sequence in sequences.sorted() {
            events += try self.events(after: sequence - 1, limit: 1)
        }
        return TransactionDetail(row: row, events: events, vouchers: vouchers, settlements: settlements)
    }
}
