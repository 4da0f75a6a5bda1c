/// A plain-text table: aligned columns, numbers right-aligned, an optional total row under a rule.
/// Cells are given as exact text (amounts come from the fixed-point types, never from Double).
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
        var widths = columns.map(\.title.count)
        for row in rows + totals {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                if index > 0 { text += "  " }
                text += columns[index].alignment == .right ? padding + cell : cell + padding
            }
            while text.last == " " { text.removeLast() }
            return text
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        var lines = [line(columns.map(\.title)), rule]
        if rows.isEmpty { lines.append(empty) }
        lines += rows.map(line)
        if !totals.isEmpty {
            lines.append(rule)
            lines += totals.map(line)
        }
        return lines.joined(separator: "\n")
    }
}
