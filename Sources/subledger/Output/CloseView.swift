import Subledger

/// Closes, recalculations and their settlement entries as tables and JSON (close, recalculate,
/// settlements, closes).
enum CloseView {
    // MARK: Settlement entries

    static func settlementsTable(_ rows: [SettlementRow]) -> Table {
        var table = Table([
            ("DATE", .left), ("CLOSE", .right), ("MODE", .left), ("ITEM", .left), ("KIND", .left),
            ("MODEL", .left), ("ISSUE/TX", .left), ("RECEIPT", .left), ("QTY", .right),
            ("SETTLED", .right), ("ADJUSTMENT", .right),
        ])
        var settled = Total<Money>(), adjustment = Total<Money>()  // Int128: any number of entries (DR-17)
        for row in rows {
            let e = row.entry
            table.add([
                row.date.description, row.closeSequence.map { String($0) } ?? "-", row.mode.name, row.item,
                row.kindName + (e.physical ? " (physical)" : ""), e.model.name, e.transaction,
                e.counterpart.isEmpty ? "-" : e.counterpart, Format.qty(e.quantity), Format.money(e.settledAmount),
                Format.signed(e.adjustment),
            ])
            if row.entry.kind == .settlement { settled += e.settledAmount }
            if row.adjustsIssue { adjustment += e.adjustment }
        }
        if !rows.isEmpty {
            table.addTotal(["total", "", "", "", "", "", "", "", "", Format.money(settled), Format.signed(adjustment)])
        }
        return table
    }

    // MARK: Closes

    /// `close through 2026-01-31 (sequence 10): 2 settlement entries (2 settled), total adjustment +1.33`
    static func summary(_ close: CloseRow) -> String {
        let what = close.mode == .close ? "close" : "recalculation"
        let entries = close.entryCount == 1 ? "1 settlement entry" : "\(close.entryCount) settlement entries"
        var text =
            "\(what) through \(close.date) (sequence \(close.sequence)): \(entries) (\(close.settledCount) settled), "
            + "total adjustment \(Format.signed(close.issueAdjustment))"
        if !close.receiptAdjustment.isZero { text += ", receipt adjustments \(Format.signed(close.receiptAdjustment))" }
        return text
    }

    /// The close log by category, every category shown (`none` when empty).
    static func logLines(_ close: CloseRow, indent: String = "  ") -> [String] {
        var lines: [String] = []
        func section(_ title: String, _ entries: [String], always: Bool = true) {
            guard always || !entries.isEmpty else { return }
            lines.append("\(indent)\(title): \(entries.isEmpty ? "none" : String(entries.count))")
            lines += entries.map { "\(indent)  \($0)" }
        }
        section("unsettled issues", close.unsettled)
        section("zero-cost issues", close.zeroCost)
        section("negative on-hand", close.negativeOnHand)
        section("other", close.otherLog, always: false)
        return lines
    }

    static func closesTable(_ closes: [CloseRow]) -> Table {
        var table = Table([
            ("SEQ", .right), ("DATE", .left), ("MODE", .left), ("ENTRIES", .right), ("SETTLED", .right),
            ("ADJUSTMENT", .right), ("UNSETTLED", .right), ("ZERO COST", .right), ("NEGATIVE", .right),
            ("LOG", .right),
        ])
        for close in closes {
            table.add([
                String(close.sequence), close.date.description,
                close.mode.name + (close.reversedBy.map { " (reversed by \($0))" } ?? ""), String(close.entryCount),
                String(close.settledCount), Format.signed(close.issueAdjustment), String(close.unsettled.count),
                String(close.zeroCost.count), String(close.negativeOnHand.count), String(close.log.count),
            ])
        }
        return table
    }
}
