// Group append: several commands in ONE write transaction, so that one durable commit (one fsync of the
// WAL at synchronous=FULL) answers many requests. Each command gets its own record and its own outcome,
// exactly as `append` would give it run alone at that point of the log: an id recorded before (or earlier
// in the same group) is a duplicate or an id conflict and writes nothing. A command whose body throws
// before it inserted an event wrote nothing and the group goes on; one that throws after inserting events
// cannot be undone row by row (the log refuses DELETE), so the whole group is rolled back.

import CSQLite
import SubledgerCore

/// How a group append ended.
public enum GroupAppendOutcome: Sendable, Equatable {
    /// Every command the body appended is committed (durably, as any append).
    case committed
    /// The log's last sequence was not the expected one; nothing was written and the body did not run.
    case conflict(actualLastSequence: Int64)
}

extension EventStore {
    /// Runs `body` inside one BEGIN IMMEDIATE transaction in which it appends commands one after another
    /// through the `AppendGroup` it is given, then commits them all at once.
    ///
    /// If `body` throws, nothing of the group is written and the error is rethrown unchanged; so it is when
    /// a command's body threw after appending events (the group can no longer commit without them) even
    /// if `body` caught that error. SQLite failures roll back and throw `StoreError`.
    public func appendGroup(
        expectedLastSequence: Int64, _ body: (inout AppendGroup) throws -> Void
    ) throws -> GroupAppendOutcome {
        try appendTransaction("appendGroup") { commit in
            let (actualLast, lastHash) = try lastEvent()
            if actualLast != expectedLastSequence { return .conflict(actualLastSequence: actualLast) }
            try runGroup(lastSequence: actualLast, lastHash: lastHash, body, commit)
            return .committed
        }
    }

    /// Lock first (DR-46): inside one BEGIN IMMEDIATE transaction (which holds the file's write lock), hands
    /// `catchingUp` the events after `folded` through the log's end, chain-checked, then runs `body` as
    /// `appendGroup(expectedLastSequence:)` does, chained to the log's real last event. The group cannot
    /// conflict. If `catchingUp` throws, nothing is written and the error is rethrown unchanged.
    public func appendGroup(
        after folded: Int64, catchingUp: (borrowing EventView) throws -> Void,
        _ body: (inout AppendGroup) throws -> Void
    ) throws {
        try appendTransaction("appendGroup") { commit in
            let (last, lastHash) = try lastEvent()
            guard last >= folded else {
                throw StoreError.corrupt(
                    "the log ends at event \(last), before the \(folded) already read from it: the file was "
                        + "replaced or damaged; run `subledger verify`")
            }
            if last > folded { try scanThrough(after: folded, last, catchingUp) }
            try runGroup(lastSequence: last, lastHash: lastHash, body, commit)
        }
    }

    private func runGroup(
        lastSequence: Int64, lastHash: SHA256.Digest, _ body: (inout AppendGroup) throws -> Void,
        _ commit: () throws -> Void
    ) throws {
        var group = AppendGroup(store: self, lastSequence: lastSequence, lastHash: lastHash)
        try body(&group)
        if let failure = group.failure { throw failure }
        try commit()
    }
}

/// The handle a group body appends its commands through. Valid only while the body runs.
public struct AppendGroup {
    let store: EventStore
    /// Sequence of the last event appended so far (the log's last sequence before the first command).
    public private(set) var lastSequence: Int64
    private var lastHash: SHA256.Digest
    /// Set when a command failed after writing: the group must not commit.
    fileprivate private(set) var failure: StoreError?

    init(store: EventStore, lastSequence: Int64, lastHash: SHA256.Digest) {
        self.store = store
        self.lastSequence = lastSequence
        self.lastHash = lastHash
    }

    /// Appends one command of the group: as `EventStore.append` (same arguments, same outcomes) except that
    /// nothing is committed yet and `.conflict` never happens (the group checked the log's end once).
    /// If `body` throws before appending an event, nothing was written and the group may go on.
    public mutating func append(
        commandID: String, kind: String, recordedAt: Int64, actor: String? = nil,
        contentHash: () throws -> SHA256.Digest? = { nil },
        _ body: (inout AppendBatch) throws -> String
    ) throws -> AppendOutcome {
        if let failure { throw failure }
        // SQLite may have rolled the transaction back itself (IOERR, FULL): an insert would then autocommit.
        guard store.connection.isInTransaction else {
            throw poison(.misuse("the group's transaction ended before its commands were appended"))
        }
        if let existing = try store.command(id: commandID) { return try store.resent(existing, contentHash) }
        let writer = try AppendWriter(
            insert: store.insertEvent, commandID: commandID, recordedAt: recordedAt,
            lastSequence: lastSequence, lastHash: lastHash)
        defer { writer.close() }
        var batch = AppendBatch(writer: writer)
        let record: CommandRecord
        do {
            let result = try body(&batch)
            if let failure = writer.failure { throw failure }  // the body swallowed an append error
            record = CommandRecord(
                commandID: commandID, kind: kind, firstSequence: lastSequence + 1,
                lastSequence: writer.lastSequence, eventCount: writer.count,
                recordedAt: recordedAt, result: result, contentHash: try contentHash(), actor: actor)
            try store.insertCommandRecord(record)
        } catch {
            if writer.count > 0 || error is StoreError {
                _ = poison(.misuse("a command of the group failed after writing; the group was rolled back"))
            }
            throw error
        }
        lastSequence = record.lastSequence
        lastHash = writer.lastHash
        return .appended(record)
    }

    private mutating func poison(_ error: StoreError) -> StoreError {
        if failure == nil { failure = error }
        return error
    }
}

extension EventStore {
    /// Inserts one command row (the tiling trigger checks it against the events just inserted).
    func insertCommandRecord(_ record: CommandRecord) throws(StoreError) {
        defer {
            insertCommand.reset()
            insertCommand.clearBindings()
        }
        try insertCommand.bind(record.commandID, at: 1)
        try insertCommand.bind(record.kind, at: 2)
        try insertCommand.bind(record.firstSequence, at: 3)
        try insertCommand.bind(record.lastSequence, at: 4)
        try insertCommand.bind(Int64(record.eventCount), at: 5)
        try insertCommand.bind(record.recordedAt, at: 6)
        try insertCommand.bind(record.result, at: 7)
        if let hash = record.contentHash { try insertCommand.bind(hash.bytes, at: 8) }
        if let actor = record.actor {
            guard schemaVersion >= Schema.actorVersion else {
                throw StoreError.misuse("the ledger's schema predates command actors")
            }
            try insertCommand.bind(actor, at: 9)
        }
        try insertCommand.run()
    }
}

/// The actor of a run of commands: every event in `firstSequence...lastSequence` was appended by it.
public struct CommandActorSpan: Sendable, Equatable {
    public var firstSequence: Int64
    public var lastSequence: Int64
    public var actor: String
}

extension EventStore {
    /// The commands with an actor that appended any of the events `after + 1 ... through`, in log order;
    /// empty for a file from before actors. Reads from the command covering event `after + 1` on (the
    /// commands tile the log), so a page deep in a long log reads only its own commands.
    public func commandActors(after: Int64, through: Int64) throws(StoreError) -> [CommandActorSpan] {
        guard schemaVersion >= Schema.actorVersion, through > after else { return [] }
        let statement = try connection.prepare(
            """
            SELECT first_sequence, last_sequence, actor FROM commands
            WHERE first_sequence >= coalesce((SELECT first_sequence FROM commands WHERE first_sequence <= ?1 + 1
                                              ORDER BY first_sequence DESC LIMIT 1), 0)
              AND first_sequence <= ?2 AND last_sequence > ?1 AND actor IS NOT NULL
            ORDER BY first_sequence
            """)
        try statement.bind(after, at: 1)
        try statement.bind(through, at: 2)
        var spans: [CommandActorSpan] = []
        while try statement.step() {
            spans.append(
                CommandActorSpan(
                    firstSequence: statement.int64(at: 0), lastSequence: statement.int64(at: 1),
                    actor: statement.text(at: 2)))
        }
        return spans
    }
}
