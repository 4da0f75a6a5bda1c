/// The GL voucher of a close's results for one pool, derived from its entries: each issue adjustment on the
/// accounts the issue used (D16), summed per account into one voucher dated the closing date. A reversal
/// does not derive its lines again: it negates the close's own lines (see `Reversal.swift`).
extension LedgerState {
    func settlementLines(_ entries: [SettlementEntry], group: String) -> [VoucherLine] {
        var lines: [VoucherLine] = []
        for entry in entries where !entry.adjustment.isZero {
            guard entry.kind == .settlement || entry.kind == .adjustment,
                let issue = transactions[entry.transaction]
            else { continue }
            // A transfer's receipt leg has no lines of its own: its issue leg's lines move the value (D15).
            let stored = accounts(of: issue)
            var voucher = VoucherBuilder(profiles: profiles, group: group)
            if issue.kind == .transferOut {
                voucher.post(entry.adjustment, debit: .inventory, credit: .inventory, stored: stored)
            } else {
                // Settlements and adjustments name issues, and transfer legs are above: never a fallback.
                let kind = issue.kind.issueKind ?? .sale
                if entry.physical {
                    voucher.post(
                        physicalEffect(entry, on: issue), debit: kind.physicalExpense, credit: .inventoryShipped,
                        stored: stored)
                } else {
                    voucher.post(entry.adjustment, debit: kind.financialExpense, credit: .inventory, stored: stored)
                }
            }
            lines += voucher.balancedLines
        }
        return VoucherLine.summed(lines)
    }
}

extension VoucherLine {
    /// One line per account and posting type with the sum of its amounts, zero sums dropped, in account
    /// order: the shape of every close and reversal voucher.
    static func summed(_ lines: [VoucherLine]) -> [VoucherLine] {
        var totals: [VoucherLine: Money] = [:]
        for line in lines {
            totals[VoucherLine(line.postingType, line.account, .zero), default: .zero] += line.amount
        }
        return totals.filter { !$0.value.isZero }
            .map { VoucherLine($0.key.postingType, $0.key.account, $0.value) }
            .sorted { ($0.account, $0.postingType.code) < ($1.account, $1.postingType.code) }
    }
}
