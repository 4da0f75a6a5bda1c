/// Invariants a pool's close relies on, checked always: they cost one pass over the pool's lots and
/// entries, and a violation would post figures no later check could tell from right ones.
extension PoolClose {
    /// The open value of the pool's receipt lots (weighted average closing lots included) and issue lots.
    struct OpenValues {
        var receipts: Total<Money>
        var issues: Total<Money>
    }

    func openValues() -> OpenValues {
        OpenValues(receipts: receipts.total(\.openValue), issues: issues.total(\.openValue))
    }

    /// Value is conserved to the cent through the close: what left the receipts' open value is what the
    /// settlements took from them (a consumption moves value into a closing lot, which is a receipt lot
    /// too), and what left the issues' open cost is the cost their settled or valued quantities had.
    func checkConservation(from start: OpenValues) {
        var fromReceipts = Total<Money>(), fromIssues = Total<Money>()
        for entry in entries where !entry.physical {
            switch entry.kind {
            case .settlement:
                fromReceipts += entry.settledAmount
                fromIssues += Total(entry.settledAmount) - entry.adjustment
            case .adjustment:  // valued from a physically-only receipt (D5): not from `receipts`
                fromIssues += Total(entry.settledAmount) - entry.adjustment
            case .consumption, .receiptAdjustment:
                break
            }
        }
        let end = openValues()
        precondition(
            start.receipts == end.receipts + fromReceipts,
            "close of pool \(poolLabel): receipts were open for \(start.receipts), "
                + "\(end.receipts) is left and settlements took \(fromReceipts)")
        precondition(
            start.issues == end.issues + fromIssues,
            "close of pool \(poolLabel): issues were open for \(start.issues), "
                + "\(end.issues) is left and settlements took \(fromIssues)")
    }

    /// The pool in messages: `A site:S1`.
    var poolLabel: String { "\(key.item) \(key.dimensions.description)" }

    /// A settlement (or an adjust-only valuation) takes a positive quantity no larger than either side's
    /// open quantity.
    func checkTake(_ quantity: Quantity, issue i: Int, from receipt: Lot) {
        precondition(
            quantity.isPositive && quantity <= issues[i].openQuantity && quantity <= receipt.openQuantity,
            "close of pool \(poolLabel): \(qty(quantity)) of issue \(issues[i].id) (open "
                + "\(qty(issues[i].openQuantity))) taken from receipt \(receipt.id) (open "
                + "\(qty(receipt.openQuantity)))")
    }

    private func qty(_ quantity: Quantity) -> String { quantity.formatted(minimumDecimals: 0) }
}
