import ArgumentParser
import Subledger
import SubledgerPostgres
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

            With --db postgresql://... several servers may serve one database: their appends are \
            totally ordered, and each catches up with the others' before each request. The long reads \
            (verify, reports) use up to --read-connections connections of their own.

            Every route but /healthz needs `Authorization: Bearer TOKEN` with a token whose role covers \
            it (`subledger token create`): read for queries, post for commands and batches, close for \
            closes, recalculations and reversals; the token's name is recorded with the commands it runs. \
            Without an active token the server refuses to start, unless --no-auth is given AND --host is \
            a loopback address.

            Try it on the demo ledger:
              subledger demo --db demo.db
              subledger token create --name erp --role close --db demo.db
              subledger serve --db demo.db
              A="Authorization: Bearer sl_..."   # the secret token create printed
              curl -s localhost:8080/v1/onhand -H "$A"
              B='{"command":"receive","date":"2026-04-01","item":"OIL-5L",'
              B="$B"'"tx":"API-1","qty":5,"cost":18.2}'
              curl -s -d "$B" -H "$A" -H 'Idempotency-Key: api-1' localhost:8080/v1/commands
              curl -s localhost:8080/v1/closes -H "$A" -d '{"date":"2026-02-28"}'
            On this machine only, without tokens: subledger serve --db demo.db --no-auth
            """)

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: one the system chooses, printed at start).") var port = 8080
    @Flag(name: .customLong("no-auth"), help: "Serve without tokens (only on a loopback address).")
    var noAuth = false
    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp(
            "The least level logged on stderr (info: one line per request).",
            valueName: ServerConfiguration.logLevels.joined(separator: "|")))
    var logLevel = "info"

    @Option(
        name: .customLong("read-connections"),
        help: "With a ledger in PostgreSQL: the most connections the long reads (verify, reports) open.")
    var readConnections = 4

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...64).contains(readConnections) else {
            throw ValidationError("--read-connections takes 1 to 64, not \(readConnections)")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port takes 0 to 65535, not \(port)") }
        guard ServerConfiguration.logLevels.contains(logLevel) else {
            throw ValidationError(
                "--log-level takes \(ServerConfiguration.logLevels.joined(separator: ", ")), not '\(logLevel)'")
        }
    }

    func run() throws {
        let ledger = try database.open()
        let readers = database.isPostgres ? readingPool() : nil
        do {
            try ServerMain.run(
                ledger: ledger,
                configuration: ServerConfiguration(
                    host: host, port: port, noAuth: noAuth, logLevel: logLevel,
                    databasePath: database.isPostgres ? nil : database.path),
                readers: readers)
        } catch let refusal as ServeRefusal {
            throw CLIError(code: refusal.code, message: refusal.message, exitCode: 64)
        }
    }

    /// The reading connections of a ledger in PostgreSQL: each its own connection to the same database.
    func readingPool() -> ReadingPool {
        let url = database.path
        return ReadingPool(capacity: readConnections) {
            LedgerLog(log: try LedgerError.translatingLogErrors { try PostgresEventLog.open(url: url, create: false) })
        }
    }
}
