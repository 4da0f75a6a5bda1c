/// LIFO date (3.4): date by date from the oldest issue, each issue takes the latest open receipt dated on
/// or before its date; without one, the latest open receipt. Issues of one date: the last issue takes the
/// last receipt. With include physical value the receipts include the physically-only ones (D5): when the
/// latest is only physically updated, the issue is valued from it without settlement and stays open.
extension PoolClose {
    /// A receipt the LIFO date order can take from.
    enum Source {
        /// A financially updated lot (`receipts`): the issue settles against it.
        case financial(Int)
        /// A physically-only receipt (`physicalReceipts`): the issue is only adjusted to its cost.
        case physical(Int)
    }

    mutating func closeLIFODate(_ unmarked: [Int]) {
        let sources = lifoDateSources()
        var stack: [Source] = []  // sources dated up to the current issue, latest on top
        var included = 0
        var fallback = sources.count - 1
        for sameDay in groupedByDate(unmarked) {
            let day = issues[sameDay[0]].date
            while included < sources.count, lot(sources[included]).date <= day {
                stack.append(sources[included])
                included += 1
            }
            for i in sameDay.reversed() {
                while issues[i].openQuantity.isPositive, let top = stack.last {
                    if !take(i, from: top) { stack.removeLast() }
                }
                while issues[i].openQuantity.isPositive, fallback >= 0 {
                    if !take(i, from: sources[fallback]) { fallback -= 1 }
                }
            }
        }
    }

    /// Financial lots and physically-only receipts merged in date then log order (D11).
    func lifoDateSources() -> [Source] {
        var sources: [Source] = []
        sources.reserveCapacity(receipts.count + physicalReceipts.count)
        var p = 0
        for r in receipts.indices {
            while p < physicalReceipts.count, precedes(physicalReceipts[p], receipts[r]) {
                sources.append(.physical(p))
                p += 1
            }
            sources.append(.financial(r))
        }
        while p < physicalReceipts.count {
            sources.append(.physical(p))
            p += 1
        }
        return sources
    }

    private func precedes(_ a: Lot, _ b: Lot) -> Bool { (a.date, a.sequence) < (b.date, b.sequence) }

    func lot(_ source: Source) -> Lot {
        switch source {
        case .financial(let r): return receipts[r]
        case .physical(let p): return physicalReceipts[p]
        }
    }

    /// Takes what it can of issue `i` from `source`; false when nothing of the source is left open.
    mutating func take(_ i: Int, from source: Source) -> Bool {
        let quantity = min(issues[i].openQuantity, lot(source).openQuantity)
        guard quantity.isPositive else { return false }
        switch source {
        case .financial(let r): settle(i, r, quantity, model: .lifoDate)
        case .physical(let p): valueWithoutSettling(i, p, quantity)
        }
        return true
    }

    /// D5: `quantity` of a financially updated issue is adjusted to the cost of a physically-only receipt.
    /// There is no settlement record (one side is not financially updated), so the issue stays open in the
    /// ledger and a later close settles it; this close only takes the quantity out of its own working lot,
    /// so that the rest of the issue is valued from the next receipts.
    mutating func valueWithoutSettling(_ i: Int, _ p: Int, _ quantity: Quantity) {
        let receipt = physicalReceipts[p]
        checkTake(quantity, issue: i, from: receipt)
        let amount = receipt.openValue(of: quantity)
        let portion = issues[i].openValue(of: quantity)
        let adjustment = amount - portion
        issues[i].openQuantity -= quantity
        issues[i].openValue -= portion
        physicalReceipts[p].openQuantity -= quantity
        physicalReceipts[p].openValue -= amount
        entries.append(
            SettlementEntry(
                kind: .adjustment, model: .physicalValue, transaction: issues[i].id,
                counterpart: receipt.id, issuePart: issues[i].part, quantity: quantity,
                settledAmount: amount, adjustment: adjustment, physical: false))
        log.append(
            .valuedWithoutSettlement(
                issue: issues[i].id, item: setup.id, quantity: quantity,
                receipt: receipt.id))
        followTransfer(issues[i], adjustment)
    }
}
