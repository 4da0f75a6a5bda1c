import Foundation
import Subledger
import SubledgerCore
import SubledgerStore
import SubledgerTestSupport
import Testing

/// A seeded simulation: random items of every model and 100-300 random commands (receipts, issues, partial
/// and full invoices, marks, transfers, standard cost changes, revaluations, adjustments, accounts changes,
/// closes, recalculations and their reversals, and some commands that must be rejected), run on
/// `Ledger(path: ":memory:")`. After EVERY command an independent auditor, fed only by the events read back
/// from the log, checks the books:
///
/// - a rejected command appended nothing and changed nothing;
/// - every new event's voucher balances, and the trial balance sums to zero;
/// - the subledger equals the GL's inventory accounts (`Reconciliation`), and equals the sum of all GL lines
///   posted with an inventory-holding posting type;
/// - value is conserved per cost pool: value = receipts - issues (+ invoice differences, transfers in - out,
///   standard cost revaluations, moving average revaluations, adjustments, close and recalculation
///   adjustments and their reversals), and likewise for quantity;
/// - the physically-only part of each pool equals the open physical parts of its transactions;
/// - items with negative=no never go below zero on hand;
/// - replay equals the live state: a shadow projection folded only from the events read back from the log
///   equals the live one (every step its Equatable fields, every 50th step and at the end each canonical
///   field with `StateDigest.firstDifference`), and every 100 steps and at the end a full replay of the log
///   (`verifyReplay`) matches;
/// - re-sending an accepted command with its command id appends nothing and returns the first result;
/// - a reversal nets every account to zero: per account, the GL lines of a reverse-close plus those of the
///   closes it reversed sum to zero; and a close reversed right away (a third of them, when it cancelled
///   no later recalculation, D13) leaves the trial balance and every cost pool exactly as before it.
///
/// At the end the log is written to a temporary FILE (same command ids, same hash chain) and a second
/// `Ledger` replays it: on-hand, trial balance and transactions must be equal.
///
/// Seeds 1...24 and two fresh seeds (printed) by default; `SUBLEDGER_SEEDS=N` runs seeds 1...N and no
/// fresh one; `SUBLEDGER_SEED=K` runs seed K only. A failure names the seed and the step; the seed
/// reproduces it exactly.
struct InvariantPropertyTests {
    static let seeds: [UInt64] = {
        let environment = ProcessInfo.processInfo.environment
        if let one = environment["SUBLEDGER_SEED"].flatMap(UInt64.init) { return [one] }
        if let count = environment["SUBLEDGER_SEEDS"].flatMap(UInt64.init) { return Array(1...max(1, count)) }
        // Fresh seeds above the fixed range: each run explores two histories no earlier run had.
        var random = SystemRandomNumberGenerator()
        let fresh = (0..<2).map { _ in 1_000 + random.next() % 1_000_000_000 }
        print(
            "InvariantPropertyTests: fresh seeds \(fresh.map(String.init).joined(separator: ", ")) "
                + "(SUBLEDGER_SEED=K replays one)")
        return Array(1...24) + fresh
    }()

    @Test(arguments: seeds)
    func booksBalanceAfterEveryCommand(seed: UInt64) throws {
        var simulation = try Simulation(seed: seed)
        try simulation.run()
        #expect(simulation.accepted > 0, "seed \(seed): the workload had no accepted command")
        #expect(simulation.rejected < simulation.accepted, "seed \(seed): mostly rejections (\(simulation.rejected))")
        guard !simulation.failed else { return }
        try simulation.checkReplayFromFile()
        try simulation.checkSnapshots()
    }

    /// A transfer between pools is an issue leg `T` and a receipt leg `T@in` with the same sequence; the
    /// transaction list must still have one order (log order, the issue leg first), whatever the
    /// dictionary's hash order is, so that a listing is the same after a replay or in another process.
    @Test func transferLegsAreListedInLogOrder() throws {
        let path = TemporaryDatabase("transfer-order").path
        defer { TemporaryDatabase.remove(path) }
        let ledger = try Ledger(path: path)
        let date = LedgerDate("2026-01-02")!
        try ledger.execute(.defineItem(ItemSetup(id: "F", model: .fifo)))
        try ledger.execute(
            .receive(
                .init(
                    date: date, item: "F", transaction: "P", quantity: Quantity(whole: 100),
                    unitPrice: UnitPrice(units: 100_000), dimensions: DimensionValues(site: "S1"))))
        for index in 1...24 {
            try ledger.execute(
                .transfer(
                    .init(
                        date: date, item: "F", transaction: "T\(index)", quantity: Quantity(whole: 1),
                        from: DimensionValues(site: "S1"), to: DimensionValues(site: "S2"))))
        }
        let replayed = try Ledger(path: path)
        for rows in [try ledger.transactions(), try replayed.transactions()] {
            let ids = rows.map(\.record.id)
            #expect(ids.count == 1 + 2 * 24)
            #expect(ids == ids.sorted { Self.logOrder($0) < Self.logOrder($1) }, "transaction list order: \(ids)")
        }
        #expect(try replayed.transactions().map(\.record.id) == ledger.transactions().map(\.record.id))
    }

    /// P first, then T1, T1@in, T2, T2@in, ...
    static func logOrder(_ id: String) -> Int {
        if id == "P" { return 0 }
        let leg = id.hasSuffix("@in") ? 1 : 0
        return 2 * Int(id.dropFirst().prefix { $0.isNumber })! + leg
    }

    /// The generator itself is deterministic: the same seed yields the same log, byte for byte.
    @Test func sameSeedSameLog() throws {
        var first = try Simulation(seed: 7, maxSteps: 120)
        try first.run()
        var second = try Simulation(seed: 7, maxSteps: 120)
        try second.run()
        let a = try first.ledger.events().map(\.stored)
        let b = try second.ledger.events().map(\.stored)
        #expect(a.count > 50)
        #expect(a == b)
        #expect(first.rejected == second.rejected)
    }
}

// MARK: - The simulation

/// Item setup the generator knows (the ledger's own copy is what counts).
private struct GeneratedItem {
    var setup: ItemSetup
    var sites: [String]
    var warehouses: [String]
}

/// Everything the auditor knows, computed from events only.
private struct Auditor {
    struct Totals: Equatable {
        var quantity = Quantity.zero
        var value = Money.zero
    }

    var setups: [String: ItemSetup] = [:]
    /// Transaction id -> (pool, direction is receipt).
    var transactions: [String: (pool: PoolKey, receipt: Bool)] = [:]
    var pools: [PoolKey: Totals] = [:]
    /// Physically-only quantity still open per transaction (packing slips and product receipts).
    var physicalOpen: [String: Quantity] = [:]
    /// Sum of every GL line posted with an inventory-holding posting type.
    var inventoryLines = Money.zero
    /// What reversals left of packing-slip valuations because their packing slips were invoiced after the
    /// close (DR-13): the part of those reversals' lines that does not mirror the close.
    var invoicedShareKept = Money.zero

    func key(_ item: String, _ dimensions: DimensionValues) -> PoolKey {
        PoolKey(item: item, dimensions: dimensions.restricted(to: setups[item]!.dimensions))
    }

    /// Folds one event; returns a problem when the event cannot be audited.
    mutating func apply(_ event: LedgerEvent) -> String? {
        for line in event.lines where line.postingType.holdsInventoryValue { inventoryLines += line.amount }
        switch event {
        case .itemDefined(let setup):
            setups[setup.id] = setup
        case .accountsSet, .markPosted:
            break
        case .receiptPosted(let e):
            let pool = key(e.item, e.dimensions)
            transactions[e.transaction] = (pool, true)
            if e.physicalOnly { physicalOpen[e.transaction] = e.quantity }
            pools[pool, default: Totals()].quantity += e.quantity
            pools[pool, default: Totals()].value += e.inventoryValue
        case .issuePosted(let e):
            let pool = key(e.item, e.dimensions)
            transactions[e.transaction] = (pool, false)
            if e.physicalOnly { physicalOpen[e.transaction] = e.quantity }
            pools[pool, default: Totals()].quantity -= e.quantity
            pools[pool, default: Totals()].value -= e.costAmount
        case .invoicePosted(let e):
            guard let tx = transactions[e.transaction] else { return "invoice of unknown \(e.transaction)" }
            physicalOpen[e.transaction, default: .zero] -= e.quantity
            // The physical value leaves and the financial value enters (receipt) or the reverse (issue).
            let change = e.financialValue - e.physicalValueReversed
            pools[tx.pool, default: Totals()].value += tx.receipt ? change : -change
        case .transferPosted(let e):
            let from = key(e.item, e.from), to = key(e.item, e.to)
            transactions[e.transaction] = (from, false)
            if from != to {
                transactions[SyntheticID.transferReceipt(e.transaction)] = (to, true)
                pools[from, default: Totals()].quantity -= e.quantity
                pools[from, default: Totals()].value -= e.amount
                pools[to, default: Totals()].quantity += e.quantity
                pools[to, default: Totals()].value += e.amount
            } else if !e.amount.isZero || !e.lines.isEmpty {
                return "transfer \(e.transaction) inside one pool moved \(e.amount) with \(e.lines.count) lines"
            }
        case .standardCostActivated(let e):
            for revaluation in e.revaluations {
                let pool = PoolKey(item: e.item, dimensions: revaluation.dimensions)
                pools[pool, default: Totals()].value += revaluation.physicalDelta + revaluation.financialDelta
            }
        case .movingAverageRevalued(let e):
            pools[PoolKey(item: e.item, dimensions: e.dimensions), default: Totals()].value += e.amount
        case .receiptAdjusted(let e):
            guard let tx = transactions[e.transaction], tx.receipt else { return "adjustment of \(e.transaction)" }
            pools[tx.pool, default: Totals()].value += e.amount
        case .settlementPosted(let e):
            let pool = key(e.item, e.dimensions)
            for receipt in e.closingReceipts { transactions[receipt.id] = (pool, true) }
            for entry in e.entries {
                guard let tx = transactions[entry.transaction] else {
                    return "settlement of unknown \(entry.transaction)"
                }
                switch entry.kind {
                case .settlement, .adjustment:
                    // An issue's adjustment: + means more cost, so less value left in its pool.
                    if tx.receipt { return "\(entry.kind) entry on receipt \(entry.transaction)" }
                    var effect = entry.adjustment
                    if entry.kind == .adjustment && entry.physical {
                        // A packing-slip valuation moves value only for the part still shipped and not
                        // invoiced (DR-13: a reversal after the invoice moves nothing for the invoiced part).
                        let open = physicalOpen[entry.transaction] ?? .zero, original = entry.quantity.magnitude
                        if open < original {
                            effect = open.isPositive ? open.share(of: entry.adjustment, outOf: original) : .zero
                        }
                        if e.mode == .reversal { invoicedShareKept += effect - entry.adjustment }
                    }
                    pools[tx.pool, default: Totals()].value -= effect
                case .receiptAdjustment:
                    if !tx.receipt { return "receipt adjustment on issue \(entry.transaction)" }
                    pools[tx.pool, default: Totals()].value += entry.adjustment
                case .consumption:
                    if !entry.adjustment.isZero {
                        return "consumption of \(entry.transaction) adjusts \(entry.adjustment)"
                    }
                }
            }
        case .closePosted, .closeReversed:
            break
        }
        return nil
    }

    var totalValue: Money { pools.values.reduce(Money.zero) { $0 + $1.value } }
}

/// The projection fields a rejected command must not change.
private typealias StateSnapshot = ProjectionSnapshot

/// The GL lines of a run of events (one close, or one reversal), summed per account.
private struct LineSegment {
    var lines: [String: Money] = [:]
    /// The sum of its lines on shipped-inventory (packing slip) posting types.
    var shipped = Money.zero
    /// The auditor's `invoicedShareKept` when the segment began.
    var keptAtStart: Money

    init(keptAtStart: Money) { self.keptAtStart = keptAtStart }

    mutating func add(_ event: LedgerEvent, packingSlipAccounts: inout Set<String>) {
        for line in event.lines { lines[line.account, default: .zero] += line.amount }
        guard case .settlementPosted = event else { return }
        for line in event.lines where Simulation.packingSlipTypes.contains(line.postingType) {
            packingSlipAccounts.insert(line.account)
            if line.postingType == .inventoryShipped { shipped += line.amount }
        }
    }
}

private struct Simulation {
    let seed: UInt64
    var random: SplitMix64
    let ledger: Ledger
    var items: [GeneratedItem] = []
    var auditor = Auditor()
    var dayIndex = 0
    var counter = 0
    var step = 0
    let maxSteps: Int
    var accepted = 0
    var rejected = 0
    var rejectionCodes: [Rejection.Code: Int] = [:]
    var failed = false
    var reportedNegative = false
    /// The projection folded from the events read back from the log, command by command.
    var shadow = LedgerState()
    /// Per close or recalculation in the log (its `close.posted` sequence): its GL lines.
    var closeSegments: [Int64: LineSegment] = [:]
    /// Accounts that closes posted packing-slip valuations to.
    var packingSlipAccounts: Set<String> = []
    /// Commands re-sent with their first command id (each must append nothing).
    var resent = 0
    /// Closes reversed at once and compared with the books before them.
    var closesReversedAtOnce = 0

    /// Every date of 2026 and 2027, in order.
    static let dates: [LedgerDate] = (2026...2027).flatMap { year in
        (1...12).flatMap { month in (1...31).compactMap { LedgerDate(year: year, month: month, day: $0) } }
    }

    init(seed: UInt64, maxSteps: Int? = nil) throws {
        self.seed = seed
        random = SplitMix64(seed: seed)
        // Deterministic clock and command ids: the same seed writes the same log.
        let counterBox = Counter()
        ledger = try Ledger(
            path: ":memory:", clock: { counterBox.tick() },
            makeCommandID: { "seed-\(seed)-cmd-\(counterBox.next())" })
        var r = SplitMix64(seed: seed ^ 0x5EED)
        self.maxSteps = maxSteps ?? (100 + Int(r.next(upTo: 201)))
    }

    final class Counter: @unchecked Sendable {
        var time: Int64 = 1_767_225_600_000
        var id = 0
        func tick() -> Int64 { time += 1; return time }
        func next() -> Int { id += 1; return id }
    }

    // MARK: Random helpers

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next(upTo: UInt64(range.count)))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }

    mutating func quantity() -> Quantity {
        if chance(75) { return Quantity(whole: Int64(int(1...20))) }
        return Quantity(units: Int64(int(1...120_000)))  // up to 12, with 4 decimals
    }

    mutating func price() -> UnitPrice {
        if chance(60) { return UnitPrice(units: Int64(int(100...5_000)) * 100) }  // 2 decimals
        return UnitPrice(units: Int64(int(1...500_000)))  // 4 decimals
    }

    mutating func date() -> LedgerDate {
        if chance(60) { dayIndex = min(dayIndex + int(0...2), Self.dates.count - 1) }
        if chance(6) { return Self.dates[max(0, dayIndex - int(1...10))] }  // backdated
        return Self.dates[dayIndex]
    }

    mutating func newID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    mutating func dimensions(_ item: GeneratedItem) -> DimensionValues {
        DimensionValues(site: pick(item.sites), warehouse: item.warehouses.isEmpty ? "" : pick(item.warehouses))
    }

    var state: LedgerState { ledger.state }

    /// Transactions in log order (dictionary order is random per process: never iterate it unsorted).
    func records(_ include: (TransactionRecord) -> Bool) -> [TransactionRecord] {
        state.transactions.values.filter(include).sorted { ($0.sequence, $0.id) < ($1.sequence, $1.id) }
    }

    // MARK: Items

    mutating func defineItems() -> [LedgerCommand] {
        var commands: [LedgerCommand] = []
        for model in ValuationModel.allCases {
            for index in 1...int(1...2) {
                let fixed = model.isPeriodic && chance(25)
                var setup = ItemSetup(id: "\(model.rawValue)-\(index)", model: model)
                setup.includePhysicalValue = chance(40)
                setup.fixedReceiptPrice = fixed
                setup.defaultPrice = fixed || chance(50) ? price() : nil
                setup.standardCost = model == .standard ? price() : nil
                setup.negativeInventoryAllowed = !chance(25)
                setup.postingGroup = chance(30) ? "G1" : ""
                let warehouses = chance(15) ? ["W1", "W2"] : []
                if !warehouses.isEmpty { setup.dimensions = DimensionSet([.site, .warehouse]) }
                items.append(
                    GeneratedItem(
                        setup: setup, sites: chance(50) ? ["S1", "S2"] : ["S1"],
                        warehouses: warehouses))
                commands.append(.defineItem(setup))
            }
        }
        return commands
    }

    // MARK: Commands

    mutating func nextCommand() -> LedgerCommand {
        let roll = int(0...99)
        switch roll {
        case 0..<30: return receive()
        case 30..<52: return issue()
        case 52..<66: return invoice() ?? receive()
        case 66..<71: return mark() ?? issue()
        case 71..<77: return transfer() ?? receive()
        case 77..<80: return standardCost() ?? issue()
        case 80..<83: return revalue() ?? receive()
        case 83..<88: return adjust() ?? issue()
        case 88..<91: return accounts()
        case 91..<95: return close()
        default: return invalid()
        }
    }

    mutating func receive() -> LedgerCommand {
        let item = pick(items)
        let kinds: [LedgerCommand.ReceiptKind] = [.purchase, .purchase, .purchase, .journal, .return, .production]
        return .receive(
            .init(
                date: date(), item: item.setup.id, transaction: newID("R"), quantity: quantity(),
                unitPrice: price(), physicalOnly: chance(35), kind: pick(kinds),
                dimensions: dimensions(item)))
    }

    mutating func issue() -> LedgerCommand {
        let item = pick(items)
        let kinds: [LedgerCommand.IssueKind] = [.sale, .sale, .sale, .journal, .production]
        return .issue(
            .init(
                date: date(), item: item.setup.id, transaction: newID("I"), quantity: quantity(),
                physicalOnly: chance(35), kind: pick(kinds), dimensions: dimensions(item)))
    }

    mutating func invoice() -> LedgerCommand? {
        let open = records { $0.physicalOpenQuantity.isPositive }
        guard !open.isEmpty else { return nil }
        let record = pick(open)
        var quantity: Quantity? = nil
        if chance(40) {
            // Part of it (sometimes more than is open: over-invoiced).
            let units = Int64(int(1...Int(min(record.physicalOpenQuantity.units + 5_000, Int64(Int32.max)))))
            quantity = Quantity(units: units)
        }
        let cost: UnitPrice? = record.direction == .receipt ? (chance(97) ? price() : nil) : (chance(3) ? price() : nil)
        return .invoice(.init(date: date(), transaction: record.id, quantity: quantity, unitPrice: cost))
    }

    mutating func mark() -> LedgerCommand? {
        let issues = records { $0.direction == .issue && !$0.isTransferLeg }
        guard !issues.isEmpty else { return nil }
        let issue = pick(issues)
        let receipts = records { $0.direction == .receipt && $0.item == issue.item && !$0.isTransferLeg }
        guard !receipts.isEmpty else { return nil }
        let receipt = pick(receipts)
        let quantity: Quantity? = chance(50) ? nil : Quantity(units: Int64(int(1...Int(issue.quantity.units))))
        return .mark(.init(date: date(), issue: issue.id, receipt: receipt.id, quantity: quantity))
    }

    mutating func transfer() -> LedgerCommand? {
        let candidates = items.filter { $0.sites.count > 1 || !$0.warehouses.isEmpty }
        guard !candidates.isEmpty else { return nil }
        let item = pick(candidates)
        return .transfer(
            .init(
                date: date(), item: item.setup.id, transaction: newID("T"), quantity: quantity(),
                from: dimensions(item), to: dimensions(item)))
    }

    mutating func standardCost() -> LedgerCommand? {
        let candidates = items.filter { $0.setup.model == .standard }
        guard !candidates.isEmpty else { return nil }
        return .activateStandardCost(.init(date: date(), item: pick(candidates).setup.id, unitCost: price()))
    }

    mutating func revalue() -> LedgerCommand? {
        let candidates = items.filter { $0.setup.model == .movingAverage }
        guard !candidates.isEmpty else { return nil }
        let item = pick(candidates)
        return .revalue(.init(date: date(), item: item.setup.id, unitCost: price(), dimensions: dimensions(item)))
    }

    mutating func adjust() -> LedgerCommand? {
        let receipts = records { $0.direction == .receipt && !$0.isTransferLeg }
        guard !receipts.isEmpty else { return nil }
        let record = pick(receipts)
        var cents = Int64(int(1...5_000))
        if chance(50) { cents = -cents }
        return .adjust(.init(date: date(), transaction: record.id, amount: Money(cents: cents)))
    }

    /// A close or recalculation through a recent date, or a reversal of the latest one (D1, D12, D13).
    mutating func close() -> LedgerCommand {
        let roll = int(0...99)
        if roll < 25, state.closes.contains(where: \.isInForce) {
            let through: LedgerDate? = chance(20) ? Self.dates[max(0, dayIndex - int(5...40))] : nil
            return .reverseClose(date: nil, through: through)
        }
        let date = Self.dates[max(0, dayIndex - int(0...3))]
        dayIndex = min(dayIndex + 1, Self.dates.count - 1)
        return roll < 65 ? .close(date) : .recalculate(date)
    }

    /// Accounts from a namespace per posting type (`1400-2` for inventory), so that no account is shared
    /// between an inventory-holding and another posting type.
    mutating func accounts() -> LedgerCommand {
        var assignments: [LedgerCommand.AccountAssignment] = []
        for _ in 1...int(1...3) {
            let type = pick(PostingType.allCases)
            assignments.append(.init(type, "\(type.defaultAccount)-\(int(1...3))"))
        }
        return .setAccounts(group: chance(40) ? "G1" : "", accounts: assignments)
    }

    /// Commands that decide must reject.
    mutating func invalid() -> LedgerCommand {
        switch int(0...5) {
        case 0:
            return .receive(
                .init(
                    date: date(), item: "GHOST", transaction: newID("X"), quantity: quantity(),
                    unitPrice: price()))
        case 1:
            if let existing = records({ _ in true }).last {
                let item = pick(items)
                return .issue(
                    .init(
                        date: date(), item: item.setup.id, transaction: existing.id,
                        quantity: quantity(), dimensions: dimensions(item)))
            }
            return .invoice(.init(date: date(), transaction: "NOPE", unitPrice: price()))
        case 2:
            return .invoice(.init(date: date(), transaction: "NOPE", unitPrice: price()))
        case 3:
            return .defineItem(pick(items).setup)
        case 4:
            let item = pick(items.filter { $0.setup.model != .movingAverage })
            return .revalue(.init(date: date(), item: item.setup.id, unitCost: price(), dimensions: dimensions(item)))
        default:
            let item = pick(items.filter { $0.setup.model != .standard })
            return .activateStandardCost(.init(date: date(), item: item.setup.id, unitCost: price()))
        }
    }

    // MARK: Running and checking

    mutating func run() throws {
        for command in defineItems() { try execute(command); if failed { return } }
        while step < maxSteps && !failed {
            try execute(nextCommand())
        }
        guard !failed else { return }
        let problems = try compareWhole(sameFields: true, replayLog: true)
        if !problems.isEmpty {
            failed = true
            Issue.record("seed \(seed) at the end, step \(step): \(problems.joined(separator: "; "))")
        }
    }

    /// Rule R (DR-22): a close the log reverses evicts nothing, so before folding a reversal of a close
    /// the shadow is folded again from the log (through `sequence`) knowing it, as the facade does.
    mutating func foldAgainIfReversing(_ rows: [EventRow], through sequence: Int64) throws {
        var reversed = shadow.reversedCloses
        for row in rows { if case .closeReversed(let e) = row.event { reversed.insert(e.closeSequence) } }
        guard reversed != shadow.reversedCloses else { return }
        var fresh = LedgerState()
        fresh.reversedCloses = reversed
        for row in try ledger.events() where row.stored.sequence <= sequence {
            try fresh.apply(row.event, date: row.stored.envelope.date, sequence: row.stored.sequence)
        }
        shadow = fresh
    }

    /// The canonical comparison of every field, and a replay of the whole log, cost more than the rest of
    /// a step together: every `wholeStateEvery` steps (and at the end, and whenever a cheap field differs)
    /// they name a difference; the cheap Equatable fields are compared every step.
    static let wholeStateEvery = 50

    func compareWhole(sameFields: Bool, replayLog: Bool) throws -> [String] {
        var problems: [String] = []
        if let difference = StateDigest.firstDifference(ledger.state, shadow, labels: ("live", "folded from the log")) {
            problems.append("replay differs: \(difference)")
        } else if !sameFields {
            problems.append("replay differs in a field the canonical comparison does not name")
        }
        if replayLog, !(try ledger.verifyReplay().matches) { problems.append("verifyReplay does not match") }
        // One description of the state: a snapshot decodes to the state, in the same bytes whoever built it.
        let bytes = ledger.state.encoded()
        if try LedgerState(decoding: bytes) != ledger.state { problems.append("decode(encode(state)) != state") }
        if ledger.state == shadow, shadow.encoded() != bytes { problems.append("equal states, other bytes") }
        return problems
    }

    /// `SUBLEDGER_TRACE=1` prints every command and its outcome (with `SUBLEDGER_SEED` to follow one run).
    static let trace = ProcessInfo.processInfo.environment["SUBLEDGER_TRACE"] != nil

    mutating func execute(_ command: LedgerCommand) throws {
        step += 1
        if Self.trace { print("seed \(seed) step \(step): \(command)") }
        let before = StateSnapshot(ledger.state)
        let storeBefore = try ledger.store.lastSequence()
        let result: CommandResult
        do {
            result = try ledger.execute(command)
            accepted += 1
        } catch let rejection as Rejection {
            rejected += 1
            if Self.trace { print("  rejected: \(rejection)") }
            rejectionCodes[rejection.code, default: 0] += 1
            var problems: [String] = []
            if try ledger.store.lastSequence() != storeBefore { problems.append("a rejected command appended events") }
            if StateSnapshot(ledger.state) != before { problems.append("a rejected command changed the projection") }
            report(problems, command, note: "rejected: \(rejection)")
            return
        }
        try check(command, after: before.lastSequence)
        if !failed { try resend(command, result) }
        // A close that cancelled later recalculations (D13) is not undone by its own reversal alone (the
        // recalculations stay cancelled): only the others are compared with the books before them.
        if !failed, Self.isClose(command), chance(33), try !cancelledRecalculations(result) {
            try reverseAtOnce(command, before: before)
        }
    }

    static func isClose(_ command: LedgerCommand) -> Bool {
        switch command {
        case .close, .recalculate: return true
        default: return false
        }
    }

    func cancelledRecalculations(_ result: CommandResult) throws -> Bool {
        try ledger.events(after: result.firstSequence - 1).contains { row in
            guard case .closeReversed = row.event else { return false }
            return row.stored.sequence <= result.lastSequence
        }
    }

    /// The same command with the same command id again: nothing appended, the first result returned, the
    /// projection unchanged.
    mutating func resend(_ command: LedgerCommand, _ first: CommandResult) throws {
        resent += 1
        let before = StateSnapshot(ledger.state), storeBefore = try ledger.store.lastSequence()
        var problems: [String] = []
        do {
            let again = try ledger.execute(command, commandID: first.commandID)
            if again.firstSequence != first.firstSequence || again.lastSequence != first.lastSequence {
                problems.append(
                    "re-sent command returned events \(again.firstSequence)...\(again.lastSequence), first \(first.firstSequence)...\(first.lastSequence)"
                )
            }
        } catch {
            problems.append("re-sent command failed: \(error)")
        }
        if try ledger.store.lastSequence() != storeBefore { problems.append("a re-sent command appended events") }
        if StateSnapshot(ledger.state) != before { problems.append("a re-sent command changed the projection") }
        report(problems, command, note: "(re-sent as \(first.commandID))")
    }

    /// Reverses the close or recalculation just made (it is the latest in force) and compares the books
    /// with those before it: every GL account and every cost pool as they were.
    mutating func reverseAtOnce(_ close: LedgerCommand, before: StateSnapshot) throws {
        closesReversedAtOnce += 1
        let reversal = LedgerCommand.reverseClose(date: nil, through: nil)
        let acceptedBefore = accepted
        try execute(reversal)
        guard !failed else { return }
        var problems: [String] = []
        if accepted != acceptedBefore + 1 { problems.append("the reversal of the close just made was rejected") }
        let balances = { (ledger: GeneralLedger) in
            Dictionary(uniqueKeysWithValues: ledger.accountNames.map { ($0, ledger.balance($0)) }).filter {
                !$0.value.isZero
            }
        }
        let now = balances(ledger.state.ledger), then = balances(before.ledger)
        for account in Set(now.keys).union(then.keys).sorted() where now[account] != then[account] {
            problems.append(
                "account \(account) is \(now[account] ?? .zero) after close and reversal, \(then[account] ?? .zero) before"
            )
        }
        for key in Set(ledger.state.pools.keys).union(before.pools.keys).sorted() {
            let after = ledger.state.pool(key), previous = before.pools[key] ?? CostPool()
            if after.quantity != previous.quantity || after.value != previous.value
                || after.physicalQuantity != previous.physicalQuantity || after.physicalValue != previous.physicalValue
            {
                problems.append(
                    "pool \(describe(key)) is \(after.quantity)/\(after.value) after close and reversal, \(previous.quantity)/\(previous.value) before"
                )
            }
        }
        report(problems, close, note: "(then reversed at once)")
    }

    mutating func check(_ command: LedgerCommand, after sequence: Int64) throws {
        var problems: [String] = []
        let state = ledger.state

        // The events as the log holds them (decoded from the store, not the in-memory ones).
        let rows = try ledger.events(after: sequence)
        if rows.isEmpty { problems.append("an accepted command appended no event") }
        if Self.trace { for row in rows { print("  \(row.stored.sequence): \(row.event)") } }
        if rows.last?.stored.sequence != state.lastSequence {
            problems.append("log ends at \(rows.last?.stored.sequence ?? -1), state at \(state.lastSequence)")
        }
        // GL lines segment by segment: a command's events up to a `close.posted` are that close's, up to a
        // `close.reversed` that reversal's (a close first reverses later recalculations, D13; `--through`
        // reverses several closes in one command).
        var segment = LineSegment(keptAtStart: auditor.invoicedShareKept)
        try foldAgainIfReversing(rows, through: sequence)
        for row in rows {
            let total = row.event.lines.reduce(Money.zero) { $0 + $1.amount }
            if !total.isZero { problems.append("event \(row.stored.sequence) is unbalanced by \(total)") }
            if let problem = auditor.apply(row.event) { problems.append(problem) }
            try shadow.apply(row.event, date: row.stored.envelope.date, sequence: row.stored.sequence)
            segment.add(row.event, packingSlipAccounts: &packingSlipAccounts)
            switch row.event {
            case .closePosted:
                closeSegments[row.stored.sequence] = segment
            case .closeReversed(let e):
                problems += checkReversal(
                    segment, of: e.closeSequence, kept: auditor.invoicedShareKept - segment.keptAtStart)
            default: continue
            }
            segment = LineSegment(keptAtStart: auditor.invoicedShareKept)
        }

        // Replay equals the live state: the shadow (events from the log only) field by field, and now and
        // then a full replay of the log.
        let sameFields =
            StateSnapshot(state) == StateSnapshot(shadow) && state.closes == shadow.closes
            && state.markedSettled == shadow.markedSettled && state.warnings == shadow.warnings
            && state.latestBusinessDate == shadow.latestBusinessDate
        if !sameFields || step % Self.wholeStateEvery == 0 {
            problems += try compareWhole(sameFields: sameFields, replayLog: step % (2 * Self.wholeStateEvery) == 0)
        }

        // The projection's own invariants (physical rows add up per pool, among others).
        problems += state.invariantViolations()

        // The GL balances and reconciles to the subledger.
        let trialBalance = ledger.trialBalance().reduce(Money.zero) { $0 + $1.balance }
        if !trialBalance.isZero { problems.append("trial balance sums to \(trialBalance)") }
        let totals = Reconciliation.totals(state)
        if !totals.difference.isZero {
            problems.append("reconciliation: subledger \(totals.subledger) vs GL \(totals.ledger)")
        }
        if totals.ledger != auditor.inventoryLines {
            problems.append("GL inventory accounts \(totals.ledger) vs inventory-type lines \(auditor.inventoryLines)")
        }
        if auditor.totalValue != totals.subledger {
            problems.append("audited value \(auditor.totalValue) vs pools \(totals.subledger)")
        }

        // Value and quantity conserved per pool.
        let keys = Set(auditor.pools.keys).union(state.pools.keys).sorted()
        for key in keys {
            let pool = state.pool(key)
            let audited = auditor.pools[key] ?? Auditor.Totals()
            if pool.quantity != audited.quantity || pool.value != audited.value {
                problems.append(
                    "pool \(describe(key)): state \(pool.quantity)/\(pool.value), audited \(audited.quantity)/\(audited.value)"
                )
            }
            if let setup = state.items[key.item] {
                if setup.model == .nonValuated && !pool.value.isZero {
                    problems.append("non-valuated pool \(describe(key)) holds \(pool.value)")
                }
                if !setup.negativeInventoryAllowed && pool.quantity.isNegative && !reportedNegative {
                    // Recorded once per seed and the run goes on: the other invariants stay meaningful.
                    reportedNegative = true
                    Issue.record(
                        """
                        seed \(seed) step \(step): negative=no pool \(describe(key)) is at \(pool.quantity)
                          command: \(command)
                          reproduce: SUBLEDGER_SEED=\(seed) SUBLEDGER_TRACE=1 swift test --filter InvariantPropertyTests
                        """)
                }
            }
        }

        // The physically-only part of each pool is the sum of its transactions' open physical parts.
        var physical: [PoolKey: (quantity: Quantity, value: Money)] = [:]
        for record in state.transactions.values {
            guard let setup = state.items[record.item] else { continue }
            if record.physicalOpenQuantity.isNegative || record.physicalOpenQuantity > record.quantity {
                problems.append(
                    "\(record.id): open physical quantity \(record.physicalOpenQuantity) of \(record.quantity)")
            }
            if !record.isTransferLeg && record.physicalOpenQuantity + record.financialQuantity != record.quantity {
                problems.append(
                    "\(record.id): physical \(record.physicalOpenQuantity) + financial \(record.financialQuantity) != \(record.quantity)"
                )
            }
            let key = state.poolKey(item: setup, record.dimensions)
            let sign: Int64 = record.direction == .receipt ? 1 : -1
            physical[key, default: (.zero, .zero)].quantity += Quantity(units: sign * record.physicalOpenQuantity.units)
            physical[key, default: (.zero, .zero)].value += Money(units: sign * record.physicalOpenValue.units)
        }
        for key in Set(physical.keys).union(state.pools.keys).sorted() {
            let pool = state.pool(key)
            let expected = physical[key] ?? (.zero, .zero)
            if pool.physicalQuantity != expected.quantity || pool.physicalValue != expected.value {
                problems.append(
                    "pool \(describe(key)) physical \(pool.physicalQuantity)/\(pool.physicalValue), transactions \(expected.quantity)/\(expected.value)"
                )
            }
        }
        report(problems, command)
    }

    /// A reversal nets every account to zero with the close it reversed, on the accounts the close used
    /// (D16), except the share of packing-slip valuations invoiced since the close (DR-13, `kept`): that
    /// share stays, on the packing-slip accounts only, and the shipped-inventory side nets to exactly it.
    func checkReversal(_ reversal: LineSegment, of closeSequence: Int64, kept: Money) -> [String] {
        guard let close = closeSegments[closeSequence] else { return ["reversed unknown close \(closeSequence)"] }
        var problems: [String] = []
        var net = reversal.lines
        for (account, amount) in close.lines { net[account, default: .zero] += amount }
        for (account, amount) in net.sorted(by: { $0.key < $1.key }) where !amount.isZero {
            if !kept.isZero && packingSlipAccounts.contains(account) { continue }
            problems.append("account \(account) nets to \(amount) over close \(closeSequence) and its reversal")
        }
        if reversal.shipped + close.shipped != -kept {
            problems.append(
                "shipped inventory nets to \(reversal.shipped + close.shipped) over close \(closeSequence) and its reversal, the invoiced share kept is \(kept)"
            )
        }
        return problems
    }

    /// Posting types of a packing slip's voucher (the physical expense of each issue kind, and shipped
    /// inventory).
    static let packingSlipTypes: Set<PostingType> = [.inventoryShipped, .cogsDelivered, .inventoryLoss, .wip]

    func describe(_ key: PoolKey) -> String {
        key.dimensions.description.isEmpty ? key.item : "\(key.item)[\(key.dimensions.description)]"
    }

    mutating func report(_ problems: [String], _ command: LedgerCommand, note: String = "") {
        guard !problems.isEmpty else { return }
        failed = true
        Issue.record(
            """
            seed \(seed) step \(step): \(problems.joined(separator: "; "))
              command: \(command) \(note)
              reproduce: SUBLEDGER_SEED=\(seed) SUBLEDGER_TRACE=1 swift test --filter InvariantPropertyTests
            """)
    }

    // MARK: Replay

    /// Reports the first differing element only (the arrays are long).
    func expectSame<T: Equatable>(_ found: [T], _ expected: [T], _ what: String) {
        guard found != expected else { return }
        if found.count != expected.count {
            Issue.record("seed \(seed): \(what): \(found.count) rows, expected \(expected.count)")
            return
        }
        for (index, (a, b)) in zip(found, expected).enumerated() where a != b {
            Issue.record("seed \(seed): \(what): row \(index) is\n  \(a)\nexpected\n  \(b)")
            return
        }
    }

    /// Writes the log to a temporary file (same commands, same events, same hash chain) and replays it
    /// with a second Ledger.
    /// Every period snapshot the run's closes kept, plus the log after it, is the open state a full replay
    /// builds, with rule R over the run's reversals (DR-22).
    func checkSnapshots() throws {
        for result in try ledger.verifySnapshots() where !result.matches {
            Issue.record("seed \(seed): snapshot \(result.sequence): \(result.difference ?? "differs")")
        }
    }

    func checkReplayFromFile() throws {
        let path = TemporaryDatabase("invariants-\(seed)").path
        defer { TemporaryDatabase.remove(path) }
        let original = try ledger.events()
        do {
            let file = try EventStore(path: path)
            var last: Int64 = 0
            for command in try ledger.commands() {
                let events = original.filter {
                    $0.stored.sequence >= command.firstSequence && $0.stored.sequence <= command.lastSequence
                }
                let outcome = try file.append(
                    commandID: command.commandID, kind: command.kind,
                    expectedLastSequence: last, recordedAt: command.recordedAt
                ) { batch in
                    for row in events { try batch.append(row.stored.envelope) }
                    return command.result
                }
                guard case .appended(let record) = outcome else {
                    Issue.record("seed \(seed): copying command \(command.commandID) gave \(outcome)")
                    return
                }
                last = record.lastSequence
            }
        }
        let replayed = try Ledger(path: path)
        let copied = try replayed.events()
        expectSame(copied.map(\.stored), original.map(\.stored), "events in the file")
        expectSame(replayed.onHand(), ledger.onHand(), "on-hand after replay")
        expectSame(replayed.trialBalance(), ledger.trialBalance(), "trial balance after replay")
        // Compared by id: the list order of transfer legs is checked by `transferLegsAreListedInLogOrder`.
        let byID = { (rows: [TransactionRow]) in Dictionary(uniqueKeysWithValues: rows.map { ($0.record.id, $0) }) }
        let replayedRows = byID(try replayed.transactions()), originalRows = byID(try ledger.transactions())
        #expect(
            replayedRows.keys.sorted() == originalRows.keys.sorted(),
            "seed \(seed): transaction ids differ after replay")
        for id in originalRows.keys.sorted() where replayedRows[id] != originalRows[id] {
            Issue.record(
                "seed \(seed): transaction \(id) differs after replay:\n  \(String(describing: replayedRows[id]))\n  \(String(describing: originalRows[id]))"
            )
            break
        }
        #expect(
            StateSnapshot(replayed.state) == StateSnapshot(ledger.state),
            "seed \(seed): projection differs after replay")
        #expect(replayed.state.warnings == ledger.state.warnings, "seed \(seed): warnings differ after replay")
        if case .broken(let sequence, let reason) = try replayed.verify() {
            Issue.record("seed \(seed): hash chain of the replayed file broken at \(sequence): \(reason)")
        }
    }
}
