import ArgumentParser
import Subledger

struct DemoCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load a bundled demo history and close its first month, then show on-hand and the trial balance.",
        discussion: """
            Writes a fixed demo history (a few hundred postings over six items and every kind of valuation \
            model, two sites, physical receipts invoiced later, a transfer, a standard cost change and a \
            moving-average revaluation) as one command, closes its first month (2026-01-31), then prints \
            the close, the on-hand per cost pool and the trial balance. Creates the ledger if needed; \
            running it again appends nothing.

            Example:
              subledger demo --db demo.db
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open(create: true)
        let start = Terminal.nanoseconds()
        let demo = try ledger.runDemo()
        let elapsed = Terminal.nanoseconds() - start
        let result = demo.history
        let close = try demo.close.flatMap { $0.eventCount == 0 ? nil : try ledger.closeRow(sequence: $0.lastSequence) }
        if output.json {
            JSONOut.print([
                "path": .string(database.absolutePath),
                "result": CommandResultView.json(result),
                "close_result": demo.close.map { CommandResultView.json($0) } ?? .null,
                "close": close.map(ClosesJSON.close) ?? .null,
                "onhand": OnHandCommand.json(ledger.onHand()),
                "gl": GLCommand.json(ledger.trialBalance(), asOf: nil),
            ])
            return
        }
        if result.duplicate && demo.close?.duplicate != false {
            let total = result.eventCount + (demo.close?.eventCount ?? 0)
            print("the demo history is already in \(database.absolutePath) (\(total) events); nothing appended")
        } else {
            let appended =
                (result.duplicate ? 0 : result.eventCount)
                + (demo.close?.duplicate == false ? demo.close!.eventCount : 0)
            print(
                "loaded the demo history into \(database.absolutePath): \(appended) events "
                    + "(through sequence \(ledger.state.lastSequence)) in \(Terminal.seconds(elapsed))")
        }
        print()
        if let close {
            print("Closed the first month: " + CloseView.summary(close))
            print(
                "  (settlements: subledger settlements --close \(close.sequence); reconciliation: subledger reconcile)")
        } else {
            print("The first month was already closed in this ledger.")
        }
        print()
        print("On-hand")
        print(OnHandCommand.table(ledger.onHand()).render())
        print()
        print("Trial balance (debit positive)")
        print(GLCommand.table(ledger.trialBalance()).render())
        print()
        print(
            "More: subledger transactions | vouchers | settlements | closes | reconcile | verify --db \(database.shown)"
        )
    }
}
