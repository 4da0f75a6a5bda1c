// Closes: every close and recalculation with its totals and log; a close's page: its adjustments summed by
// item and by GL account (the profit-and-loss effect), its log, then its settlements a page at a time.

import Subledger

enum ClosePages {
    static let perPage = 100

    static let totalsColumns = [
        "Sequence", "Date", "Mode", "Reversed by", "Settlement entries", "Settled", "Issue adjustment",
        "Receipt adjustment", "Unsettled", "Zero cost", "Negative on-hand",
    ]

    /// Every run's totals from its summary row: no settlement is read (`Ledger.closeSummaries`).
    static func list(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let page = Int(try request.integer("page"))
        let viewer = request.viewer
        return try await ledger.read { ledger in
            let rows = Array(try ledger.closeSummaries().reversed())
            var content = PageContent(title: "Closes and recalculations")
            content.add(
                HTML("<p>Locked through ") + HTML.text(ledger.state.closedThrough?.description ?? "—")
                    + HTML(" · latest business date ") + HTML.text(ledger.state.latestBusinessDate.description)
                    + HTML("</p>"))
            if viewer.canClose { content.add(ActionPages.buttons(ledger)) }
            var table = Table(name: "closes", caption: "Runs, newest first", columns: totalsColumns)
            let start = min(page * perPage, rows.count)
            table.rows = rows[start..<min(start + perPage, rows.count)].map(closeRow)
            if start + perPage < rows.count { table.next = "/closes?page=\(page + 1)" }
            if page > 0 { table.previous = "/closes" }
            table.empty = "No close yet."
            content.add(table)
            return content
        }
    }

    static func closeRow(_ close: CloseSummary) -> [Cell] {
        let link = "/close?seq=\(close.sequence)"
        return [
            .number(close.sequence, link: link), .text(close.date.description, link: link), .text(close.mode.name),
            close.reversedBy.map { .number($0, link: "/events?after=\($0 - 1)") } ?? .text(""),
            .number(close.entryCount), .number(close.settledCount), .number(close.issueAdjustment, link: link),
            .number(close.receiptAdjustment, link: link), .number(close.unsettled), .number(close.zeroCost),
            .number(close.negativeOnHand),
        ]
    }

    /// One run: its summary rows (totals, by item, by account), its log, and one page of its settlements
    /// read by key (`after`: the entry number the previous page ended at).
    static func close(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let sequence = try request.integer("seq")
        let after = try request.integer("after")
        return try await ledger.read { ledger in
            guard let close = try ledger.closeSummary(sequence: sequence) else {
                throw ConsoleError.notFound("No close at sequence \(sequence).")
            }
            var content = PageContent(title: "\(close.mode.name.capitalizedFirst) of \(close.date) (#\(sequence))")
            var summary = Table(name: "close", caption: "Totals", columns: totalsColumns)
            summary.rows = [closeRow(close)]
            content.add(summary)
            content.add(byItem(close))
            content.add(byAccount(close))
            content.add(log(close.log))
            let page = try ledger.closeSettlements(sequence: sequence, after: after, limit: perPage)
            var table = settlementTable(
                page.rows.map(\.row), name: "settlements", caption: "Settlements (\(close.entryCount))")
            if page.more, let last = page.rows.last { table.next = "/close?seq=\(sequence)&after=\(last.entry)" }
            if after > 0 { table.previous = "/close?seq=\(sequence)" }
            content.add(table)
            return content
        }
    }

    /// Adjustments per item from the run's summary: of the issues and of the receipts, the two totals
    /// `closes` reports.
    static func byItem(_ close: CloseSummary) -> Table {
        var table = Table(
            name: "by-item", caption: "Adjustments by item",
            columns: ["Item", "Issue adjustment", "Receipt adjustment"])
        table.rows = close.items.map { sum in
            [
                .text(sum.item, link: URLText.path("/item", [("id", sum.item)])), .number(sum.issueAdjustment),
                .number(sum.receiptAdjustment),
            ]
        }
        table.footer = [.text("Total"), .number(close.issueAdjustment), .number(close.receiptAdjustment)]
        return table
    }

    /// The GL lines of the run's events summed per account, from its summary: what the close did to each.
    static func byAccount(_ close: CloseSummary) -> Table {
        var table = Table(
            name: "by-account", caption: "Adjustments by GL account (debit +)",
            columns: ["Account", "Posting type", "Amount"])
        table.rows = close.accounts.map { [.text($0.account), .text($0.postingType), .number($0.amount)] }
        table.empty = "The run posted no GL lines."
        return table
    }

    static func log(_ lines: [String]) -> Table {
        var table = Table(name: "log", caption: "Close log (\(lines.count) lines)", columns: ["Line"])
        table.rows = lines.prefix(200).map { [.text($0)] }
        if lines.count > 200 {
            table.rows.append([
                .text("… and \(lines.count - 200) more lines (subledger closes --json lists them all)")
            ])
        }
        table.empty = "Nothing to report."
        return table
    }

    static func settlementTable(_ rows: [SettlementRow], name: String, caption: String) -> Table {
        var table = Table(
            name: name, caption: caption,
            columns: [
                "Sequence", "Date", "Mode", "Close", "Item", "Kind", "Transaction", "Counterpart", "Quantity",
                "Settled amount", "Adjustment",
            ])
        table.rows = rows.map { row in
            [
                .number(row.sequence, link: "/events?after=\(row.sequence - 1)"), .text(row.date.description),
                .text(row.mode.name),
                row.closeSequence.map { .text("#\($0)", link: "/close?seq=\($0)") } ?? .text(""),
                .text(row.item, link: URLText.path("/item", [("id", row.item)])), .text(row.kindName),
                .text(row.transaction, link: TransactionView.link(row.transaction)),
                .text(row.counterpart, link: row.counterpart.isEmpty ? nil : TransactionView.link(row.counterpart)),
                .number(row.entry.quantity), .number(row.entry.settledAmount), .number(row.entry.adjustment),
            ]
        }
        return table
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
