/// A plain-text table: aligned columns, numbers right-aligned, an optional total row under a rule.
/// Cells are given as exact text (amounts come from the fixed-point types, never from Double).
///
/// Widths are counted in characters (grapheme clusters). A cell of ASCII bytes other than CR (which joins
/// a following LF into one character) has one character per byte, so such cells are measured and copied
/// as bytes; a line with any other cell is laid out through `String` as before. The output is the same
/// bytes either way: a close prints 600,000 settlement rows through here, and counting characters cost
/// more than building the cells.
struct Table {
    enum Alignment { case left, right }

    struct Column {
        var title: String
        var alignment: Alignment
    }

    var columns: [Column]
    var rows: [[String]] = []
    var totals: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { Column(title: $0.0, alignment: $0.1) }
    }

    mutating func add(_ cells: [String]) {
        precondition(cells.count == columns.count, "a table row needs \(columns.count) cells")
        rows.append(cells)
    }

    mutating func addTotal(_ cells: [String]) {
        precondition(cells.count == columns.count, "a total row needs \(columns.count) cells")
        totals.append(cells)
    }

    func render(empty: String = "(none)") -> String {
        var widths = columns.map { Self.width($0.title) }
        for row in [rows, totals].joined() {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Self.width(cell)) }
        }
        var text: [UInt8] = []
        text.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + totals.count + 4))
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        append(columns.map(\.title), widths, to: &text)
        text.append(0x0A)
        text += rule.utf8
        if rows.isEmpty {
            text.append(0x0A)
            text += empty.utf8
        }
        for row in rows {
            text.append(0x0A)
            append(row, widths, to: &text)
        }
        if !totals.isEmpty {
            text.append(0x0A)
            text += rule.utf8
            for row in totals {
                text.append(0x0A)
                append(row, widths, to: &text)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// One line, its trailing spaces removed.
    private func append(_ cells: [String], _ widths: [Int], to text: inout [UInt8]) {
        guard cells.allSatisfy(Self.isBytewise) else {
            text += line(cells, widths).utf8
            return
        }
        let start = text.count
        for (index, cell) in cells.enumerated() {
            let padding = widths[index] - cell.utf8.count
            if index > 0 { text += [0x20, 0x20] }
            if columns[index].alignment == .right { text += repeatElement(0x20, count: padding) }
            text += cell.utf8
            if columns[index].alignment == .left { text += repeatElement(0x20, count: padding) }
        }
        while text.count > start, text.last == 0x20 { text.removeLast() }
    }

    /// One line laid out by characters (a line with a cell that is not bytewise).
    private func line(_ cells: [String], _ widths: [Int]) -> String {
        var text = ""
        for (index, cell) in cells.enumerated() {
            let padding = String(repeating: " ", count: widths[index] - cell.count)
            if index > 0 { text += "  " }
            text += columns[index].alignment == .right ? padding + cell : cell + padding
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// A cell's width in characters.
    private static func width(_ cell: String) -> Int { isBytewise(cell) ? cell.utf8.count : cell.count }

    /// True when every byte of `cell` is one character: ASCII, and no CR (CR LF is one character).
    private static func isBytewise(_ cell: String) -> Bool {
        cell.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }
}
