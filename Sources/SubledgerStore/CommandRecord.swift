// CommandRecord and AppendOutcome: what the log remembers about each appended command (the idempotency
// record) and what an append attempt returns. A duplicate or a conflict is an outcome, not an error:
// the caller decides what to do (return the earlier result; refuse the reused id; catch up and decide
// again).

/// One row of `commands`. An empty command has eventCount 0 and firstSequence == lastSequence + 1.
public struct CommandRecord: Sendable, Equatable {
    public var commandID: String
    public var kind: String
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var eventCount: Int
    /// Unix milliseconds, as given to `append`.
    public var recordedAt: Int64
    /// The text the append body returned (the command's result, for idempotent replies).
    public var result: String
    /// SHA-256 of the command's canonical content: the id means this command and no other. nil for a
    /// command recorded before the log kept content hashes; its content cannot be compared.
    public var contentHash: SHA256.Digest?
    /// Who appended the command: the name of the API token whose request produced it; nil for the local
    /// CLI and for every command recorded before the log kept actors (DR-25).
    public var actor: String?

    public init(
        commandID: String, kind: String, firstSequence: Int64, lastSequence: Int64,
        eventCount: Int, recordedAt: Int64, result: String, contentHash: SHA256.Digest? = nil,
        actor: String? = nil
    ) {
        self.commandID = commandID
        self.kind = kind
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.eventCount = eventCount
        self.recordedAt = recordedAt
        self.result = result
        self.contentHash = contentHash
        self.actor = actor
    }
}

public enum AppendOutcome: Sendable, Equatable {
    /// The command's events and its record were committed.
    case appended(CommandRecord)
    /// A command with this id and the same content (or one recorded without a content hash) was appended
    /// before; nothing was written and the body did not run.
    case duplicate(CommandRecord)
    /// A command with this id but other content was appended before; nothing was written and the body
    /// did not run. `contentHash` is the content of the command refused.
    case idConflict(CommandRecord, contentHash: SHA256.Digest)
    /// The log's last sequence was not the expected one; nothing was written and the body did not run.
    case conflict(actualLastSequence: Int64)
}
