// The auditor's close pack (issue 13): a close's pages written as static HTML files with each table's CSV
// beside it, readable offline. The pages are the console's own tables; links between the pack's files are
// relative, links to pages the pack does not hold become plain text, and there are no forms or buttons.

import Subledger

public enum ClosePackError: Error, CustomStringConvertible, Sendable {
    /// No run in force is dated on the date asked.
    case noClose(LedgerDate)
    /// The output directory exists and holds files (pass `force` to overwrite).
    case notEmpty(String)
    /// A file or the directory could not be written.
    case io(String)

    public var description: String {
        switch self {
        case .noClose(let date): return "no close in force on \(date) (subledger closes lists them)"
        case .notEmpty(let path): return "\(path) exists and is not empty (--force overwrites the pack's files)"
        case .io(let message): return message
        }
    }
}

public enum ClosePack {
    /// One file of the pack: its name in the directory and its text.
    public struct File: Sendable {
        public var name: String
        public var text: String
    }

    /// The pack's pages, in the order the index lists them.
    static let pages: [(file: String, title: String)] = [
        ("index.html", "Contents"), ("value.html", "Inventory value"), ("close.html", "Close"),
        ("settlements.html", "Settlements"), ("reconciliation.html", "Reconciliation"),
    ]

    /// The run in force dated `date`, the latest when there are several (a close and a recalculation).
    public static func close(_ ledger: Ledger, on date: LedgerDate) throws -> CloseSummary {
        guard let latest = try ledger.closeSummaries().last(where: { $0.date == date && $0.isInForce }),
            let close = try ledger.closeSummary(sequence: latest.sequence)
        else {
            throw ClosePackError.noClose(date)
        }
        return close
    }

    /// Rows of a table drawn on a page; the table's CSV has every row.
    public static let rowsShown = 1_000

    /// The pack's files: the pages and their tables' CSVs (`rowsShown` rows of a table on its page), the
    /// settlements' CSV whole in memory (`write` streams it to its file instead).
    public static func files(ledger: Ledger, closeDate: LedgerDate, rowsShown: Int = rowsShown) throws -> [File] {
        let (close, files) = try pages(ledger: ledger, closeDate: closeDate, rowsShown: rowsShown)
        var csv = ""
        try SettlementsCSV.write(ledger, close) { csv += $0 }
        return files + [File(name: SettlementsCSV.file, text: csv)]
    }

    /// The pack's pages and their tables' CSVs but the settlements' (which `SettlementsCSV` writes).
    static func pages(
        ledger: Ledger, closeDate: LedgerDate, rowsShown: Int
    ) throws -> (CloseSummary, [File]) {
        let close = try close(ledger, on: closeDate)
        let shown = max(rowsShown, 1)
        let settlements = try ledger.closeSettlements(sequence: close.sequence, after: 0, limit: shown).rows
        let value = try ledger.inventoryValue(asOf: closeDate)
        let report = try ledger.reconcile(asOf: closeDate)
        let name = "\(close.mode.name.capitalizedFirst) of \(close.date) (#\(close.sequence))"

        var contents = PageContent(title: "Close pack: \(name)")
        contents.add(index(close, value: value, report: report))
        contents.add(summary(close))

        var valuePage = PageContent(title: "Inventory value as of \(closeDate)")
        valuePage.add(valueTable(value))
        valuePage.add(OverviewPage.byModel(value))
        valuePage.add(OverviewPage.reconciliation(value))

        var closePage = PageContent(title: name)
        closePage.add(summary(close))
        closePage.add(ClosePages.byItem(close))
        closePage.add(ClosePages.byAccount(close))
        closePage.add(log(close))

        var settlementPage = PageContent(title: "Settlements of \(name)")
        var table = ClosePages.settlementTable(
            settlements.map(\.row), name: "settlements", caption: "Settlements (\(close.entryCount))")
        if close.entryCount > shown {
            table.caption += " (the first \(shown) of \(close.entryCount) rows; the CSV has them all)"
        }
        settlementPage.add(table)

        var reconciliation = PageContent(title: "Reconciliation as of \(closeDate)")
        reconciliation.add(ReconciliationPage.verdict(report))
        reconciliation.add(ReconciliationPage.accounts(report))
        reconciliation.add(ReconciliationPage.sources(report))

        let links = Links(close: close.sequence, date: closeDate)
        var files: [File] = []
        for (page, content) in zip(pages, [contents, valuePage, closePage, settlementPage, reconciliation]) {
            files += render(content, file: page.file, links: links, rowsShown: shown)
        }
        return (close, files.filter { $0.name != SettlementsCSV.file })
    }

    /// Writes the pack into `directory` (created when missing). A directory that exists and is not empty is
    /// refused unless `force`; then the pack's files are overwritten and other files are left as they are.
    /// The settlements' CSV is written a page of rows at a time: a close's hundreds of thousands of
    /// entries are never held at once. Returns the names of the files written.
    @discardableResult
    public static func write(
        ledger: Ledger, closeDate: LedgerDate, to directory: String, force: Bool = false
    )
        throws -> [String]
    {
        let (close, files) = try pages(ledger: ledger, closeDate: closeDate, rowsShown: rowsShown)
        try PackDirectory.prepare(directory, force: force)
        for file in files { try PackDirectory.write(file.text, to: PackDirectory.join(directory, file.name)) }
        let path = PackDirectory.join(directory, SettlementsCSV.file)
        try PackDirectory.stream(to: path) { append in try SettlementsCSV.write(ledger, close, append) }
        return files.map(\.name) + [SettlementsCSV.file]
    }

    static func index(_ close: CloseSummary, value: InventoryValueReport, report: ReconciliationReport) -> HTML {
        var out = HTML("<p>The working papers of the ") + HTML.text(close.mode.name) + HTML(" of ")
        out = out + HTML.text(close.date.description) + HTML(", written from the event log. Each table's CSV ")
        out = out + HTML("(exact decimals) is in the file beside its page.</p><ul>")
        for page in pages.dropFirst() {
            out = out + HTML("<li>") + HTML.link(page.file, page.title) + HTML("</li>")
        }
        out = out + HTML("</ul><p>Inventory value as of ") + HTML.text(value.asOf.description) + HTML(": ")
        out = out + HTML.text(NumberText.grouped(value.value.description)) + HTML(" · GL inventory accounts: ")
        out = out + HTML.text(NumberText.grouped(report.ledgerTotal.description)) + HTML(" · difference: ")
        return out + HTML.text(NumberText.grouped(report.difference.description)) + HTML("</p>")
    }

    static func summary(_ close: CloseSummary) -> Table {
        var table = Table(name: "close", caption: "Totals", columns: ClosePages.totalsColumns)
        table.rows = [ClosePages.closeRow(close)]
        return table
    }

    /// Every line of the close log (the console's page shows the first 200).
    static func log(_ close: CloseSummary) -> Table {
        var table = Table(name: "log", caption: "Close log (\(close.log.count) lines)", columns: ["Line"])
        table.rows = close.log.map { [.text($0)] }
        table.empty = "Nothing to report."
        return table
    }

    /// One row per cost pool, as `subledger value` prints it.
    static func valueTable(_ report: InventoryValueReport) -> Table {
        var table = Table(
            name: "pools", caption: "Value by cost pool",
            columns: [
                "Item", "Model", "Dimensions", "Financial quantity", "Financial value", "Physical quantity",
                "Physical value", "Quantity", "Value", "Average unit cost",
            ])
        table.rows = report.rows.map { row in
            [
                .text(row.item), .text(row.model.rawValue), .text(row.dimensions.description),
                .number(row.financialQuantity), .number(row.financialValue), .number(row.physicalQuantity),
                .number(row.physicalValue), .number(row.quantity), .number(row.value), .number(row.averageUnitCost),
            ]
        }
        table.footer = [
            .text("Total"), .text(""), .text(""), .number(report.financialQuantity), .number(report.financialValue),
            .number(report.physicalQuantity), .number(report.physicalValue), .number(report.quantity),
            .number(report.value), .text(""),
        ]
        table.empty = "Nothing on hand."
        return table
    }
}
