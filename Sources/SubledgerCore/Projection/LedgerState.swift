/// The projection: the fold of every event in log order (D11). `apply` never decides anything; it adds
/// up the figures the events carry. Replay = `LedgerState()` + `apply` of every event.
public struct LedgerState: Sendable {
    public internal(set) var items: [String: ItemSetup] = [:] {
        didSet { trackedByItem.removeAll() }
    }
    /// Each item's tracked dimensions (their bits), remembered as the fold asks and forgotten whenever
    /// `items` changes: the fold looks an item up per posting, and a keyed hash was most of that lookup
    /// (DR-54, DR-59). A name the memo does not hold is looked up in `items`. Not part of the state's value.
    private var trackedByItem = NameMemo()
    public internal(set) var profiles = PostingProfiles()
    public internal(set) var pools: [PoolKey: CostPool] = [:]
    public internal(set) var transactions = TransactionTable()
    /// Marks: issue id -> (receipt id, quantity) in the order given.
    public internal(set) var marks: [String: [(receipt: String, quantity: Quantity)]] = [:]
    public internal(set) var ledger = GeneralLedger()
    /// Sequence of the last event applied.
    public internal(set) var lastSequence: Int64 = 0
    public internal(set) var eventCount = 0
    /// The latest business date of any event applied (setup events excepted): as-of queries for a date on
    /// or after it can use this state as it is.
    public internal(set) var latestBusinessDate = EventCatalog.setupDate
    /// Closes and recalculations in log order, with their logs (their settlement events stay in the log).
    public internal(set) var closes: [CloseRecord] = []
    /// Quantity settled under marking so far, per issue and receipt (reversals included): what the next
    /// close's marking starts from, kept here so that it never reads past settlements.
    public internal(set) var markedSettled: [String: [String: Quantity]] = [:]
    /// The latest date locked by a close in force (D1), nil when there is none.
    public var closedThrough: LedgerDate? {
        closes.last(where: { $0.mode == .close && $0.isInForce })?.date
    }
    /// Sequence of the first settlement event of the close being applied, until its `close.posted`
    /// arrives (0 when none is pending): where the close's events start in the log.
    public internal(set) var pendingCloseStart: Int64 = 0
    /// Warnings recorded on events (e.g. an issue posted at zero cost, D7).
    public internal(set) var warnings: [LedgerWarning] = []
    /// What the facade fetched for the decision at hand (see `Recalled`); not part of the state's value.
    public var recalled = Recalled()
    /// Closes the log reverses, by the sequence of their `close.posted` (rule R, DR-22): they evict
    /// nothing. Set by whoever drives the fold before it folds; not part of the state's value.
    public var reversedCloses: Set<Int64> = []
    /// Whether a close in force moves what it closed out of memory (DR-22); false keeps every transaction
    /// (as-of reports, and tests comparing with the ledger before eviction). Not part of the state's value.
    public var evicts = true
    /// Whether the records a close evicts are kept in `evicted` for the driver to store (the facade
    /// writing history); a replay drops them. Not part of the state's value.
    public var keepsEvicted = false
    /// The records evicted since the driver last emptied it, each with the sequence of the close that
    /// evicted it (only while `keepsEvicted`).
    public var evicted: [(record: TransactionRecord, closedBy: Int64)] = []
    /// How many records this fold's closes evicted (a replay from event 1 reports open + evicted as the
    /// transactions it folded). Not part of the state's value.
    public var evictedCount = 0

    // The fold's hash tables read short names from their words where the standard library's layout is
    // the one expected, else from their bytes (`SmallName.readsWords`, DR-54): no check here.
    public init() {}

    public func poolKey(item setup: ItemSetup, _ dimensions: DimensionValues) -> PoolKey {
        PoolKey(item: setup.id, dimensions: dimensions.restricted(to: setup.dimensions))
    }

    /// The pool of a defined item, reading only its tracked dimensions (no copy of the setup). The fold
    /// uses this one: a stored event may name an item no event defined.
    mutating func definedPoolKey(item: String, _ dimensions: DimensionValues) throws(FoldFailure) -> PoolKey {
        if let bits = trackedByItem.value(item) {
            return PoolKey(item: item, dimensions: dimensions.restricted(to: DimensionSet(bits: bits)))
        }
        guard let tracked = items[item]?.dimensions else { throw .missing("item", item) }
        trackedByItem.remember(item, tracked.bits)
        return PoolKey(item: item, dimensions: dimensions.restricted(to: tracked))
    }

    /// The pool of an item `decide` has checked; an unknown item keeps every dimension given (no trap).
    func poolKey(item: String, _ dimensions: DimensionValues) -> PoolKey {
        PoolKey(item: item, dimensions: items[item].map { dimensions.restricted(to: $0.dimensions) } ?? dimensions)
    }

    public func pool(_ key: PoolKey) -> CostPool { pools[key] ?? CostPool() }

    public internal(set) var accountSets = AccountSets()

    /// Accounts by posting type the transaction posted to; its latest invoice's win (D16).
    public func accounts(of record: TransactionRecord) -> [PostingType: String] {
        guard record.invoiceAccounts >= 0 else { return accountSets[record.postedAccounts] }
        return accountSets[record.postedAccounts].merging(accountSets[record.invoiceAccounts]) { $1 }
    }

    /// Makes room for `count` more transactions (replay knows how many events are coming); the id table
    /// on huge pages where the system allows (see `HugePages`).
    public mutating func reserveCapacity(transactions count: Int) {
        transactions.reserveCapacity(transactions.count + count)
    }

    /// Folds one stored event. An event that contradicts the state (see `ProjectionError`) throws and
    /// leaves the state part-way through it: discard the state, do not fold on.
    public mutating func apply(
        _ event: LedgerEvent, date: LedgerDate, sequence: Int64, hint: FoldHint? = nil
    ) throws(ProjectionError) {
        // The hint is for the event folded right after the state it was decided on (`FoldHint`).
        let poolIndex = hint.flatMap { $0.after == lastSequence ? $0.pool : nil }
        guard sequence > lastSequence else {
            throw ProjectionError(
                sequence: sequence, message: "events must be applied in log order (after \(lastSequence))")
        }
        lastSequence = sequence
        eventCount += 1
        if date > latestBusinessDate { latestBusinessDate = date }
        do throws(FoldFailure) {
            try fold(event, date, poolIndex)
            let lines = event.lines
            if !lines.isEmpty { try ledger.post(lines, on: date) }
        } catch {
            throw ProjectionError(sequence: sequence, message: error.message)
        }
    }

    private mutating func fold(
        _ event: LedgerEvent, _ date: LedgerDate, _ poolIndex: Dictionary<PoolKey, CostPool>.Index? = nil
    ) throws(FoldFailure) {
        switch event {
        case .itemDefined(let setup):
            items[setup.id] = setup
        case .accountsSet(let group, let accounts):
            profiles.set(group: group, accounts.map { ($0.postingType, $0.account) })
        case .receiptPosted(let e): try applyReceipt(e, date, poolIndex)
        case .issuePosted(let e): try applyIssue(e, date, poolIndex)
        case .invoicePosted(let e): try applyInvoice(e, date)
        case .markPosted(let e):
            guard transactions[e.issue] != nil else { throw .missing("transaction", e.issue) }
            guard transactions[e.receipt] != nil else { throw .missing("transaction", e.receipt) }
            marks[e.issue, default: []].append((e.receipt, e.quantity))
        case .transferPosted(let e): try applyTransfer(e, date)
        case .standardCostActivated(let e): try applyStandardCost(e)
        case .movingAverageRevalued(let e):
            guard items[e.item] != nil else { throw .missing("item", e.item) }
            try Self.update(&pools[PoolKey(item: e.item, dimensions: e.dimensions), default: CostPool()]) {
                pool throws(FoldFailure) in
                try pool.financialValue.add(e.amount)
                pool.touch(date)
            }
        case .settlementPosted(let e): try applySettlement(e, date)
        case .closePosted(let e):
            let first = pendingCloseStart == 0 ? lastSequence : pendingCloseStart
            closes.append(
                CloseRecord(date: date, mode: e.mode, sequence: lastSequence, firstSequence: first, log: e.log))
            pendingCloseStart = 0
            if e.mode == .close, evicts, !reversedCloses.contains(lastSequence) {
                evictClosed(through: date, closedBy: lastSequence)
            }
        case .closeReversed(let e):
            guard let index = closes.firstIndex(where: { $0.sequence == e.closeSequence }), closes[index].isInForce
            else {
                throw .contradiction("it reverses a close at sequence \(e.closeSequence) that is not in force")
            }
            closes[index].reversedBy = lastSequence
        case .receiptAdjusted(let e):
            guard let record = transactions[e.transaction] else { throw .missing("transaction", e.transaction) }
            try transactions[e.transaction]?.addReceiptAdjustment(e.amount)
            let key = try definedPoolKey(item: record.item, record.dimensions)
            try pools[key, default: CostPool()].financialValue.add(e.amount)
        }
    }

    private mutating func applyStandardCost(_ e: StandardCostActivated) throws(FoldFailure) {
        guard items[e.item] != nil else { throw .missing("item", e.item) }
        for revaluation in e.transactions where transactions[revaluation.transaction] == nil {
            throw .missing("transaction", revaluation.transaction)
        }
        items[e.item]?.standardCost = e.unitCost
        for revaluation in e.revaluations {
            try Self.update(&pools[PoolKey(item: e.item, dimensions: revaluation.dimensions), default: CostPool()]) {
                pool throws(FoldFailure) in
                try pool.physicalValue.add(revaluation.physicalDelta)
                try pool.financialValue.add(revaluation.financialDelta)
            }
        }
        for revaluation in e.transactions {
            try transactions[revaluation.transaction]?.physicalOpenValue.add(revaluation.delta)
        }
    }

    private mutating func applyReceipt(
        _ e: ReceiptPosted, _ date: LedgerDate, _ poolIndex: Dictionary<PoolKey, CostPool>.Index?
    ) throws(FoldFailure) {
        let key = try definedPoolKey(item: e.item, e.dimensions)
        var record = TransactionRecord(
            id: e.transaction, sequence: lastSequence, item: e.item, kind: .receipt(e.kind), dimensions: e.dimensions,
            date: date, financialDate: e.physicalOnly ? nil : date, quantity: e.quantity, unitPrice: e.unitPrice,
            costSource: .receiptPrice, postedAccounts: accountSets.intern(e.lines))
        if e.physicalOnly {
            record.physicalOpenQuantity = e.quantity
            record.physicalOpenValue = e.inventoryValue
            record.physicalOpenOffset = e.offsetValue
        } else {
            record.financialSequence = lastSequence
            record.financialQuantity = e.quantity
            record.financialValue = e.inventoryValue
        }
        try updatePool(key, at: poolIndex) { pool throws(FoldFailure) in
            if e.physicalOnly {
                try pool.physicalQuantity.add(e.quantity)
                try pool.physicalValue.add(e.inventoryValue)
            } else {
                try pool.financialQuantity.add(e.quantity)
                try pool.financialValue.add(e.inventoryValue)
            }
            pool.touch(date)
        }
        // Moved, not copied: a plain assignment copied the ~250-byte record (retaining its strings) and
        // then destroyed the local (releasing them) on every event.
        transactions[e.transaction] = consume record
    }

    private mutating func applyIssue(
        _ e: IssuePosted, _ date: LedgerDate, _ poolIndex: Dictionary<PoolKey, CostPool>.Index?
    ) throws(FoldFailure) {
        let key = try definedPoolKey(item: e.item, e.dimensions)
        var record = TransactionRecord(
            id: e.transaction, sequence: lastSequence, item: e.item, kind: .issue(e.kind), dimensions: e.dimensions,
            date: date, financialDate: e.physicalOnly ? nil : date, quantity: e.quantity, unitPrice: .zero,
            costSource: e.costSource, postedAccounts: accountSets.intern(e.lines))
        if e.physicalOnly {
            record.physicalOpenQuantity = e.quantity
            record.physicalOpenValue = e.costAmount
        } else {
            record.financialSequence = lastSequence
            record.financialQuantity = e.quantity
            record.financialValue = e.costAmount
        }
        // The pool in place: one lookup of its key instead of a read and a write (two hashes of it), none
        // when decide's hint gives its place.
        try updatePool(key, at: poolIndex) { pool throws(FoldFailure) in
            if e.physicalOnly {
                try pool.physicalQuantity.subtract(e.quantity)
                try pool.physicalValue.subtract(e.costAmount)
            } else {
                try pool.financialQuantity.subtract(e.quantity)
                try pool.financialValue.subtract(e.costAmount)
            }
            if e.costSource == .movingAverage {
                var onHand = pool.physicalQuantity
                try onHand.add(pool.financialQuantity)
                if !onHand.isNegative {
                    guard let unitCost = e.costAmount.checkedPerUnit(e.quantity) else {
                        throw .contradiction(
                            "issue '\(e.transaction)' has no unit cost (\(e.costAmount) for \(e.quantity))")
                    }
                    pool.lastIssueUnitCost = unitCost
                }
            }
            pool.touch(date)
        }
        if e.costSource == .zeroCost { warnings.append(.postedAtZeroCost(transaction: e.transaction)) }
        transactions[e.transaction] = consume record  // moved (see applyReceipt)
    }

    /// Mutates a value in place (a dictionary entry through its modify accessor: one hash, no copy).
    @inline(__always)
    static func update<T>(_ value: inout T, _ body: (inout T) throws(FoldFailure) -> Void) throws(FoldFailure) {
        try body(&value)
    }

    private mutating func applyInvoice(_ e: InvoicePosted, _ date: LedgerDate) throws(FoldFailure) {
        guard let index = transactions.index(forKey: e.transaction) else {
            throw .missing("transaction", e.transaction)
        }
        var record = transactions.values[index]
        let key = try definedPoolKey(item: record.item, record.dimensions)
        var pool = pools[key] ?? CostPool()
        try record.physicalOpenQuantity.subtract(e.quantity)
        try record.physicalOpenValue.subtract(e.physicalValueReversed)
        try record.physicalOpenOffset.subtract(e.physicalOffsetReversed)
        // A further financial update splits the row (1.2): each part keeps its own date and value.
        if record.financialQuantity.isPositive {
            try record.addFinancialPart(
                date: date, sequence: lastSequence, quantity: e.quantity, value: e.financialValue)
        } else {
            record.financialSequence = lastSequence
        }
        try record.financialQuantity.add(e.quantity)
        try record.financialValue.add(e.financialValue)
        record.financialDate = date
        record.costSource = e.costSource
        if !e.lines.isEmpty { record.invoiceAccounts = accountSets.intern(e.lines) }
        if record.direction == .receipt {
            record.unitPrice = e.unitPrice
            try pool.physicalQuantity.subtract(e.quantity)
            try pool.physicalValue.subtract(e.physicalValueReversed)
            try pool.financialQuantity.add(e.quantity)
            try pool.financialValue.add(e.financialValue)
        } else {
            try pool.physicalQuantity.add(e.quantity)
            try pool.physicalValue.add(e.physicalValueReversed)
            try pool.financialQuantity.subtract(e.quantity)
            try pool.financialValue.subtract(e.financialValue)
        }
        pool.touch(date)
        pools[key] = pool
        transactions.values[index] = consume record  // in its place: one hash of the id
    }

    /// A transfer between cost pools is an issue leg (id TX) and a receipt leg (id `TX@in`, a name users
    /// cannot type) at the same cost (D15); inside one pool it moves nothing and the close ignores it.
    private mutating func applyTransfer(_ e: TransferPosted, _ date: LedgerDate) throws(FoldFailure) {
        let from = try definedPoolKey(item: e.item, e.from), to = try definedPoolKey(item: e.item, e.to)
        var issue = TransactionRecord(
            id: e.transaction, sequence: lastSequence, item: e.item,
            kind: .transferOut, dimensions: e.from, date: date, financialDate: date,
            quantity: e.quantity, unitPrice: .zero, costSource: e.costSource,
            postedAccounts: accountSets.intern(e.lines))
        issue.financialSequence = lastSequence
        issue.financialQuantity = e.quantity
        issue.financialValue = e.amount
        if from != to {
            var receipt = issue
            receipt.id = SyntheticID.transferReceipt(e.transaction)
            receipt.kind = .transferIn
            receipt.dimensions = e.to
            transactions[receipt.id] = receipt
            try Self.update(&pools[from, default: CostPool()]) { pool throws(FoldFailure) in
                try pool.financialQuantity.subtract(e.quantity)
                try pool.financialValue.subtract(e.amount)
            }
            try Self.update(&pools[to, default: CostPool()]) { pool throws(FoldFailure) in
                try pool.financialQuantity.add(e.quantity)
                try pool.financialValue.add(e.amount)
            }
        } else {
            issue.financialQuantity = .zero  // a non-financial transfer: nothing to settle or value
        }
        pools[from, default: CostPool()].touch(date)
        pools[to, default: CostPool()].touch(date)
        transactions[e.transaction] = consume issue  // moved (see applyReceipt)
    }
}
