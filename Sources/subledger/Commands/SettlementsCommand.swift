import ArgumentParser
import Subledger

struct SettlementsCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "settlements",
        abstract: "Settlement entries of closes and recalculations: which receipt each issue was costed from.",
        discussion: """
            One row per entry, in log order: the closing date, the close (the sequence of its close.posted \
            event, as `subledger closes` lists it), mode, item, kind, settle model, the issue (or receipt) \
            it changes, the receipt it settled against, the quantity, the value taken from the receipt and \
            the adjustment (+ means more cost). Kinds: settlement (issue matched with a receipt), \
            adjustment (valued without settlement: a recalculation, or physical value), consumption \
            (a receipt consumed by a weighted average closing), receipt-adjustment (a transfer's receipt \
            following its issue). The total line sums settlements and issue adjustments.

            Examples:
              subledger settlements
              subledger settlements --tx S1
              subledger settlements --item A --close 10 --json
            """)

    @Option(help: "Only entries of this item.") var item: String?
    @Option(help: "Only entries that change this transaction or settle against it.") var tx: String?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Only entries of this close (the sequence `subledger closes` shows).", valueName: "seq"))
    var close: Int64?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let close, close <= 0 { throw OptionValue.notPositive("--close", close, zeroAllowed: false) }
    }

    func run() throws {
        // Read from the log's close events: no projection is built, unless a filter found nothing and may
        // name an item or transaction the ledger does not have (which only the projection knows). A
        // closing receipt of a reversed close is gone from the projection even though entries name it.
        let (rows, closes) = try database.openLog().settlements(item: item, transaction: tx, closeSequence: close)
        if (item != nil || tx != nil) && (rows.isEmpty || tx.map(SyntheticID.isClosingReceipt) == true) {
            let ledger = try database.open()
            try ledger.requireKnown(item: item)
            try ledger.requireKnown(transaction: tx)
        }
        if let close, !closes.contains(where: { $0.sequence == close }) {
            throw CLIError(
                code: "usage",
                message: "no close or recalculation has sequence \(close); `subledger closes` lists them",
                exitCode: 64)
        }
        if output.json {
            JSONOut.print(SettlementsJSON.document(rows))
        } else {
            print(CloseView.settlementsTable(rows).render())
        }
    }
}
