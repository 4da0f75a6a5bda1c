// Drawing a close pack's page: the console's tables with their links made relative to the pack (or dropped),
// the stylesheet inline, a navigation between the pack's files, and each table's CSV as a file beside it.

import Subledger

extension ClosePack {
    /// Where a console link goes in the pack: a file of the pack, or nil (drawn as plain text).
    struct Links {
        var close: Int64
        var date: LedgerDate

        func map(_ link: String) -> String? {
            if link == "/close?seq=\(close)" { return "close.html" }
            if link == "/reconciliation" || link == "/reconciliation?date=\(date)" { return "reconciliation.html" }
            if link == "/items" || link == "/" { return "value.html" }
            return nil
        }

        func relink(_ cells: [Cell]) -> [Cell] {
            cells.map { cell in
                var cell = cell
                cell.link = cell.link.flatMap(map)
                return cell
            }
        }

        func relink(_ table: Table) -> Table {
            var table = table
            table.rows = table.rows.map(relink)
            table.footer = table.footer.map(relink)
            table.previous = nil
            table.next = nil
            return table
        }
    }

    /// The page's HTML file and one CSV file per table, named after the page and the table.
    static func render(_ content: PageContent, file: String, links: Links, rowsShown: Int) -> [File] {
        let stem = String(file.dropLast(".html".count))
        var body = HTML("<header><nav>")
        for page in pages {
            let current = page.file == file ? " aria-current=\"page\"" : ""
            body = body + HTML("<a href=\"\(page.file)\"\(current)>") + HTML.text(page.title) + HTML("</a>")
        }
        body = body + HTML("</nav></header><main><h1>") + HTML.text(content.title) + HTML("</h1>")
        var files: [File] = []
        for block in content.blocks {
            switch block {
            case .html(let html): body = body + html
            case .table(let table):
                let csv = "\(stem)-\(table.name).csv"
                let relinked = links.relink(table)
                body = body + shown(relinked, limit: rowsShown).html(csvLink: csv)
                files.append(File(name: csv, text: relinked.csv))
            }
        }
        let page =
            HTML("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            + HTML("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            + HTML.text(content.title + " · Subledger") + HTML("</title><style>") + HTML(Stylesheet.text)
            + HTML("</style></head><body>") + body + HTML("</main></body></html>")
        return [File(name: file, text: page.markup + "\n")] + files
    }

    /// A long table (a big close's settlements) is cut on the page, which a browser could not open
    /// otherwise; its CSV keeps every row.
    static func shown(_ table: Table, limit: Int) -> Table {
        guard table.rows.count > limit else { return table }
        var cut = table
        cut.caption += " (the first \(limit) of \(table.rows.count) rows; the CSV has them all)"
        cut.rows = Array(table.rows.prefix(limit))
        return cut
    }
}
