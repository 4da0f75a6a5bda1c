import ArgumentParser
import Subledger
import SubledgerConsole

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write reports as files to read offline.",
        subcommands: [ReportCloseCommand.self])
}

struct ReportCloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Write a close's working papers as static HTML pages with their CSVs.",
        discussion: """
            The close pack for an auditor: the console's pages for the run in force dated --date (the \
            latest, when a recalculation shares the date), written into --out as static HTML files that \
            link to each other by relative links, with the stylesheet inline and no forms: index.html, the \
            inventory value as of the date (value.html), the close's totals, adjustments by item and by GL \
            account and its whole log (close.html), its settlements (settlements.html) and the \
            reconciliation as of the date (reconciliation.html). Each table's CSV (exact decimals) is beside \
            its page, named page-table.csv.

            --out is created when missing; an existing directory that is not empty is refused (exit 2) \
            unless --force, which overwrites the pack's files. No close in force on the date: exit 2.

            Examples:
              subledger report close --date 2026-03-31 --out close-2026-03-31
            """)

    @Option(help: ArgumentHelp("The close's date.", valueName: "YYYY-MM-DD")) var date: DateArgument
    @Option(help: ArgumentHelp("The directory to write the pack into.", valueName: "dir")) var out: String
    @Flag(help: "Write into a directory that is not empty, overwriting the pack's files.") var force = false
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let ledger = try database.open()
        do {
            let files = try ClosePack.write(ledger: ledger, closeDate: date.date, to: out, force: force)
            print("wrote \(files.count) files to \(out) (open \(out)/index.html)")
        } catch let error as ClosePackError {
            switch error {
            case .noClose: throw CLIError(code: "no-close", message: error.description, exitCode: 2)
            case .notEmpty: throw CLIError(code: "not-empty", message: error.description, exitCode: 2)
            case .io: throw CLIError(code: "cannot-write", message: error.description, exitCode: 73)
            }
        }
    }
}
