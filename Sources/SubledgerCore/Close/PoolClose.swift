/// The close of one cost pool: marking, then the model's settlement order, then include-physical-value
/// valuations, producing the pool's `settlement.posted` event.
struct PoolClose {
    let setup: ItemSetup
    let key: PoolKey
    let planner: ClosePlanner
    /// Records this pool changed (and transfer receipts in other pools, D15).
    var changed: [String: TransactionRecord] = [:]
    var log: [String] = []
    var entries: [SettlementEntry] = []
    var closingReceipts: [ClosingReceipt] = []
    var voucher: VoucherBuilder

    init(setup: ItemSetup, key: PoolKey, planner: ClosePlanner) {
        self.setup = setup
        self.key = key
        self.planner = planner
        self.voucher = VoucherBuilder(profiles: planner.state.profiles, group: setup.postingGroup)
    }

    func record(_ id: String) -> TransactionRecord { changed[id] ?? planner.record(id) }

    /// Order of the periodic models: financial date, then log order (D11).
    func byFinancialDate(_ ids: [String]) -> [String] {
        ids.map { record($0) }.sorted {
            ($0.financialDate ?? $0.date, $0.sequence) < ($1.financialDate ?? $1.date, $1.sequence)
        }.map(\.id)
    }

    mutating func close(_ rows: ClosePlanner.PoolRows) {
        var receipts = byFinancialDate(rows.receipts)
        var issues = byFinancialDate(rows.issues)
        settleMarked(&issues, receipts)
        receipts.removeAll { !record($0).openQuantity.isPositive }
        switch setup.model {
        case .fifo:
            for issue in issues { take(issue, from: receipts, model: .fifo) }
        case .lifo:
            for issue in issues { take(issue, from: receipts.reversed(), model: .lifo) }
        case .lifoDate:
            closeLIFODate(issues, receipts)
        case .weightedAverage:
            closeWeightedAverage(issues, receipts)
        case .weightedAverageDate:
            closeWeightedAverageDate(issues, receipts)
        case .standard, .movingAverage, .nonValuated:
            return  // D6: the close only locks these
        }
        if setup.includePhysicalValue, [.fifo, .lifo, .lifoDate].contains(setup.model) {
            valuePhysically(rows, receipts)
        }
        for issue in issues where record(issue).openQuantity.isPositive {
            log.append("unsettled: \(issue) (\(setup.id) \(key.dimensions.description)) qty \(record(issue).openQuantity.formatted(minimumDecimals: 0)) keeps its cost")
        }
        for issue in issues where record(issue).costSource == .zeroCost {
            log.append("posted at zero cost: \(issue) (\(setup.id))")
        }
    }

    // MARK: settlement

    /// Settles `quantity` of an issue against a receipt: the issue's share of its open cost is replaced by
    /// the receipt's share of its open value; the difference is the adjustment, posted on the issue's accounts.
    mutating func settle(_ issueID: String, _ receiptID: String, _ quantity: Quantity, model: SettleModel) {
        var issue = record(issueID), receipt = record(receiptID)
        let amount = quantity == receipt.openQuantity ? receipt.openValue
            : quantity.share(of: receipt.openValue, outOf: receipt.openQuantity)
        let portion = quantity == issue.openQuantity ? issue.openValue
            : quantity.share(of: issue.openValue, outOf: issue.openQuantity)
        let adjustment = amount - portion
        issue.settledQuantity += quantity
        issue.settledValue += amount
        issue.adjustment += adjustment
        receipt.settledQuantity += quantity
        receipt.settledValue += amount
        changed[issueID] = issue
        changed[receiptID] = receipt
        entries.append(SettlementEntry(kind: .settlement, model: model, transaction: issueID, counterpart: receiptID,
                                       quantity: quantity, settledAmount: amount, adjustment: adjustment, physical: false))
        postAdjustment(issue, adjustment, physical: false)
    }

    /// Takes the issue's open quantity from `receipts` in the given order.
    mutating func take(_ issueID: String, from receipts: some Sequence<String>, model: SettleModel) {
        for receiptID in receipts {
            let open = record(issueID).openQuantity
            guard open.isPositive else { return }
            let available = record(receiptID).openQuantity
            guard available.isPositive else { continue }
            settle(issueID, receiptID, min(open, available), model: model)
        }
    }

    /// D14: marked pairs settle first under "marking"; a marked issue is left to its receipt.
    mutating func settleMarked(_ issues: inout [String], _ receipts: [String]) {
        var marked = Set<String>()
        for issueID in issues {
            guard let marks = planner.state.marks[issueID] else { continue }
            marked.insert(issueID)
            for mark in marks where receipts.contains(mark.receipt) {
                let alreadySettled = planner.state.settlements
                    .filter { $0.entry.kind == .settlement && $0.entry.model == .marking
                        && $0.entry.transaction == issueID && $0.entry.counterpart == mark.receipt }
                    .reduce(Quantity.zero) { $0 + $1.entry.quantity }
                let quantity = min(mark.quantity - alreadySettled, record(issueID).openQuantity,
                                   record(mark.receipt).openQuantity)
                if quantity.isPositive { settle(issueID, mark.receipt, quantity, model: .marking) }
            }
        }
        // A marked issue is settled only by its receipt; marked to a receipt after the closing date, it
        // stays open and the close log says so (3.7).
        for issueID in issues where marked.contains(issueID) && record(issueID).openQuantity.isPositive {
            log.append("marked issue \(issueID) waits for its receipt: not settled")
        }
        issues.removeAll { marked.contains($0) }
    }

    /// LIFO date: each issue takes the latest receipt dated on or before it; without one, the latest
    /// open receipt. Issues of one date: the last issue takes the last receipt.
    mutating func closeLIFODate(_ issues: [String], _ receipts: [String]) {
        var index = 0
        while index < issues.count {
            let day = record(issues[index]).financialDate!
            var sameDay: [String] = []
            while index < issues.count, record(issues[index]).financialDate! == day {
                sameDay.append(issues[index])
                index += 1
            }
            for issue in sameDay.reversed() {
                let onOrBefore = receipts.filter { record($0).financialDate! <= day }
                take(issue, from: onOrBefore.reversed(), model: .lifoDate)
                take(issue, from: receipts.reversed(), model: .lifoDate)
            }
        }
    }

    /// Weighted average (D3, D4): one average over the open receipts; a single receipt, or a period with
    /// no new receipts, settles directly (oldest first).
    mutating func closeWeightedAverage(_ issues: [String], _ receipts: [String]) {
        guard !issues.isEmpty else { return }
        let previousClose = planner.state.closedThrough
        let newReceipts = receipts.filter { previousClose == nil || record($0).financialDate! > previousClose! }
        if receipts.count <= 1 || newReceipts.isEmpty {
            for issue in issues { take(issue, from: receipts, model: .weightedAverage) }
            return
        }
        let closing = summarize(receipts, on: planner.through)
        for issue in issues { take(issue, from: [closing], model: .weightedAverage) }
    }

    /// Weighted average date: the same, day by day, carrying the on-hand from day to day.
    mutating func closeWeightedAverageDate(_ issues: [String], _ receipts: [String]) {
        var open = receipts
        var index = 0
        while index < issues.count {
            let day = record(issues[index]).financialDate!
            var sameDay: [String] = []
            while index < issues.count, record(issues[index]).financialDate! == day {
                sameDay.append(issues[index])
                index += 1
            }
            open.removeAll { !record($0).openQuantity.isPositive }
            let available = open.filter { record($0).financialDate! <= day }
            if available.count >= 2 {
                let closing = summarize(available, on: day)
                open.removeAll { available.contains($0) }
                open.insert(closing, at: 0)
                for issue in sameDay { take(issue, from: [closing], model: .weightedAverageDate) }
            } else {
                for issue in sameDay { take(issue, from: available, model: .weightedAverageDate) }
            }
        }
    }

    /// The "weighted average inventory closing" pair (D3): a virtual issue consumes the receipts and a
    /// virtual receipt carries their full quantity and value. Posts no GL lines.
    mutating func summarize(_ receipts: [String], on day: LedgerDate) -> String {
        var quantity = Quantity.zero, value = Money.zero
        let id = "wa-close@\(day)@\(key.item)@\(key.dimensions.description)"
        for receiptID in receipts {
            var receipt = record(receiptID)
            let (q, v) = (receipt.openQuantity, receipt.openValue)
            quantity += q
            value += v
            receipt.settledQuantity += q
            receipt.settledValue += v
            changed[receiptID] = receipt
            entries.append(SettlementEntry(kind: .consumption, model: setup.model == .weightedAverage ? .weightedAverage : .weightedAverageDate,
                                           transaction: receiptID, counterpart: id, quantity: q, settledAmount: v,
                                           adjustment: .zero, physical: false))
        }
        var closing = TransactionRecord(
            id: id, sequence: Int64.max, item: key.item, direction: .receipt, kindCode: TransactionRecord.closingReceiptCode,
            dimensions: key.dimensions, date: day, financialDate: day, quantity: quantity, unitPrice: .zero,
            costSource: .receiptPrice, postedLines: [])
        closing.financialQuantity = quantity
        closing.financialValue = value
        changed[id] = closing
        closingReceipts.append(ClosingReceipt(id: id, quantity: quantity, value: value))
        return id
    }

    // MARK: include physical value (D5)

    /// FIFO, LIFO and LIFO date with include physical value: physically-only issues, and financial issues
    /// left open, are valued from the next receipts by the model, physical or financial, without
    /// settlement and without consuming them.
    mutating func valuePhysically(_ rows: ClosePlanner.PoolRows, _ receipts: [String]) {
        var candidates = (receipts + rows.physicalReceipts).map { record($0) }
            .filter { $0.openQuantity.isPositive || $0.physicalOpenQuantity.isPositive }
            .sorted { ($0.financialDate ?? $0.date, $0.sequence) < ($1.financialDate ?? $1.date, $1.sequence) }
        if setup.model != .fifo { candidates.reverse() }
        var remaining: [String: (Quantity, Money)] = [:]
        for c in candidates {
            remaining[c.id] = c.openQuantity.isPositive ? (c.openQuantity, c.openValue) : (c.physicalOpenQuantity, c.physicalOpenValue)
        }
        let physicalIssues = rows.physicalIssues.map { record($0) }.sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
        for issue in physicalIssues {
            var need = issue.physicalOpenQuantity
            var target = Money.zero
            var source = ""
            var pool = candidates
            if setup.model == .lifoDate {
                let onOrBefore = candidates.filter { ($0.financialDate ?? $0.date) <= issue.date }
                pool = onOrBefore + candidates.filter { ($0.financialDate ?? $0.date) > issue.date }
            }
            for candidate in pool where need.isPositive {
                guard let (q, v) = remaining[candidate.id], q.isPositive else { continue }
                let take = min(need, q)
                let amount = take == q ? v : take.share(of: v, outOf: q)
                remaining[candidate.id] = (q - take, v - amount)
                target += amount
                need -= take
                if source.isEmpty { source = candidate.id }
            }
            guard need.isZero, !source.isEmpty else { continue }  // nothing to value it from: keep its cost
            let adjustment = target - issue.physicalOpenValue
            var updated = issue
            updated.adjustment += adjustment
            updated.physicalAdjustment += adjustment
            updated.physicalOpenValue += adjustment
            changed[issue.id] = updated
            entries.append(SettlementEntry(kind: .adjustment, model: .physicalValue, transaction: issue.id,
                                           counterpart: source, quantity: issue.physicalOpenQuantity,
                                           settledAmount: target, adjustment: adjustment, physical: true))
            postAdjustment(updated, adjustment, physical: true)
        }
    }

    // MARK: GL

    /// Posts an issue's adjustment on the accounts it used (D16), dated the closing date. A transfer's
    /// receipt leg follows its issue leg (D15) and the pair's GL moves value between the two inventories.
    mutating func postAdjustment(_ issue: TransactionRecord, _ adjustment: Money, physical: Bool) {
        guard !adjustment.isZero else { return }
        let stored = issue.accounts
        if issue.kindCode == TransactionRecord.transferOutCode {
            let receiptID = TransactionRecord.transferReceiptID(issue.id)
            var receipt = record(receiptID)
            receipt.adjustment += adjustment
            changed[receiptID] = receipt
            entries.append(SettlementEntry(kind: .receiptAdjustment, model: .transfer, transaction: receiptID,
                                           counterpart: issue.id, quantity: .zero, settledAmount: .zero,
                                           adjustment: adjustment, physical: false))
            voucher.post(adjustment, debit: .inventory, credit: .inventory, stored: stored)
            return
        }
        let kind = LedgerCommand.IssueKind(code: issue.kindCode) ?? .sale
        if physical {
            voucher.post(adjustment, debit: kind.physicalExpense, credit: .inventoryShipped, stored: stored)
        } else {
            voucher.post(adjustment, debit: kind.financialExpense, credit: .inventory, stored: stored)
        }
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
        return SettlementPosted(mode: planner.mode, item: key.item, dimensions: key.dimensions,
                                closingReceipts: closingReceipts, entries: entries, lines: voucher.balancedLines)
    }
}
