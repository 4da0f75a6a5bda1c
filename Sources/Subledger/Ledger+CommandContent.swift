// A command id means one command. Each command is recorded with the SHA-256 of its canonical content
// (`LedgerCommand.encodeContent`): the same id sent again with the same content returns the first result,
// with other content it is refused (`command-id-conflict`) and nothing is written.

import SubledgerCore
internal import SubledgerStore

/// SHA-256 over the canonical content of a command's commands, in order: each one length-prefixed.
struct CommandContentHasher {
    private var sha = SHA256()
    private(set) var count = 0
    /// The first command, for messages.
    private(set) var first: LedgerCommand?

    mutating func add(_ command: LedgerCommand) {
        // The length and the content in one buffer on the stack, hashed in one update: the same bytes as
        // the length's update and then the content's from a `PayloadWriter`, a third of the reader's work
        // per line under callgrind (DR-70).
        command.withContent(headroom: 4) { bytes in
            bytes.storeBytes(of: UInt32(truncatingIfNeeded: bytes.count - 4).bigEndian, as: UInt32.self)
            sha.update(UnsafeRawBufferPointer(bytes))
        }
        // Counted first: testing the optional for nil copied the whole command out (DR-69).
        count += 1
        if count == 1 { first = command }
    }

    mutating func finalize() -> SHA256.Digest { sha.finalize() }

    /// What the commands are, for a message: the one command, or how many.
    var summary: String {
        if count == 1, let first { return first.contentSummary }
        guard count > 0, let first else { return "no commands" }
        return "\(count) commands, the first \(first.contentSummary)"
    }

    /// The content of what `produce` submits, without deciding anything.
    static func hashing(
        _ produce: (_ submit: (LedgerCommand) throws -> Void) throws -> Void
    ) throws
        -> CommandContentHasher
    {
        var hasher = CommandContentHasher()
        try produce { hasher.add($0) }
        return hasher
    }
}

extension Ledger {
    /// A command sent under an id the log already holds: the first result when the content is the same,
    /// else a `command-id-conflict` rejection. A command recorded without a content hash (before the log
    /// kept them) cannot be compared: it is taken for the same command, as before, and the result says so.
    func resent(_ existing: CommandRecord, kind: String, content: inout CommandContentHasher) throws -> CommandResult {
        let hash = content.finalize()
        if let stored = existing.contentHash, stored != hash {
            throw Ledger.conflict(existing, kind: kind, summary: content.summary, hash: hash)
        }
        try catchUp()
        return CommandResult(existing, duplicate: true)
    }

    static func conflict(_ first: CommandRecord, kind: String, summary: String, hash: SHA256.Digest) -> Rejection {
        let events =
            first.eventCount == 0
            ? "no events"
            : first.eventCount == 1
                ? "1 event at sequence \(first.firstSequence)"
                : "\(first.eventCount) events at sequences \(first.firstSequence)-\(first.lastSequence)"
        let stored = first.contentHash.map { ", content \(short($0))" } ?? ""
        let what = summary.hasPrefix(kind) ? summary : "\(kind) of \(summary)"
        return Rejection(
            .commandIDConflict, field: "command-id",
            "command id '\(first.commandID)' belongs to another command: first \(first.kind) "
                + "(\(events)\(stored)), now \(what) (content \(short(hash))); nothing appended. "
                + "Send the first command unchanged, or give this one a new id")
    }

    private static func short(_ digest: SHA256.Digest) -> String { String(digest.description.prefix(16)) }
}

extension CommandResult {
    init(_ record: CommandRecord, duplicate: Bool) {
        self.init(
            commandID: record.commandID, firstSequence: record.firstSequence, lastSequence: record.lastSequence,
            eventCount: record.eventCount, duplicate: duplicate, summary: record.result,
            contentHash: record.contentHash?.description, actor: record.actor)
    }
}
