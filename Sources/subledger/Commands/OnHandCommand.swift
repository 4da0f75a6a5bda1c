import ArgumentParser
import Subledger

struct OnHandCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "onhand",
        abstract: "On-hand quantity and value per item and cost pool.",
        discussion: """
            One row per cost pool (item x financially tracked dimension values): quantity and value in \
            total, financially updated (invoiced) and physical only, and the running average cost price. \
            The total line sums the values.

            Examples:
              subledger onhand
              subledger onhand --item A --json
            """)

    @Option(help: "Only this item.") var item: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open()
        try ledger.requireKnown(item: item)
        let rows = ledger.onHand(item: item)
        if output.json { JSONOut.print(Self.json(rows)) } else { print(Self.table(rows).render()) }
    }

    static func table(_ rows: [OnHandRow]) -> Table {
        var table = Table([
            ("ITEM", .left), ("MODEL", .left), ("DIMENSIONS", .left), ("QTY", .right), ("VALUE", .right),
            ("AVG COST", .right), ("FIN QTY", .right), ("FIN VALUE", .right), ("PHYS QTY", .right),
            ("PHYS VALUE", .right),
        ])
        var value = Total<Money>(), financial = Total<Money>(), physical = Total<Money>()
        for row in rows {
            let pool = row.pool
            table.add([
                row.item, row.model.rawValue, Format.dimensions(row.dimensions), Format.qty(pool.quantity),
                Format.money(pool.value), Format.unit(row.averageCost), Format.qty(pool.financialQuantity),
                Format.money(pool.financialValue), Format.qty(pool.physicalQuantity), Format.money(pool.physicalValue),
            ])
            value += pool.value
            financial += pool.financialValue
            physical += pool.physicalValue
        }
        if !rows.isEmpty {
            table.addTotal([
                "total", "", "", "", Format.money(value), "", "", Format.money(financial), "", Format.money(physical),
            ])
        }
        return table
    }

    static func json(_ rows: [OnHandRow]) -> JSONValue { OnHandJSON.document(rows) }
}
