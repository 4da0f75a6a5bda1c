import SubledgerCore
internal import SubledgerStore

/// Read models for the CLI and embedders. Every query is a view of the projection or of the log.
public struct OnHandRow: Sendable, Equatable {
    public var item: String
    public var model: ValuationModel
    public var dimensions: DimensionValues
    public var pool: CostPool
    /// Running average cost price now (4 decimals), over the rows the item's model averages.
    public var averageCost: UnitPrice?
}

public struct TransactionRow: Sendable, Equatable {
    public var record: TransactionRecord
    public var model: ValuationModel
    /// GL accounts the transaction posted to, by posting type (D16).
    public var accounts: [PostingType: String]
    /// For a transfer's issue leg: where the goods went (its receipt leg's dimension values).
    public var destination: DimensionValues?
}

public struct VoucherRow: Sendable, Equatable {
    public var sequence: Int64
    public var date: LedgerDate
    public var eventType: String
    /// The transaction (or item) the voucher belongs to.
    public var reference: String
    public var lines: [VoucherLine]
}

public struct TrialBalanceRow: Sendable, Equatable {
    public var account: String
    public var postingTypes: [PostingType]
    public var balance: Money
}

public struct EventRow: Sendable {
    public var stored: StoredEvent
    public var event: LedgerEvent
    /// The name of the token whose request appended the event's command; nil for the local CLI (DR-25).
    public var actor: String? = nil
}

/// The read models of a state: the same for the live projection (`Ledger`'s queries below) and for any
/// state rebuilt from the log (a replay, a snapshot).
extension LedgerState {
    public func onHand(item: String? = nil) -> [OnHandRow] {
        pools.keys.sorted().compactMap { key in
            guard item == nil || key.item == item, let setup = items[key.item] else { return nil }
            let pool = pools[key]!
            return OnHandRow(
                item: key.item, model: setup.model, dimensions: key.dimensions, pool: pool,
                averageCost: pool.averageCost(includePhysical: setup.averagesPhysicalRows))
        }
    }

    /// The rows of the open transactions and of `history` (records a close moved out, DR-22; an id the
    /// open state holds is taken from it), in log order.
    public func transactionRows(item: String? = nil, history: [TransactionRecord] = []) -> [TransactionRow] {
        var closed: [String: TransactionRecord] = [:]
        for record in history where transactions[record.id] == nil { closed[record.id] = record }
        return
            (transactions.values.filter { item == nil || $0.item == item }
            + closed.values.filter { item == nil || $0.item == item })
            .sorted { a, b in
                (a.sequence, a.direction == .issue ? 0 : 1, a.id) < (b.sequence, b.direction == .issue ? 0 : 1, b.id)
            }
            .map { record in
                let receiptLegID = SyntheticID.transferReceipt(record.id)
                let receiptLeg =
                    record.kind == .transferOut
                    ? transactions[receiptLegID] ?? closed[receiptLegID] : nil
                return TransactionRow(
                    record: record, model: items[record.item]!.model,
                    accounts: accounts(of: record), destination: receiptLeg?.dimensions)
            }
    }

    public func trialBalance(asOf date: LedgerDate = .distantFuture) -> [TrialBalanceRow] {
        ledger.trialBalance(asOf: date).map {
            TrialBalanceRow(account: $0.account, postingTypes: ledger.postingTypes(of: $0.account), balance: $0.balance)
        }
    }
}

extension Ledger {
    public func onHand(item: String? = nil) -> [OnHandRow] { state.onHand(item: item) }

    /// Every transaction, open or moved to history by a close (DR-22), in log order.
    public func transactions(item: String? = nil) throws -> [TransactionRow] {
        state.transactionRows(item: item, history: try historyTransactions(item: item))
    }

    /// One transaction, open or moved to history by a close (DR-22); nil when the ledger has none.
    public func transaction(_ id: String) throws -> TransactionRecord? {
        try state.transactions[id] ?? historyRecord(id)
    }

    /// The transactions a close moved out of the open state, of one item or all, in log order.
    public func historyTransactions(item: String? = nil) throws -> [TransactionRecord] {
        guard let history else { return [] }  // a log alone evicts nothing
        let stored = try storeCall { () throws(StoreError) in try history.historyTransactionRecords(item: item) }
        var records: [TransactionRecord] = []
        records.reserveCapacity(stored.count)
        for bytes in stored { records.append(try decodedHistory(bytes, against: state)) }
        return records
    }

    /// The item of every transaction in history, by id.
    func historyItems() throws -> [String: String] {
        guard let history else { return [:] }
        return try storeCall { () throws(StoreError) in try history.historyTransactionItems() }
    }

    /// The current state with every transaction in it, open or in history (the open state wins on an
    /// id in both): for the reports that read the past (reconciliation, value, scenario expectations).
    public func stateWithHistory() throws -> LedgerState {
        try withHistory(state)
    }

    /// `state` with the records of history_transactions put back: all of them, or with `closedThrough`
    /// those of the closes at or before that sequence (the rest were open then, so `state` holds them).
    func withHistory(_ state: LedgerState, closedThrough: Int64? = nil) throws -> LedgerState {
        var full = state
        full.evicts = false
        guard let store = history else { return full }  // a log alone keeps every transaction in memory
        var failure: (any Error)?
        try storeCall { () throws(StoreError) in
            full.reserveCapacity(transactions: try store.historyTransactionCount())  // grown once, not by doubling
            // Decoded one row at a time, straight into the copy (no array of every record beside it).
            try store.forEachHistoryTransactionRecord(item: nil, closedThrough: closedThrough) {
                bytes throws(StoreError) in
                guard failure == nil else { return }
                do {
                    let record = try decodedHistory(bytes, against: full)
                    if full.transactions[record.id] == nil { full.restore(record) }
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return full
    }

    public func trialBalance(asOf date: LedgerDate = .distantFuture) -> [TrialBalanceRow] {
        state.trialBalance(asOf: date)
    }

    /// Events of the log in order, decoded; `after` and `limit` page through a long log.
    public func events(after sequence: Int64 = 0, limit: Int? = nil) throws -> [EventRow] {
        try EventRow.read(log, after: sequence, limit: limit)
    }

    /// GL vouchers: the lines of every posting event, optionally for one transaction or item.
    public func vouchers(reference: String? = nil, asOf date: LedgerDate = .distantFuture) throws -> [VoucherRow] {
        if let reference, state.items[reference] == nil { try requireKnown(transaction: reference) }
        return try events().compactMap { row in
            let lines = row.event.lines
            guard !lines.isEmpty, row.stored.envelope.date <= date else { return nil }
            let ref = EventRendering.reference(row.event)
            guard reference == nil || ref == reference else { return nil }
            return VoucherRow(
                sequence: row.stored.sequence, date: row.stored.envelope.date,
                eventType: row.stored.envelope.type, reference: ref, lines: lines)
        }
    }

    /// Re-checks the hash chain of the whole log.
    public func verify(progress: ((Int64, Int64) -> Void)? = nil) throws -> ChainReport {
        ChainReport(try LedgerError.sealing { try log.verifyChain(progress: progress) })
    }

    /// Commands appended so far, oldest first.
    public func commands() throws -> [CommandEntry] {
        try LedgerError.sealing { try log.commands() }.map(CommandEntry.init)
    }
}
