import ArgumentParser
import Subledger

struct ReplayCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild the projection from the event log alone, at a point in time, or verify the live one.",
        discussion: """
            Reads the log from the first event into a fresh projection, ignoring the state built when the \
            ledger was opened, and prints it: on-hand per item and cost pool (quantity, value, running \
            average), the trial balance, counts of events, transactions, settlements and closes, and the \
            state digest (SHA-256 of a canonical serialization of the whole projection: two states with \
            the same digest agree on every figure).

            --as-of DATE folds only the events dated on or before DATE, in log order (item and posting \
            profile setup is always included). An event dated on or before DATE that refers to a \
            transaction dated after it (an invoice dated before its receipt, say) cannot be folded: it is \
            skipped and listed. --at-sequence N folds the events 1...N: the projection exactly as it was \
            right after event N (see `subledger events` for the numbers).

            --verify replays the whole log and compares it with the live projection (the one every other \
            command reads). It prints "replay matches the live projection: digest ..." and exits 0, or \
            names the first difference (e.g. "pool A site:S1: financial value 41.33 vs 41.34", live figure \
            first) and exits 1. It also compares the history tables (`subledger rebuild`) with a fresh \
            projection of the log and names their first difference (exit 1). On a terminal, progress is \
            drawn on stderr.

            Examples:
              subledger replay
              subledger replay --as-of 2026-01-15
              subledger replay --at-sequence 120 --json
              subledger replay --verify
            """)

    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp("Fold only the events dated on or before this business date.", valueName: "YYYY-MM-DD"))
    var asOf: DateArgument?
    @Option(
        name: .customLong("at-sequence"), parsing: .unconditional,
        help: ArgumentHelp("Fold only the events 1...N of the log.", valueName: "N"))
    var atSequence: Int64?
    @Flag(help: "Replay the whole log and compare it with the live projection; exit 1 on a difference.")
    var verify = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if asOf != nil && atSequence != nil { throw ValidationError("give --as-of or --at-sequence, not both") }
        if verify && (asOf != nil || atSequence != nil) {
            throw ValidationError(
                "--verify replays the whole log to compare it with the live projection; it takes no --as-of or --at-sequence"
            )
        }
        if let atSequence, atSequence < 0 {
            throw OptionValue.notPositive("--at-sequence", atSequence, zeroAllowed: true)
        }
    }

    func run() throws {
        if verify { try runVerify() } else { try runReplay() }
    }

    // MARK: - replay

    func runReplay() throws {
        // Only the log is needed: opening a `Ledger` would first build the live projection too.
        let log = try database.openLog()
        let outcome: ReplayOutcome
        do {
            outcome = try ProgressLine.showing("replaying", unit: "events") { progress in
                if let atSequence { return try log.replay(atSequence: atSequence, progress: progress) }
                return try log.replay(asOf: asOf?.date, progress: progress)
            }
        } catch let error as ReplayError {
            throw CLIError(code: "out-of-range", message: error.description, exitCode: 64)
        }
        let digest = StateDigest(outcome.state)
        // The entries of the settlement events folded (the state keeps none: they are in the log).
        let settlements = try log.settlementEntryCount(
            through: outcome.state.lastSequence, asOf: atSequence == nil ? asOf?.date : nil,
            skipped: Set(outcome.skipped.map(\.sequence)))
        if output.json {
            JSONOut.print(json(outcome, digest, settlements: settlements))
        } else {
            print(text(outcome, digest, settlements: settlements))
        }
    }

    var pointDescription: String {
        if let asOf { return "as of \(asOf.date)" }
        if let atSequence { return "through event \(atSequence)" }
        return "whole log"
    }

    func text(_ outcome: ReplayOutcome, _ digest: StateDigest, settlements: Int) -> String {
        let state = outcome.state
        var lines: [String] = []
        let skipped = outcome.skipped.isEmpty ? "" : ", \(outcome.skipped.count) skipped"
        lines.append(
            "replayed \(pointDescription): \(outcome.eventsApplied) of \(outcome.eventsRead) events applied\(skipped)")
        lines.append("")
        lines.append("On hand")
        lines.append(OnHandCommand.table(state.onHand()).render())
        lines.append("")
        lines.append("Trial balance")
        lines.append(GLCommand.table(state.trialBalance()).render())
        lines.append("")
        lines.append(
            "events \(state.eventCount)  transactions \(state.transactions.count + state.evictedCount)  "
                + "settlements \(settlements)  closes \(state.closes.count)")
        if let closed = state.closedThrough { lines.append("closed through \(closed)") }
        for event in outcome.skipped.prefix(10) {
            lines.append("skipped event \(event.sequence) \(event.type) (\(event.date)): \(event.reason)")
        }
        if outcome.skipped.count > 10 { lines.append("... and \(outcome.skipped.count - 10) more skipped events") }
        lines.append("digest \(digest)")
        return lines.joined(separator: "\n")
    }

    func json(_ outcome: ReplayOutcome, _ digest: StateDigest, settlements: Int) -> JSONValue {
        let state = outcome.state
        let onHand = state.onHand(), trialBalance = state.trialBalance()
        var o = JSONObjectBuilder()
        o.add("as_of", JSONOut.string(asOf?.date.description))
        o.add("at_sequence", atSequence.map(JSONOut.int) ?? .null)
        o.add("events_read", JSONOut.int(outcome.eventsRead))
        o.add("events_applied", JSONOut.int(outcome.eventsApplied))
        o.add("last_sequence", JSONOut.int(state.lastSequence))
        o.add(
            "skipped",
            .array(
                outcome.skipped.map { event in
                    [
                        "sequence": JSONOut.int(event.sequence), "date": .string(event.date.description),
                        "type": .string(event.type), "reason": .string(event.reason),
                    ]
                }))
        o.add("onhand", OnHandJSON.rows(onHand))
        o.add("total_value", JSONOut.number(onHand.total(\.pool.value)))
        o.add("trial_balance", TrialBalanceJSON.rows(trialBalance))
        o.add(
            "counts",
            [
                "events": JSONOut.int(state.eventCount),
                "transactions": JSONOut.int(state.transactions.count + state.evictedCount),
                "settlements": JSONOut.int(settlements), "closes": JSONOut.int(state.closes.count),
            ])
        o.add("closed_through", JSONOut.string(state.closedThrough?.description))
        o.add("digest", .string(digest.description))
        return o.value
    }

    // MARK: - verify

    func runVerify() throws {
        let ledger = try database.open()
        var digesting: ElapsedLine?
        defer { digesting?.finish() }
        let verification = try ProgressLine.showing("replaying again", unit: "events") { progress in
            try ledger.verifyReplay(
                progress: progress.map { update in
                    { done, total in
                        update(done, total)
                        // The fold is done; the two digests come next.
                        if done == total && digesting == nil {
                            digesting = ElapsedLine(label: "digesting")
                        }
                    }
                })
        }
        digesting?.finish()
        let checking = ElapsedLine(label: "checking history tables")
        let history = try ledger.verifyHistory()
        checking?.finish()
        if output.json {
            JSONOut.print([
                "matches": .bool(verification.matches),
                "events": JSONOut.int(verification.events),
                "live_digest": .string(verification.liveDigest.description),
                "replayed_digest": .string(verification.replayedDigest.description),
                "first_difference": JSONOut.string(verification.firstDifference),
                "history_checked": .bool(history.checked),
                "history_difference": JSONOut.string(history.difference),
            ])
        } else if verification.matches {
            print(
                "replay matches the live projection: digest \(verification.liveDigest) (\(verification.events) events)")
        } else {
            print("replay differs from the live projection: \(verification.firstDifference ?? "digests differ")")
            print("  live digest:     \(verification.liveDigest)")
            print("  replayed digest: \(verification.replayedDigest)")
        }
        if !output.json { print(Self.historyLine(history)) }
        if !verification.matches || history.difference != nil { throw CheckFailed() }
    }

    static func historyLine(_ history: HistoryVerification) -> String {
        guard history.checked else { return "history tables not checked: the ledger is open read-only" }
        guard let difference = history.difference else {
            return "history tables match a fresh projection of the log"
        }
        return "history tables differ from a fresh projection: \(difference); run `subledger rebuild`"
    }
}
