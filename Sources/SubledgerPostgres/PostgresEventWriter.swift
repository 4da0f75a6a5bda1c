// PostgresEventWriter: one command's events on their way to the server. Each event is validated, numbered
// and chained (EventChain.hash, the bytes SQLite hashes) as the body appends it, and buffered; every
// `rowsPerInsert` events go to the server in one multi-row INSERT, so a long command streams at flat
// memory with one round trip per page of events rather than per event.

import PostgresNIO
import SubledgerCore
import SubledgerStore

final class PostgresEventWriter {
    let log: PostgresEventLog
    let commandID: String
    let recordedAt: Int64
    private(set) var lastSequence: Int64
    private(set) var lastHash: SHA256.Digest
    private(set) var count = 0
    private(set) var failure: (any Error)?
    private var pending = PostgresBindings()
    private var pendingRows = 0
    private var isOpen = true
    /// A grouped command's INSERTs as SQL text, kept to be sent in its group's one block with the COMMIT
    /// (`PostgresCommandSink`, PostgresGroupSQL.swift); nil: each is sent at once, its values bound.
    private(set) var deferred: [String]?
    private var deferredRows: [String] = []

    init(
        log: PostgresEventLog, commandID: String, recordedAt: Int64, lastSequence: Int64, lastHash: SHA256.Digest,
        deferring: Bool = false
    ) {
        self.log = log
        self.deferred = deferring ? [] : nil
        self.commandID = commandID
        self.recordedAt = recordedAt
        self.lastSequence = lastSequence
        self.lastHash = lastHash
    }

    func close() { isOpen = false }

    func append(_ event: EventEnvelope) throws {
        guard isOpen else { throw StoreError.misusedLog("an event sink used after its command ended") }
        if let failure { throw failure }
        guard event.version >= 1, event.version <= Int(Int32.max) else {
            throw record(StoreError.invalidEvent("event version \(event.version) is outside 1...\(Int32.max)"))
        }
        guard !event.type.isEmpty else { throw record(StoreError.invalidEvent("event type is empty")) }
        let sequence = lastSequence + 1
        var type = event.type, command = commandID
        let hash = type.withUTF8 { type in
            command.withUTF8 { command in
                event.payload.withUnsafeBytes { payload in
                    EventChain.hash(
                        previous: lastHash, sequence: sequence, businessDate: event.date.yyyymmdd,
                        type: UnsafeRawBufferPointer(type), version: Int32(event.version),
                        commandID: UnsafeRawBufferPointer(command), recordedAt: recordedAt, payload: payload)
                }
            }
        }
        if deferred != nil {
            deferredRows.append(
                PostgresGroupSQL.eventRow(
                    sequence: sequence, date: event.date.yyyymmdd, type: event.type, version: Int32(event.version),
                    payload: event.payload, commandID: commandID, recordedAt: recordedAt, hash: hash))
        } else {
            bind(event, sequence: sequence, hash: hash)
        }
        pendingRows += 1
        lastSequence = sequence
        lastHash = hash
        count += 1
        if pendingRows >= log.rowsPerInsert { try flush() }
    }

    private func bind(_ event: EventEnvelope, sequence: Int64, hash: SHA256.Digest) {
        pending.append(sequence)
        pending.append(event.date.yyyymmdd)
        pending.append(event.type)
        pending.append(Int32(event.version))
        pending.append(ByteBuffer(bytes: event.payload))
        pending.append(commandID)
        pending.append(recordedAt)
        pending.append(ByteBuffer(bytes: hash.bytes))
    }

    /// Sends what is buffered; after the body, so that the command row finds all its events.
    func finish() throws {
        if let failure { throw failure }  // the body swallowed an append error
        try flush()
    }

    private func flush() throws {
        guard pendingRows > 0 else { return }
        let rows = pendingRows
        pendingRows = 0
        if deferred != nil {
            deferred!.append(PostgresGroupSQL.insertEvents(deferredRows))
            deferredRows = []
            return
        }
        let query = PostgresQuery(unsafeSQL: PostgresEventLog.insertEventsSQL(rows: rows), binds: pending)
        pending = PostgresBindings()
        do { try log.session.query(query) } catch { throw record(error) }
    }

    /// Remembers the first failure so that a body that swallows it still gets its command rolled back.
    private func record(_ error: any Error) -> any Error {
        if failure == nil { failure = error }
        return error
    }
}

/// The `EventSink` a body appends through; copies share the writer.
struct PostgresEventSink: EventSink {
    let writer: PostgresEventWriter

    mutating func append(_ event: EventEnvelope) throws { try writer.append(event) }
    var count: Int { writer.count }
    var lastSequence: Int64 { writer.lastSequence }
    var lastHash: SHA256.Digest { writer.lastHash }
}

extension PostgresEventLog {
    /// One INSERT of `rows` events, their eight columns bound as $1...$8, $9...$16 and so on (the buffered
    /// appends and the verbatim copy send their rows through it).
    static func insertEventsSQL(rows: Int) -> String {
        var sql = "INSERT INTO events(\(eventColumns)) VALUES "
        for row in 0..<rows {
            let first = row * 8
            sql += row == 0 ? "(" : ",("
            sql += (1...8).map { "$\(first + $0)" }.joined(separator: ",") + ")"
        }
        return sql
    }
}
