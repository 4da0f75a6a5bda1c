/// DR-17, the one place `decide` checks ranges: the figures a command brings (again, for commands built
/// in code rather than decoded) and every figure it would produce. A command whose events would put a
/// voucher line, a transaction amount, a pool (quantity or value, each part) or a GL balance (as of any
/// date) outside `Limits` is refused, naming the input field that drove it, before anything is written.
extension LedgerState {
    func checkFigures(
        _ command: LedgerCommand, _ events: inout [(event: LedgerEvent, date: LedgerDate)], read: PoolRead? = nil
    ) throws(Rejection) {
        let field = command.rangeFields
        var figures = ProducedFigures()
        figures.hasRead = read != nil
        if command.isClose {
            // A close's settlement adds to a transaction at most twice what its item's figures add up to
            // (each receipt's open value is taken once): far below the range, per-transaction changes
            // need no tracking (a dictionary of every settled id, a third of the close's time).
            figures.tracksRecords = magnitudeTotals().money > Int128(Limits.maximumMoney.units / 8)
        }
        // Each pair is moved out of the buffer and moved back after it is read (DR-68): read in place,
        // through the array's subscript or a buffer pointer, it was copied (every string and array in the
        // event retained) and the copy destroyed, because the call could have written that memory.
        // `collect` does not throw, so every pair is back before anything else sees the array.
        events.withUnsafeMutableBufferPointer { pairs in
            guard let base = pairs.baseAddress else { return }
            for index in pairs.indices {
                let pair = (base + index).move()
                figures.collect(pair.event, pair.date, in: self)
                (base + index).initialize(to: pair)
            }
        }
        if let value = figures.outOfRange { throw field.amount(value) }
        // The pool decide read is the one pool a receipt, issue or invoice changes (no other precedes it).
        if let delta = figures.readDelta, let pool = read?.pool { try delta.check(pool, field) }
        if let first = figures.firstPool { try first.delta.check(pool(first.key), field) }
        // By index: iterating the elements copied each change (its key's strings retained and released).
        for index in figures.morePools.indices {
            try figures.morePools[index].delta.check(pool(figures.morePools[index].key), field)
        }
        for (id, delta) in figures.records {
            guard let record = transactions[id] else { continue }
            for value in record.rangeFigures(adding: delta) where !Limits.contains(money: value) {
                throw field.amount(value, "an amount of transaction \(id)")
            }
        }
        try figures.postings.forEachAccount { account throws(Rejection) in
            if let balance = ledger.balanceOutOfRange(account, adding: figures.postings) {
                throw field.amount(balance, "the balance of account \(account)")
            }
        }
    }
}

/// The pool a receipt, issue or invoice read while deciding (its one event changes that pool), as it
/// stands in the state the command is decided on. Not its key: copying one retains five strings.
struct PoolRead {
    var pool: CostPool
    /// Its place in the pool table, for the fold (`FoldHint`); nil for a pool not there yet or one read
    /// for an invoice (whose fold finds the pool through the transaction).
    var index: Dictionary<PoolKey, CostPool>.Index?
}

extension LedgerState {
    /// The pool `key` names (empty when there is none yet) and its place in the table, found once for
    /// decide, the range check and the fold (`FoldHint`).
    @inline(__always)
    func poolRead(_ key: PoolKey) -> PoolRead {
        let index = pools.index(forKey: key)
        return PoolRead(pool: index.map { pools.values[$0] } ?? CostPool(), index: index)
    }
}

/// What the events of one posting command change: pools by delta, accounts by postings, and the first
/// amount (a line, a transaction figure after) out of range. Small arrays, not dictionaries: a command
/// touches one or two pools and a few accounts, and this runs for every imported line.
struct ProducedFigures {
    var outOfRange: Int128?
    /// The pools changed, other than the one decide read, in the order first changed: the first held
    /// here (most commands change one pool: no array allocated for it), the others after it.
    var firstPool: PoolChange?
    var morePools: [PoolChange] = []
    var postings = ProducedPostings()
    /// Changes of existing transactions by a close's settlements (a close touches many: a dictionary),
    /// tracked only when the ledger's figures are large enough to need it.
    var records: [String: RecordDelta] = [:]
    var tracksRecords = true
    /// Whether decide read the pool the command's one receipt, issue or invoice changes: that event's
    /// change then goes to `readDelta`, its key neither built, copied nor hashed again (DR-62).
    var hasRead = false
    var readDelta: PoolDelta?

    struct PoolChange { var key: PoolKey, delta: PoolDelta }

    mutating func amount(_ value: Money) { amount(Int128(value.units)) }

    mutating func amount(_ value: Int128) {
        if outOfRange == nil && !Limits.contains(money: value) { outOfRange = value }
    }

    mutating func pool(_ key: PoolKey, _ delta: PoolDelta) {
        if firstPool == nil {
            firstPool = PoolChange(key: key, delta: delta)
        } else if firstPool?.key == key {
            firstPool?.delta.add(delta)
        } else if let index = morePools.firstIndex(where: { $0.key == key }) {
            morePools[index].delta.add(delta)
        } else {
            morePools.append(PoolChange(key: key, delta: delta))
        }
    }

    mutating func pool(_ key: PoolKey, _ quantity: Quantity, _ value: Money, physical: Bool) {
        var delta = PoolDelta()
        delta.add(quantity, value, physical: physical)
        pool(key, delta)
    }

    /// The change of the pool decide read, else of the pool `key` names.
    mutating func readPool(or key: @autoclosure () -> PoolKey, _ delta: PoolDelta) {
        guard hasRead else { return pool(key(), delta) }
        var sum = readDelta ?? PoolDelta()
        sum.add(delta)
        readDelta = sum
    }

    mutating func readPool(
        or key: @autoclosure () -> PoolKey, _ quantity: Quantity, _ value: Money, physical: Bool
    ) {
        var delta = PoolDelta()
        delta.add(quantity, value, physical: physical)
        readPool(or: key(), delta)
    }

    mutating func collect(_ event: LedgerEvent, _ date: LedgerDate, in state: LedgerState) {
        let lines = event.lines
        for index in lines.indices { amount(lines[index].amount) }
        postings.add(lines, day: date.yyyymmdd)
        switch event {
        case .receiptPosted(let e):
            amount(e.inventoryValue)
            amount(e.offsetValue)
            let physical = e.physicalOnly
            readPool(or: state.poolKey(item: e.item, e.dimensions), e.quantity, e.inventoryValue, physical: physical)
        case .issuePosted(let e):
            amount(e.costAmount)
            let physical = e.physicalOnly
            readPool(or: state.poolKey(item: e.item, e.dimensions), -e.quantity, -e.costAmount, physical: physical)
        case .invoicePosted(let e): collectInvoice(e, state)
        case .transferPosted(let e):
            amount(e.amount)
            pool(state.poolKey(item: e.item, e.from), -e.quantity, -e.amount, physical: false)
            pool(state.poolKey(item: e.item, e.to), e.quantity, e.amount, physical: false)
        case .standardCostActivated(let e):
            for revaluation in e.revaluations {
                var delta = PoolDelta()
                delta.physicalValue = Int128(revaluation.physicalDelta.units)
                delta.financialValue = Int128(revaluation.financialDelta.units)
                pool(PoolKey(item: e.item, dimensions: revaluation.dimensions), delta)
            }
            for revaluation in e.transactions {
                guard let record = state.transactions[revaluation.transaction] else { continue }
                amount(Int128(record.physicalOpenValue.units) + Int128(revaluation.delta.units))
            }
        case .movingAverageRevalued(let e):
            amount(e.amount)
            pool(PoolKey(item: e.item, dimensions: e.dimensions), .zero, e.amount, physical: false)
        case .receiptAdjusted(let e):
            guard let record = state.transactions[e.transaction] else { return }
            var after = record
            after.adjustment = Money(units: narrowClamped(Int128(record.adjustment.units) + Int128(e.amount.units)))
            for value in after.rangeFigures { amount(value) }
            amount(Int128(record.adjustment.units) + Int128(e.amount.units))
            pool(state.poolKey(item: record.item, record.dimensions), .zero, e.amount, physical: false)
        case .settlementPosted(let e): collectSettlement(e, state)
        case .itemDefined, .accountsSet, .markPosted, .closePosted, .closeReversed:
            break
        }
    }

    /// A close's results for one pool, as `LedgerState.applySettlement` applies them: issue adjustments
    /// change the pool, settlements the settled values of both sides (DR-17: a close is checked too).
    private mutating func collectSettlement(_ e: SettlementPosted, _ state: LedgerState) {
        for receipt in e.closingReceipts { amount(receipt.value) }
        guard let setup = state.items[e.item] else { return }
        // One event per cost pool: its entries' pool changes are summed here, not searched for per entry.
        let eventKey = PoolKey(item: e.item, dimensions: e.dimensions)
        var eventDelta = PoolDelta()
        if tracksRecords { records.reserveCapacity(records.count + e.entries.count) }
        for entry in e.entries where tracksRecords || entry.kind != .consumption {
            guard let record = state.transactions[entry.transaction] else { continue }
            let key = state.poolKey(item: setup, record.dimensions)
            let adjustment = Int128(entry.adjustment.units), settled = Int128(entry.settledAmount.units)
            var delta = PoolDelta()
            switch entry.kind {
            case .settlement:
                if tracksRecords {
                    records[entry.transaction, default: RecordDelta()].settle(settled, adjustment: adjustment)
                }
                if tracksRecords { records[entry.counterpart, default: RecordDelta()].settle(settled, adjustment: 0) }
                delta.financialValue = -adjustment
            case .adjustment where entry.physical:
                let effect = Int128(state.physicalEffect(entry, on: record).units)
                if tracksRecords {
                    records[entry.transaction, default: RecordDelta()].adjustPhysical(adjustment, effect: effect)
                }
                delta.physicalValue = -effect
            case .adjustment:
                if tracksRecords {
                    records[entry.transaction, default: RecordDelta()].settle(0, adjustment: adjustment)
                }
                delta.financialValue = -adjustment
            case .consumption:
                if tracksRecords { records[entry.transaction, default: RecordDelta()].settle(settled, adjustment: 0) }
            case .receiptAdjustment:
                if tracksRecords {
                    records[entry.transaction, default: RecordDelta()].settle(0, adjustment: adjustment)
                }
                delta.financialValue = adjustment
            }
            if key == eventKey { eventDelta.add(delta) } else { pool(key, delta) }
        }
        pool(eventKey, eventDelta)
    }

    private mutating func collectInvoice(_ e: InvoicePosted, _ state: LedgerState) {
        guard let record = state.transactions[e.transaction] else { return }
        amount(e.financialValue)
        amount(Int128(record.financialValue.units) + Int128(e.financialValue.units))
        let sign: Int128 = record.direction == .receipt ? 1 : -1
        var delta = PoolDelta()
        delta.physicalQuantity = -sign * Int128(e.quantity.units)
        delta.physicalValue = -sign * Int128(e.physicalValueReversed.units)
        delta.financialQuantity = sign * Int128(e.quantity.units)
        delta.financialValue = sign * Int128(e.financialValue.units)
        readPool(or: state.poolKey(item: record.item, record.dimensions), delta)
    }
}

/// A change of a pool's four figures, in `Int128` so that the sum with the pool never overflows.
struct PoolDelta {
    var physicalQuantity: Int128 = 0, physicalValue: Int128 = 0
    var financialQuantity: Int128 = 0, financialValue: Int128 = 0

    mutating func add(_ quantity: Quantity, _ value: Money, physical: Bool) {
        if physical {
            physicalQuantity += Int128(quantity.units)
            physicalValue += Int128(value.units)
        } else {
            financialQuantity += Int128(quantity.units)
            financialValue += Int128(value.units)
        }
    }

    mutating func add(_ other: PoolDelta) {
        physicalQuantity += other.physicalQuantity; physicalValue += other.physicalValue
        financialQuantity += other.financialQuantity; financialValue += other.financialValue
    }

    /// Refuses when `pool` changed by this delta leaves the ranges: each part and the totals.
    func check(_ pool: CostPool, _ field: LedgerCommand.RangeFields) throws(Rejection) {
        // Each part, then the total, in this order (the first out of range is the one named); written out
        // instead of looping over an array literal, which allocated two arrays per imported line.
        let pq = Int128(pool.physicalQuantity.units) + physicalQuantity
        let fq = Int128(pool.financialQuantity.units) + financialQuantity
        try Self.checkQuantity(pq, field)
        try Self.checkQuantity(fq, field)
        try Self.checkQuantity(pq + fq, field)
        let pv = Int128(pool.physicalValue.units) + physicalValue
        let fv = Int128(pool.financialValue.units) + financialValue
        try Self.checkValue(pv, field)
        try Self.checkValue(fv, field)
        try Self.checkValue(pv + fv, field)
    }

    @inline(__always)
    private static func checkQuantity(_ quantity: Int128, _ field: LedgerCommand.RangeFields) throws(Rejection) {
        if !Limits.contains(quantity: quantity) { throw field.quantity(quantity) }
    }

    @inline(__always)
    private static func checkValue(_ value: Int128, _ field: LedgerCommand.RangeFields) throws(Rejection) {
        if !Limits.contains(money: value) { throw field.amount(value, "the cost pool's value") }
    }
}

/// What a close's settlements add to one transaction's figures.
struct RecordDelta {
    var adjustment: Int128 = 0, physicalAdjustment: Int128 = 0, physicalOpenValue: Int128 = 0, settledValue: Int128 = 0

    mutating func settle(_ settled: Int128, adjustment change: Int128) {
        settledValue += settled
        adjustment += change
    }

    mutating func adjustPhysical(_ change: Int128, effect: Int128) {
        adjustment += change
        physicalAdjustment += change
        physicalOpenValue += effect
    }
}

extension TransactionRecord {
    /// The amounts of a transaction that must stay in range (DR-17), in `Int128`.
    var rangeFigures: [Int128] { rangeFigures(adding: RecordDelta()) }

    func rangeFigures(adding delta: RecordDelta) -> [Int128] {
        let financial = Int128(financialValue.units), adjustment = Int128(adjustment.units) + delta.adjustment
        let physical = Int128(physicalOpenValue.units) + delta.physicalOpenValue
        let physicalAdjustment = Int128(physicalAdjustment.units) + delta.physicalAdjustment
        return [
            financial, adjustment, physical, Int128(settledValue.units) + delta.settledValue,
            financial + adjustment - physicalAdjustment, financial + physical + adjustment - physicalAdjustment,
        ]
    }

    /// The sum of the magnitudes of its amounts (for the close's bound), without an array.
    var magnitudeSum: Int128 {
        Int128(financialValue.units.magnitude) + Int128(adjustment.units.magnitude)
            + Int128(physicalOpenValue.units.magnitude) + Int128(physicalAdjustment.units.magnitude)
            + Int128(settledValue.units.magnitude)
    }
}

extension LedgerState {
    /// Before a close or recalculation plans: the planner adds up the open quantities and values of a
    /// pool's transactions (a weighted average sums every open receipt) in `Int64`. Each is in range, but
    /// their number is not bounded, so the magnitudes of each item's figures are summed here in `Int128`
    /// and a close whose sums could leave `Int64` is refused instead of trapping (DR-17). The bound,
    /// `Limits.clampedUnits` (10^18 units), leaves room for the planner's differences of two such sums.
    func checkCloseSums(through date: LedgerDate) throws(Rejection) {
        // The common case in one pass without hashing: every item together within the bound.
        let all = magnitudeTotals()
        guard all.money > Int128(Limits.clampedUnits) || all.quantity > Int128(Limits.clampedUnits) else { return }
        var money: [String: Int128] = [:], quantity: [String: Int128] = [:]
        for record in transactions.values {
            guard let setup = items[record.item], setup.model.isPeriodic else { continue }
            money[record.item, default: 0] += record.magnitudeSum
            quantity[record.item, default: 0] +=
                Int128(record.financialQuantity.units.magnitude)
                + Int128(record.physicalOpenQuantity.units.magnitude) + Int128(record.settledQuantity.units.magnitude)
        }
        let bound = Int128(Limits.clampedUnits)
        for (item, sum) in money.sorted(by: { $0.key < $1.key }) where sum > bound || quantity[item, default: 0] > bound
        {
            throw Rejection(
                .invalidAmount, field: "date",
                "item '\(item)' holds more value or quantity than a close can add up (\(Total<Money>(units: sum)) in "
                    + "open and settled amounts); amounts are at most "
                    + "\(Limits.maximumMoney.formatted(minimumDecimals: 0)) in magnitude (DR-17)"
            )
        }
    }

    /// The sums of the magnitudes of every transaction's amounts and quantities: bounds of whatever a
    /// close can add up or move.
    func magnitudeTotals() -> (money: Int128, quantity: Int128) {
        var money: Int128 = 0, quantity: Int128 = 0
        for record in transactions.values {
            money += record.magnitudeSum
            quantity +=
                Int128(record.financialQuantity.units.magnitude)
                + Int128(record.physicalOpenQuantity.units.magnitude) + Int128(record.settledQuantity.units.magnitude)
        }
        return (money, quantity)
    }
}
