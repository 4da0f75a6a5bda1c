import ArgumentParser
import Subledger

struct ValueCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "value",
        abstract: "Inventory value report as of a date: quantity and value per item and cost pool.",
        discussion: """
            One row per cost pool (item x financially tracked dimension values) with anything on hand as of \
            the business date (events dated on or before it; default: the latest business date of the log): financially updated quantity and value, \
            physically updated only (received or shipped, not invoiced), the total, and the average unit \
            cost (total value / total quantity, 4 decimals). Totals follow, then the GL inventory accounts \
            as of the same date, for comparison (see `reconcile` for the per-account reconciliation).

            Examples:
              subledger value --as-of 2026-03-31
              subledger value --as-of 2026-03-31 --item BOLT-M8 --json
            """)

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "The report's business date (inclusive; default: the latest business date).", valueName: "YYYY-MM-DD"))
    var asOf: DateArgument?
    @Option(help: "Only this item.") var item: String?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open()
        let report = try ledger.inventoryValue(asOf: asOf?.date ?? ledger.state.latestBusinessDate, item: item)
        if output.json { JSONOut.print(Self.json(report)) } else { print(Self.text(report)) }
    }

    static func text(_ report: InventoryValueReport) -> String {
        var table = Table([
            ("ITEM", .left), ("MODEL", .left), ("DIMENSIONS", .left), ("FIN QTY", .right),
            ("FIN VALUE", .right), ("PHYS QTY", .right), ("PHYS VALUE", .right), ("QTY", .right),
            ("VALUE", .right), ("AVG UNIT COST", .right),
        ])
        for row in report.rows {
            table.add([
                row.item, row.model.rawValue, Format.dimensions(row.dimensions), Format.qty(row.financialQuantity),
                Format.money(row.financialValue), Format.qty(row.physicalQuantity), Format.money(row.physicalValue),
                Format.qty(row.quantity), Format.money(row.value), Format.unit(row.averageUnitCost),
            ])
        }
        table.addTotal([
            "total", "", "", Format.qty(report.financialQuantity), Format.money(report.financialValue),
            Format.qty(report.physicalQuantity), Format.money(report.physicalValue), Format.qty(report.quantity),
            Format.money(report.value), "",
        ])
        var gl = Table([("GL INVENTORY ACCOUNT", .left), ("BALANCE", .right)])
        for account in report.ledgerAccounts { gl.add([account.account, Format.money(account.balance)]) }
        gl.addTotal(["total", Format.money(report.ledgerValue)])
        var text =
            "inventory value as of \(report.asOf)" + (report.item.map { ", item \($0)" } ?? "") + "\n"
            + table.render() + "\n\n" + gl.render()
        if report.item == nil {
            let difference = report.value - report.ledgerValue
            text +=
                "\n\ninventory value \(Format.money(report.value)) - GL \(Format.money(report.ledgerValue)) = \(Format.money(difference))"
        }
        return text
    }

    static func json(_ report: InventoryValueReport) -> JSONValue { ValueJSON.document(report) }
}
