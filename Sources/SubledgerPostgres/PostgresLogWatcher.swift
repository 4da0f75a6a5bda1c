// The PostgreSQL log's watcher (DR-42): every append transaction that adds events runs
// `pg_notify('subledger_log', '<schema>:<last sequence>')` before its COMMIT, so the server delivers the
// notification on commit only, in commit order, never for a rolled-back group. A watcher holds ONE
// connection of its own that LISTENs on that channel and feeds each sequence of its ledger's schema to
// its waiters (LogWatcher.swift); notifications of other ledgers in the database are ignored.
//
// Notifications are hints: a reader always reads the log after its own last sequence. Once LISTEN is in
// force the watcher reads the log's end on the same connection, so nothing committed before LISTEN is
// missed either. When the connection drops (a server restart, `pg_terminate_backend`) the watcher says so
// on `report`, naming the host and port, never the password, and reconnects with a doubling backoff
// (0.1 s to 5 s); meanwhile the waits end on the slow timer and the readers read the log anyway.
//
// The connection is made by PostgresSession (so it shares its settings) on NIO's thread pool: its
// connect blocks, which must happen neither on the event loop nor in the cooperative pool (DR-34). After
// that, everything the watcher does on it is asynchronous.

import NIOPosix
import PostgresNIO
import SubledgerStore
import Synchronization

public final class PostgresLogWatcher: LogWatcher {
    /// One channel for every ledger of a database: NOTIFY channels belong to the database, not a schema, and
    /// a fixed name is one an operator can LISTEN on in psql; the payload names the ledger's schema.
    static let channel = "subledger_log"

    let signal: LogSignal
    private let listener: Listener

    public init(
        location: PostgresLocation, schema: String, timer: Duration = .seconds(1),
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        signal = LogSignal(timer: timer)
        listener = Listener(location: location, schema: schema, signal: signal, report: report)
    }

    deinit { listener.stop() }

    public func wait(after sequence: Int64) async -> Int64? {
        listener.start()
        return await signal.wait(after: sequence)
    }

    public func stop() { listener.stop() }

    /// The server process of the listening connection, once it listens (tests terminate it).
    var listeningPID: Int32? { listener.pid }

    /// The statement an append transaction runs before its COMMIT.
    static func notify(schema: String, lastSequence: Int64) -> PostgresQuery {
        "SELECT pg_notify(\(channel), \(schema + ":" + String(lastSequence)))"
    }

    /// The sequence a payload announces for `schema`; nil for another ledger's or a malformed payload.
    static func sequence(_ payload: String, schema: String) -> Int64? {
        guard let colon = payload.lastIndex(of: ":"), payload[..<colon] == schema else { return nil }
        return Int64(payload[payload.index(after: colon)...])
    }
}

extension PostgresEventLog: WatchableLog {
    public func makeWatcher(timer: Duration, report: @escaping @Sendable (String) -> Void) -> any LogWatcher {
        PostgresLogWatcher(location: location, schema: schema, timer: timer, report: report)
    }
}

/// The listening task: connect, LISTEN, read the log's end, feed notifications; on a drop, again.
final class Listener: Sendable {
    let location: PostgresLocation
    let schema: String
    let signal: LogSignal
    let report: @Sendable (String) -> Void
    private let state = Mutex<(task: Task<Void, Never>?, stopped: Bool, pid: Int32?)>((nil, false, nil))

    static let firstBackoff: Duration = .milliseconds(100)
    static let longestBackoff: Duration = .seconds(5)

    init(location: PostgresLocation, schema: String, signal: LogSignal, report: @escaping @Sendable (String) -> Void) {
        self.location = location
        self.schema = schema
        self.signal = signal
        self.report = report
    }

    var pid: Int32? { state.withLock { $0.pid } }

    func start() {
        state.withLock { state in
            guard state.task == nil, !state.stopped else { return }
            state.task = Task { await self.run() }
        }
    }

    func stop() {
        state.withLock { state in
            state.task?.cancel()
            state.task = nil
            state.stopped = true
        }
    }

    private func run() async {
        var backoff = Self.firstBackoff
        while !Task.isCancelled {
            let reason: String
            do {
                try await listen { backoff = Self.firstBackoff }
                reason = "the connection closed"
            } catch let error as StoreError {
                reason = error.message.hasPrefix("subledger: ") ? String(error.message.dropFirst(11)) : error.message
            } catch {
                reason = PostgresSession.reason(error)
            }
            state.withLock { $0.pid = nil }
            if Task.isCancelled { break }
            report(
                "subledger: listening for new events at PostgreSQL \(location.hostAndPort) stopped (\(reason)); "
                    + "reconnecting in \(backoff)")
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, Self.longestBackoff)
        }
    }

    /// One listening connection, until it closes or the task is cancelled.
    private func listen(connected: () -> Void) async throws {
        let location = self.location
        let session = try await NIOThreadPool.singleton.runIfActive { try SessionBox(PostgresSession(location)) }
        let connection = session.session.connection
        // The session owns the connection: kept until the listening ends, then closed by its deinit.
        defer { withExtendedLifetime(session) {} }
        try await connection.listen(on: PostgresLogWatcher.channel) { notifications in
            let (pid, last) = try await logEnd(connection)
            state.withLock { $0.pid = pid }
            signal.grew(to: last)
            connected()
            for try await notification in notifications {
                if let sequence = PostgresLogWatcher.sequence(notification.payload, schema: schema) {
                    signal.grew(to: sequence)
                }
            }
        }
    }

    /// The listening server process and the ledger's last sequence, read once LISTEN is in force.
    private func logEnd(_ connection: PostgresConnection) async throws -> (Int32, Int64) {
        let sql =
            "SELECT pg_backend_pid(), coalesce((SELECT sequence FROM \(PostgresSchema.quoted(schema)).events "
            + "ORDER BY sequence DESC LIMIT 1), 0)"
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresSession.logger)
        for try await row in rows { return try row.decode((Int32, Int64).self) }
        return (0, 0)
    }
}

/// Hands a session made on the thread pool to the listening task (used by one of them at a time).
private struct SessionBox: @unchecked Sendable {
    let session: PostgresSession
    init(_ session: PostgresSession) { self.session = session }
}
