import ArgumentParser
import Subledger

struct InitCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger database (an empty event log).",
        discussion: """
            Creates the SQLite file and its schema. Running it on an existing ledger changes nothing and \
            says how many events it holds.

            Example:
              subledger init --db books.db
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let existed = database.exists
        let ledger = try database.open(create: true)
        let events = ledger.state.lastSequence
        let path = database.absolutePath
        if output.json {
            JSONOut.print(["path": .string(path), "created": .bool(!existed), "events": JSONOut.int(events)])
        } else if existed {
            print("ledger already exists at \(path) (\(events) events); nothing changed")
        } else {
            print("created an empty ledger at \(path)")
        }
    }
}
