// verifyChain: recomputes the hash chain from the first event and cross-checks `commands`, to detect
// edits made behind SQLite's back (triggers dropped, file rewritten). It walks events and commands in
// sequence order side by side in one read transaction, and reports the FIRST bad sequence:
//   - a changed byte in any event column         -> that event's hash no longer matches
//   - a deleted or renumbered event              -> the first missing sequence
//   - rows swapped between sequences             -> the first of them (hash mismatch)
//   - an event no command row covers, or whose command_id differs from the covering command's
//   - events deleted at the end                  -> commands still claim them: the first missing one
//   - command rows whose ranges overlap or whose event_count disagrees with their range
// Not detectable from the file alone: truncating whole trailing commands (events and command rows both;
// keep the last hash elsewhere to catch that) and edits to `commands.kind`/`result`/`actor`, which are not
// hashed (DR-25; SQLite's triggers refuse them, a rewritten file is not caught).

import CSQLite

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum ChainVerification: Sendable, Equatable {
    case intact(eventCount: Int64, lastHash: [UInt8])
    case broken(firstBadSequence: Int64, reason: String)
}

extension EventStore {
    /// Recomputes every hash in order; `progress(checked, total)` is called every 65,536 events and at the end.
    public func verifyChain(progress: ((Int64, Int64) -> Void)? = nil) throws(StoreError) -> ChainVerification {
        try connection.execute("BEGIN")  // one snapshot for the count, the events and the commands
        defer { try? connection.execute("ROLLBACK") }
        let total = try lastSequence()
        let events = try connection.prepare(
            """
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events ORDER BY sequence
            """)
        var commands = try CommandCursor(connection: connection)

        var expected: Int64 = 1
        var previous = SHA256.Digest.zero
        while try events.step() {
            let sequence = events.int64(at: 0)
            if sequence != expected {
                return .broken(
                    firstBadSequence: expected,
                    reason: sequence > expected
                        ? "event \(expected) is missing (the next stored event is \(sequence))"
                        : "event \(sequence) is out of order (expected \(expected))")
            }
            let rawDate = events.int64(at: 1), rawVersion = events.int64(at: 3)
            guard let date = Int32(exactly: rawDate), let version = Int32(exactly: rawVersion) else {
                return .broken(
                    firstBadSequence: sequence, reason: "event \(sequence) has a business_date or version out of range")
            }
            let commandID = events.textBuffer(at: 5)
            let recordedAt = events.int64(at: 6)
            let computed = EventHash.compute(
                previous: previous, sequence: sequence, businessDate: date,
                type: events.textBuffer(at: 2), version: version,
                commandID: commandID, recordedAt: recordedAt,
                payload: events.blobBuffer(at: 4))
            guard computed.matches(events.blobBuffer(at: 7)) else {
                return .broken(
                    firstBadSequence: sequence,
                    reason: "event \(sequence)'s hash does not match its contents and the previous hash")
            }
            if let problem = try commands.check(sequence: sequence, commandID: commandID, recordedAt: recordedAt) {
                return .broken(firstBadSequence: problem.sequence, reason: problem.reason)
            }
            previous = computed
            if sequence & 0xFFFF == 0 { progress?(sequence, total) }
            expected += 1
        }
        let eventCount = expected - 1
        if let problem = try commands.checkEnd(lastEvent: eventCount) {
            return .broken(firstBadSequence: problem.sequence, reason: problem.reason)
        }
        progress?(eventCount, total)
        return .intact(eventCount: eventCount, lastHash: previous.bytes)
    }
}

/// Walks `commands` in sequence order alongside the events, checking that the rows tile the log.
private struct CommandCursor {
    struct Current { var id: [UInt8]; var first: Int64; var last: Int64; var recordedAt: Int64 }
    struct Problem { var sequence: Int64; var reason: String }

    let statement: Statement
    var current: Current?
    var exhausted = false
    /// Where the next command must start: one past the previous command's last sequence.
    var nextFirst: Int64 = 1

    init(connection: Connection) throws(StoreError) {
        statement = try connection.prepare(
            """
            SELECT command_id, first_sequence, last_sequence, event_count, recorded_at
            FROM commands ORDER BY first_sequence, last_sequence
            """)
    }

    /// Moves to the next command row, validating its own shape and its overlap with the previous one.
    private mutating func advance() throws(StoreError) -> Problem? {
        guard !exhausted, try statement.step() else {
            exhausted = true
            current = nil
            return nil
        }
        let id = statement.text(at: 0)
        let next = Current(
            id: Array(statement.textBuffer(at: 0)), first: statement.int64(at: 1),
            last: statement.int64(at: 2), recordedAt: statement.int64(at: 4))
        let eventCount = statement.int64(at: 3)
        current = next
        if eventCount < 0 || next.last != next.first + eventCount - 1 {
            return Problem(
                sequence: max(1, next.first),
                reason:
                    "command '\(id)' covers \(next.first)...\(next.last) but records \(eventCount) events")
        }
        if next.first < nextFirst {
            return Problem(
                sequence: max(1, next.first),
                reason:
                    "command '\(id)' starts at \(next.first), inside the previous command (which ends at \(nextFirst - 1))"
            )
        }
        // A start beyond nextFirst leaves sequences no command covers: reported by the event there (or at the end).
        nextFirst = next.last + 1
        return nil
    }

    /// Checks that event `sequence` lies in a command row with the same command_id and recorded_at.
    mutating func check(
        sequence: Int64, commandID: UnsafeRawBufferPointer, recordedAt: Int64
    ) throws(StoreError) -> Problem? {
        if current == nil && !exhausted, let problem = try advance() { return problem }
        while let command = current, command.last < sequence {
            if let problem = try advance() { return problem }
        }
        // Only a problem's message needs the id as text: decoding it for every event cost an allocation each.
        var eventCommand: String { String(decoding: commandID, as: UTF8.self) }
        guard let command = current, command.first <= sequence else {
            return Problem(
                sequence: sequence,
                reason:
                    "event \(sequence) (command '\(eventCommand)') is not covered by any command row")
        }
        guard command.id.withUnsafeBytes({ bytesEqual($0, commandID) }) else {
            return Problem(
                sequence: sequence,
                reason:
                    "event \(sequence) has command_id '\(eventCommand)' but its command row is '\(String(decoding: command.id, as: UTF8.self))'"
            )
        }
        guard command.recordedAt == recordedAt else {
            return Problem(
                sequence: sequence,
                reason:
                    "event \(sequence)'s recorded_at \(recordedAt) differs from its command's \(command.recordedAt)")
        }
        return nil
    }

    /// After the last event: no command may claim sequences beyond it.
    mutating func checkEnd(lastEvent: Int64) throws(StoreError) -> Problem? {
        if current == nil && !exhausted, let problem = try advance() { return problem }
        while let command = current {
            if command.last > lastEvent {
                return Problem(
                    sequence: lastEvent + 1,
                    reason:
                        "command '\(String(decoding: command.id, as: UTF8.self))' covers \(command.first)...\(command.last) but the log ends at \(lastEvent)"
                )
            }
            if let problem = try advance() { return problem }
        }
        return nil
    }
}

/// Byte equality of two buffers by `memcmp` (the generic `elementsEqual` went byte by byte through
/// unspecialized code: 6% of `verify`).
@inline(__always)
private func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    guard let left = a.baseAddress, let right = b.baseAddress else { return true }
    return memcmp(left, right, a.count) == 0
}
