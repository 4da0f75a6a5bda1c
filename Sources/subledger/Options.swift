import ArgumentParser
import Subledger
import SubledgerPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--json`: one JSON document on stdout instead of a table.
struct OutputOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: "Print one JSON document on stdout (amounts as exact decimal strings); errors as JSON on stderr.")
    var json = false
}

/// `--command-id ID`: the idempotency key of a command that writes.
struct CommandIDOptions: ParsableArguments {
    @Option(
        name: .customLong("command-id"),
        help: "Idempotency key: the same command again appends nothing, another is refused.")
    var commandID: String?
}

/// `--db PATH`, else $SUBLEDGER_DB, else ./subledger.db; `--read-only` to open it without writing. A
/// `postgresql://user[:password]@host[:port]/dbname` URL selects a ledger in PostgreSQL instead (DR-38).
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The ledger file, or postgresql://user@host:port/dbname (default: $SUBLEDGER_DB, else ./subledger.db).",
            valueName: "path"))
    var db: String?
    @Flag(
        name: .long,
        help:
            "Open the ledger read-only: queries work, writes fail with read-only (automatic when the file is not writable)."
    )
    var readOnly = false

    var path: String {
        if let db { return db }
        if let value = getenv("SUBLEDGER_DB"), value.pointee != 0 { return String(cString: value) }
        return "./subledger.db"
    }

    var exists: Bool { path == ":memory:" || access(path, F_OK) == 0 }

    /// True when `--db` (or $SUBLEDGER_DB) names a PostgreSQL database rather than a file.
    var isPostgres: Bool { PostgresLocation.isPostgresURL(path) }

    /// The ledger for messages: the file's path, or the database's URL without its password.
    var shown: String {
        guard isPostgres else { return path }
        return (try? PostgresLocation(url: path).description) ?? "the PostgreSQL database"
    }

    /// Opens the ledger and replays its log (with a progress line on a terminal), printing on stderr any
    /// snapshot it had to skip. Every command but `init` and `demo` needs an existing ledger, so a
    /// mistyped path does not silently create a new one.
    func open(create: Bool = false) throws -> Ledger {
        let ledger: Ledger
        if isPostgres {
            let log = try openPostgres(create: create)
            ledger = try ProgressLine.showing("replaying", unit: "events") { progress in
                try Ledger(log: log, snapshots: PostgresSnapshots(log), clock: FixedClock.clock, progress: progress)
            }
        } else {
            let access = try checkPath(create: create)
            ledger = try ProgressLine.showing("replaying", unit: "events") { progress in
                try Ledger(path: path, access: access, clock: FixedClock.clock, progress: progress)
            }
        }
        for warning in ledger.snapshotWarnings { Terminal.writeError("warning: \(warning)\n") }
        return ledger
    }

    /// Opens only the event log (no projection), for commands that stream it.
    func openLog() throws -> LedgerLog {
        if isPostgres {
            let log = try openPostgres(create: false)
            return LedgerLog(log: log, snapshots: PostgresSnapshots(log))
        }
        return try LedgerLog(path: path, access: checkPath(create: false))
    }

    /// Connects to the PostgreSQL ledger (creating its tables when `create`); `--read-only` is for files.
    func openPostgres(create: Bool) throws -> PostgresEventLog {
        if readOnly {
            throw LedgerError.notOnPostgreSQL(
                "--read-only is for a ledger file; on PostgreSQL connect as a role granted SELECT only")
        }
        return try LedgerError.translatingLogErrors { try PostgresEventLog.open(url: path, create: create) }
    }

    /// How to open `path`, or a no-input error (exit 66) naming what is wrong with it.
    func checkPath(create: Bool) throws -> LedgerAccess {
        if path == ":memory:" { return .create }
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFDIR {
                throw CLIError.noInput("\(path) is a directory, not a ledger file")
            }
            if access(path, R_OK) != 0 {
                throw CLIError.noInput("cannot read the ledger \(path): \(String(cString: strerror(errno)))")
            }
        } else if !create {
            throw CLIError.noInput(
                folderExists
                    ? "no ledger at \(path); create one with `subledger init --db \(path)`"
                    : "no ledger at \(path): the folder \(folder) does not exist")
        } else if !folderExists {
            throw CLIError.noInput("cannot create a ledger at \(path): the folder \(folder) does not exist")
        }
        if readOnly { return .readOnly }
        return create ? .create : .existing
    }

    /// The folder the ledger file is (or would be) in.
    var folder: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    var folderExists: Bool {
        var info = stat()
        return stat(folder, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The absolute path, for messages.
    var absolutePath: String {
        guard !isPostgres else { return shown }
        guard path != ":memory:", let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A business date given as an option value (`--as-of 2026-01-31`).
struct DateArgument: ExpressibleByArgument {
    var date: LedgerDate
    init?(argument: String) {
        guard let date = LedgerDate(argument) else { return nil }
        self.date = date
    }
    static var defaultValueDescription: String { "YYYY-MM-DD" }
}
