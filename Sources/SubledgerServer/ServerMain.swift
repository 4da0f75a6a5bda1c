// What `subledger serve` runs once it has opened the ledger: logging on stderr, the server until a
// signal, a blocking wait for the command line (whose commands are synchronous).

import Dispatch
import Logging
import Subledger
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum ServerMain {
    /// Serves `ledger` until SIGTERM or SIGINT. Prints `listening on http://HOST:PORT` on stdout once the
    /// socket is bound (with `--port 0`, the port the system chose).
    /// Refused (`ServeRefusal`) without an active token unless `--no-auth` on a loopback address.
    /// `readers`: the reading connections of a ledger in PostgreSQL, closed when the server stops.
    public static func run(
        ledger: sending Ledger, configuration: ServerConfiguration, readers: ReadingPool? = nil
    ) throws {
        defer { readers?.close() }
        try configuration.check(ledger)
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "subledger.serve")
        let service = LedgerService(
            ledger: ledger, logger: logger, filePath: configuration.databasePath, readers: readers)
        let host = configuration.host
        try blocking {
            try await serve(service, configuration: configuration, logger: logger) { port in
                // Straight to the descriptor: a test or a script waits for this line, not for a buffer flush.
                let line = Array("listening on http://\(host):\(port)\n".utf8)
                _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            }
        }
    }

    /// Runs `body` on the concurrency pool and waits for it on this thread.
    static func blocking(_ body: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task {
            do { try await body() } catch { failure.withLock { $0 = error } }
            done.signal()
        }
        done.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
