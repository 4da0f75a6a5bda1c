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

    static func settlementJSON(_ row: SettlementRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("date", .string(row.date.description))
        o.add("close_sequence", row.closeSequence.map(JSONOut.int) ?? .null)
        o.add("sequence", JSONOut.int(row.sequence))
        o.add("mode", .string(row.mode.name))
        o.add("item", .string(row.item))
        return .object(o.members + EventRendering.entryMembers(row.entry))
    }

    static func settlementsJSON(_ rows: [SettlementRow]) -> JSONValue {
        .array(rows.map(settlementJSON))
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

    static func closeJSON(_ close: CloseRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("sequence", JSONOut.int(close.sequence))
        o.add("date", .string(close.date.description))
        o.add("mode", .string(close.mode.name))
        o.add("reversed_by", close.reversedBy.map(JSONOut.int) ?? .null)
        o.add("settlement_entries", JSONOut.int(close.entryCount))
        o.add("settled", JSONOut.int(close.settledCount))
        o.add("total_adjustment", JSONOut.number(close.issueAdjustment))
        o.add("receipt_adjustment", JSONOut.number(close.receiptAdjustment))
        o.add("log", .array(close.log.map { .string($0) }))
        o.add("notes", .array(close.notes.map(\.json)))
        o.add("unsettled", .array(close.unsettled.map { .string($0) }))
        o.add("zero_cost", .array(close.zeroCost.map { .string($0) }))
        o.add("negative_onhand", .array(close.negativeOnHand.map { .string($0) }))
        return o.value
    }

    /// One note of the log: its stable code and its text.
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
