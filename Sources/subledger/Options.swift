import ArgumentParser
import Glibc
import Subledger
import SubledgerCore

/// `--json`: one JSON document on stdout instead of a table.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document on stdout (amounts as exact decimal strings); errors as JSON on stderr.")
    var json = false
}

/// `--db PATH`, else $SUBLEDGER_DB, else ./subledger.db.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (default: $SUBLEDGER_DB, else ./subledger.db).", valueName: "path"))
    var db: String?

    var path: String {
        if let db { return db }
        if let value = getenv("SUBLEDGER_DB"), value.pointee != 0 { return String(cString: value) }
        return "./subledger.db"
    }

    var exists: Bool { path == ":memory:" || access(path, F_OK) == 0 }

    /// Opens the ledger and replays its log (with a progress line on a terminal). Every command but
    /// `init` and `demo` needs an existing ledger, so a mistyped path does not silently create a new one.
    func open(create: Bool = false) throws -> Ledger {
        if !create && !exists {
            throw CLIError.noInput("no ledger at \(path); create one with `subledger init --db \(path)`")
        }
        let progress = ProgressLine(label: "replaying", unit: "events")
        let ledger = try Ledger(path: path, progress: progress.map { line in { line.update(Int($0), Int($1)) } })
        progress?.finish()
        return ledger
    }

    /// The absolute path, for messages.
    var absolutePath: String {
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
