// Appends on PostgreSQL: one transaction per command or group, under the ledger's advisory lock (see
// PostgresEventLog.swift), with the same outcomes as EventStore.append and appendGroup: idempotency by
// command id first, then the expected last sequence, then the body's events, chained in memory from the
// previous hash and sent in multi-row INSERTs of `rowsPerInsert` events, then the command row (which the
// tiling trigger checks). Anything that fails rolls the whole transaction back: a command is all there or
// absent, on a crash of the node too (the server rolls back a transaction whose connection died). A
// transaction that adds events tells the other nodes with NOTIFY inside it (PostgresLogWatcher.swift), so
// the notification goes out on commit only, never for a rolled-back group.

import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    public func appendCommand(
        commandID: String, kind: String, expectedLastSequence: Int64, recordedAt: Int64, actor: String? = nil,
        contentHash: () throws -> SHA256.Digest? = { nil }, _ body: (inout any EventSink) throws -> String
    ) throws -> AppendOutcome {
        try writeTransaction("append") { last, lastHash, commit in
            // Under the lock: of two writers racing with one id, the second sees the first's row.
            if let existing = try command(id: commandID) { return try Self.resent(existing, contentHash) }
            if last != expectedLastSequence { return .conflict(actualLastSequence: last) }
            let writer = PostgresEventWriter(
                log: self, commandID: commandID, recordedAt: recordedAt, lastSequence: last, lastHash: lastHash)
            defer { writer.close() }
            var sink: any EventSink = PostgresEventSink(writer: writer)
            let result = try body(&sink)
            try writer.finish()
            let record = CommandRecord(
                commandID: commandID, kind: kind, firstSequence: last + 1, lastSequence: writer.lastSequence,
                eventCount: writer.count, recordedAt: recordedAt, result: result, contentHash: try contentHash(),
                actor: actor)
            try insertCommandRecord(record)
            try commit(writer.count > 0 ? writer.lastSequence : nil, [])
            return .appended(record)
        }
    }

    public func appendCommandGroup(
        expectedLastSequence: Int64, _ body: (inout any CommandSink) throws -> Void
    ) throws -> GroupAppendOutcome {
        try writeTransaction("appendGroup") { last, lastHash, commit in
            if last != expectedLastSequence { return .conflict(actualLastSequence: last) }
            try runGroup(PostgresGroupState(lastSequence: last, lastHash: lastHash), body, commit)
            return .committed
        }
    }

    /// Runs a group's body on `group` (the log's end read under the lock) and commits what it appended.
    func runGroup(_ group: PostgresGroupState, _ body: (inout any CommandSink) throws -> Void, _ commit: Commit) throws
    {
        let last = group.lastSequence
        var sink: any CommandSink = PostgresCommandSink(log: self, group: group)
        try body(&sink)
        if let failure = group.failure { throw failure }
        // The group's INSERTs as one statement, one round trip under the lock (PostgresGroupSQL.swift).
        let inserts =
            group.statements.isEmpty ? [] : [PostgresQuery(unsafeSQL: PostgresGroupSQL.block(group.statements))]
        try commit(group.lastSequence > last ? group.lastSequence : nil, inserts)
    }

    /// One write transaction under the ledger's lock: refused inside another append's body, and rolled back
    /// unless `body` calls the `commit` it is given (an early return, such as a conflict, writes nothing).
    /// `body` gets the log's last sequence and hash, read under the lock. `commit(last, statements)` sends
    /// `statements` (a group's INSERTs) and, with the log's new last sequence, notifies the watchers, then
    /// commits; nil: no event was added. BEGIN, the lock and that read go in one pipeline, the statements,
    /// NOTIFY and COMMIT in another: two waits of the calling thread for the transaction's frame (DR-45).
    func writeTransaction<T>(
        _ name: String,
        _ body: (_ last: Int64, _ lastHash: SHA256.Digest, _ commit: Commit) throws -> T
    ) throws -> T {
        try writeTransaction(name, reading: []) { last, lastHash, _, commit in
            try withoutActuallyEscaping(commit) { commit in try body(last, lastHash, commit) }
        }
    }

    /// `writeTransaction`, with `reads` sent in the first pipeline after the log's end (so, under the lock,
    /// without a wait of their own); `body` gets their results in order.
    func writeTransaction<T>(
        _ name: String, reading reads: [PostgresQuery],
        _ body: (_ last: Int64, _ lastHash: SHA256.Digest, _ reads: [PostgresQueryResult], _ commit: Commit)
            throws -> T
    ) throws -> T {
        guard !isAppending else { throw StoreError.misusedLog("\(name) called from inside an append body") }
        isAppending = true
        defer { isAppending = false }
        var committed = false
        defer { if !committed { _ = try? session.execute("ROLLBACK") } }
        let lock = PostgresQuery(
            unsafeSQL: "SELECT pg_advisory_xact_lock(\(PostgresSchema.appendLock), hashtext(current_schema()))")
        let sent = Self.wallMicroseconds()
        let began = try session.pipeline(["BEGIN", lock, Self.lastEventLockedQuery] + reads)
        let (last, lastHash, locked) = try lastEventLocked(began[2])
        lastLockWait = locked.map { Duration.microseconds(max(0, $0 - sent)) }
        return try body(last, lastHash, Array(began.dropFirst(3))) { last, statements in
            var ending = statements
            if let last { ending.append(PostgresLogWatcher.notify(schema: schema, lastSequence: last)) }
            ending.append("COMMIT")
            try session.pipeline(ending)
            committed = true
        }
    }

    /// The outcome for an id appended before: the same command again, or another under a reused id.
    static func resent(_ existing: CommandRecord, _ contentHash: () throws -> SHA256.Digest?) throws -> AppendOutcome {
        guard let stored = existing.contentHash, let hash = try contentHash() else { return .duplicate(existing) }
        return hash == stored ? .duplicate(existing) : .idConflict(existing, contentHash: hash)
    }

    /// Commits a write transaction: the new last sequence to notify (nil: no event added), and statements to
    /// send first.
    typealias Commit = (_ notifying: Int64?, _ statements: [PostgresQuery]) throws -> Void

    func insertCommandRecord(_ record: CommandRecord) throws {
        try session.query(Self.insertCommandQuery(record))
    }

    static func insertCommandQuery(_ record: CommandRecord) -> PostgresQuery {
        let hash = record.contentHash.map { ByteBuffer(bytes: $0.bytes) }
        return """
            INSERT INTO commands(\(unescaped: Self.commandColumns)) VALUES (\(record.commandID), \(record.kind),
            \(record.firstSequence), \(record.lastSequence), \(Int64(record.eventCount)), \(record.recordedAt),
            \(record.result), \(hash), \(record.actor))
            """
    }
}

/// Per-group state shared by the copies of its sink.
final class PostgresGroupState {
    var lastSequence: Int64
    var lastHash: SHA256.Digest
    /// Set when a command failed after writing: the group must not commit.
    var failure: StoreError?
    /// The accepted commands' INSERTs as SQL text (events, then the command row, command after command),
    /// sent as one block with the COMMIT in one pipeline: a command's own round trips under the lock are its
    /// id's lookup only (DR-45), and the group's INSERTs one round trip (DR-51).
    var statements: [String] = []
    /// The commands of this group so far, by id: their rows are not in the table before the commit.
    var appended: [String: CommandRecord] = [:]
    /// Ids looked up together when the group began (under the lock), and the records found among them.
    var lookedUp: Set<String> = []
    var recorded: [String: CommandRecord] = [:]

    init(lastSequence: Int64, lastHash: SHA256.Digest) {
        self.lastSequence = lastSequence
        self.lastHash = lastHash
    }

    /// The record of `id` appended before this group: from the group's lookups, else asked for now.
    func record(of id: String, in log: PostgresEventLog) throws -> CommandRecord? {
        lookedUp.contains(id) ? recorded[id] : try log.command(id: id)
    }

    /// Looks up the ids not looked up yet in one statement (one wait under the lock, DR-60).
    func lookUp(_ ids: [String], in log: PostgresEventLog) throws {
        let missing = Array(Set(ids).subtracting(lookedUp).subtracting(appended.keys))
        guard !missing.isEmpty else { return }
        for record in try log.commands(ids: missing) { recorded[record.commandID] = record }
        lookedUp.formUnion(missing)
    }
}

struct PostgresCommandSink: CommandSink {
    let log: PostgresEventLog
    let group: PostgresGroupState

    var lastSequence: Int64 { group.lastSequence }

    func lookUp(commandIDs: [String]) throws {
        if let failure = group.failure { throw failure }
        try group.lookUp(commandIDs, in: log)
    }

    func appendCommand(
        commandID: String, kind: String, recordedAt: Int64, actor: String?,
        contentHash: () throws -> SHA256.Digest?, _ body: (inout any EventSink) throws -> String
    ) throws -> AppendOutcome {
        if let failure = group.failure { throw failure }
        if let existing = try group.appended[commandID] ?? group.record(of: commandID, in: log) {
            return try PostgresEventLog.resent(existing, contentHash)
        }
        let writer = PostgresEventWriter(
            log: log, commandID: commandID, recordedAt: recordedAt, lastSequence: group.lastSequence,
            lastHash: group.lastHash, deferring: true)
        defer { writer.close() }
        let record: CommandRecord
        do {
            var sink: any EventSink = PostgresEventSink(writer: writer)
            let result = try body(&sink)
            try writer.finish()
            record = CommandRecord(
                commandID: commandID, kind: kind, firstSequence: group.lastSequence + 1,
                lastSequence: writer.lastSequence, eventCount: writer.count, recordedAt: recordedAt, result: result,
                contentHash: try contentHash(), actor: actor)
        } catch {
            // Events sent (or buffered) cannot be taken back row by row: the group must not commit.
            if (writer.count > 0 || error is StoreError) && group.failure == nil {
                group.failure = .misusedLog("a command of the group failed after writing; the group was rolled back")
            }
            throw error
        }
        group.statements += writer.deferred ?? []
        group.statements.append(PostgresGroupSQL.insertCommand(record))
        group.appended[commandID] = record
        group.lastSequence = record.lastSequence
        group.lastHash = writer.lastHash
        return .appended(record)
    }
}
