// An item page's running average and settlements, from the page's own transactions only: the pool before the
// first of them, or every settlement of the item, would need the item's whole history (every close's events),
// which no page reads.

import Subledger

enum ItemHistory {
    /// Settlements shown at most under one page of transactions (a receipt settled by thousands of issues
    /// lists them all on its own transaction page).
    static let settlementLimit = 200

    /// The item's average unit cost after each posting of the page: receipts add their current cost (posted plus
    /// adjustments) and quantity to the running pool, issues take theirs out. From an empty pool on the first
    /// page (the item's true average in log order); from this page's first transaction on later pages.
    static func chart(_ rows: [TransactionRow], firstPage: Bool) -> HTML {
        var quantity = Quantity.zero
        var value = Money.zero
        var points: [LineChart.Point] = []
        for row in rows {
            let record = row.record
            // A weighted-average close's receipt stands in for the receipts it settled: the pool is unchanged.
            if case .closingReceipt = record.kind { continue }
            let sign = record.direction == .receipt
            quantity = sign ? quantity + record.quantity : quantity - record.quantity
            value = sign ? value + record.currentAmount : value - record.currentAmount
            guard quantity.isPositive else { continue }
            points.append(.init(date: record.date, value: value.perUnit(quantity).description))
        }
        // Drawn by date (a posting may be dated before an earlier one in the log); each point's value is the
        // average after that posting in log order.
        let byDate = points.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }
        let chart = LineChart(
            title: "Average unit cost after each posting", points: byDate.map(\.element), fromZero: false)
        let note =
            firstPage
            ? "From the item's first transaction, in log order: current cost (posted plus adjustments) over "
                + "quantity, physical and financial, after each posting of this page."
            : "This page's transactions only, as if the pool were empty before them: the pool before this page "
                + "would need the item's whole history. The first page starts from the item's first transaction."
        return HTML("<h2>Running average unit cost</h2>") + chart.svg + HTML("<p class=\"hint\">")
            + HTML.text(note) + HTML("</p>")
    }

    /// The settlements naming the page's transactions, each once, in log order; read by transaction (keyed),
    /// a weighted average item's entries against each close's closing receipt included.
    static func settlements(_ ledger: Ledger, _ rows: [TransactionRow]) throws -> Table {
        var seen = Set<String>()
        var found: [SettlementRow] = []
        for settlements in try ledger.settlementsNaming(rows.map(\.record.id)) where found.count < settlementLimit {
            for settlement in settlements {
                let entry = settlement.entry
                let key =
                    "\(settlement.sequence)|\(entry.transaction)|\(entry.counterpart)|\(entry.quantity)|"
                    + "\(entry.settledAmount)|\(entry.adjustment)|\(settlement.mode.name)"
                if seen.insert(key).inserted { found.append(settlement) }
            }
        }
        found.sort { $0.sequence < $1.sequence }
        let shown = Array(found.prefix(settlementLimit))
        var table = ClosePages.settlementTable(
            shown, name: "settlements", caption: "Settlements naming this page's transactions (\(shown.count))")
        table.empty = "No close has settled these transactions yet."
        return table
    }
}
