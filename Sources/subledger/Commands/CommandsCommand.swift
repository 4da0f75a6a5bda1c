import ArgumentParser
import Subledger

struct CommandsCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "The commands appended so far, oldest first.",
        discussion: """
            Each command is one atomic append with an idempotency key (its id): the events it appended, \
            when, and the SHA-256 of its canonical content (the table shows its first 16 hex digits; \
            --json all of them). Re-running the same command with the same id appends nothing; another \
            command under that id is refused (command-id-conflict). A command recorded before the log kept \
            content hashes shows none ("-", null): its content cannot be compared. A command posted \
            through `subledger serve` names the API token whose request appended it (ACTOR, "actor"); \
            the column appears only when some command has one, the key only on a command that has one.

            Example:
              subledger commands
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let records = try database.openLog().commands()
        if output.json {
            JSONOut.print(CommandsJSON.document(records))
            return
        }
        // The ACTOR column only when some command has one: a ledger without actors prints as before.
        let actors = records.contains { $0.actor != nil }
        var table = Table(
            [
                ("COMMAND", .left), ("KIND", .left), ("FIRST", .right), ("LAST", .right), ("EVENTS", .right),
                ("RECORDED AT (UTC)", .left), ("CONTENT", .left),
            ] + (actors ? [("ACTOR", .left)] : []))
        for record in records {
            let empty = record.eventCount == 0
            table.add(
                [
                    record.commandID, record.kind, empty ? "-" : String(record.firstSequence),
                    empty ? "-" : String(record.lastSequence), String(record.eventCount),
                    Terminal.utcTimestamp(milliseconds: record.recordedAt),
                    record.contentHash.map { String($0.prefix(16)) } ?? "-",
                ] + (actors ? [record.actor ?? "-"] : []))
        }
        print(table.render())
    }
}
