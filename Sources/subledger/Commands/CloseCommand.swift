import ArgumentParser
import Subledger

struct CloseCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Inventory close through a date: settle issues against receipts, adjust their cost, lock the period.",
        discussion: """
            For every periodic item (FIFO, LIFO, LIFO date, weighted average, weighted average date), \
            settles the financially updated issues dated up to DATE against receipts by the item's model \
            (marked receipts first) and adjusts each issue to the cost of what it settled against; the \
            adjustments post to the accounts each issue used, dated DATE. Then every business date up to \
            DATE is locked: a later post dated on or before it is refused with period-closed (exit 2).

            Prints the events appended, the settlement entries with the total adjustment, and the close \
            log: issues left unsettled, issues posted at zero cost, negative on-hand. A --command-id used \
            before for the same close appends nothing ("already applied"); for another command it is \
            refused (command-id-conflict). On a terminal, a long close draws an elapsed-time \
            line on stderr. `subledger settlements` and `subledger closes` show the result later.

            Examples:
              subledger close 2026-01-31
              subledger close 2026-01-31 --command-id close-2026-01 --json
            """)

    @Argument(
        help: ArgumentHelp(
            "The closing date: settles everything dated up to it and locks it.",
            valueName: "YYYY-MM-DD"))
    var date: DateArgument
    @OptionGroup var idempotency: CommandIDOptions
    @Option(
        parsing: .unconditional, help: "Period snapshots to keep, the newest ones; the close deletes older ones.")
    var keepSnapshots = 3

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if keepSnapshots < 1 {
            throw OptionValue.notPositive("--keep-snapshots", Int64(keepSnapshots), zeroAllowed: false)
        }
    }

    func run() throws {
        try CloseRun.run(
            .close(date.date), label: "closing", what: "close through \(date.date)",
            commandID: idempotency.commandID, database: database, output: output, keepSnapshots: keepSnapshots)
    }
}

/// What `close` and `recalculate` share: run the command with an elapsed-time line, then report the run.
enum CloseRun {
    static func run(
        _ command: LedgerCommand, label: String, what: String, commandID: String?,
        database: DatabaseOptions, output: OutputOptions, keepSnapshots: Int = 3
    ) throws {
        let ledger = try database.open()
        ledger.keepSnapshots = keepSnapshots
        let line = ElapsedLine(label: label)
        let start = Terminal.nanoseconds()
        let result: CommandResult
        do {
            defer { line?.finish() }
            result = try ledger.execute(command, commandID: commandID)
        }
        let elapsed = Terminal.nanoseconds() - start
        // Every close stores a snapshot of the period state (a cache for opening the ledger fast; losing it
        // loses nothing, so a failure here is reported, not fatal).
        var snapshot: SnapshotInfo?
        var snapshotProblem: String?
        switch result.periodSnapshot {
        case .stored(let info): snapshot = info
        case .failed(let problem): snapshotProblem = problem
        case nil: break
        }
        // The run's close.posted event is the command's last event (a re-sent command reports the first run).
        let (close, entries) =
            result.eventCount == 0 ? (nil, []) : try ledger.closeWithSettlements(sequence: result.lastSequence)

        if output.json {
            JSONOut.print(
                CommandResultJSON.closeDocument(
                    result, milliseconds: elapsed / 1_000_000, close: close, settlements: entries,
                    snapshotSequence: snapshot?.sequence))
            return
        }
        if let snapshotProblem {
            Terminal.writeError("warning: the period snapshot was not stored: \(snapshotProblem)\n")
        }

        var headline = CommandResultView.headline(result, what: what)
        if !result.duplicate { headline += " in \(Terminal.seconds(elapsed))" }
        print(headline)
        guard let close else {
            if result.duplicate { print("(command \(result.commandID) did not record a close or recalculation)") }
            return
        }
        print(CloseView.summary(close))
        if !entries.isEmpty {
            print()
            print(CloseView.settlementsTable(entries).render())
        }
        print()
        print(close.mode == .close ? "Close log" : "Recalculation log")
        print(CloseView.logLines(close).joined(separator: "\n"))
        if let snapshot {
            print()
            print("period snapshot stored at sequence \(snapshot.sequence) (\(snapshot.bytes) bytes)")
        }
    }
}
