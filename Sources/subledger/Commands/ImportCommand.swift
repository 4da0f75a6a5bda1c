import ArgumentParser
import Subledger

struct ImportCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a JSON Lines or CSV file of commands as one atomic command.",
        discussion: """
            The whole file is one command: every event is appended in one transaction, or none. A refused \
            line names its line number and nothing is written. The command id defaults to a hash of the \
            file, so importing the same file again appends nothing. An id is bound to the commands it was \
            first sent with (their content, not the file's bytes): the same commands again under it append \
            nothing, other commands are refused (command-id-conflict). The format comes from the extension \
            (.jsonl, .ndjson, .csv) unless --format is given. FILE `-` reads standard input (give --format; \
            the command id defaults to a hash of what was read). On a terminal, a progress line is drawn on \
            stderr.

            With --group N each line is its own command instead (id: the file's id, a dash and the line \
            number), committed N lines per transaction: a line the ledger refuses is listed on stderr (exit \
            2) and the others are posted; running the same file again appends only the lines not yet in the \
            ledger. A line that cannot be read still refuses the whole file before anything is written.

            Examples:
              subledger import january.jsonl
              subledger import receipts.csv --command-id receipts-2026-01
              gunzip -c january.jsonl.gz | subledger import - --format jsonl
              subledger import feed.jsonl --group 32
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

    @Argument(help: "The file to import; - for standard input.") var file: String
    @Option(help: "jsonl or csv (default: from the file's extension).") var format: Format?
    @OptionGroup var idempotency: CommandIDOptions
    @Option(help: "Post each line as its own command, this many per transaction (1-10000).") var group: Int?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    var resolvedFormat: Ledger.ImportFormat? {
        if let format { return format == .csv ? .csv : .jsonl }
        let lower = file.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".csv") { return .csv }
        return nil
    }

    func validate() throws {
        if resolvedFormat == nil && file == "-" {
            throw ValidationError(
                "standard input has no extension to tell its format; "
                    + "add --format jsonl or --format csv")
        }
        if let group, !(1...10_000).contains(group) {
            throw ValidationError("--group takes 1 to 10000 lines per transaction, got \(group)")
        }
        if resolvedFormat == nil {
            throw ValidationError(
                "cannot tell the format of '\(file)' from its extension; add --format jsonl or --format csv")
        }
    }

    /// The input in messages.
    var inputName: String { file == "-" ? ImportInput.standardInputName : file }

    func run() throws {
        let bytes = try ImportInput.read(file, format: resolvedFormat!)
        let ledger = try database.open()
        if let group { return try runGrouped(bytes, ledger: ledger, groupSize: group) }
        let start = Terminal.nanoseconds()
        let result = try ProgressLine.showing("importing", unit: "bytes") { progress in
            try ledger.importFile(
                bytes: bytes, format: resolvedFormat!, commandID: idempotency.commandID,
                progress: progress)
        }
        let elapsed = Terminal.nanoseconds() - start
        let appended = result.duplicate ? 0 : result.eventCount
        let rate = appended == 0 ? nil : Terminal.perSecond(appended, elapsed)
        if output.json {
            JSONOut.print(
                CommandResultJSON.importDocument(
                    file: file, bytes: bytes.count, result: result, milliseconds: elapsed / 1_000_000,
                    eventsPerSecond: rate))
        } else if result.duplicate {
            print(
                "already applied: \(inputName) was imported before as command \(result.commandID) "
                    + "(\(result.eventCount) events); nothing appended"
                    + (result.contentHash == nil ? CommandResultView.notCompared : ""))
        } else {
            let range = appended == 0 ? "" : ", sequences \(result.firstSequence)-\(result.lastSequence)"
            print(
                "imported \(inputName): \(appended) events appended\(range) in \(Terminal.seconds(elapsed))"
                    + (rate.map { ", \($0) events/s" } ?? "") + " (command \(result.commandID))")
        }
    }
}
