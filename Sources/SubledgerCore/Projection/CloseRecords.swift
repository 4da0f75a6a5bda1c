/// A close or recalculation as the projection keeps it. Its per-pool results (`settlement.posted`) live
/// in the log only, at `firstSequence..<sequence`: a reversal reads them back from there (D12).
public struct CloseRecord: Sendable, Equatable {
    public var date: LedgerDate
    public var mode: CloseMode
    /// Sequence of its `close.posted` event.
    public var sequence: Int64
    /// Sequence of its first `settlement.posted` event; `sequence` when it has none.
    public var firstSequence: Int64
    /// What the run could not do (unsettled issues, issues posted at zero cost, negative on-hand, ...).
    public var log: [CloseNote]
    /// Sequence of the `close.reversed` event that reversed it.
    public var reversedBy: Int64?

    public init(
        date: LedgerDate, mode: CloseMode, sequence: Int64, firstSequence: Int64, log: [CloseNote],
        reversedBy: Int64? = nil
    ) {
        self.date = date
        self.mode = mode
        self.sequence = sequence
        self.firstSequence = firstSequence
        self.log = log
        self.reversedBy = reversedBy
    }

    public var isInForce: Bool { reversedBy == nil }
    /// How many `settlement.posted` events it has: those just before its `close.posted`.
    public var settlementEventCount: Int64 { sequence - firstSequence }
}

extension LedgerState {
    mutating func applySettlement(_ e: SettlementPosted, _ date: LedgerDate) throws(FoldFailure) {
        guard let tracked = items[e.item]?.dimensions else { throw .missing("item", e.item) }
        if e.mode != .reversal && pendingCloseStart == 0 { pendingCloseStart = lastSequence }
        for receipt in e.closingReceipts where e.mode != .reversal {
            var record = TransactionRecord(
                id: receipt.id, sequence: lastSequence, item: e.item,
                kind: .closingReceipt, dimensions: e.dimensions, date: date,
                financialDate: date, quantity: receipt.quantity, unitPrice: .zero, costSource: .receiptPrice,
                postedAccounts: -1)
            record.financialSequence = lastSequence
            record.financialQuantity = receipt.quantity
            record.financialValue = receipt.value
            transactions[receipt.id] = record
        }
        // Each entry's records are changed in place through their index (no copy out and back of a
        // ~250-byte record); no entry adds or removes a transaction, so the indexes stay valid for the
        // whole loop. The pool's index is kept until a pool is added, which replaces it. An id or a
        // pool key equal to the previous entry's is not hashed again (DR-59): an issue's entries follow
        // each other, a receipt consumed by consecutive issues recurs, and every entry is in one pool.
        var places = SettlementPlaces()
        for entry in e.entries {
            let index = try places.issue(entry.transaction, in: transactions)
            let key = PoolKey(
                item: e.item, dimensions: transactions.values[index].dimensions.restricted(to: tracked))
            switch entry.kind {
            case .settlement:
                let other = try places.receipt(entry.counterpart, in: transactions)
                try settle(entry, issue: index, receipt: other)
                let pool = places.pool(key, in: &pools)
                try pools.values[pool].financialValue.subtract(entry.adjustment)
                if entry.model == .marking { try addMarkedSettled(entry) }
            case .adjustment:
                if entry.physical {
                    guard entry.quantity.units != .min else { throw .overflow }  // its magnitude would trap
                    let effect = physicalEffect(entry, on: transactions.values[index])
                    try Self.update(&transactions.values[index]) { record throws(FoldFailure) in
                        try record.adjustment.add(entry.adjustment)
                        try record.physicalAdjustment.add(entry.adjustment)
                        try record.physicalOpenValue.add(effect)
                    }
                    let pool = places.pool(key, in: &pools)
                    try pools.values[pool].physicalValue.subtract(effect)
                } else {
                    // A recalculation's adjustment: on the issue's part it was computed for.
                    try transactions.values[index].settleIssue(
                        part: entry.issuePart, .zero, .zero, adjustment: entry.adjustment)
                    let pool = places.pool(key, in: &pools)
                    try pools.values[pool].financialValue.subtract(entry.adjustment)
                }
            case .consumption:
                try transactions.values[index].settleReceipt(part: entry.part, entry.quantity, entry.settledAmount)
            case .receiptAdjustment:
                try transactions.values[index].addReceiptAdjustment(entry.adjustment)
                let pool = places.pool(key, in: &pools)
                try pools.values[pool].financialValue.add(entry.adjustment)
            }
        }
        // A reversed close's weighted average closing receipts go away with it (nothing else can have
        // settled against them: only the latest close can be reversed).
        if e.mode == .reversal {
            for receipt in e.closingReceipts { transactions[receipt.id] = nil }
        }
    }

    /// A settlement entry on its issue and receipt. An entry naming one transaction on both sides (only a
    /// damaged or hand-made log has one) keeps the issue's side only, as the fold always has: the receipt
    /// is settled on a copy that the issue's record then replaces.
    private mutating func settle(
        _ entry: SettlementEntry, issue: TransactionTable.Index, receipt: TransactionTable.Index
    ) throws(FoldFailure) {
        guard issue != receipt else {
            var record = transactions.values[issue], shadow = record
            try record.settleIssue(
                part: entry.issuePart, entry.quantity, entry.settledAmount, adjustment: entry.adjustment)
            try shadow.settleReceipt(part: entry.part, entry.quantity, entry.settledAmount)
            transactions.values[issue] = record
            return
        }
        try transactions.values[issue].settleIssue(
            part: entry.issuePart, entry.quantity, entry.settledAmount, adjustment: entry.adjustment)
        try transactions.values[receipt].settleReceipt(part: entry.part, entry.quantity, entry.settledAmount)
    }

    /// Marked quantity settled (negative for a reversal's entry), per issue and receipt (`markedSettled`).
    private mutating func addMarkedSettled(_ entry: SettlementEntry) throws(FoldFailure) {
        try Self.update(&markedSettled[entry.transaction, default: [:]][entry.counterpart, default: .zero]) {
            quantity throws(FoldFailure) in try quantity.add(entry.quantity)
        }
    }
}

/// The places one settlement event's entries look up, each remembered from the previous entry (DR-59): the
/// same id or pool key again is compared, not hashed. Valid for one event's entries only: no entry adds or
/// removes a transaction, and the remembered pool index is replaced whenever `pool` adds a pool (an insert
/// may move the dictionary's storage).
struct SettlementPlaces {
    private var issueID = "", issuePlace = -1
    private var receiptID = "", receiptPlace = -1
    private var poolKey = PoolKey(item: "", dimensions: .none)
    private var poolIndex: Dictionary<PoolKey, CostPool>.Index?

    /// The place of the entry's own transaction.
    mutating func issue(_ id: String, in table: TransactionTable) throws(FoldFailure) -> Int {
        if issuePlace >= 0, NameHash.same(issueID, id) { return issuePlace }
        guard let place = table.index(forKey: id) else { throw .missing("transaction", id) }
        (issueID, issuePlace) = (id, place)
        return place
    }

    /// The place of a settlement's counterpart.
    mutating func receipt(_ id: String, in table: TransactionTable) throws(FoldFailure) -> Int {
        if receiptPlace >= 0, NameHash.same(receiptID, id) { return receiptPlace }
        guard let place = table.index(forKey: id) else { throw .missing("transaction", id) }
        (receiptID, receiptPlace) = (id, place)
        return place
    }

    /// The index of the pool under `key`, an empty pool added first when there is none (as
    /// `pools[key, default: CostPool()]` did).
    mutating func pool(_ key: PoolKey, in pools: inout [PoolKey: CostPool]) -> Dictionary<PoolKey, CostPool>.Index {
        if let poolIndex, Self.same(poolKey, key) { return poolIndex }
        let index: Dictionary<PoolKey, CostPool>.Index
        if let found = pools.index(forKey: key) {
            index = found
        } else {
            pools[key] = CostPool()
            index = pools.index(forKey: key)!
        }
        (poolKey, poolIndex) = (key, index)
        return index
    }

    /// `==` of two pool keys, compared in place name by name (`PoolKey`'s own `==` on the stored key
    /// copied it out, retaining and releasing its five names, for every entry).
    @inline(__always)
    static func same(_ a: borrowing PoolKey, _ b: borrowing PoolKey) -> Bool {
        NameHash.same(a.item, b.item) && NameHash.same(a.dimensions.site, b.dimensions.site)
            && NameHash.same(a.dimensions.warehouse, b.dimensions.warehouse)
            && NameHash.same(a.dimensions.batch, b.dimensions.batch)
            && NameHash.same(a.dimensions.serial, b.dimensions.serial)
    }
}
