import ArgumentParser
import Subledger

struct RecalculateCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "recalculate",
        abstract:
            "Inventory recalculation through a date: adjust issue costs like a close, without settling or locking.",
        discussion: """
            Values the financially updated issues dated up to DATE as a close would (by each periodic \
            item's model, marked receipts first) and posts the adjustments, dated DATE, but records no \
            settlement and locks nothing: posts dated on or before DATE are still accepted, and a later \
            close settles them.

            Prints the events appended, the adjustment entries with their total, and the log (unsettled \
            issues, zero-cost issues, negative on-hand). A --command-id used before for the same command appends nothing \
            ("already applied"); for another command it is refused (command-id-conflict). On a terminal, \
            a long run draws an elapsed-time line on stderr.

            Examples:
              subledger recalculate 2026-01-15
              subledger recalculate 2026-01-15 --command-id recalc-mid-january --json
            """)

    @Argument(help: ArgumentHelp("The recalculation date: adjusts issues dated up to it.", valueName: "YYYY-MM-DD"))
    var date: DateArgument
    @OptionGroup var idempotency: CommandIDOptions

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try CloseRun.run(
            .recalculate(date.date), label: "recalculating", what: "recalculation through \(date.date)",
            commandID: idempotency.commandID, database: database, output: output)
    }
}
