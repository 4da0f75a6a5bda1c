// A page's tables: the same rows drawn as HTML (thousands separators, links to where a figure came from)
// and written as CSV (`?format=csv`: exact decimals, the same columns).

struct Cell: Sendable {
    /// The exact text: a decimal as the ledger writes it (`-1234.50`), a date, an id.
    var value: String
    /// Where the figure came from, when it has a page.
    var link: String?
    var numeric: Bool
    /// A shorter text for the screen (a hash's first digits); the CSV keeps `value`.
    var display: String? = nil

    static func text(_ value: String, link: String? = nil) -> Cell { Cell(value: value, link: link, numeric: false) }
    static func number(_ value: CustomStringConvertible, link: String? = nil) -> Cell {
        Cell(value: value.description, link: link, numeric: true)
    }
    static func number(_ value: CustomStringConvertible?) -> Cell {
        Cell(value: value?.description ?? "", link: nil, numeric: true)
    }

    /// On screen: numbers with thousands separators, the rest as is.
    var shown: String { display ?? (numeric ? NumberText.grouped(value) : value) }
}

struct Table: Sendable {
    /// The table's name in `?table=` (a page with several tables).
    var name: String
    var caption: String
    var columns: [String]
    var rows: [[Cell]] = []
    /// A totals row, drawn bold and written last in the CSV.
    var footer: [Cell]? = nil
    /// Links to the neighbouring pages, when the table is one page of a longer list.
    var previous: String? = nil
    var next: String? = nil
    /// Said when there are no rows.
    var empty = "None."
    /// Drawn instead of the CSV link, for a table a GET cannot draw again (a comparison with an upload).
    var download: HTML? = nil

    func html(csvLink: String) -> HTML {
        var out = "<section class=\"table\" id=\"\(HTML.escape(name))\"><h2>\(HTML.escape(caption))</h2>"
        out += download?.markup ?? "<p class=\"tools\"><a href=\"\(HTML.escape(csvLink))\">CSV</a></p>"
        guard !rows.isEmpty else { return HTML(out + "<p>\(HTML.escape(empty))</p></section>") }
        out += "<table data-table=\"\(HTML.escape(name))\"><thead><tr>"
        out += columns.map { "<th>\(HTML.escape($0))</th>" }.joined()
        out += "</tr></thead><tbody>"
        for row in rows { out += Self.row(row, columns) }
        out += "</tbody>"
        if let footer { out += "<tfoot>" + Self.row(footer, columns) + "</tfoot>" }
        out += "</table>"
        out += pager().markup
        return HTML(out + "</section>")
    }

    static func row(_ cells: [Cell], _ columns: [String]) -> String {
        var out = "<tr>"
        for (index, cell) in cells.enumerated() {
            let column = index < columns.count ? columns[index] : ""
            let attributes =
                cell.numeric
                ? " class=\"n\" data-col=\"\(HTML.escape(column))\" data-exact=\"\(HTML.escape(cell.value))\""
                : " data-col=\"\(HTML.escape(column))\""
            let content = cell.link.map { HTML.link($0, cell.shown).markup } ?? HTML.escape(cell.shown)
            out += "<td\(attributes)>\(content)</td>"
        }
        return out + "</tr>"
    }

    func pager() -> HTML {
        guard previous != nil || next != nil else { return "" }
        var parts: [HTML] = []
        if let previous { parts.append(HTML.link(previous, "« first page")) }
        if let next { parts.append(HTML("<a rel=\"next\" href=\"\(HTML.escape(next))\">next page »</a>")) }
        return HTML("<p class=\"pager\">") + HTML.join(parts, separator: " · ") + HTML("</p>")
    }

    /// RFC 4180: every field quoted when it holds a comma, a quote or a line break; CRLF line ends.
    var csv: String {
        var lines = [columns.map(Self.field).joined(separator: ",")]
        for row in rows { lines.append(row.map { Self.field($0.value) }.joined(separator: ",")) }
        if let footer { lines.append(footer.map { Self.field($0.value) }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String) -> String {
        // A leading =, +, - or @ would be run as a formula by a spreadsheet; numbers keep their sign.
        let risky = value.first.map { "=+@".contains($0) || ($0 == "-" && Double(value) == nil) } ?? false
        let text = risky ? "'" + value : value
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences("\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}

enum NumberText {
    /// `-1234567.8900` as `-1,234,567.8900`: separators in the integer part only, the decimals as they are.
    static func grouped(_ exact: String) -> String {
        var text = Substring(exact)
        var sign = ""
        if text.first == "-" {
            sign = "-"
            text = text.dropFirst()
        }
        let integer = text.prefix { $0 != "." }
        let rest = text.dropFirst(integer.count)
        guard integer.allSatisfy(\.isASCIIDigit), integer.count > 3 else { return exact }
        var grouped = ""
        for (index, digit) in integer.enumerated() {
            if index > 0 && (integer.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return sign + grouped + rest
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
