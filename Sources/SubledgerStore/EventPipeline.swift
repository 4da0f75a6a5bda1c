// EventPipeline: a long scan of the log on two threads, split where the work splits. A reader thread, on
// a read-only connection of its own, steps through the rows, checks the hash chain (ChainCheck) and copies
// each checked event (sequence, date, version, type, payload) into a batch; the caller's thread takes
// whole batches and folds them. The fold thread never touches SQLite (a sixth of its instructions when it
// read the rows itself while a second thread read them again to hash them), each row is read once, and
// the fold only ever sees events whose place and hash already checked out (DR-18).
//
// Memory stays bounded: the reader runs at most `depth` batches of about `batchBytes` ahead of the fold.

import Dispatch
import SubledgerCore
import Synchronization

final class EventPipeline: @unchecked Sendable {
    /// Shorter scans read and hash inline: a thread and a connection cost more than a few thousand rows.
    static let minimumEvents: Int64 = 8_192
    /// Batches in flight between the two threads.
    static let depth = 4
    /// A batch is handed over once it holds this many bytes (a few hundred events).
    static let batchBytes = 48 * 1024

    private let batches: [EventBatch]
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: EventPipeline.depth)
    private let group = DispatchGroup()
    /// Set by the fold thread when it failed: the reader stops at its next batch.
    private let stopped = Atomic<Bool>(false)
    // Written by the reader before it hands over its last batch, read after the fold thread took it.
    private var failure: StoreError?

    /// Starts the reader, or nil when the scan should read inline (a short range, an in-memory database,
    /// or a read inside a transaction whose rows another connection would not see).
    init?(_ store: EventStore, after sequence: Int64, through last: Int64) {
        let path = store.connection.path
        guard last - sequence >= Self.minimumEvents, !Connection.isInMemory(path), !path.hasPrefix("file:"),
            !store.connection.isInTransaction
        else { return nil }
        batches = (0..<Self.depth).map { _ in EventBatch(capacity: Self.batchBytes + 4_096) }
        group.enter()
        DedicatedThread.run { [self] in
            defer { group.leave() }
            var written = 0
            do throws(StoreError) {
                try read(path: path, after: sequence, through: last, written: &written)
            } catch {
                failure = error
            }
            // The last batch (possibly empty) tells the fold thread the reader is done.
            batches[written % Self.depth].isLast = true
            filled.signal()
        }
    }

    /// Reads, checks and copies the rows; on return (or a throw) batch `written % depth` is taken (its
    /// slot waited for) and not yet handed over. `written` counts the batches handed over.
    private func read(path: String, after sequence: Int64, through last: Int64, written: inout Int) throws(StoreError) {
        free.wait()
        let connection = try Connection(path: path, create: false, readOnly: true)
        let statement = try connection.prepare(
            """
            SELECT sequence, business_date, type, version, payload, command_id, recorded_at, hash
            FROM events WHERE sequence > ?1 AND sequence <= ?2 ORDER BY sequence
            """)
        try statement.bind(sequence, at: 1)
        try statement.bind(last, at: 2)
        var chain = try ChainCheck(connection, after: sequence)
        var batch = batches[written % Self.depth]
        while try statement.step() {
            let sequence = try chain.check(statement)
            let date = try EventStore.date(statement, sequence: sequence)
            batch.append(
                sequence: sequence, date: date, version: Int32(truncatingIfNeeded: statement.int64(at: 3)),
                type: statement.textBuffer(at: 2), payload: statement.blobBuffer(at: 4))
            if batch.used >= Self.batchBytes {
                written += 1
                filled.signal()
                free.wait()
                batch = batches[written % Self.depth]
                if stopped.load(ordering: .relaxed) { return }
            }
        }
    }

    /// Hands every event the reader checked to `body`, in order, and returns the last sequence handed out
    /// (`sequence` when none). The reader's error (a damaged row, a gap) is thrown after the events before
    /// it were handed out, as an inline read would; an error of `body` stops the reader and is rethrown.
    func drain(after sequence: Int64, _ body: (borrowing EventView) throws -> Void) throws -> Int64 {
        var reached = sequence, index = 0
        var bodyError: (any Error)?
        while true {
            filled.wait()
            let batch = batches[index % Self.depth]
            index += 1
            if bodyError == nil {
                do {
                    try batch.forEach { view in
                        let sequence = view.sequence
                        try body(view)
                        reached = sequence
                    }
                } catch {
                    bodyError = error
                    stopped.store(true, ordering: .relaxed)
                }
            }
            let isLast = batch.isLast
            batch.removeAll()
            free.signal()
            if isLast { break }
        }
        group.wait()
        if let bodyError { throw bodyError }
        if let failure { throw failure }
        return reached
    }
}

/// Events copied out of SQLite's row buffers, back to back: a 32-byte header (sequence, date, version,
/// type length, payload length), the type's bytes, the payload's bytes, padded to 8 bytes.
final class EventBatch {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var used = 0
    private var count = 0
    var isLast = false

    private static let header = 32

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 8)
        self.capacity = capacity
    }

    deinit { storage.deallocate() }

    func removeAll() {
        used = 0
        count = 0
        isLast = false
    }

    func append(
        sequence: Int64, date: LedgerDate, version: Int32, type: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer
    ) {
        let size = (Self.header + type.count + payload.count + 7) & ~7
        if used + size > capacity { grow(to: used + size) }
        let base = storage + used
        base.storeBytes(of: sequence, as: Int64.self)
        base.storeBytes(of: date, toByteOffset: 8, as: LedgerDate.self)
        base.storeBytes(of: version, toByteOffset: 12, as: Int32.self)
        base.storeBytes(of: type.count, toByteOffset: 16, as: Int.self)
        base.storeBytes(of: payload.count, toByteOffset: 24, as: Int.self)
        if let source = type.baseAddress, type.count > 0 {
            (base + Self.header).copyMemory(from: source, byteCount: type.count)
        }
        if let source = payload.baseAddress, payload.count > 0 {
            (base + Self.header + type.count).copyMemory(from: source, byteCount: payload.count)
        }
        used += size
        count += 1
    }

    private func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 8)
        fresh.copyMemory(from: storage, byteCount: used)
        storage.deallocate()
        storage = fresh
        capacity = larger
    }

    func forEach(_ body: (borrowing EventView) throws -> Void) rethrows {
        var offset = 0
        for _ in 0..<count {
            let base = UnsafeRawPointer(storage + offset)
            let typeCount = base.load(fromByteOffset: 16, as: Int.self)
            let payloadCount = base.load(fromByteOffset: 24, as: Int.self)
            try body(
                EventView(
                    sequence: base.load(as: Int64.self), date: base.load(fromByteOffset: 8, as: LedgerDate.self),
                    version: Int(base.load(fromByteOffset: 12, as: Int32.self)),
                    type: UnsafeRawBufferPointer(start: base + Self.header, count: typeCount),
                    payload: UnsafeRawBufferPointer(start: base + Self.header + typeCount, count: payloadCount)))
            offset += (Self.header + typeCount + payloadCount + 7) & ~7
        }
    }
}
