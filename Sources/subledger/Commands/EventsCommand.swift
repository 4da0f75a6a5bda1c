import ArgumentParser
import Subledger

struct EventsCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "The event log, decoded.",
        discussion: """
            One row per event: sequence, business date, wire type, the transaction or item it is about, \
            the command that appended it and its fields. --json adds the hash and the GL lines, and \
            "actor" (the API token whose request appended the event's command) where there is one. Page \
            through a long log with --after and --limit.

            Examples:
              subledger events --limit 20
              subledger events --after 100 --limit 10 --json
            """)

    @Option(parsing: .unconditional, help: "Start after this sequence.") var after: Int64 = 0
    @Option(parsing: .unconditional, help: "At most this many events.") var limit: Int?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if after < 0 { throw OptionValue.notPositive("--after", after, zeroAllowed: true) }
        if let limit, limit < 0 { throw OptionValue.notPositive("--limit", Int64(limit), zeroAllowed: true) }
    }

    func run() throws {
        let rows = try database.openLog().events(after: after, limit: limit)
        if output.json {
            JSONOut.print(EventJSON.document(rows))
        } else {
            print(EventView.table(rows).render())
        }
    }
}
