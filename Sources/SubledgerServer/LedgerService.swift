// The one `Ledger` the server holds (architecture.md, "Where the picture grows next": one open state). SQLite
// calls block, so the ledger lives on its own serial dispatch queue, never on Swift's cooperative pool (2
// cores: a blocked pool thread is half the machine). Every read and every group of commands is one job on
// that queue; a read catches up with the file first, so another process's appends (a CLI import) show.
// While the service runs, its follower also catches up whenever the log's watcher hears that it grew
// (LogFollower.swift, DR-42), so the open state follows other nodes without a request.

import Dispatch
import Logging
import ServiceLifecycle
import Subledger

public final class LedgerService: @unchecked Sendable {
    /// Only touched from `queue` (the `@unchecked Sendable` above rests on that).
    private var ledger: Ledger?
    private let queue = DispatchQueue(label: "subledger.ledger")
    let writer: GroupWriter
    /// The events transaction details served, rendered; touched only on `queue`.
    let renderedEvents = RenderedEvents()
    let logger: Logger
    /// How long a request may wait for the ledger before it is answered 503 (nothing written).
    public let busyTimeout: Duration
    /// The ledger's file, when it is one: a long read (`/v1/verify` streams the whole chain) opens its own
    /// read-only connection off the queue instead of holding the ledger, and the commands, for seconds.
    public let filePath: String?
    /// The reading connections of a ledger in PostgreSQL (no file): the long reads take one, off the queue.
    public let readers: ReadingPool?
    /// Hears that the log grew (the event streams wait on it; the follower catches up on it).
    let watcher: LedgerWatcher
    let follower = LogFollower()

    /// Serves `ledger`, which from now on is touched only on the service's queue.
    public init(
        ledger: sending Ledger, busyTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "subledger.ledger"), filePath: String? = nil, readers: ReadingPool? = nil
    ) {
        self.ledger = ledger
        self.busyTimeout = busyTimeout
        self.logger = logger
        self.writer = GroupWriter()
        self.filePath = filePath.flatMap { $0 == ":memory:" || $0.isEmpty ? nil : $0 }
        self.readers = readers
        self.watcher = ledger.makeWatcher(report: { [logger] line in logger.warning("\(line)") })
    }

    deinit { watcher.stop() }

    /// Runs `body` on a thread of its own (blocking SQLite work that does not touch the ledger), never on
    /// the cooperative pool or the ledger's queue.
    public func offQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` with the ledger on its queue, after catching up with the file (cheap when nothing
    /// changed: one query of the last sequence).
    public func read<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        try await onQueue { ledger in
            try ledger.catchUp()
            return try body(ledger)
        }
    }

    /// Runs `body` with a read-only copy of the ledger (its state taken on the queue after catching up,
    /// its own connection to the file) on a thread of its own: for the reports that take a second or more
    /// on a large ledger, which would hold every command up on the queue. In PostgreSQL the copy reads
    /// through a connection of `readers`; a ledger without either (in memory) is read on the queue.
    public func readCopy<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        if let readers, filePath == nil {
            let state = try await read { ledger in ledger.state }
            return try await offQueue { try readers.withLog { try body(Ledger.readingCopy(log: $0, state: state)) } }
        }
        guard let path = filePath else { return try await read(body) }
        let state = try await read { ledger in ledger.state }
        return try await offQueue { try body(try Ledger.readingCopy(path: path, state: state)) }
    }

    /// Runs `body` on the ledger's queue and waits for it (no catch-up: the command paths catch up
    /// themselves). Refused with 503 once the ledger is closed.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable (Ledger) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            runOnQueue { ledger in
                guard let ledger else { return continuation.resume(throwing: Problem.shuttingDown) }
                continuation.resume(with: Result { try body(ledger) })
            }
        }
    }

    /// Queues `job` on the ledger's queue without waiting; it gets nil once the ledger is closed.
    func runOnQueue(_ job: @escaping @Sendable (Ledger?) -> Void) {
        queue.async { job(self.ledger) }
    }

    /// Closes the ledger once the jobs queued before this call are done; later calls are refused (503).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.ledger = nil
                continuation.resume()
            }
        }
    }
}

/// Runs until a graceful shutdown, then closes the ledger. Listed BEFORE the HTTP server in the service
/// group, so it is shut down after it: the server stops accepting and answers what is in flight first.
extension LedgerService: Service {
    public func run() async throws {
        follower.start(self)
        // Meanwhile, commands that waited too long for a busy ledger are answered 503 (nothing written).
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            writer.expire(olderThan: busyTimeout)
        }
        await follower.stop()
        watcher.stop()
        await writer.drain(self)
        await close()
        let groups = writer.statistics
        let summary =
            "\(groups.commands) commands committed in \(groups.groups) groups (largest \(groups.largest), "
            + "\(groups.retried) rolled back and redone); \(writer.phases.summary)"
        logger.info("ledger closed; \(summary)")
    }
}
