import ArgumentParser
import Subledger
import SubledgerPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct CopyCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a ledger's log event by event between SQLite files and PostgreSQL databases.",
        discussion: """
            SRC and DST are each a SQLite ledger file or a postgresql://user[:password]@host[:port]/db URL. \
            Every event keeps its sequence, hash and time, every command its row; each event's hash is \
            recomputed from its content before it is written, and a broken chain stops the copy naming the \
            sequence, with nothing of its command written. The destination must be empty or a prefix of the \
            source: the copy then resumes after its last event, so a copy interrupted anywhere is safe to run \
            again. Commands are written whole, in transactions of about 4,096 events. A SQLite destination \
            is created when missing; a PostgreSQL one gets the schema when it has none.

            Afterwards the destination's chain is verified, both ends are replayed and their state digests \
            compared (exit 1 if either check fails), and the destination's history tables are filled \
            (a SQLite one is opened once; its snapshots come with the next close). A non-empty destination \
            that is not a prefix is refused with not-a-prefix (exit 2) naming the first differing \
            sequence; an unreachable server exits 3 naming its host and port.

            Examples:
              subledger copy --from books.db --to postgresql://ledger@db.internal:5432/books
              subledger copy --from postgresql://ledger@db.internal/books --to restored.db --json
            """)

    @Option(name: .long, help: ArgumentHelp("The ledger to copy (a file or a postgresql:// URL).", valueName: "src"))
    var from: String
    @Option(name: .long, help: ArgumentHelp("Where to copy it (a file or a postgresql:// URL).", valueName: "dst"))
    var to: String
    @Flag(name: .long, help: "Skip replaying both ends to compare their state digests (the chain is still verified).")
    var noDigest = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        if CopyEnds.isSameLedger(from, to) {
            throw CLIError(code: "same-ledger", message: "--from and --to name the same ledger", exitCode: 2)
        }
        let source = try CopyEnds.failing { try CopyEnds.open(from, destination: false) }
        let destination = try CopyEnds.failing { try CopyEnds.open(to, destination: true) }
        let start = Terminal.nanoseconds()
        let copied = try ProgressLine.showing("copying", unit: "events") { progress in
            try CopyEnds.failing { try LedgerCopy.copy(from: source, to: destination, progress: progress) }
        }
        let report = CopyReport(
            source: source.name, destination: destination.name, copied: copied,
            nanoseconds: Terminal.nanoseconds() - start)
        try check(report, source, destination)
    }

    /// Verifies the destination, compares the digests, fills a SQLite destination, prints the report.
    func check(_ report: CopyReport, _ source: LedgerCopyEnd, _ destination: LedgerCopyEnd) throws {
        var report = report
        report.verification = try ProgressLine.showing("verifying", unit: "events") { progress in
            try LedgerCopy.verify(destination, progress: progress)
        }
        if !noDigest {
            report.sourceDigest = try ProgressLine.showing("replaying source", unit: "events") { progress in
                try LedgerCopy.digest(source, progress: progress)
            }
            report.destinationDigest = try ProgressLine.showing("replaying destination", unit: "events") { progress in
                try LedgerCopy.digest(destination, progress: progress)
            }
        }
        if report.passed {
            report.historyProjected = try ProgressLine.showing("opening destination", unit: "events") { progress in
                try LedgerCopy.fillDerivedState(destination, progress: progress)
            }
        }
        if output.json { JSONOut.print(report.json) } else { print(report.text) }
        if !report.passed { throw CheckFailed() }
    }
}

/// Opening the two ends of a copy, and its errors as the CLI reports them.
enum CopyEnds {
    static func open(_ text: String, destination: Bool) throws -> LedgerCopyEnd {
        guard PostgresLocation.isPostgresURL(text) else {
            if !destination && access(text, F_OK) != 0 { throw CLIError.noInput("no ledger at \(text)") }
            return try LedgerCopyEnd.sqlite(path: text, destination: destination)
        }
        let name = (try? PostgresLocation(url: text))?.description ?? "the PostgreSQL URL"
        return try LedgerCopyEnd.log(name: name) {
            if !destination, try !PostgresEventLog.hasLedger(url: text) {
                throw CLIError.noInput("no ledger at \(name)")
            }
            return try PostgresEventLog(url: text)
        }
    }

    /// Two names of one ledger: the same file (device and inode), or the same server, port and database.
    static func isSameLedger(_ first: String, _ second: String) -> Bool {
        switch (PostgresLocation.isPostgresURL(first), PostgresLocation.isPostgresURL(second)) {
        case (true, true):
            guard let a = try? PostgresLocation(url: first), let b = try? PostgresLocation(url: second) else {
                return false
            }
            return a.host.lowercased() == b.host.lowercased() && a.port == b.port && a.database == b.database
        case (false, false):
            var a = stat(), b = stat()
            guard stat(first, &a) == 0, stat(second, &b) == 0 else { return first == second }
            return a.st_dev == b.st_dev && a.st_ino == b.st_ino
        default:
            return false
        }
    }

    /// A copy's refusal as a CLI error with its stable code and exit status.
    static func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LedgerCopyError {
            let exitCode: Int32
            if case .notAPrefix = error { exitCode = 2 } else { exitCode = 3 }
            throw CLIError(code: error.code, message: error.description, exitCode: exitCode)
        }
    }
}
