import ArgumentParser
import Subledger

struct PostCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "post",
        abstract:
            "Run one command: item, accounts, receive, issue, invoice, mark, transfer, standard-cost, revalue, adjust.",
        discussion: """
            The flags are the fields of the JSON Lines format (see README), validated by the same decoder: \
            a flag the command does not take is refused with its name. Prints the events appended and \
            their GL lines. A --command-id that was used before for the same command appends nothing \
            ("already applied"); for another command it is refused (command-id-conflict).

            Examples:
              subledger post item --item A --model fifo --price 11.00
              subledger post accounts --account inventory=1400 --account cogs=5000
              subledger post receive --date 2026-01-01 --item A --tx P1 \\
                  --qty 10 --cost 9.50
              subledger post issue --date 2026-01-09 --item A --tx S1 --qty 4 \\
                  --command-id order-77
              subledger post receive --date 2026-01-02 --item A --tx P2 \\
                  --qty 5 --cost 10 --physical
              subledger post invoice --date 2026-01-05 --tx P2 --cost 10.20
              subledger post mark --date 2026-01-09 --issue S1 --receipt P1
              subledger post transfer --date 2026-01-10 --item A --tx T1 \\
                  --qty 2 --from site:S1 --to site:S2
              subledger post adjust --date 2026-01-12 --tx P1 --amount -3.00
            """)

    @Argument(
        help: ArgumentHelp("The command: \(CommandDecoder.commandNames.joined(separator: ", ")).", valueName: "command")
    )
    var command: String

    @Option(help: ArgumentHelp("Business date.", valueName: "YYYY-MM-DD")) var date: String?
    @Option(help: "Item id.") var item: String?
    @Option(help: "Transaction id.") var tx: String?
    @Option(parsing: .unconditional, help: "Quantity (a decimal > 0).") var qty: String?
    @Option(parsing: .unconditional, help: "Unit cost (receive; invoice of a receipt).") var cost: String?
    @Flag(help: "Physical update only (received or shipped, not yet invoiced).") var physical = false
    @Option(help: "Posting kind: purchase|journal|return|production (receive), sale|journal|production (issue).")
    var kind: String?
    @Option(help: "Site.") var site: String?
    @Option(help: "Warehouse.") var warehouse: String?
    @Option(help: "Batch number.") var batch: String?
    @Option(help: "Serial number.") var serial: String?
    @Option(help: "Issue transaction (mark).") var issue: String?
    @Option(help: "Receipt transaction (mark).") var receipt: String?
    @Option(help: ArgumentHelp("Transfer source.", valueName: "dim:value,...")) var from: String?
    @Option(help: ArgumentHelp("Transfer destination.", valueName: "dim:value,...")) var to: String?
    @Option(parsing: .unconditional, help: "Unit price (item default price; standard-cost; revalue).") var price:
        String?
    @Option(parsing: .unconditional, help: "Amount (adjust; + means more cost).") var amount: String?
    @Option(help: "Valuation model (item): \(ValuationModel.validNames).") var model: String?
    @Option(help: "Posting group (item; accounts).") var group: String?
    @Option(parsing: .unconditional, help: "Standard cost (item with model standard).") var standard: String?
    @Option(help: ArgumentHelp("Financially tracked dimensions (item).", valueName: "site,warehouse,batch,serial"))
    var dimensions: String?
    @Option(
        name: .customLong("include-physical"),
        help: ArgumentHelp("Include physical value in the running average (item).", valueName: "yes|no"))
    var includePhysical: String?
    @Option(help: ArgumentHelp("Allow negative on-hand (item, default yes).", valueName: "yes|no")) var negative:
        String?
    @Option(
        name: .customLong("fixed-receipt-price"),
        help: ArgumentHelp("Receipts at the item's price (item).", valueName: "yes|no")) var fixedReceiptPrice: String?
    @Option(help: ArgumentHelp("A posting type's account (accounts), repeatable.", valueName: "TYPE=ACCOUNT"))
    var account: [String] = []
    @OptionGroup var idempotency: CommandIDOptions

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        for entry in account where !entry.contains("=") {
            throw ValidationError("--account takes TYPE=ACCOUNT (like inventory=1400), not '\(entry)'")
        }
    }

    /// The flags as named fields, in the order given by the JSON Lines format.
    var fields: CommandFields {
        var fields = CommandFields()
        let named: [(String, String?)] = [
            ("date", date), ("item", item), ("tx", tx), ("qty", qty), ("cost", cost),
            ("physical", physical ? "yes" : nil), ("kind", kind), ("site", site), ("warehouse", warehouse),
            ("batch", batch), ("serial", serial), ("issue", issue), ("receipt", receipt), ("from", from), ("to", to),
            ("price", price), ("amount", amount), ("model", model), ("group", group), ("standard", standard),
            ("dimensions", dimensions), ("include-physical", includePhysical), ("negative", negative),
            ("fixed-receipt-price", fixedReceiptPrice),
        ]
        for case let (key, value?) in named { fields.set(key, value) }
        for entry in account {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.set(String(parts[0]), String(parts[1]))
        }
        return fields
    }

    func run() throws {
        let decoded = try CommandDecoder.decode(command: command, fields)
        let ledger = try database.open()
        let result = try ledger.execute(decoded, commandID: idempotency.commandID)
        let events =
            result.duplicate ? [] : try ledger.events(after: result.firstSequence - 1, limit: result.eventCount)
        if output.json {
            JSONOut.print(CommandResultView.json(result, events: events))
            return
        }
        print(CommandResultView.headline(result, what: command))
        guard !result.duplicate, !events.isEmpty else { return }
        print()
        print(EventView.table(events).render())
        if events.contains(where: { !$0.event.lines.isEmpty }) {
            print()
            print(EventView.linesTable(events).render())
        }
    }
}

/// What a command appended (post, import, demo).
enum CommandResultView {
    static func headline(_ result: CommandResult, what: String) -> String {
        let events = result.eventCount == 1 ? "1 event" : "\(result.eventCount) events"
        let range =
            result.eventCount == 0
            ? ""
            : result.eventCount == 1
                ? " (sequence \(result.firstSequence))"
                : " (sequences \(result.firstSequence)-\(result.lastSequence))"
        if result.duplicate {
            return "already applied: command \(result.commandID) appended \(events)\(range) before; nothing appended"
                + (result.contentHash == nil ? CommandResultView.notCompared : "")
        }
        return "appended \(events)\(range) for \(what), command \(result.commandID)"
    }

    /// A command recorded before the log kept content hashes is taken for the same command: say so.
    static let notCompared = " (recorded without a content hash: its content was not compared)"

    static func json(_ result: CommandResult, events: [EventRow]? = nil) -> JSONValue {
        CommandResultJSON.result(result, events: events)
    }
}
