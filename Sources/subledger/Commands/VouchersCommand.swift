import ArgumentParser
import Subledger

struct VouchersCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "vouchers",
        abstract: "GL vouchers: the debit and credit lines of every posting event.",
        discussion: """
            One row per voucher line, in log order, optionally for one transaction (or item, for standard \
            cost and revaluation vouchers) and through a business date.

            Examples:
              subledger vouchers --tx S1
              subledger vouchers --as-of 2026-01-31 --json
            """)

    @Option(help: "Only the vouchers of this transaction (or item).") var tx: String?
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Only vouchers dated through this business date.", valueName: "YYYY-MM-DD")) var asOf:
        DateArgument?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let rows = try database.open().historicalVouchers(reference: tx, asOf: asOf?.date ?? .distantFuture)
        if output.json { JSONOut.print(Self.json(rows)) } else { print(Self.table(rows).render()) }
    }

    static func table(_ rows: [VoucherRow]) -> Table {
        var table = Table([
            ("SEQ", .right), ("DATE", .left), ("EVENT", .left), ("REFERENCE", .left),
            ("POSTING TYPE", .left), ("ACCOUNT", .left), ("DEBIT", .right), ("CREDIT", .right),
        ])
        var debit = Total<Money>(), credit = Total<Money>()  // Int128: any number of lines (DR-17)
        for row in rows {
            for line in row.lines {
                let cells = Format.debitCredit(line.amount)
                if line.amount.isNegative { credit -= line.amount } else { debit += line.amount }
                table.add([
                    String(row.sequence), row.date.description, row.eventType, row.reference,
                    line.postingType.rawValue, line.account, cells.debit, cells.credit,
                ])
            }
        }
        if !rows.isEmpty {
            table.addTotal(["", "", "", "total", "", "", Format.money(debit), Format.money(credit)])
        }
        return table
    }

    static func json(_ rows: [VoucherRow]) -> JSONValue { VouchersJSON.document(rows) }
}
