import ArgumentParser
import Subledger
import SubledgerPostgres

struct InitCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger database (an empty event log).",
        discussion: """
            Creates the SQLite file and its schema. Running it on an existing ledger changes nothing and \
            says how many events it holds.

            On PostgreSQL (--db postgresql://user@host:port/dbname, connecting as the owner of the \
            tables) it creates the tables in the database's public schema and prints the GRANTs the \
            ledger's own role needs (INSERT and SELECT on the log; SELECT, INSERT and DELETE on its period \
            snapshots, a cache; SELECT, INSERT, UPDATE and DELETE on its history tables, a projection of \
            the log, and SELECT on their views; nothing else); --grant-to ROLE runs them.

            Example:
              subledger init --db books.db
              subledger init --db postgresql://owner@db.example:5432/books --grant-to ledger
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(
        name: .customLong("grant-to"),
        help: ArgumentHelp(
            "PostgreSQL only: grant this role what the ledger needs (INSERT and SELECT on the log).",
            valueName: "role"))
    var grantTo: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if grantTo != nil, !database.isPostgres {
            throw ValidationError("--grant-to is for a ledger in PostgreSQL (--db postgresql://...)")
        }
    }

    func run() throws {
        if database.isPostgres { return try runPostgres() }
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

    /// Creates (or finds) the tables, then prints or applies the grants.
    func runPostgres() throws {
        let (log, created) = try LedgerError.translatingLogErrors { try PostgresEventLog.create(url: database.path) }
        let events = try LedgerError.translatingLogErrors { try log.lastSequence() }
        if let grantTo { try LedgerError.translatingLogErrors { try log.grant(to: grantTo) } }
        let grants = PostgresEventLog.grants(role: grantTo ?? "ROLE")
        let where_ = database.shown
        if output.json {
            JSONOut.print([
                "path": .string(where_), "created": .bool(created), "events": JSONOut.int(events),
                "grants": .array(grants.map { .string($0) }), "granted": grantTo.map { .string($0) } ?? .null,
            ])
            return
        }
        print(
            created
                ? "created an empty ledger in \(where_)"
                : "ledger already exists in \(where_) (\(events) events); nothing changed")
        if let grantTo {
            print("granted to \(grantTo) (INSERT and SELECT on the log, SELECT, INSERT and DELETE on snapshots):")
        } else {
            print("the ledger's own role needs these grants (run them as the owner, or use --grant-to ROLE):")
        }
        for grant in grants { print("  \(grant);") }
    }
}
