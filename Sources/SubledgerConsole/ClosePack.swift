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
    public static func close(_ ledger: Ledger, on date: LedgerDate) throws -> CloseRow {
        guard let close = try ledger.closes().last(where: { $0.date == date && $0.isInForce }) else {
            throw ClosePackError.noClose(date)
        }
        return close
    }

    /// Rows of a table drawn on a page; the table's CSV has every row.
    public static let rowsShown = 1_000

    /// The pack's files: the pages and their tables' CSVs (`rowsShown` rows of a table on its page).
    public static func files(ledger: Ledger, closeDate: LedgerDate, rowsShown: Int = rowsShown) throws -> [File] {
        let close = try close(ledger, on: closeDate)
        let (_, settlements) = try ledger.closeWithSettlements(sequence: close.sequence)
        let value = try ledger.inventoryValue(asOf: closeDate)
        let report = try ledger.reconcile(asOf: closeDate)
        let first = settlements.map(\.sequence).min() ?? close.sequence
        let events = try ledger.events(after: first - 1, limit: Int(close.sequence - first + 1))
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
        closePage.add(ClosePages.byItem(settlements))
        closePage.add(try ClosePages.byAccount(events))
        closePage.add(log(close))

        var settlementPage = PageContent(title: "Settlements of \(name)")
        settlementPage.add(
            ClosePages.settlementTable(
                settlements, name: "settlements", caption: "Settlements (\(settlements.count))"))

        var reconciliation = PageContent(title: "Reconciliation as of \(closeDate)")
        reconciliation.add(ReconciliationPage.verdict(report))
        reconciliation.add(ReconciliationPage.accounts(report))
        reconciliation.add(ReconciliationPage.sources(report))

        let links = Links(close: close, date: closeDate)
        var files: [File] = []
        for (page, content) in zip(pages, [contents, valuePage, closePage, settlementPage, reconciliation]) {
            files += render(content, file: page.file, links: links, rowsShown: max(rowsShown, 1))
        }
        return files
    }

    /// Writes the pack into `directory` (created when missing). A directory that exists and is not empty is
    /// refused unless `force`; then the pack's files are overwritten and other files are left as they are.
    /// Returns the names of the files written.
    @discardableResult
    public static func write(
        ledger: Ledger, closeDate: LedgerDate, to directory: String, force: Bool = false
    )
        throws -> [String]
    {
        let files = try files(ledger: ledger, closeDate: closeDate)
        try PackDirectory.prepare(directory, force: force)
        for file in files { try PackDirectory.write(file.text, to: PackDirectory.join(directory, file.name)) }
        return files.map(\.name)
    }

    static func index(_ close: CloseRow, value: InventoryValueReport, report: ReconciliationReport) -> HTML {
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

    static func summary(_ close: CloseRow) -> Table {
        var table = Table(
            name: "close", caption: "Totals",
            columns: [
                "Sequence", "Date", "Mode", "Reversed by", "Settlement entries", "Settled", "Issue adjustment",
                "Receipt adjustment", "Unsettled", "Zero cost", "Negative on-hand",
            ])
        table.rows = [ClosePages.closeRow(close)]
        return table
    }

    /// Every line of the close log (the console's page shows the first 200).
    static func log(_ close: CloseRow) -> Table {
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
