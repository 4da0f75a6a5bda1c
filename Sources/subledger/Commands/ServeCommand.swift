import ArgumentParser
import Subledger
import SubledgerServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP: commands, batches, closes and queries as JSON under /v1.",
        discussion: """
            Holds the ledger's open state in memory and runs the commands that arrive together as one \
            group: one durable SQLite transaction, each request answered once it is durable. Another \
            process may write to the same file (a CLI import): the server catches up before each request. \
            SIGTERM or SIGINT stops it gracefully: it stops accepting, finishes the commands in flight and \
            closes the ledger. Logs go to stderr, one line per request with its X-Request-Id.

            Try it on the demo ledger:
              subledger demo --db demo.db
              subledger serve --db demo.db --no-auth
              curl -s localhost:8080/v1/onhand
              curl -s -X POST localhost:8080/v1/commands -H 'Idempotency-Key: rcv-1' \\
                  -d '{"command":"receive","date":"2026-04-01","item":"OIL-5L","tx":"API-1","qty":5,"cost":18.2}'
              curl -s -X POST localhost:8080/v1/closes -d '{"date":"2026-02-28"}'
            """)

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: one the system chooses, printed at start).") var port = 8080
    @Flag(name: .customLong("no-auth"), help: "Serve without tokens (only on a loopback address).")
    var noAuth = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port takes 0 to 65535, not \(port)") }
    }

    func run() throws {
        let ledger = try database.open()
        try ServerMain.run(ledger: ledger, configuration: ServerConfiguration(host: host, port: port, noAuth: noAuth))
    }
}
