// Verbatim appends: commands copied from another log exactly as it stored them (`subledger copy`, issue 14),
// with their sequences, hashes, recorded_at and command rows unchanged. Nothing is taken on trust: each
// event's hash is recomputed from its content and the hash before it and must equal the one it came with,
// and each command row must tile the events it follows, so a damaged source stops the copy at the first
// bad sequence and no part of the command that holds it is written. Both stores run the same checks
// (`VerbatimCheck`) before their own inserts; their tiling triggers still refuse what slips past.

import SubledgerCore

/// The handle a verbatim append's body feeds another log's rows through; valid only while the body runs.
public protocol VerbatimSink {
    /// The next event as the source stored it: it must follow the log's last sequence, and its hash must be
    /// the one recomputed from its content and the previous hash.
    mutating func append(_ event: StoredEvent) throws
    /// Ends the command whose events were appended since the previous one (none for an empty command) with
    /// its row as the source stored it. An empty command already in this log with the same row is skipped:
    /// a copy run again after an interruption meets it again.
    mutating func endCommand(_ record: CommandRecord) throws
    /// Sequence of the last event appended so far (the expected last sequence before the first one).
    var lastSequence: Int64 { get }
}

/// What a verbatim append did.
public enum VerbatimOutcome: Sendable, Equatable {
    /// Committed: the command rows and events written (an empty command met again is not counted), the
    /// log's last sequence and its hash after them.
    case appended(commands: Int, events: Int, lastSequence: Int64, lastHash: SHA256.Digest)
    /// The log did not end at the expected sequence; nothing was written and the body did not run.
    case conflict(actualLastSequence: Int64)
}

/// Why a verbatim append refused a row: the first event or command that is not as it must be.
public struct VerbatimRefusal: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An event's hash is not the one recomputed from its content (or it is out of place or range).
        case brokenChain
        /// A command row does not tile the events before it, or its id is taken by another command.
        case commandMismatch
    }

    public var kind: Kind
    /// The first sequence at fault (for a command, its first sequence).
    public var sequence: Int64
    public var message: String

    public var description: String { message }
}

/// The checks every verbatim append makes, the same on every store: place, ranges and hash of each event,
/// tiling of each command row. It keeps the chain's state between rows.
public struct VerbatimCheck {
    public private(set) var lastSequence: Int64
    public private(set) var lastHash: SHA256.Digest
    /// Events appended since the last command row, and the command id they carry.
    public private(set) var pendingEvents = 0
    private var pendingCommandID: String?

    public init(after sequence: Int64, hash: SHA256.Digest) {
        lastSequence = sequence
        lastHash = hash
    }

    /// Checks `event` as the next row; returns its date and version as the columns store them.
    public mutating func check(_ event: StoredEvent) throws(VerbatimRefusal) -> (date: Int32, version: Int32) {
        let sequence = event.sequence
        guard sequence == lastSequence &+ 1 else {
            throw refusal(.brokenChain, sequence, "event \(sequence) does not follow event \(lastSequence)")
        }
        guard event.envelope.version >= 1, let version = Int32(exactly: event.envelope.version),
            !event.envelope.type.isEmpty, !event.commandID.isEmpty
        else {
            throw refusal(.brokenChain, sequence, "event \(sequence) has a version, type or command id out of range")
        }
        if let pendingCommandID, pendingCommandID != event.commandID {
            throw refusal(
                .commandMismatch, sequence,
                "event \(sequence) belongs to command '\(event.commandID)' but no row ended '\(pendingCommandID)'")
        }
        let date = event.envelope.date.yyyymmdd
        var type = event.envelope.type, command = event.commandID
        let computed = type.withUTF8 { type in
            command.withUTF8 { command in
                event.envelope.payload.withUnsafeBytes { payload in
                    EventHash.compute(
                        previous: lastHash, sequence: sequence, businessDate: date,
                        type: UnsafeRawBufferPointer(type), version: version,
                        commandID: UnsafeRawBufferPointer(command), recordedAt: event.recordedAt, payload: payload)
                }
            }
        }
        guard event.hash.withUnsafeBytes({ computed.matches($0) }) else {
            throw refusal(
                .brokenChain, sequence,
                "event \(sequence)'s hash does not match its contents: the source's chain is broken there")
        }
        lastSequence = sequence
        lastHash = computed
        pendingEvents += 1
        pendingCommandID = event.commandID
        return (date, version)
    }

    /// Checks `record` as the row of the events appended since the previous one.
    public mutating func end(_ record: CommandRecord) throws(VerbatimRefusal) {
        let first = lastSequence - Int64(pendingEvents) + 1
        guard record.firstSequence == first, record.lastSequence == lastSequence,
            record.eventCount == pendingEvents, pendingCommandID == nil || pendingCommandID == record.commandID
        else {
            throw refusal(
                .commandMismatch, first,
                "command '\(record.commandID)' covers \(record.firstSequence)...\(record.lastSequence) "
                    + "(\(record.eventCount) events) but the events before it are \(first)...\(lastSequence)")
        }
        pendingEvents = 0
        pendingCommandID = nil
    }

    /// Refuses a transaction that ends in the middle of a command (its events without their row).
    public func checkComplete() throws(VerbatimRefusal) {
        guard pendingEvents == 0 else {
            throw refusal(
                .commandMismatch, lastSequence - Int64(pendingEvents) + 1,
                "events \(lastSequence - Int64(pendingEvents) + 1)...\(lastSequence) have no command row")
        }
    }

    /// True when `existing` (the row under `record`'s id, if any) is `record` itself, an empty command met
    /// again; false when the id is new. Any other row under the id is refused.
    public static func isSameEmptyCommand(
        _ record: CommandRecord, existing: CommandRecord?
    ) throws(VerbatimRefusal)
        -> Bool
    {
        guard let existing else { return false }
        guard record.eventCount == 0, existing == record else {
            throw VerbatimRefusal(
                kind: .commandMismatch, sequence: record.firstSequence,
                message: "command id '\(record.commandID)' is already taken by another command of the destination")
        }
        return true
    }

    private func refusal(_ kind: VerbatimRefusal.Kind, _ sequence: Int64, _ message: String) -> VerbatimRefusal {
        VerbatimRefusal(kind: kind, sequence: sequence, message: message)
    }
}
