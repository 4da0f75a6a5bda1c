// ChainVerifier: the verify walk of every store (SQLite's `EventStore.verifyChain` and PostgreSQL's). The
// caller streams the events in sequence order and hands the verifier a way to pull the next command row
// (also in order); the verifier recomputes each hash and checks that the command rows tile the log, and
// reports the FIRST bad sequence with its reason.

import SubledgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One row of `commands` as the verifier reads it.
public struct VerifiedCommandRow {
    public var commandID: [UInt8]
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var eventCount: Int64
    public var recordedAt: Int64

    public init(commandID: [UInt8], firstSequence: Int64, lastSequence: Int64, eventCount: Int64, recordedAt: Int64) {
        self.commandID = commandID
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.eventCount = eventCount
        self.recordedAt = recordedAt
    }
}

public struct ChainVerifier {
    private var expected: Int64 = 1
    private var previous = SHA256.Digest.zero
    private var current: VerifiedCommandRow?
    private var exhausted = false
    /// Where the next command must start: one past the previous command's last sequence.
    private var nextFirst: Int64 = 1

    public init() {}

    /// Events checked so far.
    public var eventCount: Int64 { expected - 1 }

    /// Checks the next event row; nil when it is sound, else the verdict naming the first bad sequence.
    public mutating func event(
        sequence: Int64, businessDate: Int64, type: UnsafeRawBufferPointer, version: Int64,
        commandID: UnsafeRawBufferPointer, recordedAt: Int64, payload: UnsafeRawBufferPointer,
        hash: UnsafeRawBufferPointer, nextCommand: () throws -> VerifiedCommandRow?
    ) rethrows -> ChainVerification? {
        if sequence != expected {
            return .broken(
                firstBadSequence: expected,
                reason: sequence > expected
                    ? "event \(expected) is missing (the next stored event is \(sequence))"
                    : "event \(sequence) is out of order (expected \(expected))")
        }
        guard let date = Int32(exactly: businessDate), let rawVersion = Int32(exactly: version) else {
            return .broken(
                firstBadSequence: sequence, reason: "event \(sequence) has a business_date or version out of range")
        }
        let computed = EventChain.hash(
            previous: previous, sequence: sequence, businessDate: date, type: type, version: rawVersion,
            commandID: commandID, recordedAt: recordedAt, payload: payload)
        guard computed.matches(hash) else {
            return .broken(
                firstBadSequence: sequence,
                reason: "event \(sequence)'s hash does not match its contents and the previous hash")
        }
        if let problem = try covering(sequence, commandID, recordedAt, nextCommand) { return problem }
        previous = computed
        expected += 1
        return nil
    }

    /// After the last event: no command may claim sequences beyond it.
    public mutating func end(nextCommand: () throws -> VerifiedCommandRow?) rethrows -> ChainVerification {
        let last = expected - 1
        if current == nil && !exhausted, let problem = try advance(nextCommand) { return problem }
        while let command = current {
            if command.lastSequence > last {
                return .broken(
                    firstBadSequence: last + 1,
                    reason: "command '\(Self.text(command.commandID))' covers "
                        + "\(command.firstSequence)...\(command.lastSequence) but the log ends at \(last)")
            }
            if let problem = try advance(nextCommand) { return problem }
        }
        return .intact(eventCount: last, lastHash: previous.bytes)
    }

    /// Checks that event `sequence` lies in a command row with the same command_id and recorded_at.
    private mutating func covering(
        _ sequence: Int64, _ commandID: UnsafeRawBufferPointer, _ recordedAt: Int64,
        _ nextCommand: () throws -> VerifiedCommandRow?
    ) rethrows -> ChainVerification? {
        if current == nil && !exhausted, let problem = try advance(nextCommand) { return problem }
        while let command = current, command.lastSequence < sequence {
            if let problem = try advance(nextCommand) { return problem }
        }
        // Only a problem's message needs the id as text: decoding it for every event cost an allocation each.
        var eventCommand: String { String(decoding: commandID, as: UTF8.self) }
        guard let command = current, command.firstSequence <= sequence else {
            return .broken(
                firstBadSequence: sequence,
                reason: "event \(sequence) (command '\(eventCommand)') is not covered by any command row")
        }
        guard command.commandID.withUnsafeBytes({ bytesEqual($0, commandID) }) else {
            return .broken(
                firstBadSequence: sequence,
                reason: "event \(sequence) has command_id '\(eventCommand)' but its command row is "
                    + "'\(Self.text(command.commandID))'")
        }
        guard command.recordedAt == recordedAt else {
            return .broken(
                firstBadSequence: sequence,
                reason: "event \(sequence)'s recorded_at \(recordedAt) differs from its command's "
                    + "\(command.recordedAt)")
        }
        return nil
    }

    /// Moves to the next command row, validating its own shape and its overlap with the previous one.
    private mutating func advance(_ nextCommand: () throws -> VerifiedCommandRow?) rethrows -> ChainVerification? {
        guard !exhausted, let next = try nextCommand() else {
            exhausted = true
            current = nil
            return nil
        }
        current = next
        let id = Self.text(next.commandID)
        if next.eventCount < 0 || next.lastSequence != next.firstSequence + next.eventCount - 1 {
            return .broken(
                firstBadSequence: max(1, next.firstSequence),
                reason: "command '\(id)' covers \(next.firstSequence)...\(next.lastSequence) but records "
                    + "\(next.eventCount) events")
        }
        if next.firstSequence < nextFirst {
            return .broken(
                firstBadSequence: max(1, next.firstSequence),
                reason: "command '\(id)' starts at \(next.firstSequence), inside the previous command (which "
                    + "ends at \(nextFirst - 1))")
        }
        nextFirst = next.lastSequence + 1
        return nil
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// Byte equality of two buffers by `memcmp` (the generic `elementsEqual` went byte by byte through
/// unspecialized code: 6% of `verify`).
@inline(__always)
private func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    guard let left = a.baseAddress, let right = b.baseAddress else { return true }
    return memcmp(left, right, a.count) == 0
}
