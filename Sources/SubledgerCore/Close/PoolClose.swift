/// The close of one cost pool. Receipts and issues become `Lot`s (open quantity and value, in financial
/// date then log order, D11); settlement walks them with cursors, so a pool of n transactions closes in
/// O(n log n). Marking first (D14), then the model, then include-physical-value valuations (D5).
struct PoolClose {
    struct Lot {
        let id: String
        let date: LedgerDate
        let sequence: Int64
        let kind: TransactionKind
        var openQuantity: Quantity
        var openValue: Money
        /// The transaction's financial part (a receipt or issue invoiced in parts gives one lot per part).
        var part = 0

        /// The open value `quantity` of this lot carries: all of it for the whole open quantity (so no
        /// rounding is left behind), else its share.
        func openValue(of quantity: Quantity) -> Money {
            quantity == openQuantity ? openValue : quantity.share(of: openValue, outOf: openQuantity)
        }
    }

    let setup: ItemSetup
    let key: PoolKey
    let planner: ClosePlanner
    let rows: ClosePlanner.PoolRows
    var receipts: [Lot] = []
    var issues: [Lot] = []
    /// Physically-only receipts an issue can be valued from with include physical value (D5), in date then
    /// log order, with what is left of each to value from: adjust-only valuations do not consume a
    /// receipt's open quantity, but one unit values one issue unit.
    var physicalReceipts: [Lot] = []
    var entries: [SettlementEntry] = []
    var closingReceipts: [ClosingReceipt] = []
    var transferAdjustments: [String: Money] = [:]
    var log: [CloseNote] = []

    init(setup: ItemSetup, key: PoolKey, planner: ClosePlanner, rows: ClosePlanner.PoolRows) {
        self.setup = setup
        self.key = key
        self.planner = planner
        self.rows = rows
        receipts = lots(rows.receipts)
        issues = lots(rows.issues)
        if setup.includePhysicalValue, [.fifo, .lifo, .lifoDate].contains(setup.model) {
            physicalReceipts = physicalLots(rows.physicalReceipts)
        }
    }

    /// Lots of physically-only receipts: their open physical quantity and value, by physical date.
    func physicalLots(_ ids: [String]) -> [Lot] {
        ids.map { id in
            let r = planner.record(id)!
            return Lot(
                id: id, date: r.date, sequence: r.sequence, kind: r.kind,
                openQuantity: r.physicalOpenQuantity, openValue: r.physicalOpenValue)
        }.sorted { ($0.date, $0.sequence, $0.id) < ($1.date, $1.sequence, $1.id) }
    }

    func lots(_ ids: [String]) -> [Lot] {
        var lots: [Lot] = []
        lots.reserveCapacity(ids.count)
        for id in ids {
            let r = planner.record(id)!
            let followed = planner.transferAdjustments[id] ?? .zero
            if r.parts.isEmpty {
                lots.append(
                    Lot(
                        id: id, date: r.financialDate!, sequence: r.financialSequence, kind: r.kind,
                        openQuantity: r.openQuantity, openValue: r.openValue + followed))
                continue
            }
            // A transaction invoiced in parts: each part by its own financial date (1.2, 3.1).
            for (index, part) in r.parts.enumerated() where part.openQuantity.isPositive && part.date <= planner.through
            {
                let isLast = index == r.parts.count - 1
                lots.append(
                    Lot(
                        id: id, date: part.date, sequence: part.sequence, kind: r.kind,
                        openQuantity: part.openQuantity, openValue: part.openValue + (isLast ? followed : .zero),
                        part: index))
            }
        }
        return lots.sorted { ($0.date, $0.sequence, $0.id, $0.part) < ($1.date, $1.sequence, $1.id, $1.part) }
    }

    mutating func close() {
        guard setup.model.isPeriodic else { return }  // D6: standard and moving average are only locked
        let start = openValues()
        var unmarked = settleMarked()
        switch setup.model {
        case .fifo:
            var cursor = 0
            for i in unmarked { takeForward(i, cursor: &cursor, model: .fifo) }
        case .lifo:
            var cursor = receipts.count - 1
            for i in unmarked { takeBackward(i, cursor: &cursor, model: .lifo) }
        case .lifoDate:
            closeLIFODate(unmarked)
        case .weightedAverage:
            closeWeightedAverage(unmarked)
        case .weightedAverageDate:
            closeWeightedAverageDate(unmarked)
        case .standard, .movingAverage, .nonValuated:
            return
        }
        if setup.includePhysicalValue, [.fifo, .lifo, .lifoDate].contains(setup.model) { valuePhysically() }
        unmarked.removeAll()
        checkConservation(from: start)
        for issue in issues where issue.openQuantity.isPositive {
            log.append(
                .unsettled(
                    issue: issue.id, item: setup.id, dimensions: key.dimensions,
                    quantity: issue.openQuantity))
        }
        for issue in issues where planner.state.transactions[issue.id]?.costSource == .zeroCost {
            log.append(.postedAtZeroCost(issue: issue.id, item: setup.id))
        }
    }

    // MARK: settlement

    /// Settles `quantity` of an issue against a receipt: the issue's share of its open cost is replaced by
    /// the receipt's share of its open value; the difference is the adjustment.
    mutating func settle(_ i: Int, _ r: Int, _ quantity: Quantity, model: SettleModel) {
        checkTake(quantity, issue: i, from: receipts[r])
        let amount = receipts[r].openValue(of: quantity)
        let portion = issues[i].openValue(of: quantity)
        let adjustment = amount - portion
        issues[i].openQuantity -= quantity
        issues[i].openValue -= portion
        receipts[r].openQuantity -= quantity
        receipts[r].openValue -= amount
        entries.append(
            SettlementEntry(
                kind: .settlement, model: model, transaction: issues[i].id,
                counterpart: receipts[r].id, part: receipts[r].part, issuePart: issues[i].part,
                quantity: quantity,
                settledAmount: amount,
                adjustment: adjustment, physical: false))
        followTransfer(issues[i], adjustment)
    }

    /// Oldest open receipts first, from `cursor` on (FIFO, direct settlements).
    mutating func takeForward(_ i: Int, cursor: inout Int, model: SettleModel) {
        while issues[i].openQuantity.isPositive && cursor < receipts.count {
            guard receipts[cursor].openQuantity.isPositive else { cursor += 1; continue }
            settle(i, cursor, min(issues[i].openQuantity, receipts[cursor].openQuantity), model: model)
        }
    }

    /// Latest open receipts first, from `cursor` down (LIFO, D2).
    mutating func takeBackward(_ i: Int, cursor: inout Int, model: SettleModel) {
        while issues[i].openQuantity.isPositive && cursor >= 0 {
            guard receipts[cursor].openQuantity.isPositive else { cursor -= 1; continue }
            settle(i, cursor, min(issues[i].openQuantity, receipts[cursor].openQuantity), model: model)
        }
    }

    /// D14: marked pairs settle first under "marking"; a marked issue is left to its receipt (3.7).
    /// Returns the indices of the issues the model settles.
    mutating func settleMarked() -> [Int] {
        guard !planner.state.marks.isEmpty else { return Array(issues.indices) }
        var receiptIndex: [String: [Int]] = [:]
        for r in receipts.indices { receiptIndex[receipts[r].id, default: []].append(r) }
        var unmarked: [Int] = []
        // Marked quantity settled so far, this close included (an issue in parts is several lots).
        var markedSettled = planner.markedSettled
        for i in issues.indices {
            guard let marks = planner.state.marks[issues[i].id] else { unmarked.append(i); continue }
            for mark in marks {
                var done = markedSettled[issues[i].id]?[mark.receipt] ?? .zero
                for r in receiptIndex[mark.receipt] ?? [] {
                    let quantity = min(mark.quantity - done, issues[i].openQuantity, receipts[r].openQuantity)
                    guard quantity.isPositive else { continue }
                    settle(i, r, quantity, model: .marking)
                    done += quantity
                }
                markedSettled[issues[i].id, default: [:]][mark.receipt] = done
            }
            if issues[i].openQuantity.isPositive {
                log.append(.markedIssueWaiting(issue: issues[i].id))
            }
        }
        return unmarked
    }

    /// Issue indices (in date order) grouped by financial date.
    func groupedByDate(_ indices: [Int]) -> [[Int]] {
        var groups: [[Int]] = []
        for i in indices {
            if let last = groups.last?.last, issues[last].date == issues[i].date {
                groups[groups.count - 1].append(i)
            } else {
                groups.append([i])
            }
        }
        return groups
    }

    /// Weighted average (D3, D4): one average over the open receipts; a single receipt, or a period with
    /// no new receipts, settles directly, oldest first.
    mutating func closeWeightedAverage(_ unmarked: [Int]) {
        guard !unmarked.isEmpty else { return }
        let open = receipts.indices.filter { receipts[$0].openQuantity.isPositive }
        let previousClose = planner.state.closedThrough
        let hasNewReceipts = open.contains { previousClose == nil || receipts[$0].date > previousClose! }
        var cursor = 0
        if open.count <= 1 || !hasNewReceipts {
            for i in unmarked { takeForward(i, cursor: &cursor, model: .weightedAverage) }
            return
        }
        // Every open receipt is consumed by the closing lot, so the cursor walks straight to it.
        _ = summarize(open, on: planner.through, model: .weightedAverage)
        for i in unmarked { takeForward(i, cursor: &cursor, model: .weightedAverage) }
    }

    /// Weighted average date: the same, day by day, carrying the on-hand from day to day (3.6).
    mutating func closeWeightedAverageDate(_ unmarked: [Int]) {
        var included = 0
        var available: [Int] = []
        for sameDay in groupedByDate(unmarked) {
            let day = issues[sameDay[0]].date
            while included < receipts.count, receipts[included].date <= day {
                available.append(included)
                included += 1
            }
            available.removeAll { !receipts[$0].openQuantity.isPositive }
            if available.count >= 2 {
                available = [summarize(available, on: day, model: .weightedAverageDate)]
            }
            for i in sameDay {
                for r in available where issues[i].openQuantity.isPositive && receipts[r].openQuantity.isPositive {
                    settle(i, r, min(issues[i].openQuantity, receipts[r].openQuantity), model: .weightedAverageDate)
                }
            }
        }
    }

    /// The "weighted average inventory closing" pair (D3): a virtual issue consumes the receipts and a
    /// virtual receipt carries their full quantity and value. Posts no GL lines. Returns the new lot's
    /// index; the consumed receipts are left with nothing open, so cursors skip them.
    mutating func summarize(_ indices: [Int], on day: LedgerDate, model: SettleModel) -> Int {
        var quantity = Quantity.zero, value = Money.zero
        let id = SyntheticID.closingReceipt(on: day, item: key.item, dimensions: key.dimensions)
        for r in indices {
            quantity += receipts[r].openQuantity
            value += receipts[r].openValue
            entries.append(
                SettlementEntry(
                    kind: .consumption, model: model, transaction: receipts[r].id, counterpart: id,
                    part: receipts[r].part, quantity: receipts[r].openQuantity, settledAmount: receipts[r].openValue,
                    adjustment: .zero, physical: false))
            receipts[r].openQuantity = .zero
            receipts[r].openValue = .zero
        }
        closingReceipts.append(ClosingReceipt(id: id, quantity: quantity, value: value))
        receipts.append(
            Lot(
                id: id, date: day, sequence: Int64.max, kind: .closingReceipt,
                openQuantity: quantity, openValue: value))
        // Keep date order: the closing lot replaces what it consumed, which all came before or on `day`.
        return receipts.count - 1
    }

    // MARK: include physical value (D5)

    /// FIFO, LIFO and LIFO date with include physical value: physically-only issues are valued from the
    /// next receipts by the model, physical or financial, without settlement and without consuming them.
    mutating func valuePhysically() {
        // What a LIFO date issue was valued from is gone (`physicalReceipts`): one unit values one issue unit.
        var candidates: [Lot] =
            receipts.filter { $0.openQuantity.isPositive }
            + physicalReceipts.filter { $0.openQuantity.isPositive }
        candidates.sort { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
        if setup.model != .fifo { candidates.reverse() }
        let physicalIssues = rows.physicalIssues.map { planner.record($0)! }
            .sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
        for issue in physicalIssues {
            var need = issue.physicalOpenQuantity
            var target = Money.zero
            var source = ""
            var order = Array(candidates.indices)
            if setup.model == .lifoDate {
                order =
                    order.filter { candidates[$0].date <= issue.date }
                    + order.filter { candidates[$0].date > issue.date }
            }
            for c in order where need.isPositive && candidates[c].openQuantity.isPositive {
                let take = min(need, candidates[c].openQuantity)
                let amount = candidates[c].openValue(of: take)
                candidates[c].openQuantity -= take
                candidates[c].openValue -= amount
                target += amount
                need -= take
                if source.isEmpty { source = candidates[c].id }
            }
            guard need.isZero, !source.isEmpty else { continue }  // nothing to value it from: keeps its cost
            let adjustment = target - issue.physicalOpenValue
            entries.append(
                SettlementEntry(
                    kind: .adjustment, model: .physicalValue, transaction: issue.id,
                    counterpart: source, quantity: issue.physicalOpenQuantity,
                    settledAmount: target, adjustment: adjustment, physical: true))
        }
    }

    // MARK: transfers

    /// A transfer's receipt leg follows its issue leg's adjustment (D15). The GL lines of both come from
    /// the issue leg's entry (`settlementLines`).
    mutating func followTransfer(_ issue: Lot, _ adjustment: Money) {
        guard !adjustment.isZero, issue.kind == .transferOut else { return }
        let receiptID = SyntheticID.transferReceipt(issue.id)
        transferAdjustments[receiptID, default: .zero] += adjustment
        entries.append(
            SettlementEntry(
                kind: .receiptAdjustment, model: .transfer, transaction: receiptID,
                counterpart: issue.id, quantity: .zero, settledAmount: .zero,
                adjustment: adjustment, physical: false))
    }

    /// The pool's event; a recalculation keeps only the adjustments (D13).
    func event() -> SettlementPosted? {
        var entries = self.entries
        var closingReceipts = self.closingReceipts
        if planner.mode == .recalculation {
            entries = entries.compactMap { entry in
                switch entry.kind {
                case .consumption: return nil
                case .receiptAdjustment: return entry.adjustment.isZero ? nil : entry
                case .settlement, .adjustment:
                    guard !entry.adjustment.isZero else { return nil }
                    var adjustment = entry
                    adjustment.kind = .adjustment
                    adjustment.quantity = .zero
                    adjustment.settledAmount = .zero
                    return adjustment
                }
            }
            closingReceipts = []
        }
        guard !entries.isEmpty || !closingReceipts.isEmpty else { return nil }
        let lines = planner.state.settlementLines(entries, group: setup.postingGroup)
        return SettlementPosted(
            mode: planner.mode, item: key.item, dimensions: key.dimensions,
            closingReceipts: closingReceipts, entries: entries, lines: lines)
    }
}
