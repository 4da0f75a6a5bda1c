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

    public func transactionRows(item: String? = nil) -> [TransactionRow] {
        transactions.values.filter { item == nil || $0.item == item }
            .sorted { a, b in
                (a.sequence, a.direction == .issue ? 0 : 1, a.id) < (b.sequence, b.direction == .issue ? 0 : 1, b.id)
            }
            .map { record in
                let receiptLeg =
                    record.kind == .transferOut
                    ? transactions[SyntheticID.transferReceipt(record.id)] : nil
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

    public func transactions(item: String? = nil) -> [TransactionRow] { state.transactionRows(item: item) }

    public func trialBalance(asOf date: LedgerDate = .distantFuture) -> [TrialBalanceRow] {
        state.trialBalance(asOf: date)
    }

    /// Events of the log in order, decoded; `after` and `limit` page through a long log.
    public func events(after sequence: Int64 = 0, limit: Int? = nil) throws -> [EventRow] {
        var rows: [EventRow] = []
        let last = limit.map { sequence + Int64($0) }
        try LedgerError.sealing {
            try store.forEachEvent(after: sequence, through: last) { stored in
                let event: LedgerEvent
                do throws(PayloadDecodingError) { event = try EventCatalog.decode(stored.envelope) } catch {
                    throw LedgerError.corruptEvent(sequence: stored.sequence, message: error.description)
                }
                rows.append(EventRow(stored: stored, event: event))
            }
        }
        return rows
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
        ChainReport(try storeCall { () throws(StoreError) in try store.verifyChain(progress: progress) })
    }

    /// Commands appended so far, oldest first.
    public func commands() throws -> [CommandEntry] {
        try storeCall { () throws(StoreError) in try store.commands() }.map(CommandEntry.init)
    }
}
