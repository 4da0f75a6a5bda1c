import ArgumentParser
import Subledger

struct RebuildCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the history tables (GL days, voucher lines, settlements, on-hand at closes) from the log.",
        discussion: """
            The history tables in the ledger file (or the PostgreSQL database) are projections of the \
            event log that the views (gl_days_v, trial_balance_v, voucher_lines_v, settlements_v, \
            closes_v, onhand_at_close_v, onhand_v) show to auditors. Closes keep them up to date; \
            rebuild empties them and projects the whole log again in one transaction (all or nothing), \
            then prints the rows per table and the time taken. The events are never touched. On a \
            terminal, progress is drawn on stderr.

            Examples:
              subledger rebuild
              subledger rebuild --json
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        // Only the log is needed: opening a `Ledger` would first build the live projection too.
        let log = try database.openLog()
        let start = Terminal.nanoseconds()
        let rebuild = try ProgressLine.showing("rebuilding", unit: "events") { progress in
            try log.rebuildHistory(progress: progress)
        }
        let milliseconds = (Terminal.nanoseconds() - start) / 1_000_000
        if output.json {
            JSONOut.print([
                "events": JSONOut.int(rebuild.events),
                "tables": .array(
                    rebuild.rows.map { ["table": .string($0.table), "rows": JSONOut.int($0.rows)] }),
                "milliseconds": JSONOut.int(milliseconds),
            ])
            return
        }
        var table = Table([("TABLE", .left), ("ROWS", .right)])
        for row in rebuild.rows { table.add([row.table, String(row.rows)]) }
        print("rebuilt the history tables from \(rebuild.events) events in \(Self.seconds(milliseconds)) s")
        print("")
        print(table.render())
    }

    static func seconds(_ milliseconds: Int64) -> String {
        let padded = "00" + String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + padded.suffix(3)
    }
}
