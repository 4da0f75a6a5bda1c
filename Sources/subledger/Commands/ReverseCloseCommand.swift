import ArgumentParser
import Subledger

struct ReverseCloseCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "reverse-close",
        abstract:
            "Reverse the latest close or recalculation in force: compensate its settlements and adjustments, reopen its period.",
        discussion: """
            Only the latest close or recalculation that is still in force can be reversed (decision D12, \
            as in Dynamics 365). The reversal appends compensating events: every settlement, adjustment and \
            GL line of that run, negated and dated its closing date, so issue costs, on-hand and GL \
            balances return exactly to what they were before it; a weighted average closing receipt goes \
            away with it. Then a close.reversed event marks it reversed and, for a close, the period is \
            open again: posts dated after the previous close in force (or any date, when there is none) \
            are accepted. Nothing in the log is updated or deleted.

            --date DATE checks that the latest run in force is dated DATE and is refused with \
            not-latest-close (exit 2) otherwise: to undo an older close, reverse the later ones first. \
            --through DATE reverses every close and recalculation in force dated after DATE, newest first, \
            in ONE atomic command (all or nothing). With nothing to reverse, the command is refused with \
            nothing-to-reverse. A --command-id used before for the same command appends nothing \
            ("already applied"); for another command it is refused (command-id-conflict).

            Prints the events appended, the runs reversed, the compensating entries and through which date \
            the period is still locked. `subledger settlements` lists the compensating entries (mode \
            reversal) after the entries they cancel.

            Examples:
              subledger reverse-close
              subledger reverse-close --date 2026-02-28 --command-id reverse-2026-02
              subledger reverse-close --through 2025-12-31 --json
            """)

    @Option(
        help: ArgumentHelp(
            "Refuse unless the latest close in force is dated DATE (not-latest-close).",
            valueName: "YYYY-MM-DD"))
    var date: DateArgument?
    @Option(
        help: ArgumentHelp(
            "Reverse every close in force dated after DATE, newest first, in one command.",
            valueName: "YYYY-MM-DD"))
    var through: DateArgument?
    @OptionGroup var idempotency: CommandIDOptions

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if date != nil && through != nil {
            throw ValidationError("--date names one close and --through a range of closes; give one of them")
        }
    }

    /// What the headline says the command did.
    var what: String {
        if let through { return "reversal of every close after \(through.date)" }
        if let date { return "reversal of the close of \(date.date)" }
        return "reversal of the latest close"
    }

    func run() throws {
        let ledger = try database.open()
        let result = try ledger.execute(
            .reverseClose(date: date?.date, through: through?.date),
            commandID: idempotency.commandID)
        // The runs this command reversed (for a re-sent command, those its first run reversed), newest first.
        let range = result.firstSequence...result.lastSequence
        let (reversed, entries) = result.eventCount == 0 ? ([], []) : try ledger.reversals(in: range)
        let closedThrough = ledger.state.closedThrough

        if output.json {
            JSONOut.print(
                CommandResultJSON.reversalDocument(
                    result, reversed: reversed, settlements: entries, closedThrough: closedThrough))
            return
        }

        print(CommandResultView.headline(result, what: what))
        if reversed.isEmpty {
            if result.duplicate { print("(command \(result.commandID) did not reverse a close or recalculation)") }
            return
        }
        for close in reversed {
            print("reversed \(CloseView.summary(close)); reversed by sequence \(close.reversedBy!)")
        }
        if !entries.isEmpty {
            print()
            print(CloseView.settlementsTable(entries).render())
        }
        print()
        print(Self.periodLine(reopened: reversed.contains { $0.mode == .close }, closedThrough: closedThrough))
    }

    /// Whether the period is open again, and through which date it is still locked.
    static func periodLine(reopened: Bool, closedThrough: LedgerDate?) -> String {
        let lock =
            closedThrough.map { "still closed through \($0): posts dated after it are accepted" }
            ?? "no close in force: every date is open"
        return reopened ? "period open again; \(lock)" : "no period reopened (a recalculation locks nothing); \(lock)"
    }
}
