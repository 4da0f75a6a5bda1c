import ArgumentParser
import Subledger

struct GLCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "gl",
        abstract: "Trial balance of the GL accounts the subledger posted to (debit positive).",
        discussion: """
            One line per account with the posting types that used it and its balance as of a business \
            date (default: everything). Debits are positive, credits negative; the total line is zero when \
            every voucher balances.

            Examples:
              subledger gl
              subledger gl --as-of 2026-01-31 --json
            """)

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Balances through this business date (inclusive).", valueName: "YYYY-MM-DD")) var asOf:
        DateArgument?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open()
        let rows = try asOf.map { try ledger.historicalTrialBalance(asOf: $0.date) } ?? ledger.trialBalance()
        if output.json { JSONOut.print(Self.json(rows, asOf: asOf?.date)) } else { print(Self.table(rows).render()) }
    }

    static func table(_ rows: [TrialBalanceRow]) -> Table {
        var table = Table([("ACCOUNT", .left), ("POSTING TYPES", .left), ("BALANCE", .right)])
        for row in rows {
            table.add([row.account, row.postingTypes.map(\.rawValue).joined(separator: ","), Format.money(row.balance)])
        }
        table.addTotal(["total", "", Format.money(rows.total(\.balance))])
        return table
    }

    static func json(_ rows: [TrialBalanceRow], asOf: LedgerDate?) -> JSONValue {
        TrialBalanceJSON.document(rows, asOf: asOf)
    }
}
