// Append: one command's events, atomically and exactly once, against an expected last sequence.
// BEGIN IMMEDIATE takes the write lock first, so the duplicate and conflict checks and the inserts see
// one consistent log. Events are inserted as the body produces them, through one reused statement, with
// the hash chained in memory from the previous event's hash: a million-event command streams at flat
// memory (SQLite spills dirty pages to the WAL).

import CSQLite
import SubledgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EventStore {
    /// Appends the events `body` produces as command `commandID`.
    ///
    /// - `contentHash` gives the SHA-256 of the command's canonical content. It is called inside the write
    ///   transaction: after `body` to be recorded with the command, or instead of `body` when a command
    ///   with this id exists, to compare with that command's hash. When it gives nil the command is
    ///   recorded without a hash, and a re-sent id is then taken for the same command, as it was before
    ///   the log kept content hashes.
    /// - Returns `.duplicate` if the same command was appended before, `.idConflict` if another command was
    ///   appended under this id, and `.conflict` if the log's last sequence is not `expectedLastSequence`;
    ///   in all three cases nothing is written and `body` does not run.
    /// - If `body` or `contentHash` throws, nothing is written and the error is rethrown unchanged. SQLite
    ///   failures roll back and throw `StoreError`. `body` returns the text stored as the command's result.
    /// - `actor` is recorded with the command (DR-25); nil for the local CLI.
    public func append(
        commandID: String, kind: String, expectedLastSequence: Int64, recordedAt: Int64, actor: String? = nil,
        contentHash: () throws -> SHA256.Digest? = { nil },
        _ body: (inout AppendBatch) throws -> String
    ) throws -> AppendOutcome {
        try appendTransaction("append") { commit in
            try appendCommand(
                commandID: commandID, kind: kind, expectedLastSequence: expectedLastSequence,
                recordedAt: recordedAt, actor: actor, contentHash: contentHash, body, commit: commit)
        }
    }

    /// `append`'s work inside its transaction; `commit` makes it durable.
    private func appendCommand(
        commandID: String, kind: String, expectedLastSequence: Int64, recordedAt: Int64, actor: String?,
        contentHash: () throws -> SHA256.Digest?, _ body: (inout AppendBatch) throws -> String,
        commit: () throws -> Void
    ) throws -> AppendOutcome {
        // Checked under the write lock: of two writers racing with one id, the second sees the first's row.
        if let existing = try command(id: commandID) { return try resent(existing, contentHash) }
        let (actualLast, lastHash) = try lastEvent()
        if actualLast != expectedLastSequence { return .conflict(actualLastSequence: actualLast) }

        let writer = try AppendWriter(
            insert: insertEvent, commandID: commandID, recordedAt: recordedAt,
            lastSequence: actualLast, lastHash: lastHash)
        defer { writer.close() }
        var batch = AppendBatch(writer: writer)
        let result = try body(&batch)
        if let failure = writer.failure { throw failure }  // the body swallowed an append error

        let record = CommandRecord(
            commandID: commandID, kind: kind, firstSequence: actualLast + 1,
            lastSequence: writer.lastSequence, eventCount: writer.count,
            recordedAt: recordedAt, result: result, contentHash: try contentHash(), actor: actor)
        try insertCommandRecord(record)
        try commit()
        return .appended(record)
    }

    /// One BEGIN IMMEDIATE write transaction for an append or a group: refused inside another append's
    /// body and on a read-only store, and rolled back unless `body` calls the `commit` it is given (an
    /// early return, such as a conflict, or a throw writes nothing).
    func appendTransaction<T>(_ name: String, _ body: (_ commit: () throws -> Void) throws -> T) throws -> T {
        guard !isAppending else { throw StoreError.misuse("\(name) called from inside an append body") }
        try checkWritable()
        try ensureFullSync()
        isAppending = true
        defer { isAppending = false }

        try beginImmediate.run()
        var committed = false
        defer { if !committed { rollbackQuietly() } }
        return try body {
            try commit.run()
            committed = true
        }
    }

    /// The outcome for an id appended before: the same command again (equal content hashes, or no hash on
    /// either side to compare), or another command under a reused id.
    func resent(
        _ existing: CommandRecord,
        _ contentHash: () throws -> SHA256.Digest?
    ) throws -> AppendOutcome {
        guard let stored = existing.contentHash, let hash = try contentHash() else { return .duplicate(existing) }
        return hash == stored ? .duplicate(existing) : .idConflict(existing, contentHash: hash)
    }

    /// Sequence and hash of the newest event: (0, zero hash) when the log is empty.
    func lastEvent() throws(StoreError) -> (Int64, SHA256.Digest) {
        defer { selectLastEvent.reset() }
        guard try selectLastEvent.step() else { return (0, .zero) }
        let sequence = selectLastEvent.int64(at: 0)
        guard let hash = SHA256.Digest(bytes: selectLastEvent.blobBuffer(at: 1)) else {
            throw StoreError.corrupt("event \(sequence) has no 32-byte hash", sql: selectLastEvent.sql)
        }
        return (sequence, hash)
    }
}

/// The handle an append body uses to add events to its command. Valid only while the body runs.
public struct AppendBatch {
    let writer: AppendWriter

    /// Inserts `event` as the next sequence (chained to the previous hash) inside the command's transaction.
    public mutating func append(_ event: EventEnvelope) throws(StoreError) {
        try writer.append(event)
    }

    /// Events appended so far by this command.
    public var count: Int { writer.count }

    /// Sequence of the last event appended so far (the expected last sequence while count is 0).
    public var lastSequence: Int64 { writer.lastSequence }

    /// Chain hash of the last event appended so far.
    public var lastHash: SHA256.Digest { writer.lastHash }
}

/// Per-command insert state. A class so that a copied-out AppendBatch cannot append after its command ended.
final class AppendWriter {
    let insert: Statement
    let commandID: [UInt8]
    let recordedAt: Int64
    private(set) var lastSequence: Int64
    private(set) var lastHash: SHA256.Digest
    private(set) var count = 0
    private(set) var failure: StoreError?
    private var isOpen = true

    init(
        insert: Statement, commandID: String, recordedAt: Int64, lastSequence: Int64,
        lastHash: SHA256.Digest
    ) throws(StoreError) {
        self.insert = insert
        self.commandID = Array(commandID.utf8)
        self.recordedAt = recordedAt
        self.lastSequence = lastSequence
        self.lastHash = lastHash
        // Constant for the whole command: bound once (copied by SQLite), kept across resets.
        try insert.bind(commandID, at: 6)
        try insert.bind(recordedAt, at: 7)
    }

    func close() {
        isOpen = false
        insert.reset()
        insert.clearBindings()  // drop the no-copy pointers bound by the last row
    }

    func append(_ event: EventEnvelope) throws(StoreError) {
        guard isOpen else { throw StoreError.misuse("AppendBatch used after its command ended") }
        // After a failure SQLite may have rolled the transaction back itself (IOERR, FULL): another
        // insert would then autocommit outside the command. The command is lost; refuse to go on.
        if let failure { throw failure }
        guard event.version >= 1, event.version <= Int(Int32.max) else {
            throw record(.invalid("event version \(event.version) is outside 1...\(Int32.max)"))
        }
        guard !event.type.isEmpty else { throw record(.invalid("event type is empty")) }

        let sequence = lastSequence + 1
        let date = event.date.yyyymmdd
        let version = Int32(event.version)
        let typeCount = event.type.utf8.count
        var newHash = SHA256.Digest.zero
        // All bytes are bound without copying (SQLITE_STATIC) and stay alive until the step below returns;
        // every per-row parameter is rebound before the next step, and close() clears them. The type is
        // given NUL-terminated (DR-69): `CHECK(length(type) > 0)` reads it as a C string, and SQLite copied
        // every row's type into a buffer of its own to terminate it.
        let error: StoreError? = event.type.withCString { typeCString in
            event.payload.withUnsafeBytes { payload in
                commandID.withUnsafeBytes { command in
                    let typeBytes = UnsafeRawBufferPointer(start: typeCString, count: typeCount)
                    newHash = EventHash.compute(
                        previous: lastHash, sequence: sequence, businessDate: date,
                        type: typeBytes, version: version, commandID: command,
                        recordedAt: recordedAt, payload: payload)
                    return newHash.withUnsafeBytes { hash in
                        insertRow(
                            sequence: sequence, date: date, type: typeBytes, version: version,
                            payload: payload, hash: hash)
                    }
                }
            }
        }
        if let error { throw record(error) }
        lastSequence = sequence
        lastHash = newHash
        count += 1
    }

    private func insertRow(
        sequence: Int64, date: Int32, type: UnsafeRawBufferPointer, version: Int32,
        payload: UnsafeRawBufferPointer, hash: UnsafeRawBufferPointer
    ) -> StoreError? {
        let handle = insert.handle
        var rc = sqlite3_bind_int64(handle, 1, sequence)
        if rc == SQLITE_OK { rc = sqlite3_bind_int64(handle, 2, Int64(date)) }
        if rc == SQLITE_OK { rc = bindType(type) }
        if rc == SQLITE_OK { rc = sqlite3_bind_int64(handle, 4, Int64(version)) }
        if rc == SQLITE_OK { rc = insert.bindBlobNoCopy(payload, at: 5) }
        if rc == SQLITE_OK { rc = insert.bindBlobNoCopy(hash, at: 8) }
        if rc == SQLITE_OK { rc = sqlite3_step(handle) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR }
        let error = rc == SQLITE_OK ? nil : insert.connection.lastError(sql: insert.sql)
        sqlite3_reset(handle)
        return error
    }

    /// Binds a C string's bytes (`type` ends before its NUL) as text SQLite knows to be terminated, or by
    /// their count when they hold a NUL of their own (SQLite would stop at that one).
    private func bindType(_ type: UnsafeRawBufferPointer) -> Int32 {
        guard let base = type.baseAddress, type.count > 0, memchr(base, 0, type.count) == nil else {
            return insert.bindTextNoCopy(type, at: 3)
        }
        return sqlite3_bind_text(insert.handle, 3, base.assumingMemoryBound(to: CChar.self), -1, SQLITE_STATIC)
    }

    /// Remembers the first failure so that a body that swallows it still gets its command rolled back.
    private func record(_ error: StoreError) -> StoreError {
        if failure == nil { failure = error }
        return error
    }
}
