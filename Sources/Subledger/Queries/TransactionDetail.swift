import SubledgerCore
internal import SubledgerStore

/// One transaction with what happened to it: the read behind `GET /v1/transactions/{tx}`.
public struct TransactionDetail: Sendable {
    public var row: TransactionRow
    /// The events that posted, invoiced, adjusted or settled it, in log order.
    public var events: [EventRow]
    /// Its GL voucher lines (as `vouchers --tx` lists them).
    public var vouchers: [VoucherRow]
    /// The settlement entries that change it or settle against it (as `settlements --tx` lists them).
    public var settlements: [SettlementRow]
    /// The sequences of `events`, ascending (known before the events are read).
    public var eventSequences: [Int64]
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
    /// `readingEvents: false` leaves `events` empty (their sequences are in `eventSequences`): for a
    /// caller that has them rendered already (the server keeps the rendered events it served).
    public func transactionDetail(_ id: String, readingEvents: Bool = true) throws -> TransactionDetail? {
        guard let row = try transactionRow(id) else { return nil }
        let vouchers = try historicalVouchers(reference: id)
        let settlements = try settlementsNaming(id)
        var sequences = Set(vouchers.map(\.sequence) + settlements.map(\.sequence))
        sequences.insert(row.record.sequence)
        if row.record.financialSequence > 0 { sequences.insert(row.record.financialSequence) }
        let ordered = sequences.sorted()
        var events: [EventRow] = []
        if readingEvents {
            for sequence in ordered { events += try self.events(after: sequence - 1, limit: 1) }
        }
        return TransactionDetail(
            row: row, events: events, vouchers: vouchers, settlements: settlements, eventSequences: ordered)
    }

    /// The event at `sequence`, decoded, with its actor; nil past the log's end.
    public func event(sequence: Int64) throws -> EventRow? {
        guard sequence > 0 else { return nil }
        return try events(after: sequence - 1, limit: 1).first
    }

    /// `settlements(transaction:)` read by key: from the history's settlement rows (by transaction and
    /// counterpart, on either store: DR-57) when the history holds the whole log, else from the log's close
    /// events. The rows
    /// of a weighted average closing receipt itself are read from the log: a reversal can remove such a
    /// receipt, and the log's reading then names no item for its entries. An entry that names a real
    /// transaction keeps its item either way, so its entries against closing receipts come by key too.
    public func settlementsNaming(_ id: String) throws -> [SettlementRow] {
        try settlementsNaming([id]).first ?? []
    }

    /// `settlementsNaming` of each of `ids`, in their order, with one check that the history is current.
    public func settlementsNaming(_ ids: [String]) throws -> [[SettlementRow]] {
        guard try historyIsCurrent(), let reads = historyReads else {
            return try ids.map { try settlements(transaction: $0) }
        }
        return try ids.map { id in
            if SyntheticID.isClosingReceipt(id) { return try settlements(transaction: id) }
            let stored = try storeCall { () throws(StoreError) in try reads.historySettlements(naming: id) }
            // A reversal's compensating entries belong to no run (the history keeps the run they reverse).
            return stored.map {
                SettlementRow(
                    date: $0.day, sequence: $0.sequence, closeSequence: $0.mode == .reversal ? nil : $0.closeSequence,
                    mode: $0.mode, item: $0.item, entry: $0.entry)
            }
        }
    }
}
