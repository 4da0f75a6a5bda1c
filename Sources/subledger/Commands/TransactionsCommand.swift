import ArgumentParser
import Subledger

struct TransactionsCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "Inventory transactions with their posted and current cost.",
        discussion: """
            One row per receipt, issue or transfer in log order: quantity; the unit cost and amount it \
            was posted with; the adjustments since (closes, recalculations, transaction adjustments; + \
            means more cost); its current amount and unit cost (posted + adjustments); the quantity \
            settled by closes and the financial quantity still open (not settled); the quantity still \
            only physical; and where an issue's cost came from (running average, marking, standard \
            cost, ...).

            Examples:
              subledger transactions
              subledger transactions --item A --json
            """)

    @Option(help: "Only this item.") var item: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open()
        try ledger.requireKnown(item: item)
        let rows = try ledger.transactions(item: item)
        if output.json { JSONOut.print(Self.json(rows)) } else { print(Self.table(rows).render()) }
    }

    static func table(_ rows: [TransactionRow]) -> Table {
        var table = Table([
            ("SEQ", .right), ("TX", .left), ("ITEM", .left), ("DIRECTION", .left), ("KIND", .left),
            ("DATE", .left), ("DIMENSIONS", .left), ("QTY", .right), ("POSTED UNIT", .right),
            ("POSTED AMT", .right), ("ADJUSTMENT", .right), ("AMOUNT", .right), ("UNIT COST", .right),
            ("SETTLED", .right), ("OPEN", .right), ("PHYS OPEN", .right), ("COST SOURCE", .left),
        ])
        for row in rows {
            let r = row.record
            var dimensions = Format.dimensions(r.dimensions)
            if let destination = row.destination { dimensions += " -> " + Format.dimensions(destination) }
            table.add([
                String(r.sequence), r.id, r.item, r.direction.rawValue, r.kindName, r.date.description, dimensions,
                Format.qty(r.quantity), Format.unit(r.postedUnitCost), Format.money(Self.postedAmount(r)),
                Format.signed(r.adjustment), Format.money(r.currentAmount), Format.unit(r.currentUnitCost),
                Format.qty(r.settledQuantity), Format.qty(r.openQuantity), Format.qty(r.physicalOpenQuantity),
                r.costSource.name,
            ])
        }
        return table
    }

    /// The amount before adjustments: the current amount less every adjustment since posting.
    static func postedAmount(_ r: TransactionRecord) -> Money { r.currentAmount - r.adjustment }

    static func json(_ rows: [TransactionRow]) -> JSONValue {
        [
            "transactions": .array(
                rows.map { row in
                    let r = row.record
                    var o = JSONObjectBuilder()
                    o.add("sequence", JSONOut.int(r.sequence))
                    o.add("tx", .string(r.id))
                    o.add("item", .string(r.item))
                    o.add("model", .string(row.model.rawValue))
                    o.add("direction", .string(r.direction.rawValue))
                    o.add("kind", .string(r.kindName))
                    o.add("date", .string(r.date.description))
                    o.add("financial_date", JSONOut.string(r.financialDate?.description))
                    o.add("dimensions", EventRendering.dimensions(r.dimensions))
                    o.addIfPresent("destination", row.destination.map(EventRendering.dimensions))
                    o.add("qty", JSONOut.number(r.quantity))
                    o.add("unit_price", JSONOut.number(r.unitPrice))
                    o.add("posted_unit_cost", JSONOut.number(r.postedUnitCost))
                    o.add("posted_amount", JSONOut.number(Self.postedAmount(r)))
                    o.add("adjustment", JSONOut.number(r.adjustment))
                    o.add("current_amount", JSONOut.number(r.currentAmount))
                    o.add("current_unit_cost", JSONOut.number(r.currentUnitCost))
                    o.add("amount", JSONOut.number(r.currentAmount))
                    o.add("financial_qty", JSONOut.number(r.financialQuantity))
                    o.add("financial_value", JSONOut.number(r.financialValue))
                    o.add("settled_qty", JSONOut.number(r.settledQuantity))
                    o.add("settled_value", JSONOut.number(r.settledValue))
                    o.add("open_qty", JSONOut.number(r.openQuantity))
                    o.add("open_value", JSONOut.number(r.openValue))
                    o.add("physical_open_qty", JSONOut.number(r.physicalOpenQuantity))
                    o.add("physical_open_value", JSONOut.number(r.physicalOpenValue))
                    o.add("cost_source", .string(r.costSource.name))
                    o.add(
                        "accounts",
                        .object(
                            row.accounts.sorted { $0.key.rawValue < $1.key.rawValue }
                                .map { JSONMember(key: $0.key.rawValue, value: .string($0.value)) }))
                    return o.value
                })
        ]
    }
}
