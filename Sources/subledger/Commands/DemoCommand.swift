import ArgumentParser
import Subledger
import SubledgerCore

struct DemoCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load a bundled demo history, then show on-hand and the trial balance.",
        discussion: """
            Writes a fixed demo history (a few hundred postings over six items and every kind of valuation \
            model, two sites, physical receipts invoiced later, a transfer, a standard cost change and a \
            moving-average revaluation) as one command, then prints the on-hand per cost pool and the \
            trial balance. Creates the ledger if needed; running it again appends nothing.

            Example:
              subledger demo --db demo.db
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open(create: true)
        let start = Terminal.nanoseconds()
        let result = try ledger.loadDemo()
        let elapsed = Terminal.nanoseconds() - start
        if output.json {
            JSONOut.print([
                "path": .string(database.absolutePath),
                "result": CommandResultView.json(result),
                "onhand": OnHandCommand.json(ledger.onHand()),
                "gl": GLCommand.json(ledger.trialBalance(), asOf: nil),
            ])
            return
        }
        if result.duplicate {
            print("the demo history is already in \(database.absolutePath) (\(result.eventCount) events); nothing appended")
        } else {
            print("loaded the demo history into \(database.absolutePath): \(result.eventCount) events "
                  + "(sequences \(result.firstSequence)-\(result.lastSequence)) in \(Terminal.seconds(elapsed))")
        }
        print()
        print("On-hand")
        print(OnHandCommand.table(ledger.onHand()).render())
        print()
        print("Trial balance (debit positive)")
        print(GLCommand.table(ledger.trialBalance()).render())
        print()
        print("More: subledger transactions | vouchers | events | commands | verify --db \(database.path)")
    }
}
