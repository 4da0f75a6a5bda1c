/// A deliberately simple reference implementation of the valuation rules, written from the
/// specification (`shared/reference/valuation-rules.md`, decisions D1-D16, and the figures of
/// `shared/reference/examples.md`), NOT from the engine's Close/ or Decide/ code. It is compared with the
/// engine on seeded random histories in `ReferenceModelTests.swift` (histories: `ReferenceHistories.swift`).
///
/// Everything is plain `Int`: amounts in cents, quantities in whole units, dates as a day number (0 =
/// 2026-01-01). Every division rounds half away from zero (D10). One reference item per cost pool (an item,
/// or an item at one site). The running average of the periodic models is taken over financially updated
/// rows only (include physical value off, 2.2), except for weighted average items with include physical
/// value on, where physically-only rows count too (the close ignores them, 3.5).
///
/// What it models:
/// - Postings (1.2, 1.3, 2.1-2.3, D7, D10): receipts and issues posted physically and financially together,
///   or physically first (product receipt / packing slip) and invoiced later in full or in parts; each
///   invoice reverses round(q x open physical value / open physical qty) of the physical part. A receipt's
///   invoice is at the invoice price (fixed receipt price: the item price, 3.8); an issue's invoice at the
///   running average of that moment without its own packing slip (or at the marked receipt's cost, 2.5 /
///   D14). Standard cost: everything at the standard, a new standard revalues the on-hand (3.9). Moving average:
///   the average over physical and financial rows, invoice price difference capitalized for the share of
///   the invoiced quantity still on hand (3.10, D8), revaluation (3.10). Non-valuated: quantities only,
///   value 0. Transaction adjustments of untouched receipts (4.7).
/// - The close of the periodic models (3.1-3.6, 4.x; D2, D3, D4, D11, D14): each financially updated part
///   (an invoice of a receipt or of an issue) is a lot with its own financial date. Marked pairs settle
///   first; then FIFO / LIFO / LIFO date / weighted average (summarized or direct) / weighted average date
///   per day. Settling q from a lot takes round(q x open value / open qty) of it; an issue lot replaces the
///   same share of its own open cost, so what stays open keeps the rest (value is conserved to the cent).
///   Unsettled quantity stays open with its cost for a later close (7b.8).
/// - Transfers between two sites of an item (D15): an issue at the source's running average and a receipt
///   `TX@in` at the same amount; the close settles pools sources first and the receipt leg follows every
///   change of its issue's cost before the destination pool is settled.
/// - Recalculation (4.5, D13): the close's computation on a copy; issues' open cost is adjusted to the
///   result, nothing is settled, nothing locked. Reversal (D12): the latest close or recalculation in force
///   is undone by negating exactly what it changed; a weighted average closing receipt disappears.
struct ReferenceLedger {

    /// round(numerator / denominator), half away from zero (D10). `denominator` > 0.
    static func roundDiv(_ numerator: Int, _ denominator: Int) -> Int {
        precondition(denominator > 0, "division by a non-positive quantity")
        if numerator >= 0 { return (2 * numerator + denominator) / (2 * denominator) }
        return -((-2 * numerator + denominator) / (2 * denominator))
    }

    enum Model: String, CaseIterable, Sendable {
        case fifo, lifo, lifoDate = "lifo-date", weightedAverage = "weighted-average",
            weightedAverageDate = "weighted-average-date", standard, movingAverage = "moving-average",
            nonValuated = "non-valuated"

        /// The five models that post at the running average and are settled by the close (section 3).
        var isPeriodic: Bool {
            switch self {
            case .fifo, .lifo, .lifoDate, .weightedAverage, .weightedAverageDate: return true
            case .standard, .movingAverage, .nonValuated: return false
            }
        }
    }

    /// One cost pool: an item at one value of its financially tracked dimension (site), 3.1.
    struct Item {
        let id: String
        /// The engine's item and site of this pool ("" when the item has one pool).
        let engineItem: String
        let site: String
        let model: Model
        /// Default item price (D7 fallback), cents per unit.
        let price: Int
        /// Active standard cost (model standard only), cents per unit.
        var standard: Int
        /// Fixed receipt price (3.8, D9): receipts are valued at `price`.
        var fixedReceiptPrice = false
        /// Include physical value (2.2): the running average also counts physically-only rows. Only for
        /// weighted average and weighted average date here, where it changes nothing but the running
        /// average (3.5, 3.6); the adjust-only valuations of FIFO / LIFO / LIFO date (D5) are not modelled.
        var includePhysical = false
        var physicalQty = 0, physicalValue = 0
        var financialQty = 0, financialValue = 0
    }

    /// A financially updated part of a transaction (1.2: a partial update splits the row), or a weighted
    /// average closing receipt (D3).
    struct Lot {
        let tx: String
        let item: String
        let isReceipt: Bool
        /// Financial date (day number) and log position: the settlement order (D11).
        let day: Int
        let seq: Int
        let qty: Int
        let postedValue: Int
        var openQty: Int
        /// Receipts: value still open. Issues: cost of the quantity not yet settled.
        var openValue: Int
        /// Issues: cost taken from receipts by settlements.
        var settledValue = 0
        /// Receipts: value changes after posting (a transfer receipt following its issue, D15).
        var adjustment = 0
        /// Transfer issues: the lot of the transfer's receipt leg (D15).
        var transferLeg: Int?
        var isVirtual = false
        /// A weighted average closing receipt of a reversed close.
        var removed = false

        var cost: Int { settledValue + openValue }
    }

    struct Transaction {
        let id: String
        let item: String
        let isReceipt: Bool
        let day: Int
        let qty: Int
        /// The physically-only part still open (not invoiced).
        var physicalQty = 0, physicalValue = 0
        var lots: [Int] = []
        /// Issues: the receipt this issue is marked to (whole quantity).
        var markedTo: String?
        /// Receipts: whether an issue is marked to it.
        var isMarked = false
    }

    /// A close or recalculation: what it changed, so that a reversal can negate exactly that (D12).
    struct Run {
        let day: Int
        let isClose: Bool
        var lotDeltas: [(index: Int, qty: Int, open: Int, settled: Int, adjustment: Int)] = []
        var created: [Int] = []
        var poolDeltas: [String: Int] = [:]
    }

    private(set) var items: [String: Item] = [:]
    private(set) var itemOrder: [String] = []
    private(set) var transactions: [String: Transaction] = [:]
    private(set) var transactionOrder: [String] = []
    private(set) var lots: [Lot] = []
    private(set) var runs: [Run] = []
    private var sequence = 0

    /// The latest close in force (D1): postings dated on or before it are locked.
    var closedThrough: Int? { runs.last(where: \.isClose)?.day }

    // MARK: - Queries

    func item(_ id: String) -> Item { items[id]! }
    func transaction(_ id: String) -> Transaction { transactions[id]! }

    /// Current cost amount of a transaction: posted financial parts with their settlements and adjustments,
    /// plus the physically-only part.
    func currentAmount(_ tx: String) -> Int {
        let record = transactions[tx]!
        return record.lots.reduce(record.physicalValue) { $0 + lots[$1].cost }
    }

    /// The amount the financial updates were posted with, before any close or recalculation.
    func postedFinancialValue(_ tx: String) -> Int {
        transactions[tx]!.lots.reduce(0) { $0 + lots[$1].postedValue }
    }

    func financialQuantity(_ tx: String) -> Int {
        transactions[tx]!.lots.reduce(0) { $0 + lots[$1].qty }
    }

    /// Quantity of the transaction's financial parts not yet settled by a close.
    func openQuantity(_ tx: String) -> Int {
        transactions[tx]!.lots.reduce(0) { $0 + lots[$1].openQty }
    }

    // MARK: - Postings

    mutating func defineItem(
        _ id: String, model: Model, price: Int, standard: Int = 0,
        engineItem: String? = nil, site: String = ""
    ) {
        precondition(items[id] == nil)
        items[id] = Item(
            id: id, engineItem: engineItem ?? id, site: site, model: model, price: price, standard: standard)
        itemOrder.append(id)
    }

    mutating func setFixedReceiptPrice(_ id: String) { items[id]!.fixedReceiptPrice = true }

    mutating func setIncludePhysical(_ id: String) {
        precondition(items[id]!.model == .weightedAverage || items[id]!.model == .weightedAverageDate)
        items[id]!.includePhysical = true
    }

    /// Value of q units received at a unit price, by model (3.9 standard, 3.11 non-valuated, 3.8 fixed
    /// receipt price: the item's price; the invoice difference goes to fixed price profit / loss, D9).
    private func receiptValue(_ item: Item, _ qty: Int, _ unitCost: Int) -> Int {
        switch item.model {
        case .standard: return qty * item.standard
        case .nonValuated: return 0
        default: return qty * (item.fixedReceiptPrice ? item.price : unitCost)
        }
    }

    /// The amount an issue of q units is posted at (2.1, 2.3, D7, D10; 3.9; 3.10).
    func issueAmount(_ itemID: String, _ qty: Int) -> Int { issueAmount(items[itemID]!, qty) }

    private func issueAmount(_ item: Item, _ qty: Int) -> Int {
        switch item.model {
        case .standard: return qty * item.standard
        case .nonValuated: return 0
        case .movingAverage:
            // The moving average is over everything received, product receipts included (3.10).
            let onHandQty = item.physicalQty + item.financialQty
            let onHandValue = item.physicalValue + item.financialValue
            if onHandQty > 0 && onHandValue > 0 { return Self.roundDiv(qty * onHandValue, onHandQty) }
            return qty * item.price
        default:
            // Include physical value off: financially updated rows only (2.2); the average only when
            // quantity and value are both positive before the issue, else the default price (D7).
            let basisQty = item.financialQty + (item.includePhysical ? item.physicalQty : 0)
            let basisValue = item.financialValue + (item.includePhysical ? item.physicalValue : 0)
            if basisQty > 0 && basisValue > 0 { return Self.roundDiv(qty * basisValue, basisQty) }
            return qty * item.price
        }
    }

    private mutating func nextSequence() -> Int { sequence += 1; return sequence }

    private mutating func addLot(tx: String, item: String, isReceipt: Bool, day: Int, qty: Int, value: Int) {
        let seq = nextSequence()
        lots.append(
            Lot(
                tx: tx, item: item, isReceipt: isReceipt, day: day, seq: seq, qty: qty,
                postedValue: value, openQty: qty, openValue: value))
        transactions[tx]!.lots.append(lots.count - 1)
    }

    mutating func receive(item itemID: String, tx: String, day: Int, qty: Int, unitCost: Int, physical: Bool) {
        precondition(transactions[tx] == nil && qty > 0)
        let value = receiptValue(items[itemID]!, qty, unitCost)
        transactions[tx] = Transaction(id: tx, item: itemID, isReceipt: true, day: day, qty: qty)
        transactionOrder.append(tx)
        if physical {
            transactions[tx]!.physicalQty = qty
            transactions[tx]!.physicalValue = value
            items[itemID]!.physicalQty += qty
            items[itemID]!.physicalValue += value
            _ = nextSequence()
        } else {
            addLot(tx: tx, item: itemID, isReceipt: true, day: day, qty: qty, value: value)
            items[itemID]!.financialQty += qty
            items[itemID]!.financialValue += value
        }
    }

    mutating func issue(item itemID: String, tx: String, day: Int, qty: Int, physical: Bool) {
        precondition(transactions[tx] == nil && qty > 0)
        let amount = issueAmount(itemID, qty)
        transactions[tx] = Transaction(id: tx, item: itemID, isReceipt: false, day: day, qty: qty)
        transactionOrder.append(tx)
        if physical {
            transactions[tx]!.physicalQty = qty
            transactions[tx]!.physicalValue = amount
            items[itemID]!.physicalQty -= qty
            items[itemID]!.physicalValue -= amount
            _ = nextSequence()
        } else {
            addLot(tx: tx, item: itemID, isReceipt: false, day: day, qty: qty, value: amount)
            items[itemID]!.financialQty -= qty
            items[itemID]!.financialValue -= amount
        }
    }

    /// Financial update of (part of) a physically updated transaction. `qty` nil: all still physical.
    /// `unitCost`: the invoice price (receipts only).
    mutating func invoice(tx: String, day: Int, qty requested: Int?, unitCost: Int?) {
        let record = transactions[tx]!
        let qty = requested ?? record.physicalQty
        precondition(qty > 0 && qty <= record.physicalQty)
        let itemID = record.item
        let item = items[itemID]!
        // The invoiced share of the physical part is reversed at its value (DR-6 style, D10).
        let reversed = Self.roundDiv(qty * record.physicalValue, record.physicalQty)
        transactions[tx]!.physicalQty -= qty
        transactions[tx]!.physicalValue -= reversed
        if record.isReceipt {
            let onHandBefore = item.physicalQty + item.financialQty
            items[itemID]!.physicalQty -= qty
            items[itemID]!.physicalValue -= reversed
            var value: Int
            switch item.model {
            case .standard: value = qty * item.standard
            case .nonValuated: value = 0
            case .movingAverage:
                // D8 / 3.10: the price difference is capitalized for the share of the invoiced quantity
                // still on hand, the rest goes to the price difference account (outside inventory).
                let difference = qty * unitCost! - reversed
                let share = max(0, min(qty, onHandBefore))
                value = reversed + Self.roundDiv(difference * share, qty)
            default: value = receiptValue(item, qty, unitCost!)
            }
            addLot(tx: tx, item: itemID, isReceipt: true, day: day, qty: qty, value: value)
            items[itemID]!.financialQty += qty
            items[itemID]!.financialValue += value
        } else {
            // The packing slip's share is reversed first: the running average is taken from the on-hand
            // "before the issue" (2.1), i.e. without this issue's own deduction. It only matters where the
            // average counts physical rows (moving average, include physical value); the spec does not
            // say more (the packing slip's own value would be a third reading).
            items[itemID]!.physicalQty += qty
            items[itemID]!.physicalValue += reversed
            let amount: Int
            if let receipt = record.markedTo, items[itemID]!.model.isPeriodic {
                // Marked before the financial posting: posted at the marked receipt's cost (2.5, D14).
                let lot = lots[transactions[receipt]!.lots[0]]
                amount = Self.roundDiv(qty * lot.openValue, lot.openQty)
            } else {
                amount = issueAmount(itemID, qty)
            }
            addLot(tx: tx, item: itemID, isReceipt: false, day: day, qty: qty, value: amount)
            items[itemID]!.financialQty -= qty
            items[itemID]!.financialValue -= amount
        }
    }

    /// 3.9: activating a new standard cost revalues the on-hand, physical and financial, to the new cost
    /// (the difference goes to cost revaluation, outside inventory); packing slips and product receipts
    /// still open carry the new standard.
    mutating func activateStandard(item itemID: String, unitCost: Int) {
        items[itemID]!.standard = unitCost
        for tx in transactionOrder where transactions[tx]!.item == itemID && transactions[tx]!.physicalQty != 0 {
            transactions[tx]!.physicalValue = transactions[tx]!.physicalQty * unitCost
        }
        items[itemID]!.physicalValue = items[itemID]!.physicalQty * unitCost
        items[itemID]!.financialValue = items[itemID]!.financialQty * unitCost
    }

    /// 3.10: moving average revaluation as of today: the on-hand (financial only here) to the new unit cost.
    mutating func revalue(item itemID: String, unitCost: Int) {
        precondition(!hasPhysicallyOnly(itemID) && items[itemID]!.financialQty > 0)
        items[itemID]!.financialValue = items[itemID]!.financialQty * unitCost
    }

    /// 4.7: a transaction adjustment of an open (never settled) receipt: its value, and the on-hand, change
    /// by `amount`; the close then values issues from the adjusted receipt.
    mutating func adjust(tx: String, amount: Int) {
        let record = transactions[tx]!
        precondition(record.isReceipt && record.lots.count == 1 && lots[record.lots[0]].openQty == record.qty)
        lots[record.lots[0]].adjustment += amount
        lots[record.lots[0]].openValue += amount
        items[record.item]!.financialValue += amount
    }

    /// Whether a product receipt or packing slip of the pool is still (partly) not invoiced.
    func hasPhysicallyOnly(_ itemID: String) -> Bool {
        transactionOrder.contains { transactions[$0]!.item == itemID && transactions[$0]!.physicalQty != 0 }
    }

    /// A transfer between two pools of one item (D15, 1.2: a journal, physical and financial together): an
    /// issue from `from` at its running average and a receipt `tx@in` into `to` at the same amount.
    mutating func transfer(tx: String, day: Int, qty: Int, from: String, to: String) {
        precondition(transactions[tx] == nil && qty > 0)
        issue(item: from, tx: tx, day: day, qty: qty, physical: false)
        let amount = lots[transactions[tx]!.lots[0]].postedValue
        let leg = tx + "@in"
        transactions[leg] = Transaction(id: leg, item: to, isReceipt: true, day: day, qty: qty)
        transactionOrder.append(leg)
        addLot(tx: leg, item: to, isReceipt: true, day: day, qty: qty, value: amount)
        items[to]!.financialQty += qty
        items[to]!.financialValue += amount
        lots[transactions[tx]!.lots[0]].transferLeg = transactions[leg]!.lots[0]
    }

    /// D15: a transfer receipt carries its issue's current cost; called after the source pool is settled,
    /// before the destination pool is (pools are settled sources first).
    private mutating func followTransfers(of pool: String) {
        for index in lots.indices where lots[index].item == pool {
            guard let leg = lots[index].transferLeg else { continue }
            let difference = lots[index].cost - (lots[leg].postedValue + lots[leg].adjustment)
            lots[leg].adjustment += difference
            lots[leg].openValue += difference
        }
    }

    /// Marks the whole issue to a receipt (3.7, D14). Values nothing now; the close settles the pair first.
    mutating func mark(issue: String, receipt: String) {
        precondition(transactions[issue]!.markedTo == nil && !transactions[receipt]!.isMarked)
        transactions[issue]!.markedTo = receipt
        transactions[receipt]!.isMarked = true
        _ = nextSequence()
    }

    // MARK: - Close, recalculation, reversal

    private func orderKey(_ index: Int) -> (Int, Int) { (lots[index].day, lots[index].seq) }

    private func ordered(_ indices: [Int]) -> [Int] { indices.sorted { orderKey($0) < orderKey($1) } }

    /// Settles q units of issue lot `issue` against receipt lot `receipt` (4.2, 4.8, D10).
    private mutating func take(_ qty: Int, issue: Int, receipt: Int) {
        let amount = Self.roundDiv(qty * lots[receipt].openValue, lots[receipt].openQty)
        lots[receipt].openValue -= amount
        lots[receipt].openQty -= qty
        let replaced = Self.roundDiv(qty * lots[issue].openValue, lots[issue].openQty)
        lots[issue].openValue -= replaced
        lots[issue].openQty -= qty
        lots[issue].settledValue += amount
    }

    /// Settles the issue lot against the candidate receipts in the order given, as far as they go.
    private mutating func fill(_ issue: Int, from receipts: [Int]) {
        for receipt in receipts {
            if lots[issue].openQty == 0 { return }
            let qty = min(lots[issue].openQty, lots[receipt].openQty)
            if qty > 0 { take(qty, issue: issue, receipt: receipt) }
        }
    }

    /// D3: a "weighted average inventory closing" pair: the virtual issue consumes the open receipts, the
    /// virtual receipt carries their full quantity and value.
    private mutating func summarize(_ receipts: [Int], item: String, day: Int) -> Int {
        let qty = receipts.reduce(0) { $0 + lots[$1].openQty }
        let value = receipts.reduce(0) { $0 + lots[$1].openValue }
        for receipt in receipts { lots[receipt].openQty = 0; lots[receipt].openValue = 0 }
        let seq = nextSequence()
        var lot = Lot(
            tx: "wa-close", item: item, isReceipt: true, day: day, seq: seq, qty: qty,
            postedValue: value, openQty: qty, openValue: value)
        lot.isVirtual = true
        lots.append(lot)
        return lots.count - 1
    }

    /// The close's settlement of one item through `day`; `previousClose` is the latest close in force
    /// before it (the period starts after it).
    private mutating func settle(item itemID: String, through day: Int, previousClose: Int?) {
        let model = items[itemID]!.model
        let mine = lots.indices.filter { lots[$0].item == itemID && !lots[$0].removed && lots[$0].day <= day }
        // D14: marked pairs settle first, whatever the model; a marked issue is left out of the model's
        // order even when its receipt cannot settle it yet (3.7).
        var marked = Set<Int>()
        for issue in ordered(mine.filter { !lots[$0].isReceipt && lots[$0].openQty > 0 }) {
            guard let receiptTx = transactions[lots[issue].tx]!.markedTo else { continue }
            marked.insert(issue)
            // A receipt not yet invoiced (no financial lot) or invoiced after the close date cannot settle it.
            if let receipt = transactions[receiptTx]!.lots.first, lots[receipt].day <= day {
                fill(issue, from: [receipt])
            }
        }
        let issues = ordered(mine.filter { !lots[$0].isReceipt && lots[$0].openQty > 0 && !marked.contains($0) })
        var receipts = ordered(mine.filter { lots[$0].isReceipt && lots[$0].openQty > 0 })
        let periodStart = previousClose ?? Int.min
        switch model {
        case .fifo:
            // 3.2: the earliest issue against the earliest open receipt, by financial date (D11).
            for issue in issues { fill(issue, from: receipts) }
        case .lifo:
            // D2: issues in financial-date order; each takes the latest open receipt up to the close date,
            // even one dated after the issue.
            for issue in issues { fill(issue, from: receipts.reversed()) }
        case .lifoDate:
            // 3.4: date by date from the oldest; each issue takes the last receipt dated on or before its
            // date; several issues on one date: last issue against last receipt. (Receipts dated after the
            // issue, nearest first, only when none on or before is open; the generator avoids relying on it.)
            var byDay: [Int: [Int]] = [:]
            for issue in issues { byDay[lots[issue].day, default: []].append(issue) }
            for issueDay in byDay.keys.sorted() {
                for issue in byDay[issueDay]!.reversed() {
                    fill(issue, from: receipts.filter { lots[$0].day <= issueDay }.reversed())
                    fill(issue, from: receipts.filter { lots[$0].day > issueDay })
                }
            }
        case .weightedAverage:
            // 3.5, D3: several open receipts (opening on-hand plus the period's receipts): summarized into
            // one closing receipt; otherwise direct settlement, oldest open receipt first (D4).
            if receipts.count >= 2 && !issues.isEmpty
                && receipts.contains(where: { !lots[$0].isVirtual && lots[$0].day > periodStart })
            {
                receipts = [summarize(receipts, item: itemID, day: day)]
            }
            for issue in issues { fill(issue, from: receipts) }
        case .weightedAverageDate:
            // 3.6: the same per day, in date order: the cost of the day's issues is the average of the on-hand
            // carried into the day plus the day's receipts, so the receipts open on that day are summarized
            // whenever there are several, even on a day with issues only ("direct ... when there is nothing
            // to average": one open receipt). D4's oldest-first rule is a decision for weighted average only.
            var byDay: [Int: [Int]] = [:]
            for issue in issues { byDay[lots[issue].day, default: []].append(issue) }
            for issueDay in byDay.keys.sorted() {
                var open = ordered(
                    lots.indices.filter {
                        lots[$0].item == itemID && !lots[$0].removed && lots[$0].isReceipt && lots[$0].openQty > 0
                            && lots[$0].day <= issueDay
                    })
                if open.count >= 2 {
                    open = [summarize(open, item: itemID, day: issueDay)]
                }
                for issue in byDay[issueDay]! { fill(issue, from: open) }
            }
        case .standard, .movingAverage, .nonValuated:
            // D6: the close settles and adjusts nothing for these models.
            break
        }
    }

    /// Records what changed between `before` and now as a run, and moves the issues' cost changes into
    /// the items' financial value (the adjustments post to inventory, value conserved).
    private mutating func record(_ run: inout Run, before: [Lot]) {
        for index in before.indices {
            let old = before[index], new = lots[index]
            if old.openQty != new.openQty || old.openValue != new.openValue || old.settledValue != new.settledValue
                || old.adjustment != new.adjustment
            {
                run.lotDeltas.append(
                    (
                        index, new.openQty - old.openQty, new.openValue - old.openValue,
                        new.settledValue - old.settledValue, new.adjustment - old.adjustment
                    ))
                if new.isReceipt {
                    run.poolDeltas[new.item, default: 0] += new.adjustment - old.adjustment
                } else {
                    run.poolDeltas[new.item, default: 0] -= new.cost - old.cost
                }
            }
        }
        run.created = Array(before.count..<lots.count)
        for (item, delta) in run.poolDeltas { items[item]!.financialValue += delta }
    }

    mutating func close(day: Int) {
        let before = lots
        let previous = closedThrough
        for id in itemOrder where items[id]!.model.isPeriodic {
            settle(item: id, through: day, previousClose: previous)
            followTransfers(of: id)
        }
        var run = Run(day: day, isClose: true)
        record(&run, before: before)
        runs.append(run)
    }

    /// D13 / 4.5: the close's computation without settlements: each open issue's cost becomes what the
    /// close would give it; receipts stay open; nothing is locked.
    mutating func recalculate(day: Int) {
        var copy = self
        let previous = closedThrough
        for id in itemOrder where items[id]!.model.isPeriodic {
            copy.settle(item: id, through: day, previousClose: previous)
            copy.followTransfers(of: id)
        }
        let before = lots
        for index in lots.indices where !lots[index].isReceipt && lots[index].openQty > 0 && lots[index].day <= day {
            lots[index].openValue += copy.lots[index].cost - lots[index].cost
        }
        // Transfer receipts follow their issues' recalculated cost.
        for index in lots.indices where lots[index].isReceipt && copy.lots[index].adjustment != lots[index].adjustment {
            let difference = copy.lots[index].adjustment - lots[index].adjustment
            lots[index].adjustment += difference
            lots[index].openValue += difference
        }
        var run = Run(day: day, isClose: false)
        record(&run, before: before)
        runs.append(run)
    }

    /// D12: the latest close or recalculation in force, negated.
    mutating func reverseLatest() {
        let run = runs.removeLast()
        for delta in run.lotDeltas {
            lots[delta.index].openQty -= delta.qty
            lots[delta.index].openValue -= delta.open
            lots[delta.index].settledValue -= delta.settled
            lots[delta.index].adjustment -= delta.adjustment
        }
        for index in run.created {
            lots[index].removed = true
            lots[index].openQty = 0
            lots[index].openValue = 0
        }
        for (item, delta) in run.poolDeltas { items[item]!.financialValue -= delta }
    }

    var hasRunInForce: Bool { !runs.isEmpty }

    /// Date of the latest close or recalculation in force.
    var latestRunDay: Int? { runs.last?.day }

    /// `reverse-close through=DATE`: every run in force dated after `day`, newest first (D12).
    mutating func reverse(through day: Int) {
        while let last = runs.last, last.day > day { reverseLatest() }
    }
}
