/// Reversing a close or recalculation by compensation (D12, valuation-rules 4.6): every settlement,
/// adjustment and GL line of it, negated on the accounts it used, dated its own date; then
/// `close.reversed`. Nothing is deleted.
extension LedgerState {
    /// The events reversing the latest close or recalculation in force; with `date`, it must be that
    /// close's date. With `through`, every close in force dated after it, newest first.
    func decideReverseClose(
        date: LedgerDate?, through: LedgerDate?
    ) throws(Rejection) -> [(event: LedgerEvent, date: LedgerDate)] {
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
                throw Rejection(
                    .notLatestClose, field: "date",
                    "only the latest close can be reversed: \(latest.date), not \(date); reverse later closes first or "
                        + "use --through"
                )
            }
            targets = [latest]
        }
        var events: [(event: LedgerEvent, date: LedgerDate)] = []
        for close in targets { events += try reversalEvents(of: close) }
        return events
    }

    /// The events reversing one close: each of its settlement events negated, newest first, then
    /// `close.reversed`. Its settlement events live in the log only; the facade recalls them
    /// (`recalled.closeEvents`) before deciding.
    func reversalEvents(of close: CloseRecord) throws(Rejection) -> [(event: LedgerEvent, date: LedgerDate)] {
        guard let posted = recalled.closeEvents[close.sequence],
            Int64(posted.count) == close.settlementEventCount
        else {
            throw Rejection(
                .nothingToReverse,
                "the settlement events of the close at sequence \(close.sequence) were not read from the log")
        }
        var events: [(event: LedgerEvent, date: LedgerDate)] = []
        for posted in posted.reversed() {
            // The close's own lines negated: the accounts it posted to (D16), even when the profile or
            // the transaction's latest invoice names other accounts by now.
            var negated = posted.negated()
            let group = items[posted.item]?.postingGroup ?? ""
            negated.lines = VoucherLine.summed(negated.lines + invoicedShareKept(negated.entries, group: group))
            events.append((.settlementPosted(negated), close.date))
        }
        events.append((.closeReversed(CloseReversed(closeSequence: close.sequence)), close.date))
        return events
    }
}

extension LedgerState {
    /// Lines that keep the invoiced share of a packing-slip valuation (D5) out of its reversal: the negated
    /// close lines move all of it back, but the invoice already carried that share away when it reversed
    /// the packing slip at its adjusted value (`physicalEffect`). Posted on the packing slip's own accounts,
    /// which the close and the invoice used too.
    func invoicedShareKept(_ negatedEntries: [SettlementEntry], group: String) -> [VoucherLine] {
        var voucher = VoucherBuilder(profiles: profiles, group: group)
        for entry in negatedEntries where entry.physical && !entry.adjustment.isZero {
            guard entry.kind == .settlement || entry.kind == .adjustment,
                let issue = transactions[entry.transaction], issue.kind != .transferOut
            else { continue }
            // Settlements and adjustments name issues, transfer legs are skipped above: never a fallback.
            let kind = issue.kind.issueKind ?? .sale
            let kept = physicalEffect(entry, on: issue) - entry.adjustment
            voucher.post(kept, debit: kind.physicalExpense, credit: .inventoryShipped, stored: accounts(of: issue))
        }
        return voucher.balancedLines
    }

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
