import SubledgerCore
internal import SubledgerStore

/// One command of the log, as `subledger commands` lists it.
public struct CommandEntry: Sendable, Equatable {
    public var commandID: String
    public var kind: String
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var eventCount: Int
    /// Milliseconds since 1970, UTC.
    public var recordedAt: Int64
    public var result: String
    /// SHA-256 (hex) of the command's content; nil for a command recorded before content hashes.
    public var contentHash: String?
    /// The name of the token whose request appended the command; nil for the local CLI (DR-25).
    public var actor: String?

    init(_ record: CommandRecord) {
        commandID = record.commandID
        kind = record.kind
        firstSequence = record.firstSequence
        lastSequence = record.lastSequence
        eventCount = record.eventCount
        recordedAt = record.recordedAt
        result = record.result
        contentHash = record.contentHash?.description
        actor = record.actor
    }
}

extension EventRow {
    /// The events `sequence + 1 ... sequence + limit` (to the end when nil), decoded; the hash chain is
    /// checked along the read from event `sequence`'s stored hash.
    static func read(_ store: any QueryableEventLog, after sequence: Int64, limit: Int?) throws -> [EventRow] {
        var rows: [EventRow] = []
        // Clamped: `--after` near Int64.max with any limit must read nothing, not overflow.
        let last = limit.map { limit in
            let (sum, overflow) = sequence.addingReportingOverflow(Int64(max(0, limit)))
            return overflow ? Int64.max : sum
        }
        try LedgerError.sealing {
            try store.forEachEvent(after: sequence, through: last) { stored in
                let event: LedgerEvent
                do throws(PayloadDecodingError) { event = try EventCatalog.decode(stored.envelope) } catch {
                    throw LedgerError.corruptEvent(sequence: stored.sequence, message: error.description)
                }
                rows.append(EventRow(stored: stored, event: event))
            }
        }
        try attachActors(to: &rows, from: store, after: sequence)
        return rows
    }
}

extension EventRow {
    /// Sets each row's actor from the command rows that cover it (read after the events: a command row is
    /// committed with its events and never changes).
    static func attachActors(to rows: inout [EventRow], from store: any QueryableEventLog, after sequence: Int64) throws
    {
        guard let last = rows.last?.stored.sequence else { return }
        let spans = try LedgerError.sealing { try store.commandActors(after: sequence, through: last) }
        var next = spans.startIndex
        for index in rows.indices {
            let event = rows[index].stored.sequence
            while next < spans.endIndex, spans[next].lastSequence < event { next += 1 }
            if next < spans.endIndex, spans[next].firstSequence <= event { rows[index].actor = spans[next].actor }
        }
    }
}

/// The outcome of re-checking the hash chain.
public enum ChainReport: Sendable, Equatable {
    /// Every hash matches; `lastHash` is the newest event's chain hash.
    case intact(eventCount: Int64, lastHash: [UInt8])
    case broken(firstBadSequence: Int64, reason: String)

    init(_ verification: ChainVerification) {
        switch verification {
        case .intact(let count, let hash): self = .intact(eventCount: count, lastHash: hash)
        case .broken(let sequence, let reason): self = .broken(firstBadSequence: sequence, reason: reason)
        }
    }
}

/// A snapshot's checksum, as `subledger verify` reports it.
public struct SnapshotChecksum: Sendable, Equatable {
    public var sequence: Int64
    /// True when the checksum is missing or does not match; false for a row from before checksums.
    public var damaged: Bool
}
