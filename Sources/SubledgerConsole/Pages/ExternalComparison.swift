// An external trial balance (the company's GL, exported as CSV) beside the ledger's GL and the subledger
// as of a date, each difference explained (`Ledger.reconcile(asOf:external:)`, as `reconcile --gl`
// does). The file comes from a form post and is kept nowhere: the comparison's CSV is a second post of
// the same text, carried in the page.

import Subledger

enum ExternalComparison {
    /// The upload form of the reconciliation page: a file, the date, the session's CSRF token.
    static func form(asOf date: LedgerDate, _ viewer: Viewer) -> HTML {
        HTML("<form method=\"post\" action=\"/reconciliation\" enctype=\"multipart/form-data\" class=\"upload\">")
            + HTML("<h2>Compare an external trial balance</h2>") + Layout.csrfField(viewer)
            + HTML(
                "<label>Trial balance <input type=\"file\" name=\"\(ExternalUpload.field)\" accept=\".csv,text/csv\"")
            + HTML(" required></label> <label>as of <input name=\"date\" size=\"10\" value=\"")
            + HTML.text(date.description) + HTML("\" placeholder=\"YYYY-MM-DD\"></label> ")
            + HTML("<button type=\"submit\">Compare</button><p class=\"hint\">CSV with a header row account,balance, ")
            + HTML("debit positive, at most 2 decimals, at most 4 MiB. The file is read in memory and compared with ")
            + HTML("the ledger's GL as of the date; nothing is stored, neither the file nor the comparison.</p></form>")
    }

    static func content(
        _ ledger: ConsoleLedger, _ request: PageRequest, _ upload: ExternalUpload
    ) async throws -> PageContent {
        let date = try request.date("date")
        let viewer = request.viewer
        return try await ledger.read { ledger in
            let asOf = date ?? ledger.state.latestBusinessDate
            let source = upload.filename.isEmpty ? "the uploaded trial balance" : upload.filename
            var content = PageContent(title: "Reconciliation as of \(asOf) against \(source)")
            if let rejection = upload.rejection {
                content.add(
                    HTML("<p class=\"error\" data-code=\"\(rejection.code.rawValue)\">The trial balance was refused, ")
                        + HTML("nothing was compared or written: ") + HTML.text(rejection.description) + HTML("</p>")
                        + form(asOf: asOf, viewer))
                return content
            }
            let report = try ledger.reconcile(asOf: asOf, external: upload.balances)
            content.add(verdict(report))
            var rows = table(report)
            rows.download = download(upload, asOf: asOf, viewer)
            content.add(rows)
            content.add(
                HTML("<p>") + HTML.link("/reconciliation?date=\(asOf)", "The subledger against the GL as of \(asOf)")
                    + HTML(", drilled down to the transactions.</p>") + form(asOf: asOf, viewer))
            return content
        }
    }

    static func verdict(_ report: ReconciliationReport) -> HTML {
        let rows = report.external ?? []
        let inventory = report.externalInventoryDifferences.map(\.account)
        let other = rows.filter { !$0.isInventory && !$0.difference.isZero }.count
        var text =
            inventory.isEmpty
            ? HTML("<p class=\"ok\">The external trial balance agrees with the ledger's GL on every inventory account.")
            : HTML("<p class=\"error\">\(inventory.count) inventory account(s) differ from the ledger's GL: ")
                + HTML.text(inventory.joined(separator: ", ")) + HTML(".")
        if other > 0 { text = text + HTML(" \(other) other account(s) differ; each row says why.") }
        text = text + HTML("</p>")
        if !report.differingAccounts.isEmpty {
            text =
                text + HTML("<p class=\"error\">The subledger itself differs from the ledger's GL by ")
                + HTML.text(NumberText.grouped(report.difference.description)) + HTML(".</p>")
        }
        return text
    }

    /// Every account of either side, the inventory accounts first.
    static func table(_ report: ReconciliationReport) -> Table {
        var subledger: [String: Total<Money>] = [:]
        for account in report.accounts { subledger[account.account] = account.subledger }
        var table = Table(
            name: "external", caption: "External trial balance against the ledger's GL (difference = external - GL)",
            columns: [
                "Account", "Inventory", "External", "GL", "Subledger", "Difference", "Cause", "Explanation", "Line",
            ])
        let rows = (report.external ?? []).sorted {
            ($0.isInventory ? 0 : 1, $0.account) < ($1.isInventory ? 0 : 1, $1.account)
        }
        table.rows = rows.map { row in
            [
                .text(row.account, link: row.isInventory ? "/reconciliation?date=\(report.asOf)" : nil),
                .text(row.isInventory ? "yes" : ""), .number(row.external), .number(row.ledger),
                .number(subledger[row.account]), .number(row.difference), .text(row.explanation.code),
                .text(row.message(asOf: report.asOf)), .text(row.line.map(String.init) ?? ""),
            ]
        }
        table.empty = "Neither the file nor the ledger's GL has an account."
        return table
    }

    /// The comparison's CSV: the same form again, with the file's text in a hidden field (nothing was kept
    /// to download it from). The textarea's leading line break is the one HTML drops.
    static func download(_ upload: ExternalUpload, asOf date: LedgerDate, _ viewer: Viewer) -> HTML {
        HTML("<form method=\"post\" action=\"/reconciliation\" enctype=\"multipart/form-data\" class=\"tools\">")
            + Layout.csrfField(viewer) + HTML("<input type=\"hidden\" name=\"date\" value=\"")
            + HTML.text(date.description) + HTML("\"><input type=\"hidden\" name=\"filename\" value=\"")
            + HTML.text(upload.filename) + HTML("\"><input type=\"hidden\" name=\"format\" value=\"csv\">")
            + HTML("<input type=\"hidden\" name=\"table\" value=\"external\">")
            + HTML("<textarea name=\"\(ExternalUpload.field)\" hidden>\n") + HTML.text(upload.text)
            + HTML("</textarea><button type=\"submit\">CSV</button> (sends the file again)</form>")
    }
}
