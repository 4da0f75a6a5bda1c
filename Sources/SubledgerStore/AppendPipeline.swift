// AppendPipeline: a long append body's inserts and chain hashes on a writer thread (DR-55). The body's
// thread (which decides, encodes and folds) hands the encoded events over in batches (DR-69: only
// encoded, so a queued event is an envelope's 40 bytes, not a decided event's 200); the writer thread
// runs them through the command's
// `AppendWriter` in order, so the rows and their hashes are the same bytes an inline append writes, inside
// the same SQLite transaction (one connection, used by one thread at a time: the writer only between a
// hand-over and the moment it frees the batch). The events are freed on the writer thread, once written.
//
// The connection is opened NOMUTEX, so nothing else may touch it while the writer works: before any other
// statement on the store, the body's thread calls `drain()` (every batch written, the writer idle until
// the next hand-over), and `direct` appends on the body's own thread after such a drain (a close, whose
// history writes follow its events). A failed insert stops the writer; the failure comes back at the next
// hand-over, drain or `finish`, and the command rolls back as an inline failure would.
//
// Memory stays bounded: at most `depth` batches of `batchEvents` events are in flight.

import Dispatch
import SubledgerCore
import Synchronization

public final class AppendPipeline: @unchecked Sendable {
    /// Events per hand-over: a semaphore pair per batch is noise next to 512 inserts.
    static let batchEvents = 512
    static let depth = 4

    /// One batch in flight. Its fields are written by one side and read by the other only across the
    /// semaphores (the body's thread before `filled`, the writer before `free`).
    private final class Slot {
        var events: [EventEnvelope?] = []
        /// The payloads of the batch's events once written, handed back for the body's thread to encode
        /// into (DR-69).
        var written: [[UInt8]] = []
        /// The first failure of the whole command, as the writer knew it once this batch was done.
        var failure: StoreError?
        var isLast = false
    }

    private let writer: AppendWriter
    private let slots: [Slot]
    private let filled = DispatchSemaphore(value: 0)
    private let free = DispatchSemaphore(value: AppendPipeline.depth)
    private let finished = DispatchGroup()
    /// Set when the body failed: the writer skips what is still queued (the command rolls back anyway).
    private let cancelled = Atomic<Bool>(false)

    // The body's thread only. Unchecked: these are never accessed while another access to them is under
    // way, and the dynamic exclusivity checks were a quarter of an event's hand-over (DR-64).
    @exclusivity(unchecked) private var pending: [EventEnvelope?] = []
    /// Payloads the writer has written, for `recycledPayload()`: at most `depth` batches' worth.
    @exclusivity(unchecked) private var recycled: [[UInt8]] = []
    /// Batches handed to the writer so far (tests check that a pipeline did run).
    public private(set) var handedOver = 0
    private var stopped = false
    @exclusivity(unchecked) private var failure: StoreError?
    /// Whether events are appended on the body's thread (after a drain) instead of handed over.
    public var appendsDirectly: Bool { isDirect }
    @exclusivity(unchecked) private var isDirect = false
    /// The sequence of the last event appended through the pipeline (written or not yet).
    @exclusivity(unchecked) public private(set) var lastSequence: Int64
    /// Events appended through the pipeline so far.
    @exclusivity(unchecked) public private(set) var count = 0

    /// Starts the writer thread for `batch`'s command. Call `finish` when the body is done and `stop` in
    /// every case (a `defer`) before the transaction ends.
    public init(_ batch: AppendBatch) {
        writer = batch.writer
        lastSequence = batch.writer.lastSequence
        count = 0
        slots = (0..<Self.depth).map { _ in Slot() }
        pending.reserveCapacity(Self.batchEvents)
        finished.enter()
        DedicatedThread.run { [self] in
            defer { finished.leave() }
            write()
        }
    }

    /// The writer's side: each handed batch in order, until the last one.
    private func write() {
        var index = 0
        var failure: StoreError?
        while true {
            filled.wait()
            let slot = slots[index % Self.depth]
            index += 1
            if failure == nil && !cancelled.load(ordering: .relaxed) {
                // Each taken out of its slot (moved); its payload goes back with the slot, for the body's
                // thread to encode into, instead of being freed here and allocated there (DR-69).
                slot.written.reserveCapacity(slot.events.count)
                for index in slot.events.indices {
                    let event = slot.events[index].take()!
                    do throws(StoreError) { try writer.append(event) } catch {
                        failure = error
                        break
                    }
                    slot.written.append(event.payload)
                }
            }
            slot.events.removeAll(keepingCapacity: true)
            slot.failure = failure
            let isLast = slot.isLast
            free.signal()
            if isLast { return }
        }
    }

    /// Appends `event` as the next sequence: queued for the writer, or (direct) inserted at once.
    public func append(_ event: consuming EventEnvelope) throws(StoreError) {
        if let failure { throw failure }
        if isDirect {
            try writer.append(event)
        } else {
            pending.append(.some(consume event))
            if pending.count >= Self.batchEvents { try handOver() }
        }
        lastSequence += 1
        count += 1
    }

    /// Hands the pending events to the writer (waiting for a free slot) and takes back the failure, if
    /// any, of the batch that slot held.
    private func handOver(isLast: Bool = false) throws(StoreError) {
        free.wait()
        let slot = slots[handedOver % Self.depth]
        if failure == nil { failure = slot.failure }
        if recycled.isEmpty {
            swap(&recycled, &slot.written)
        } else {
            recycled.append(contentsOf: slot.written)
            slot.written.removeAll(keepingCapacity: true)
        }
        swap(&slot.events, &pending)
        slot.isLast = isLast
        handedOver += 1
        filled.signal()
        if let failure { throw failure }
    }

    /// A payload the writer is done with, to encode the next event into (empty when there is none yet):
    /// its memory is reused, the bytes are overwritten (DR-69).
    public func recycledPayload() -> [UInt8] {
        recycled.popLast() ?? []
    }

    /// Waits until every event appended so far is written and the writer is idle: the body's thread may
    /// then use the store's connection until its next append. Throws the writer's failure.
    public func drain() throws(StoreError) {
        if !pending.isEmpty { try handOver() }
        for _ in 0..<Self.depth { free.wait() }
        // All slots are free: the last one handed over carries the writer's latest failure.
        if handedOver > 0, failure == nil { failure = slots[(handedOver - 1) % Self.depth].failure }
        for _ in 0..<Self.depth { free.signal() }
        if let failure { throw failure }
    }

    /// From now on, appends go straight to the store on this thread (`true`, after a drain) or to the
    /// writer thread again (`false`).
    public func setDirect(_ direct: Bool) throws(StoreError) {
        if direct && !isDirect { try drain() }
        isDirect = direct
    }

    /// Chain hash of the last event appended (waits for the writer to get there). Throws the writer's
    /// failure: the writer's last hash is then that of an event before the one that failed, not the last.
    public var lastHash: SHA256.Digest {
        get throws(StoreError) {
            try drain()
            return writer.lastHash
        }
    }

    /// Writes what is pending and throws the writer's failure: the body succeeded only if this returns.
    public func finish() throws(StoreError) {
        try drain()
    }

    /// Ends the writer thread and waits for it; what was not yet written is skipped (call `finish` first
    /// on success). Idempotent.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        cancelled.store(true, ordering: .relaxed)
        pending.removeAll()
        try? handOver(isLast: true)
        finished.wait()
    }
}

extension AppendPipeline: EventSink {}
