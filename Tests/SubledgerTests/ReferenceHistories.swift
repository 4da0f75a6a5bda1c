import Subledger

/// Seeded random histories for the reference-model comparison: one step per ledger command,
/// generated with the reference model's state so that every step is valid and stays inside what the
/// reference models exactly (see the constraints below and `ReferenceLedger`).
///
/// Postings name a reference cost pool: the item id, or `ITEM.SITE` for an item with several sites.
enum ReferenceStep: CustomStringConvertible {
    /// An item; with sites, one reference pool per site (`ITEM.SITE`), site the financial dimension.
    case item(
        id: String, model: ReferenceLedger.Model, price: Int, standard: Int, sites: [String], fixedPrice: Bool,
        includePhysical: Bool = false)
    case receive(item: String, tx: String, day: Int, qty: Int, cost: Int, physical: Bool)
    case issue(item: String, tx: String, day: Int, qty: Int, physical: Bool)
    /// `qty` nil: the whole physical remainder. `cost`: the invoice price (receipts).
    case invoice(tx: String, day: Int, qty: Int?, cost: Int?)
    case mark(day: Int, issue: String, receipt: String)
    /// A new standard cost (model standard).
    case standardCost(item: String, day: Int, price: Int)
    /// Moving average revaluation.
    case revalue(item: String, day: Int, price: Int)
    /// Transaction adjustment of a receipt's value.
    case adjust(tx: String, day: Int, amount: Int)
    /// From pool `from` to pool `to` of one item (D15); the receipt leg is `tx@in`.
    case transfer(tx: String, day: Int, qty: Int, from: String, to: String)
    case close(day: Int)
    case recalculate(day: Int)
    case reverseClose
    /// Every close and recalculation in force dated after `day`, newest first (D12).
    case reverseThrough(day: Int)

    /// A reference pool's engine item and site (nil: the item has one pool).
    static func split(_ pool: String) -> (item: String, site: String?) {
        guard let dot = pool.firstIndex(of: ".") else { return (pool, nil) }
        return (String(pool[..<dot]), String(pool[pool.index(after: dot)...]))
    }

    static func posting(_ pool: String) -> String {
        let (item, site) = split(pool)
        return item + (site.map { " site=\($0)" } ?? "")
    }

    /// Day number (0 = 2026-01-01) as a business date, January to June 2026.
    static func date(_ day: Int) -> String {
        let lengths = [31, 28, 31, 30, 31, 30]
        var month = 0, rest = day
        while rest >= lengths[month] { rest -= lengths[month]; month += 1 }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "2026-\(two(month + 1))-\(two(rest + 1))"
    }

    /// Last day of month `month` (0 = January).
    static func monthEnd(_ month: Int) -> Int { [30, 58, 89, 119, 150, 180][month] }
    static func monthStart(_ month: Int) -> Int { month == 0 ? 0 : monthEnd(month - 1) + 1 }

    static func money(_ cents: Int) -> String {
        let magnitude = abs(cents), whole = magnitude / 100, fraction = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(whole)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// The step in the scenario notation (shared/design/scenario-notation.md), to reproduce by hand.
    var description: String {
        switch self {
        case let .item(id, model, price, standard, sites, fixedPrice, includePhysical):
            return "item \(id) model=\(model.rawValue) price=\(Self.money(price))"
                + (includePhysical ? " include-physical=yes" : "")
                + (model == .standard ? " standard=\(Self.money(standard))" : "")
                + (sites.isEmpty ? "" : " dimensions=site")
                + (fixedPrice ? " fixed-receipt-price=yes" : "")
        case let .receive(pool, tx, day, qty, cost, physical):
            let (item, site) = Self.split(pool)
            return "\(Self.date(day)) receive \(item) \(tx) qty=\(qty) cost=\(Self.money(cost))"
                + (physical ? " physical" : "")
                + (site.map { " site=\($0)" } ?? "")
        case let .issue(pool, tx, day, qty, physical):
            let (item, site) = Self.split(pool)
            return "\(Self.date(day)) issue \(item) \(tx) qty=\(qty)" + (physical ? " physical" : "")
                + (site.map { " site=\($0)" } ?? "")
        case let .invoice(tx, day, qty, cost):
            return "\(Self.date(day)) invoice \(tx)" + (qty.map { " qty=\($0)" } ?? "")
                + (cost.map { " cost=\(Self.money($0))" } ?? "")
        case let .mark(day, issue, receipt): return "\(Self.date(day)) mark \(issue) \(receipt)"
        case let .standardCost(item, day, price): return "\(Self.date(day)) standard-cost \(item) \(Self.money(price))"
        case let .revalue(item, day, price): return "\(Self.date(day)) revalue \(item) \(Self.money(price))"
        case let .adjust(tx, day, amount): return "\(Self.date(day)) adjust \(tx) amount=\(Self.money(amount))"
        case let .transfer(tx, day, qty, from, to):
            return
                "\(Self.date(day)) transfer \(Self.split(from).item) \(tx) qty=\(qty) from=site:\(Self.split(from).site ?? "")"
                + " to=site:\(Self.split(to).site ?? "")"
        case let .close(day): return "\(Self.date(day)) close"
        case let .recalculate(day): return "\(Self.date(day)) recalculate"
        case .reverseClose: return "reverse-close"
        case let .reverseThrough(day): return "reverse-close through \(Self.date(day))   # reverse-close --through"
        }
    }

    /// Short name of the step's kind, for the statistics the comparison prints.
    var kind: String {
        switch self {
        case .item: return "item"
        case let .receive(_, _, _, _, _, physical): return physical ? "product-receipt" : "receipt"
        case let .issue(_, _, _, _, physical): return physical ? "packing-slip" : "issue"
        case let .invoice(_, _, qty, _): return qty == nil ? "invoice" : "invoice-qty"
        case .mark: return "mark"
        case .standardCost: return "standard-cost"
        case .revalue: return "revalue"
        case .adjust: return "adjust"
        case .transfer: return "transfer"
        case .close: return "close"
        case .recalculate: return "recalculate"
        case .reverseClose: return "reverse-close"
        case .reverseThrough: return "reverse-close-through"
        }
    }

    /// The pools a posting step touches (none for item definitions, closes, recalculations, reversals).
    func pools(in reference: ReferenceLedger) -> [String] {
        switch self {
        case let .receive(pool, _, _, _, _, _), let .issue(pool, _, _, _, _): return [pool]
        case let .invoice(tx, _, _, _): return [reference.transaction(tx).item]
        case let .mark(_, issue, _): return [reference.transaction(issue).item]
        case let .standardCost(item, _, _), let .revalue(item, _, _): return [item]
        case let .adjust(tx, _, _): return [reference.transaction(tx).item]
        case let .transfer(_, _, _, from, to): return [from, to]
        default: return []
        }
    }
}

extension ReferenceLedger {
    mutating func apply(_ step: ReferenceStep) {
        switch step {
        case let .item(id, model, price, standard, sites, fixedPrice, includePhysical):
            if sites.isEmpty { defineItem(id, model: model, price: price, standard: standard) }
            for site in sites {
                defineItem(id + "." + site, model: model, price: price, standard: standard, engineItem: id, site: site)
            }
            for pool in sites.isEmpty ? [id] : sites.map({ id + "." + $0 }) {
                if fixedPrice { setFixedReceiptPrice(pool) }
                if includePhysical { setIncludePhysical(pool) }
            }
        case let .receive(item, tx, day, qty, cost, physical):
            receive(item: item, tx: tx, day: day, qty: qty, unitCost: cost, physical: physical)
        case let .issue(item, tx, day, qty, physical): issue(item: item, tx: tx, day: day, qty: qty, physical: physical)
        case let .invoice(tx, day, qty, cost): invoice(tx: tx, day: day, qty: qty, unitCost: cost)
        case let .mark(_, issue, receipt): mark(issue: issue, receipt: receipt)
        case let .close(day): close(day: day)
        case let .recalculate(day): recalculate(day: day)
        case let .transfer(tx, day, qty, from, to): transfer(tx: tx, day: day, qty: qty, from: from, to: to)
        case let .standardCost(item, _, price): activateStandard(item: item, unitCost: price)
        case let .revalue(item, _, price): revalue(item: item, unitCost: price)
        case let .adjust(tx, _, amount): adjust(tx: tx, amount: amount)
        case .reverseClose: reverseLatest()
        case let .reverseThrough(day): reverse(through: day)
        }
    }
}

/// How the generator treats an item.
struct ReferenceItemPlan {
    let id: String
    let model: ReferenceLedger.Model
    /// Financial on-hand may go negative (issues before receipts, D7 fallback; settled later, 7b.8).
    let negative: Bool
    /// Issues may be marked to receipts (3.7, D14).
    let marks: Bool
    /// Sites (financial dimension) with one pool each; transfers go from the first to the second (D15).
    var sites: [String] = []
    /// Fixed receipt price (3.8).
    var fixedPrice = false
    /// Include physical value (2.2), weighted average models only.
    var includePhysical = false

    var pools: [String] { sites.isEmpty ? [id] : sites.map { id + "." + $0 } }

    /// Postings dated before later-dated postings (into a reopened period): not for the models whose
    /// settlement looks at receipt dates (LIFO date, weighted average date: the issue must stay covered by
    /// receipts dated on or before it) nor for moving average (backdated postings there follow D8's own
    /// rule, not modelled).
    var allowsBackdating: Bool {
        model != .lifoDate && model != .weightedAverageDate && model != .movingAverage
    }

    /// One item per model (non-valuated included), negative-stock variants of FIFO, LIFO and weighted
    /// average, include-physical weighted average items, fixed receipt price items, and two-site items
    /// with transfers.
    ///
    /// Scope notes (what the generator keeps out, and why):
    /// - Negative financial stock only for FIFO, LIFO and weighted average: for LIFO date and weighted
    ///   average date the spec does not say which receipts an issue takes when none dated on or before it is
    ///   open (3.4 "receipts dated after the issue", 3.6 per-day averages), so with on-hand >= 0 at every
    ///   posting in date order every issue is covered by receipts dated on or before it.
    /// - Marks only for FIFO, LIFO and weighted average (the same date question for the other two): a whole
    ///   issue to a fully invoiced receipt with enough open quantity, or an invoiced issue to a product
    ///   receipt not invoiced yet (then invoiced whole); each receipt marked once.
    /// - Moving average: on-hand kept positive (the negative and fallback rules of 3.10 are left out).
    /// - Include physical value only for weighted average and weighted average date (the close ignores
    ///   physical rows there, 3.5); FIFO / LIFO / LIFO date adjust-only valuations (D5) are not modelled.
    /// - Packing slips of items whose average counts physical rows (moving average, include physical value)
    ///   are invoiced at the average without their own deduction (see `ReferenceLedger.invoice`).
    /// - Transfers (D15) only one way, site A to site B, of FIFO, LIFO, weighted average and weighted average
    ///   date items with on-hand >= 0: no transfer cycles (the close's iteration, 4.1 step 4, is left out),
    ///   and every transfer issue is settled by the first close that covers it, before its receipt leg.
    static let all: [ReferenceItemPlan] = [
        .init(id: "F", model: .fifo, negative: false, marks: true),
        .init(id: "L", model: .lifo, negative: false, marks: true),
        .init(id: "LD", model: .lifoDate, negative: false, marks: false),
        .init(id: "WA", model: .weightedAverage, negative: false, marks: true),
        .init(id: "WAD", model: .weightedAverageDate, negative: false, marks: false),
        .init(id: "STD", model: .standard, negative: false, marks: false),
        .init(id: "MA", model: .movingAverage, negative: false, marks: false),
        .init(id: "NV", model: .nonValuated, negative: false, marks: false),
        .init(id: "FN", model: .fifo, negative: true, marks: false),
        .init(id: "LN", model: .lifo, negative: true, marks: false),
        .init(id: "WAN", model: .weightedAverage, negative: true, marks: false),
        .init(id: "WAP", model: .weightedAverage, negative: false, marks: false, includePhysical: true),
        .init(id: "WDP", model: .weightedAverageDate, negative: false, marks: false, includePhysical: true),
        .init(id: "FR", model: .fifo, negative: false, marks: false, fixedPrice: true),
        .init(id: "WR", model: .weightedAverage, negative: false, marks: false, fixedPrice: true),
        .init(id: "FT", model: .fifo, negative: false, marks: false, sites: ["A", "B"]),
        .init(id: "LT", model: .lifo, negative: false, marks: false, sites: ["A", "B"]),
        .init(id: "WT", model: .weightedAverage, negative: false, marks: false, sites: ["A", "B"]),
        .init(id: "DT", model: .weightedAverageDate, negative: false, marks: false, sites: ["A", "B"]),
    ]
}

/// Builds one history: the generator's random stream, the reference state the steps are checked against,
/// and the steps so far.
final class ReferenceHistories {
    var rng: SplitMix64
    var reference = ReferenceLedger()
    var steps: [ReferenceStep] = []

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    func random(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(rng.next(upTo: UInt64(range.upperBound - range.lowerBound + 1)))
    }

    func chance(_ percent: Int) -> Bool { random(0...99) < percent }

    func emit(_ step: ReferenceStep) { reference.apply(step); steps.append(step) }

    /// A history of 2-4 months over every item of `ReferenceItemPlan.all`: postings in date order (D11),
    /// recalculations now and then, a close at most month ends, some closes reversed (and closed again,
    /// or left open so that the next close covers two months, sometimes with postings dated back into the
    /// reopened month), sometimes two closes reversed in a row or every run after an earlier month end.
    static func history(seed: UInt64) -> [ReferenceStep] {
        let builder = ReferenceHistories(seed: seed)
        builder.build()
        return builder.steps
    }

    func build() {
        let plans = ReferenceItemPlan.all
        for plan in plans {
            emit(
                .item(
                    id: plan.id, model: plan.model, price: random(100...2000), standard: random(100...2000),
                    sites: plan.sites, fixedPrice: plan.fixedPrice, includePhysical: plan.includePhysical))
        }
        var counter = 0
        let months = random(2...4)
        for month in 0..<months {
            let count = random(25...60)
            let days = (0..<count).map { _ in random(ReferenceStep.monthStart(month)...ReferenceStep.monthEnd(month)) }
                .sorted()
            for day in days {
                if chance(5), day > (reference.closedThrough ?? -1) {
                    emit(.recalculate(day: day))
                    if chance(25) { emit(.reverseClose) }
                }
                counter += 1
                posting(plans[random(0...(plans.count - 1))], day: day, number: counter)
            }
            let end = ReferenceStep.monthEnd(month)
            if chance(85) {
                emit(.close(day: end))
                if chance(30) {
                    if month > 0 && chance(30) {
                        // Every run after an earlier month end, in one command.
                        let through = ReferenceStep.monthEnd(random(0...(month - 1)))
                        emit(.reverseThrough(day: through))
                    } else {
                        emit(.reverseClose)
                        if chance(30), reference.hasRunInForce { emit(.reverseClose) }
                    }
                    if chance(50) {
                        emit(.close(day: end))
                    } else if chance(60) {
                        // The period is open again (D1, D12, 4.6): post into it, after later-dated postings.
                        let from = max((reference.closedThrough ?? -1) + 1, ReferenceStep.monthStart(month))
                        for _ in 0..<random(1...4) {
                            counter += 1
                            let candidates = plans.filter(\.allowsBackdating)
                            backdatedPosting(
                                candidates[random(0...(candidates.count - 1))], day: random(from...end),
                                number: counter)
                        }
                    }
                }
            }
        }
    }

    /// One posting for the item: a receipt, an issue, an invoice of an open packing slip / product receipt,
    /// or a mark; each kept valid for the item's plan.
    func posting(_ plan: ReferenceItemPlan, day: Int, number: Int) {
        let pools = plan.pools
        let pool = pools[random(0...(pools.count - 1))]
        let item = reference.item(pool)
        if pools.count == 2 && chance(20) {
            let source = reference.item(pools[0])
            if source.financialQty > 0 {
                emit(
                    .transfer(
                        tx: "\(plan.id)-T\(number)", day: day, qty: random(1...min(10, source.financialQty)),
                        from: pools[0], to: pools[1]))
                return
            }
        }
        if valueChange(plan, pool: pool, day: day) { return }
        let physicalIssues = true
        let pending = reference.transactionOrder.filter {
            let tx = reference.transaction($0)
            return tx.item == pool && tx.physicalQty > 0
        }
        let roll = random(0...99)
        if roll < 22, !pending.isEmpty {
            let tx = reference.transaction(pending[random(0...(pending.count - 1))])
            // Receipts and issues are invoiced in parts, each part its own lot (1.2; settling an issue in
            // parts as one lot is the mistake `issueInvoicedInPartsSettlesPartByPart` pins down).
            // A marked receipt is invoiced whole (one lot for its marked issue).
            let partialAllowed = !tx.isMarked
            let qty = chance(50) || !partialAllowed ? tx.physicalQty : random(1...tx.physicalQty)
            let qtyField: Int? = qty == tx.physicalQty && chance(50) ? nil : qty
            if tx.isReceipt {
                emit(.invoice(tx: tx.id, day: day, qty: qtyField, cost: random(100...2000)))
                return
            }
            if plan.negative || item.financialQty >= qty {
                emit(.invoice(tx: tx.id, day: day, qty: qtyField, cost: nil))
                return
            }
        }
        if roll >= 22 && roll < 37 && plan.marks && tryMark(plan, day: day) { return }
        let qty = random(1...10)
        if roll >= 55 {
            let physical = physicalIssues && chance(30)
            let allowed: Bool
            switch plan.model {
            case .movingAverage:
                allowed = item.physicalQty + item.financialQty >= qty && item.physicalValue + item.financialValue > 0
            default:
                allowed =
                    plan.negative || (physical ? item.financialQty + item.physicalQty >= qty : item.financialQty >= qty)
            }
            if allowed {
                emit(.issue(item: pool, tx: "\(plan.id)-S\(number)", day: day, qty: qty, physical: physical))
                return
            }
        }
        emit(
            .receive(
                item: pool, tx: "\(plan.id)-R\(number)", day: day, qty: qty,
                cost: random(100...2000), physical: chance(35)))
    }

    /// A receipt (financial or product receipt) or a financial issue dated before postings already made.
    func backdatedPosting(_ plan: ReferenceItemPlan, day: Int, number: Int) {
        let pool = plan.pools[random(0...(plan.pools.count - 1))]
        let qty = random(1...10)
        if chance(50), plan.negative || reference.item(pool).financialQty >= qty {
            emit(.issue(item: pool, tx: "\(plan.id)-S\(number)", day: day, qty: qty, physical: false))
        } else {
            emit(
                .receive(
                    item: pool, tx: "\(plan.id)-R\(number)", day: day, qty: qty, cost: random(100...2000),
                    physical: chance(30)))
        }
    }

    /// Now and then a value change: a new standard cost, a moving average revaluation (only with nothing
    /// physically-only open and positive on-hand: how a revaluation treats product receipts is not pinned
    /// down), or a transaction adjustment of a periodic item's receipt that no close has touched (4.7).
    func valueChange(_ plan: ReferenceItemPlan, pool: String, day: Int) -> Bool {
        let item = reference.item(pool)
        switch plan.model {
        case .standard:
            guard chance(8) else { return false }
            emit(.standardCost(item: pool, day: day, price: random(100...2000)))
            return true
        case .movingAverage:
            guard chance(8), !reference.hasPhysicallyOnly(pool), item.financialQty > 0 else { return false }
            emit(.revalue(item: pool, day: day, price: random(100...2000)))
            return true
        case .nonValuated:
            return false
        default:
            guard chance(5) else { return false }
            let receipts = reference.transactionOrder.filter {
                let tx = reference.transaction($0)
                return tx.item == pool && tx.isReceipt && !tx.id.contains("@") && tx.physicalQty == 0
                    && tx.lots.count == 1
                    && reference.openQuantity(tx.id) == tx.qty
            }
            guard !receipts.isEmpty else { return false }
            let tx = receipts[random(0...(receipts.count - 1))]
            let value = reference.currentAmount(tx)
            var amount = random(-min(value - 1, 3000)...3000)
            if amount == 0 { amount = 1 }
            emit(.adjust(tx: tx, day: day, amount: amount))
            return true
        }
    }

    /// Marks a whole unsettled issue (financial, or a packing slip then invoiced at once) to a fully
    /// invoiced receipt with enough open quantity, marked to nothing else. False when there is no pair.
    func tryMark(_ plan: ReferenceItemPlan, day: Int) -> Bool {
        let item = reference.item(plan.id)
        let issues = reference.transactionOrder.filter {
            let tx = reference.transaction($0)
            guard tx.item == plan.id, !tx.isReceipt, tx.markedTo == nil else { return false }
            if tx.physicalQty == tx.qty { return item.financialQty >= tx.qty }
            return tx.physicalQty == 0 && tx.lots.count == 1 && reference.openQuantity(tx.id) == tx.qty
        }
        guard !issues.isEmpty else { return false }
        let issue = reference.transaction(issues[random(0...(issues.count - 1))])
        // A fully invoiced receipt with enough open quantity, or (for an issue already invoiced) a product
        // receipt not invoiced yet: the close then leaves the issue open until the receipt is invoiced (3.7).
        let receipts = reference.transactionOrder.filter {
            let tx = reference.transaction($0)
            guard tx.item == plan.id, tx.isReceipt, !tx.isMarked else { return false }
            if tx.physicalQty == 0 { return tx.lots.count == 1 && reference.openQuantity(tx.id) >= issue.qty }
            return issue.physicalQty == 0 && tx.lots.isEmpty && tx.physicalQty >= issue.qty
        }
        guard !receipts.isEmpty else { return false }
        let receipt = receipts[random(0...(receipts.count - 1))]
        emit(.mark(day: day, issue: issue.id, receipt: receipt))
        if issue.physicalQty > 0 { emit(.invoice(tx: issue.id, day: day, qty: nil, cost: nil)) }
        return true
    }
}
