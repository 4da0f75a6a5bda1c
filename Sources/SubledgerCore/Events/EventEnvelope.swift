/// One event as the domain produces it, before the store gives it a sequence, a time and a hash.
/// `type` is the stable wire name from `EventCatalog`, never a Swift type name; `payload` is the
/// versioned binary encoding of `EventCatalog.encode` (`PayloadWriter`, read back with `PayloadReader`).
public struct EventEnvelope: Sendable, Equatable {
    public var date: LedgerDate
    public var type: String
    public var version: Int
    public var payload: [UInt8]

    public init(date: LedgerDate, type: String, version: Int, payload: [UInt8]) {
        self.date = date
        self.type = type
        self.version = version
        self.payload = payload
    }
}

/// One event as stored in the log.
public struct StoredEvent: Sendable, Equatable {
    /// Global, gap-free position in the log (SQLite INTEGER PRIMARY KEY), starting at 1.
    public var sequence: Int64
    public var envelope: EventEnvelope
    /// Id of the command that appended this event (idempotency key).
    public var commandID: String
    /// Wall-clock time the event was recorded, Unix milliseconds (informational; never used by the domain).
    public var recordedAt: Int64
    /// SHA-256 over the previous event's hash and this event's canonical bytes.
    public var hash: [UInt8]

    public init(sequence: Int64, envelope: EventEnvelope, commandID: String, recordedAt: Int64, hash: [UInt8]) {
        self.sequence = sequence
        self.envelope = envelope
        self.commandID = commandID
        self.recordedAt = recordedAt
        self.hash = hash
    }
}
