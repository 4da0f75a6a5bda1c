// Overview: where the value sits (by model, by item), the GL inventory accounts against the subledger, the
// latest close and the chain's state, and the inventory value per day with each close marked.

import Subledger

enum OverviewPage {
    static let itemsPerPage = 50

    static func content(
        _ ledger: ConsoleLedger, _ request: PageRequest, chain: ChainCheckResult?
    ) async throws -> PageContent {
        let page = Int(try request.integer("page"))
        return try await ledger.read { ledger in
            let state = ledger.state
            let asOf = state.latestBusinessDate
            let report = try ledger.inventoryValue(asOf: asOf)
            var content = PageContent(title: "Overview")
            content.add(facts(ledger, report, chain: chain))
            content.add(chart(ledger))
            content.add(byModel(report))
            content.add(reconciliation(report))
            content.add(byItem(report, page: page))
            return content
        }
    }

    static func facts(_ ledger: Ledger, _ report: InventoryValueReport, chain: ChainCheckResult?) -> HTML {
        let state = ledger.state
        let latest = state.closes.last { $0.reversedBy == nil }
        let latestClose =
            latest.map { HTML.link("/close?seq=\($0.sequence)", "\($0.mode.name) of \($0.date)") } ?? "none yet"
        let difference = report.value - report.ledgerValue
        let agreement =
            difference.isZero
            ? HTML("<span class=\"ok\">reconciled</span>")
            : HTML("<span class=\"error\">differs by \(NumberText.grouped(difference.description))</span>")
        let rows: [(String, HTML)] = [
            ("Business date (latest)", HTML.text(report.asOf.description)),
            ("Inventory value (subledger)", number(report.value.description, link: "/items")),
            ("GL inventory accounts", number(report.ledgerValue.description, link: "/reconciliation")),
            ("Subledger against GL", agreement),
            ("Latest close", latestClose),
            ("Locked through", HTML.text(state.closedThrough?.description ?? "not locked")),
            (
                "Last sequence of the log",
                HTML.link(
                    "/events?after=\(max(0, state.lastSequence - 50))",
                    "\(NumberText.grouped(String(state.lastSequence)))")
            ),
            ("Chain", chainState(chain)),
        ]
        var out = HTML("<table class=\"facts\" data-table=\"facts\">")
        for (label, value) in rows {
            out = out + HTML("<tr><td>") + HTML.text(label) + HTML("</td><td>") + value + HTML("</td></tr>")
        }
        return out + HTML("</table>")
    }

    /// The last check of the chain this server ran (the event log's verify button), or where to run one.
    static func chainState(_ chain: ChainCheckResult?) -> HTML {
        guard let chain else { return HTML("not verified yet: verify it on the ") + HTML.link("/events", "event log") }
        let at = HTML.text(JSONFields.utcTimestamp(milliseconds: chain.checkedAt))
        switch chain.report {
        case .intact(let count, _):
            return HTML("<span class=\"ok\" data-chain=\"intact\">verified at ") + at + HTML(", through sequence ")
                + HTML.link("/events?after=\(max(0, count - 50))", NumberText.grouped(String(count))) + HTML("</span>")
        case .broken(let sequence, let reason):
            return HTML("<span class=\"error\" data-chain=\"broken\">broken at sequence \(sequence) (checked at ")
                + at + HTML("): ") + HTML.text(reason) + HTML("</span>")
        }
    }

    static func number(_ exact: String, link: String) -> HTML {
        HTML("<span class=\"n\" data-exact=\"\(HTML.escape(exact))\">") + HTML.link(link, NumberText.grouped(exact))
            + HTML("</span>")
    }

    static func chart(_ ledger: Ledger) -> HTML {
        let series = ledger.inventoryBalanceByDay()
        let closes = ledger.state.closes.filter { $0.reversedBy == nil }
        let chart = LineChart(
            title: "GL inventory accounts, balance at the end of each day",
            points: series.map { .init(date: $0.date, value: $0.balance.description) },
            marks: closes.map { ($0.date, "\($0.mode.name) of \($0.date)") })
        return HTML("<h2>Inventory value per day (GL inventory accounts; dashed: closes)</h2>") + chart.svg
    }

    static func byModel(_ report: InventoryValueReport) -> Table {
        var table = Table(
            name: "by-model", caption: "Value by valuation model", columns: ["Model", "Quantity", "Value"])
        var totals: [String: (Total<Quantity>, Total<Money>)] = [:]
        for row in report.rows {
            var sum = totals[row.model.rawValue] ?? (Total(), Total())
            sum.0 += row.quantity
            sum.1 += row.value
            totals[row.model.rawValue] = sum
        }
        table.rows = totals.keys.sorted().map { model in
            [.text(model), .number(totals[model]!.0), .number(totals[model]!.1)]
        }
        table.footer = [.text("Total"), .number(report.quantity), .number(report.value)]
        return table
    }

    static func reconciliation(_ report: InventoryValueReport) -> Table {
        var table = Table(
            name: "gl", caption: "GL inventory accounts as of \(report.asOf)", columns: ["Account", "GL balance"])
        table.rows = report.ledgerAccounts.map { account in
            [.text(account.account, link: "/reconciliation?date=\(report.asOf)"), .number(account.balance)]
        }
        table.footer = [.text("Total (subledger \(report.value))"), .number(report.ledgerValue)]
        return table
    }

    /// The items with the most value first, a page at a time.
    static func byItem(_ report: InventoryValueReport, page: Int) -> Table {
        var sums: [String: (model: String, quantity: Total<Quantity>, value: Total<Money>)] = [:]
        for row in report.rows {
            var sum = sums[row.item] ?? (row.model.rawValue, Total(), Total())
            sum.quantity += row.quantity
            sum.value += row.value
            sums[row.item] = sum
        }
        let ordered = sums.sorted { ($1.value.value, $0.key) < ($0.value.value, $1.key) }
        var table = Table(
            name: "by-item", caption: "Value by item (largest first)",
            columns: ["Item", "Model", "Quantity", "Value"])
        let start = min(page * itemsPerPage, ordered.count)
        table.rows = ordered[start..<min(start + itemsPerPage, ordered.count)].map { item, sum in
            [
                .text(item, link: URLText.path("/item", [("id", item)])), .text(sum.model), .number(sum.quantity),
                .number(sum.value, link: URLText.path("/item", [("id", item)])),
            ]
        }
        if start + itemsPerPage < ordered.count { table.next = "/?page=\(page + 1)" }
        if page > 0 { table.previous = "/" }
        return table
    }
}
