// PostgresSession: one postgres-nio connection used synchronously (DR-34). postgres-nio is asynchronous;
// the ledger is not (it runs on its own queue, like the SQLite store). The bridge: every connection lives
// on one dedicated NIO event loop that nothing else uses, and the calling thread blocks on the
// EventLoopFuture (`wait()`) until the server answered. The wait is never on that loop's thread (NIO
// traps a wait on an event loop), and never in Swift's cooperative pool, so a blocked caller cannot
// starve the tasks that would complete its future.
//
// Errors become `StoreError`s named for the server (host and port), carrying the server's SQLSTATE and
// message; the password is in the connection's configuration only, never in a message or a log line
// (postgres-nio's own logging goes to a no-op handler).

import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SubledgerStore
import Synchronization

final class PostgresSession {
    /// The event loop every connection of this process runs on; never shut down (it lives as long as the
    /// process, as the SQLite library does).
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let logger = Logger(label: "subledger.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    let connection: PostgresConnection
    let location: PostgresLocation
    /// The statement being waited for, failed when the connection closes under it (see `query`).
    private let pending = PendingStatement()
    /// How many times a caller has waited for the server (a round trip each; for the tests, DR-45).
    private(set) var waits = 0
    /// The privilege checks that passed on this session, by their caller's key: asked once, not at every
    /// read (a refused check is asked again, so an owner's later grant is seen).
    var passedPrivilegeChecks: Set<String> = []

    final class PendingStatement: Sendable {
        let promise = Mutex<EventLoopPromise<[PostgresQueryResult]>?>(nil)
    }

    /// The statement of a pipeline that failed first, and how.
    struct StatementFailed: Error {
        var index: Int
        var error: any Error
    }

    /// The connection closed while a statement was waiting for its answer.
    struct ConnectionLost: Error, CustomStringConvertible {
        var description: String { "the connection closed" }
    }

    convenience init(_ location: PostgresLocation) throws(StoreError) {
        do throws(PostgresOpenError) {
            try self.init(connectingTo: location)
        } catch {
            throw .logFailure(.unreachable, "subledger: " + error.message)
        }
    }

    /// Connects, telling an unreachable server from a refused login or a missing database.
    init(connectingTo location: PostgresLocation) throws(PostgresOpenError) {
        self.location = location
        let configuration = try Self.configuration(location)
        do {
            connection = try PostgresConnection.connect(
                on: Self.eventLoops.next(), configuration: configuration, id: 1, logger: Self.logger
            ).wait()
        } catch {
            throw PostgresOpenError(connecting: location, error)
        }
        connection.closeFuture.whenComplete { [pending] _ in
            pending.promise.withLock { $0?.fail(ConnectionLost()) }
        }
    }

    /// The one place a connection's configuration is made (every connection of the process takes it, so
    /// each speaks TLS as the URL says, DR-43).
    static func configuration(
        _ location: PostgresLocation
    ) throws(PostgresOpenError)
        -> PostgresConnection
        .Configuration
    {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try location.tls.configuration(for: location))
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// Closes without blocking (a deinit may run anywhere): the close's callback keeps the connection
    /// alive until it is closed, as postgres-nio requires.
    deinit {
        let connection = self.connection
        let closed: EventLoopFuture<Void> = connection.close()
        closed.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Runs one statement and collects its rows.
    @discardableResult
    func query(_ query: PostgresQuery) throws(StoreError) -> PostgresQueryResult {
        try pipeline([query])[0]
    }

    /// Runs `queries` one after another with ONE wait of the calling thread: postgres-nio queues them on
    /// the connection and sends each once the one before is answered, on the event loop, so they run in
    /// order, each with its own snapshot (a lock taken by one is held when the next reads), without a trip
    /// back to this thread between them (each such trip is a thread wake-up on both sides: DR-45). Returns
    /// every result in order; throws the first failure (inside a transaction the statements after a failed
    /// one fail too, and a COMMIT after one rolls back: the server aborted the transaction).
    /// postgres-nio 1.33.2 leaves a statement's future pending forever when the server ends the session
    /// between statements of a transaction (seen with pg_terminate_backend); so the wait is on a promise
    /// that the connection's close also fails.
    /// A statement postgres-nio refuses to send (more bind parameters than the protocol's 16-bit count) is
    /// refused here, before any statement of the pipeline is sent: postgres-nio would fail that statement on
    /// the client and still send the ones after it, a COMMIT among them, which the server, never having
    /// seen the failure, would carry out.
    @discardableResult
    func pipeline(_ queries: [PostgresQuery]) throws(StoreError) -> [PostgresQueryResult] {
        if let index = queries.firstIndex(where: { $0.binds.count > Self.maximumParameters }) {
            throw Self.tooManyParameters(queries[index].binds.count, location, sql: queries[index].sql)
        }
        waits += 1
        let promise = connection.eventLoop.makePromise(of: [PostgresQueryResult].self)
        pending.promise.withLock { $0 = promise }
        defer { pending.promise.withLock { $0 = nil } }
        if connection.isClosed { promise.fail(ConnectionLost()) }
        let answers = queries.enumerated().map { index, query in
            connection.query(query, logger: Self.logger).flatMapErrorThrowing { error in
                throw StatementFailed(index: index, error: error)
            }
        }
        EventLoopFuture.whenAllSucceed(answers, on: connection.eventLoop).cascade(to: promise)
        do {
            return try promise.futureResult.wait()
        } catch let failed as StatementFailed {
            throw storeError(failed.error, sql: queries[failed.index].sql)
        } catch {
            throw storeError(error, sql: queries.last?.sql)
        }
    }

    /// Runs one statement written in full (no parameters).
    @discardableResult
    func execute(_ sql: String) throws(StoreError) -> PostgresQueryResult {
        try query(PostgresQuery(unsafeSQL: sql))
    }

    /// The first column of the first row as an Int64, or nil when there is no row or it is NULL.
    func scalarInt64(_ query: PostgresQuery) throws(StoreError) -> Int64? {
        let result = try self.query(query)
        guard let row = result.first(where: { _ in true }) else { return nil }
        do { return try row.decode(Int64?.self) } catch { throw storeError(error, sql: query.sql) }
    }

    /// A postgres-nio error as a StoreError: the server's SQLSTATE decides the kind.
    func storeError(_ error: any Error, sql: String?) -> StoreError {
        if error is ConnectionLost {
            return .logFailure(
                .unreachable, "subledger: lost the connection to PostgreSQL at \(location.hostAndPort)", sql: sql)
        }
        guard let psql = error as? PSQLError else {
            return .logFailure(.other, "subledger: PostgreSQL at \(location.hostAndPort): \(error)", sql: sql)
        }
        if let refused = Self.clientRefusal(psql, location, sql: sql) { return refused }
        guard let info = psql.serverInfo, let state = info[.sqlState] else {
            return .logFailure(
                .unreachable,
                "subledger: lost the connection to PostgreSQL at \(location.hostAndPort): "
                    + Self.reason(psql), sql: sql)
        }
        let message = "PostgreSQL error \(state): \(info[.message] ?? "no message")"
        return .logFailure(Self.kind(sqlState: state), message, sql: sql)
    }

    static func kind(sqlState state: String) -> StoreError.LogFailure {
        if state.hasPrefix("23") || state == "P0001" { return .constraint }  // integrity; RAISE by a trigger
        if state == "40001" || state == "40P01" || state == "55P03" { return .busy }
        if state.hasPrefix("08") || state.hasPrefix("57P") { return .unreachable }  // connection; shutdown
        return .other
    }

    /// What went wrong, without the query text (which may carry values) or any configuration.
    static func reason(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
        return "\(psql.code)"
    }
}
