// Reconciliation as of a date: per GL inventory account the subledger's value, the GL balance and the
// difference; a differing account is drilled down to the transactions and vouchers that differ.

import Subledger

enum ReconciliationPage {
    static let sourcesShown = 200

    static func content(_ ledger: ConsoleLedger, _ request: PageRequest) async throws -> PageContent {
        let date = try request.date("date")
        return try await ledger.read { ledger in
            let asOf = date ?? ledger.state.latestBusinessDate
            let report = try ledger.reconcile(asOf: asOf)
            var content = PageContent(title: "Reconciliation as of \(asOf)")
            content.add(
                HTML("<form method=\"get\" action=\"/reconciliation\"><label>As of <input name=\"date\" value=\"")
                    + HTML.text(asOf.description)
                    + HTML("\" placeholder=\"YYYY-MM-DD\"></label> <button>Show</button></form>")
                    + verdict(report))
            content.add(accounts(report))
            content.add(sources(report))
            content.add(ExternalComparison.form(asOf: asOf, request.viewer))
            return content
        }
    }

    static func verdict(_ report: ReconciliationReport) -> HTML {
        report.agrees
            ? HTML("<p class=\"ok\">The subledger agrees with the GL.</p>")
            : HTML("<p class=\"error\">The subledger differs from the GL by ")
                + HTML.text(NumberText.grouped(report.difference.description)) + HTML(".</p>")
    }

    static func accounts(_ report: ReconciliationReport) -> Table {
        var table = Table(
            name: "accounts", caption: "Inventory accounts",
            columns: ["Account", "Posting types", "Subledger", "GL", "Difference"])
        table.rows = report.accounts.map { account in
            [
                .text(account.account), .text(account.postingTypes.map(\.rawValue).joined(separator: " ")),
                .number(account.subledger), .number(account.ledger), .number(account.difference),
            ]
        }
        table.footer = [
            .text("Total"), .text(""), .number(report.subledgerTotal), .number(report.ledgerTotal),
            .number(report.difference),
        ]
        return table
    }

    /// What makes up each differing account's difference, source by source.
    static func sources(_ report: ReconciliationReport) -> Table {
        var table = Table(
            name: "differences", caption: "Where the differences come from",
            columns: ["Account", "Source", "Subledger", "GL", "Difference"])
        for account in report.differingAccounts {
            for source in (account.sources ?? []).prefix(sourcesShown) {
                table.rows.append([
                    .text(account.account), .text(source.label, link: link(source.source)), .number(source.subledger),
                    .number(source.ledger), .number(source.difference),
                ])
            }
        }
        table.empty = "No account differs."
        return table
    }

    static func link(_ source: AuditSource) -> String? {
        switch source {
        case .transaction(let id): return TransactionView.link(id)
        case .settlement(let sequence), .event(let sequence): return "/events?after=\(sequence - 1)"
        case .revaluation: return nil
        }
    }
}
