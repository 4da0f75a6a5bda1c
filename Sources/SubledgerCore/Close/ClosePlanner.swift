/// Inventory close and recalculation (valuation-rules.md sections 3 and 4): for each cost pool of a
/// periodic item, settle financially updated issues against financially updated receipts up to the closing
/// date by the item's model, marking first (D14), and adjust each issue to the cost of what it settled
/// against. Works on copies of the transaction records; the result is events, applied like any other.
extension LedgerState {
    /// The events of a close (or recalculation) through `date`: one `settlement.posted` per cost pool that
    /// changed, then `close.posted`.
    func planClose(through date: LedgerDate, mode: CloseMode) -> [LedgerEvent] {
        var planner = ClosePlanner(state: self, through: date, mode: mode)
        return planner.run()
    }
}

struct ClosePlanner {
    let state: LedgerState
    let through: LedgerDate
    let mode: CloseMode
    /// Working copies of the records the close touches.
    var work: [String: TransactionRecord] = [:]
    var log: [String] = []

    init(state: LedgerState, through: LedgerDate, mode: CloseMode) {
        self.state = state
        self.through = through
        self.mode = mode
    }

    /// Transactions of one cost pool that the close looks at.
    struct PoolRows {
        var receipts: [String] = []          // financially updated, open, dated up to the close
        var issues: [String] = []            // financially updated, open, dated up to the close
        var physicalReceipts: [String] = []  // physically-only, for include physical value (D5)
        var physicalIssues: [String] = []
    }

    mutating func run() -> [LedgerEvent] {
        var rows: [PoolKey: PoolRows] = [:]
        for record in state.transactions.values {
            guard let setup = state.items[record.item], setup.model.isPeriodic else { continue }
            let key = state.poolKey(item: setup, record.dimensions)
            if let financialDate = record.financialDate, financialDate <= through, record.openQuantity.isPositive {
                if record.direction == .receipt { rows[key, default: PoolRows()].receipts.append(record.id) }
                else { rows[key, default: PoolRows()].issues.append(record.id) }
            }
            if record.physicalOpenQuantity.isPositive, record.date <= through, setup.includePhysicalValue {
                if record.direction == .receipt { rows[key, default: PoolRows()].physicalReceipts.append(record.id) }
                else { rows[key, default: PoolRows()].physicalIssues.append(record.id) }
            }
        }
        var events: [LedgerEvent] = []
        for key in orderedPools(Array(rows.keys)) {
            let (changed, lines, event) = closePool(key, rows[key]!)
            // Fold the pool's changes back, so later pools see transfer receipts already adjusted (D15).
            for (id, record) in changed { work[id] = record }
            log += lines
            if let event { events.append(.settlementPosted(event)) }
        }
        for (key, pool) in state.pools.sorted(by: { $0.key < $1.key }) where pool.quantity.isNegative {
            log.append("negative on-hand: \(key.item) \(key.dimensions.description) qty \(pool.quantity.formatted(minimumDecimals: 0))")
        }
        events.append(.closePosted(ClosePosted(mode: mode, log: log)))
        return events
    }

    /// Closes one pool on its own working copies (so the shared `work` is only read while it runs).
    func closePool(_ key: PoolKey, _ rows: PoolRows) -> ([String: TransactionRecord], [String], SettlementPosted?) {
        var pool = PoolClose(setup: state.items[key.item]!, key: key, planner: self)
        pool.close(rows)
        return (pool.changed, pool.log, pool.event())
    }

    /// Sources of transfers before their destinations (D15); pools in a cycle keep key order.
    mutating func orderedPools(_ keys: [PoolKey]) -> [PoolKey] {
        let sorted = keys.sorted()
        var dependsOn: [PoolKey: Set<PoolKey>] = [:]
        for record in state.transactions.values where record.kindCode == TransactionRecord.transferInCode {
            guard let setup = state.items[record.item] else { continue }
            let issueLeg = String(record.id.dropLast(3))
            guard let source = state.transactions[issueLeg] else { continue }
            let from = state.poolKey(item: setup, source.dimensions), to = state.poolKey(item: setup, record.dimensions)
            if from != to { dependsOn[to, default: []].insert(from) }
        }
        guard !dependsOn.isEmpty else { return sorted }
        var result: [PoolKey] = []
        var placed = Set<PoolKey>()
        var remaining = sorted
        while !remaining.isEmpty {
            let ready = remaining.filter { (dependsOn[$0] ?? []).allSatisfy { placed.contains($0) || !keys.contains($0) } }
            let next = ready.isEmpty ? [remaining[0]] : ready
            if ready.isEmpty { log.append("transfer cycle: \(remaining[0].item) processed before its sources") }
            for key in next { result.append(key); placed.insert(key) }
            remaining.removeAll { placed.contains($0) }
        }
        return result
    }

    func record(_ id: String) -> TransactionRecord { work[id] ?? state.transactions[id]! }
}
