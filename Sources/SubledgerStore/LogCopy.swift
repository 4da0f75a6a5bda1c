// LogCopy: a ledger's log copied event by event into another log, whichever stores hold them (issue 14,
// `subledger copy`). The destination must be empty or a prefix of the source (the same hashes up to its
// end); the copy resumes after its last event, so a copy interrupted anywhere is safe to run again. Each
// transaction is a run of whole commands of about `eventsPerTransaction` events (one longer command is a
// transaction of its own), appended verbatim (EventLog+Verbatim.swift): a kill leaves every command all
// there or absent, and memory stays flat whatever the log's length (both ends stream).

import CSQLite
import SubledgerCore

/// What a copy did.
public struct LogCopyResult: Sendable, Equatable {
    /// The destination's last sequence before the copy (0 for an empty destination).
    public var resumedAfter: Int64
    /// Command rows and events written by this run.
    public var commands: Int
    public var events: Int64
    /// The destination's last sequence and its chain hash after the copy.
    public var lastSequence: Int64
    public var lastHash: SHA256.Digest
}

/// Why a copy stopped before it wrote anything wrong.
public enum LogCopyFailure: Error, Equatable, CustomStringConvertible {
    /// The destination holds events that are not the source's: `sequence` is the first that differs.
    case notAPrefix(sequence: Int64, message: String)
    /// The source's chain (or a command row) is broken at `sequence`; nothing of its command was written.
    case sourceDamaged(sequence: Int64, message: String)
    /// Another writer appended to the destination while the copy ran.
    case destinationMoved(expected: Int64, actual: Int64)

    public var description: String {
        switch self {
        case .notAPrefix(_, let message), .sourceDamaged(_, let message): return message
        case .destinationMoved(let expected, let actual):
            return "the destination moved from event \(expected) to \(actual) while the copy ran: "
                + "another writer appended to it"
        }
    }
}

public enum LogCopy {
    public static let eventsPerTransaction: Int64 = 4096

    /// Copies what `destination` lacks of `source`; `progress(copied, total)` counts events of this run.
    public static func copy(
        from source: any EventLog, to destination: any EventLog, eventsPerTransaction: Int64 = eventsPerTransaction,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> LogCopyResult {
        let sourceLast = try source.checkedLastSequence()
        let start = try resumePoint(source, destination, sourceLast: sourceLast)
        var result = LogCopyResult(
            resumedAfter: start, commands: 0, events: 0, lastSequence: start,
            lastHash: try hash(destination, at: start) ?? .zero)
        let batch = max(1, eventsPerTransaction)
        var scanned = start  // commands whose first sequence is at most this one have been read
        while scanned <= sourceLast {
            let commands = try source.commands(firstSequenceIn: (scanned + 1)...(scanned + batch))
            scanned += batch
            guard let through = commands.map(\.lastSequence).max() else { continue }
            scanned = max(scanned, through)
            try copyBatch(source, destination, commands, through: through, into: &result) { copied in
                progress?(copied, sourceLast - start)
            }
        }
        progress?(result.events, sourceLast - start)
        return result
    }

    /// One transaction: `commands` and their events, `result.lastSequence + 1 ... through`.
    static func copyBatch(
        _ source: any EventLog, _ destination: any EventLog, _ commands: [CommandRecord], through: Int64,
        into result: inout LogCopyResult, progress: (Int64) -> Void
    ) throws {
        let after = result.lastSequence, copiedBefore = result.events
        var delivered = after  // the last source event handed to the destination
        let outcome: VerbatimOutcome
        do {
            outcome = try destination.appendVerbatim(expectedLastSequence: after) { sink in
                var feed = VerbatimFeed(commands: commands)
                do {
                    try source.forEachEvent(after: after, through: through) { event in
                        try feed.append(event, to: &sink)
                        delivered = event.sequence
                        if event.sequence % 4096 == 0 { progress(copiedBefore + event.sequence - after) }
                    }
                } catch let error as StoreError where !feed.sinkFailed && error.primaryCode == SQLITE_CORRUPT {
                    throw VerbatimRefusal(kind: .brokenChain, sequence: delivered + 1, message: error.message)
                }
                try feed.finish(&sink, through: through)
            }
        } catch let refusal as VerbatimRefusal {
            throw LogCopyFailure.sourceDamaged(
                sequence: refusal.sequence, message: "the source cannot be copied: \(refusal.message)")
        }
        switch outcome {
        case .conflict(let actual): throw LogCopyFailure.destinationMoved(expected: after, actual: actual)
        case .appended(let commandCount, let events, let last, let hash):
            result.commands += commandCount
            result.events += Int64(events)
            result.lastSequence = last
            result.lastHash = hash
        }
    }

    /// The destination's last sequence, once it is known to be a prefix of the source.
    static func resumePoint(_ source: any EventLog, _ destination: any EventLog, sourceLast: Int64) throws -> Int64 {
        let last = try destination.checkedLastSequence()
        guard last > 0 else { return 0 }
        if last <= sourceLast, let mine = try event(destination, at: last), let theirs = try event(source, at: last),
            mine.hash == theirs.hash
        {
            // The same events; the command row that ends them must be the same row too.
            let row = try destination.command(id: mine.commandID)
            guard row == (try source.command(id: theirs.commandID)) else {
                throw LogCopyFailure.notAPrefix(
                    sequence: row?.firstSequence ?? last,
                    message: "the destination is not a prefix of the source: the row of command "
                        + "'\(mine.commandID)' differs")
            }
            return last
        }
        // Equal hashes at k mean equal logs through k (each hash covers the one before): find the first k
        // where they differ.
        var low: Int64 = 1, high = min(last, sourceLast + 1)  // the first difference is in low...high
        while low < high {
            let middle = low + (high - low) / 2
            if middle <= sourceLast, try hash(destination, at: middle) == hash(source, at: middle) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        throw LogCopyFailure.notAPrefix(
            sequence: low,
            message: "the destination is not empty and is not a prefix of the source: its event \(low) "
                + (low > sourceLast ? "is past the source's end (\(sourceLast))" : "differs from the source's"))
    }

    /// The stored hash of event `sequence` (checked against the one before it); nil for sequence 0.
    static func hash(_ log: any EventLog, at sequence: Int64) throws -> SHA256.Digest? {
        try event(log, at: sequence).flatMap { SHA256.Digest($0.hash) }
    }

    /// Event `sequence` as stored (checked against the one before it); nil for sequence 0.
    static func event(_ log: any EventLog, at sequence: Int64) throws -> StoredEvent? {
        guard sequence > 0 else { return nil }
        var found: StoredEvent?
        try log.forEachEvent(after: sequence - 1, through: sequence) { found = $0 }
        return found
    }
}

/// A batch's events and command rows fed to a sink in log order: before each event, the rows of the
/// commands that ended before it (an empty command before the event where it stands).
struct VerbatimFeed {
    let commands: [CommandRecord]
    var next = 0
    /// Set when the sink threw: the error is the destination's, not the source's read.
    private(set) var sinkFailed = false

    init(commands: [CommandRecord]) { self.commands = commands }

    mutating func append(_ event: StoredEvent, to sink: inout any VerbatimSink) throws {
        do {
            try endCommands(before: event.sequence, &sink)
            try sink.append(event)
        } catch {
            sinkFailed = true
            throw error
        }
    }

    /// The rows left; every event through `through` must have come.
    mutating func finish(_ sink: inout any VerbatimSink, through: Int64) throws {
        try endCommands(before: Int64.max, &sink)
        guard sink.lastSequence == through else {
            throw VerbatimRefusal(
                kind: .brokenChain, sequence: sink.lastSequence + 1,
                message: "event \(sink.lastSequence + 1) is missing from the source")
        }
    }

    private mutating func endCommands(before sequence: Int64, _ sink: inout any VerbatimSink) throws {
        while next < commands.count, commands[next].lastSequence < sequence {
            try sink.endCommand(commands[next])
            next += 1
        }
    }

}
