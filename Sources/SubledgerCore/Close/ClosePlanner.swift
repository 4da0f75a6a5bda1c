/// Inventory close and recalculation (valuation-rules.md sections 3 and 4): for each cost pool of a
/// periodic item, settle financially updated issues against financially updated receipts up to the closing
/// date by the item's model, marking first (D14), and adjust each issue to the cost of what it settled
/// against. The planner reads the state and produces events; applying them is the projection's job.
extension LedgerState {
    /// The events of a close (or recalculation) through `date`: one `settlement.posted` per cost pool that
    /// changed, then `close.posted`.
    func planClose(
        through date: LedgerDate, mode: CloseMode, overlay: [String: TransactionRecord] = [:]
    ) -> [LedgerEvent] {
        var planner = ClosePlanner(state: self, through: date, mode: mode, overlay: overlay)
        return planner.run()
    }
}

struct ClosePlanner {
    let state: LedgerState
    let through: LedgerDate
    let mode: CloseMode
    /// Adjustments of transfer receipt legs decided while closing their source pool (D15), by receipt id.
    var transferAdjustments: [String: Money] = [:]
    /// Quantity already settled under marking, per issue and receipt (earlier closes).
    let markedSettled: [String: [String: Quantity]]
    var log: [CloseNote] = []

    /// Records as they stand after recalculations the close cancels first (D13), by id: they replace the
    /// state's, which stays untouched (no copy of a million records for a few changed ones).
    let overlay: [String: TransactionRecord]

    init(state: LedgerState, through: LedgerDate, mode: CloseMode, overlay: [String: TransactionRecord] = [:]) {
        self.state = state
        self.through = through
        self.mode = mode
        self.overlay = overlay
        markedSettled = state.markedSettled
    }

    /// A transaction as the close sees it (the overlay's version first).
    func record(_ id: String) -> TransactionRecord? { overlay[id] ?? state.transactions[id] }

    /// Transactions of one cost pool that the close looks at.
    struct PoolRows {
        var receipts: [String] = []  // financially updated, open, dated up to the close
        var issues: [String] = []  // financially updated, open, dated up to the close
        var physicalReceipts: [String] = []  // physically-only, for include physical value (D5)
        var physicalIssues: [String] = []
    }

    mutating func run() -> [LedgerEvent] {
        var rows: [PoolKey: PoolRows] = [:]
        for stored in state.transactions.values {
            let record = overlay[stored.id] ?? stored
            guard let setup = state.items[record.item], setup.model.isPeriodic else { continue }
            let key = state.poolKey(item: setup, record.dimensions)
            // A receipt invoiced in parts takes part from its first financial date (its parts are dated).
            if let financialDate = record.parts.first?.date ?? record.financialDate, financialDate <= through,
                record.openQuantity.isPositive
            {
                if record.direction == .receipt {
                    rows[key, default: PoolRows()].receipts.append(record.id)
                } else {
                    rows[key, default: PoolRows()].issues.append(record.id)
                }
            }
            if record.physicalOpenQuantity.isPositive, record.date <= through, setup.includePhysicalValue {
                if record.direction == .receipt {
                    rows[key, default: PoolRows()].physicalReceipts.append(record.id)
                } else {
                    rows[key, default: PoolRows()].physicalIssues.append(record.id)
                }
            }
        }
        let order = orderedPools(Array(rows.keys))
        let orderLog = log
        var events: [LedgerEvent] = []
        // Pools whose transfers form a cycle are closed again with the transfer receipts' adjustments of
        // the previous pass until nothing changes, at most `maximumIterations` times (4.1 step 4).
        var previous: [String: Money] = [:]
        for iteration in 1...ClosePlanner.maximumIterations {
            transferAdjustments = previous
            log = orderLog
            events = []
            for key in order {
                var pool = PoolClose(setup: state.items[key.item]!, key: key, planner: self, rows: rows[key]!)
                pool.close()
                for (receipt, adjustment) in pool.transferAdjustments { transferAdjustments[receipt] = adjustment }
                log += pool.log
                if let event = pool.event() { events.append(.settlementPosted(event)) }
            }
            if !hasTransferCycle || transferAdjustments == previous { break }
            if iteration == ClosePlanner.maximumIterations {
                log.append(.transferCycleUnresolved(iterations: iteration))
            }
            previous = transferAdjustments
        }
        for (key, pool) in state.pools.sorted(by: { $0.key < $1.key }) where pool.quantity.isNegative {
            log.append(.negativeOnHand(item: key.item, dimensions: key.dimensions, quantity: pool.quantity))
        }
        events.append(.closePosted(ClosePosted(mode: mode, log: log)))
        return events
    }

    static let maximumIterations = 100
    var hasTransferCycle = false

    /// Sources of transfers before their destinations (D15); pools in a cycle keep key order.
    mutating func orderedPools(_ keys: [PoolKey]) -> [PoolKey] {
        let sorted = keys.sorted()
        var dependsOn: [PoolKey: Set<PoolKey>] = [:]
        for record in state.transactions.values where record.kind == .transferIn {
            guard let setup = state.items[record.item],
                let source = SyntheticID.transfer(ofReceipt: record.id).flatMap({ state.transactions[$0] })
            else { continue }
            let from = state.poolKey(item: setup, source.dimensions), to = state.poolKey(item: setup, record.dimensions)
            if from != to { dependsOn[to, default: []].insert(from) }
        }
        guard !dependsOn.isEmpty else { return sorted }
        let present = Set(keys)
        var result: [PoolKey] = []
        var placed = Set<PoolKey>()
        var remaining = sorted
        while !remaining.isEmpty {
            let ready = remaining.filter {
                (dependsOn[$0] ?? []).allSatisfy { placed.contains($0) || !present.contains($0) }
            }
            if ready.isEmpty {
                hasTransferCycle = true
                log.append(.transferCycle(item: remaining[0].item, dimensions: remaining[0].dimensions))
            }
            for key in ready.isEmpty ? [remaining[0]] : ready {
                result.append(key)
                placed.insert(key)
            }
            remaining.removeAll { placed.contains($0) }
        }
        return result
    }
}
