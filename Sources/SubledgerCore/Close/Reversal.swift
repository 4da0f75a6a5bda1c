/// Reversing a close or recalculation by compensation (D12, valuation-rules 4.6): every settlement,
/// adjustment and GL line of it, negated, dated its own date; then `close.reversed`. Nothing is deleted.
extension LedgerState {
    /// The events reversing the latest close or recalculation in force; with `date`, it must be that
    /// close's date. With `through`, every close in force dated after it, newest first.
    func decideReverseClose(date: LedgerDate?, through: LedgerDate?) throws(Rejection) -> [(event: LedgerEvent, date: LedgerDate)] {
        let inForce = closes.filter(\.isInForce)
        guard let latest = inForce.last else {
            throw Rejection(.nothingToReverse, "there is no close or recalculation in force to reverse")
        }
        var targets: [CloseRecord]
        if let through {
            targets = inForce.filter { $0.date > through }.reversed()
            guard !targets.isEmpty else {
                throw Rejection(.nothingToReverse, field: "through", "no close in force is dated after \(through)")
            }
        } else {
            if let date, date != latest.date {
                throw Rejection(.notLatestClose, field: "date",
                                "only the latest close can be reversed: \(latest.date), not \(date); reverse later closes first or use --through")
            }
            targets = [latest]
        }
        var events: [(event: LedgerEvent, date: LedgerDate)] = []
        for close in targets {
            for posted in close.events.reversed() {
                var negated = posted.negated()
                negated.lines = settlementLines(negated.entries, group: items[posted.item]?.postingGroup ?? "")
                events.append((.settlementPosted(negated), close.date))
            }
            events.append((.closeReversed(CloseReversed(closeSequence: close.sequence)), close.date))
        }
        return events
    }
}

extension LedgerState {
    /// The value an adjust-only valuation of a packing slip (D5) moves now: all of it while the packing
    /// slip is open, and when it is reversed later only the share still not invoiced, because the invoiced
    /// part carried its adjusted value into the invoice, which reversed the packing slip (D12).
    func physicalEffect(_ entry: SettlementEntry, on issue: TransactionRecord) -> Money {
        let original = entry.quantity.magnitude
        let open = issue.physicalOpenQuantity
        if open >= original || original.isZero { return entry.adjustment }
        return open.isPositive ? open.share(of: entry.adjustment, outOf: original) : .zero
    }
}

extension SettlementPosted {
    /// The compensating event: every quantity, amount and GL line negated.
    func negated() -> SettlementPosted {
        SettlementPosted(
            mode: .reversal, item: item, dimensions: dimensions, closingReceipts: closingReceipts,
            entries: entries.reversed().map { entry in
                var negated = entry
                negated.quantity = -entry.quantity
                negated.settledAmount = -entry.settledAmount
                negated.adjustment = -entry.adjustment
                return negated
            },
            lines: lines.map { VoucherLine($0.postingType, $0.account, -$0.amount) })
    }
}
