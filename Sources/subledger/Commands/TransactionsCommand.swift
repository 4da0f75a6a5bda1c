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
                Format.qty(r.quantity), Format.unit(r.postedUnitCost), Format.money(TransactionsJSON.postedAmount(r)),
                Format.signed(r.adjustment), Format.money(r.currentAmount), Format.unit(r.currentUnitCost),
                Format.qty(r.settledQuantity), Format.qty(r.openQuantity), Format.qty(r.physicalOpenQuantity),
                r.costSource.name,
            ])
        }
        return table
    }

    static func json(_ rows: [TransactionRow]) -> JSONValue { TransactionsJSON.document(rows) }
}
