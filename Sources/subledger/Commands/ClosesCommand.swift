import ArgumentParser
import Subledger

struct ClosesCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "closes",
        abstract: "Closes and recalculations so far, with their logs.",
        discussion: """
            One row per close or recalculation, in log order: its sequence (the id `settlements --close` \
            takes), closing date, mode, the number of settlement entries and of settled issues, the total \
            adjustment of issues, and the size of its log. Below the table, each run's log: issues left \
            unsettled, issues posted at zero cost, negative on-hand. The last line says through which \
            date the period is locked.

            Examples:
              subledger closes
              subledger closes --json
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        // Read from the log's close events: no projection is built.
        let (closes, closedThrough) = try database.openLog().currentCloses()
        if output.json {
            JSONOut.print(ClosesJSON.document(closes, closedThrough: closedThrough))
            return
        }
        print(CloseView.closesTable(closes).render())
        for close in closes {
            print()
            print(
                "\(close.mode == .close ? "Close" : "Recalculation") \(close.sequence) through \(close.date)"
                    + (close.reversedBy.map { " (reversed by \($0))" } ?? ""))
            print(CloseView.logLines(close).joined(separator: "\n"))
        }
        print()
        print(
            closedThrough.map { "closed through \($0): posts dated on or before it are refused" }
                ?? "no close in force: every date is open")
    }
}
