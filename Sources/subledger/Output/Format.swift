import Subledger

/// Exact text for the fixed-point types, for tables and JSON. Never through Double.
enum Format {
    /// Quantities without trailing zeros (`2.5`, `10`).
    static func qty(_ value: Quantity) -> String { value.formatted(minimumDecimals: 0) }
    /// Amounts with their two decimals (`12.50`).
    static func money(_ value: Money) -> String { value.description }
    /// A report total (summed in `Int128`, DR-17).
    static func money(_ value: Total<Money>) -> String { value.description }
    static func qty(_ value: Total<Quantity>) -> String { value.formatted(minimumDecimals: 0) }
    /// Adjustments with an explicit sign (`+1.83`, `-0.50`, `0.00`), as the scenario notation writes them.
    static func signed(_ value: Money) -> String { value.isPositive ? "+" + value.description : value.description }
    static func signed(_ value: Total<Money>) -> String {
        value.isPositive ? "+" + value.description : value.description
    }
    /// Unit prices with their four decimals (`10.5000`), so a column of them aligns.
    static func unit(_ value: UnitPrice?) -> String { value?.description ?? "-" }
    /// Setup events carry a placeholder date; show them as `setup`.
    static func date(_ value: LedgerDate) -> String { value == EventCatalog.setupDate ? "setup" : value.description }
    static func dimensions(_ value: DimensionValues) -> String {
        let text = value.description
        return text.isEmpty ? "-" : text
    }

    static func hex(_ bytes: [UInt8]) -> String { JSONFields.hex(bytes) }

    /// Debit and credit columns from a debit-positive amount.
    static func debitCredit(_ amount: Money) -> (debit: String, credit: String) {
        if amount.isNegative { return ("", money(-amount)) }
        return (money(amount), "")
    }
}

/// The CLI's name for the library's JSON values (`JSONFields`), plus printing a document.
typealias JSONOut = JSONFields

extension JSONFields {
    /// Prints one JSON document on stdout.
    static func print(_ value: JSONValue) {
        Swift.print(value.serialized())
    }
}

/// Events as one-line summaries and tables (their JSON is the library's `EventJSON`).
enum EventView {
    /// `item=A qty=1.0000 cost_amount=10.50`: the scalar fields of the event; dimensions as site:S1.
    static func summary(_ event: LedgerEvent) -> String {
        guard let members = EventRendering.json(event).objectMembers else { return "" }
        var parts: [String] = []
        for member in members {
            switch member.value {
            case .string(let text): if !text.isEmpty { parts.append("\(member.key)=\(text)") }
            case .number(let text): parts.append("\(member.key)=\(text)")
            case .bool(let flag): if flag { parts.append(member.key) }
            case .object(let inner) where member.key != "accounts":
                let text = inner.compactMap { m in m.value.stringValue.map { "\(m.key):\($0)" } }.joined(separator: ",")
                if !text.isEmpty { parts.append("\(member.key)=\(text)") }
            case .object(let inner):
                parts += inner.compactMap { m in m.value.stringValue.map { "\(m.key)=\($0)" } }
            default: break  // GL lines and revaluation rows are shown by `vouchers`
            }
        }
        return parts.joined(separator: " ")
    }

    /// One row per event: sequence, date, type, reference, summary.
    static func table(_ rows: [EventRow]) -> Table {
        var table = Table([
            ("SEQ", .right), ("DATE", .left), ("TYPE", .left), ("REFERENCE", .left),
            ("COMMAND", .left), ("DETAIL", .left),
        ])
        for row in rows {
            table.add([
                String(row.stored.sequence), Format.date(row.stored.envelope.date), row.stored.envelope.type,
                EventRendering.reference(row.event), row.stored.commandID, summary(row.event),
            ])
        }
        return table
    }

    /// The GL lines of the events, with debit and credit columns.
    static func linesTable(_ rows: [EventRow]) -> Table {
        var table = Table([
            ("SEQ", .right), ("POSTING TYPE", .left), ("ACCOUNT", .left), ("DEBIT", .right), ("CREDIT", .right),
        ])
        for row in rows {
            for line in row.event.lines {
                let (debit, credit) = Format.debitCredit(line.amount)
                table.add([String(row.stored.sequence), line.postingType.rawValue, line.account, debit, credit])
            }
        }
        return table
    }
}
