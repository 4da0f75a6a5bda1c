// subledger: the command line over the Subledger library (architecture.md, "A thin CLI").
//
// Each subcommand parses its arguments, calls one `Ledger` method and renders a table or, with `--json`,
// one JSON document on stdout. Errors become messages and exit codes in ONE place, `SubledgerMain.run`:
//
//   0  success
//   1  a check failed (a scenario expectation, the hash chain)
//   2  the ledger refused the command (a `Rejection`, a `TokenError`); nothing was written
//   3  storage error (`LedgerError`): a damaged log (an event whose hash does not match, or
//      that contradicts the events before it, named by sequence), SQLite-reported corruption, or a
//      write to a ledger open read-only (`read-only`)
//   64 usage error (ArgumentParser: unknown flag, bad value)
//   66 an input file or the ledger database does not exist or cannot be read (a directory, a missing
//      folder), or the file is not a Subledger ledger (`not-a-ledger`; it is left unchanged)
// A ledger in PostgreSQL (`--db postgresql://...`, DR-38) adds: `unreachable` and `authentication-failed`
// (3), `no-database` and `no-ledger` (66), `bad-url` and `tls-unsupported` (64), and `not-on-postgresql`
// (3) for what only a ledger file has (snapshots, history tables, tokens); with TLS (DR-43):
// `tls-not-offered`, `tls-untrusted`, `tls-host-mismatch` (3) and `tls-root-certificate` (64).

import ArgumentParser
import Subledger
import SubledgerPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SubledgerCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subledger",
        abstract: "An event-sourced inventory subledger with Dynamics 365 costing semantics.",
        discussion: """
            Every command works on one SQLite ledger file: --db PATH, else the SUBLEDGER_DB environment \
            variable, else ./subledger.db. Add --json for one JSON document on stdout.

            Try it:
              subledger demo --db demo.db
              subledger onhand --db demo.db
              subledger close 2026-01-31 --db demo.db
              subledger settlements --db demo.db
            """,
        version: SubledgerVersion.current,
        subcommands: [
            InitCommand.self, DemoCommand.self, PostCommand.self, ImportCommand.self,
            OnHandCommand.self, TransactionsCommand.self, VouchersCommand.self, GLCommand.self,
            CloseCommand.self, RecalculateCommand.self, SettlementsCommand.self, ClosesCommand.self,
            ReverseCloseCommand.self,
            EventsCommand.self, CommandsCommand.self, VerifyCommand.self, ScenarioCommand.self,
            ReplayCommand.self,
            ReconcileCommand.self,
            ValueCommand.self,
            SnapshotCommand.self,
            RebuildCommand.self,
            TokenCommand.self,
            ServeCommand.self,
            ReportCommand.self,
            CopyCommand.self,
        ])
}

/// Subcommands that can print JSON, so errors can be printed as JSON too.
protocol JSONOutputting {
    var output: OutputOptions { get }
}

/// An error of the command line itself (not the ledger's), with its exit code.
struct CLIError: Error, CustomStringConvertible {
    var code: String
    var message: String
    var exitCode: Int32

    /// The ledger file or an input file is missing or unreadable (EX_NOINPUT).
    static func noInput(_ message: String) -> CLIError { CLIError(code: "no-input", message: message, exitCode: 66) }

    var description: String { "error[\(code)]: \(message)" }
}

/// A check ran and found a failure (scenario expectations, the hash chain); the report is already printed.
struct CheckFailed: Error {}

enum SubledgerMain {
    static func run() {
        var command: ParsableCommand
        do {
            command = try SubledgerCLI.parseAsRoot()
        } catch {
            SubledgerCLI.exit(withError: error)
        }
        let json = (command as? JSONOutputting)?.output.json ?? false
        do {
            try command.run()
        } catch {
            report(error, json: json)
        }
        exit(0)
    }

    /// The one place where errors become messages and exit codes.
    static func report(_ error: Error, json: Bool) -> Never {
        switch error {
        case let rejection as Rejection:
            fail(
                code: rejection.code.rawValue, field: rejection.field, line: rejection.line,
                message: rejection.message, text: rejection.description, json: json, exitCode: 2)
        case LedgerError.rejected(let rejection):
            report(rejection, json: json)
        case LedgerError.notALedger(let message):
            fail(
                code: "not-a-ledger", message: message, text: "error[not-a-ledger]: \(message)", json: json,
                exitCode: 66)
        case LedgerError.readOnly(let message):
            fail(code: "read-only", message: message, text: "error[read-only]: \(message)", json: json, exitCode: 3)
        case LedgerError.notOnPostgreSQL(let message):
            fail(
                code: "not-on-postgresql", message: message, text: "error[not-on-postgresql]: \(message)", json: json,
                exitCode: 3)
        case let error as PostgresOpenError:
            let code = error.kind.rawValue
            fail(
                code: code, message: error.message, text: "error[\(code)]: \(error.message)", json: json,
                exitCode: exitCode(error.kind))
        case let error as LedgerError:
            fail(code: "storage", message: error.description, text: "error[storage]: \(error)", json: json, exitCode: 3)
        case let error as TokenError:
            fail(
                code: error.code.rawValue, field: error.field, message: error.message, text: error.description,
                json: json, exitCode: 2)
        case let error as DemoError:
            fail(
                code: "not-empty", message: error.description, text: "error[not-empty]: \(error)", json: json,
                exitCode: 2)
        case let error as CLIError:
            fail(
                code: error.code, message: error.message, text: error.description, json: json, exitCode: error.exitCode)
        case is CheckFailed:
            exit(1)
        default:
            SubledgerCLI.exit(withError: error)
        }
    }

    static func exitCode(_ kind: PostgresOpenError.Kind) -> Int32 {
        switch kind {
        case .unreachable, .authenticationFailed, .tlsNotOffered, .tlsUntrusted, .tlsHostMismatch: 3
        case .noDatabase, .noLedger: 66
        case .badURL, .tlsUnsupported, .tlsRootCertificate: 64
        }
    }

    /// Text goes out with control characters escaped (it may quote input); JSON escapes them itself.
    static func fail(
        code: String, field: String? = nil, line: Int? = nil, message: String, text: String,
        json: Bool, exitCode: Int32
    ) -> Never {
        if json {
            let object: JSONValue = [
                "error": .string(code),
                "field": field.map { .string($0) } ?? .null,
                "line": line.map { .number(String($0)) } ?? .null,
                "message": .string(message),
            ]
            Terminal.writeError(object.serialized() + "\n")
        } else {
            Terminal.writeError(SafeText.escaped(text) + "\n")
        }
        exit(exitCode)
    }
}
