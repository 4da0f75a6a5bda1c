// The reading connections of a server whose ledger is in PostgreSQL (issue 14, DR-41): the long reads
// (`/v1/verify`, the closes, the settlements, the reports on a reading copy) run off the ledger's queue on
// a connection of their own, as they open a read-only connection to a SQLite file. Connecting costs a
// few round trips (login, search path, schema version), so the connections are kept and reused: at most
// `capacity` are open at once, a read that finds none free waits for one (up to `wait`, then 503 busy),
// and `close` drops them all when the server stops. A connection whose read failed is dropped, not
// reused: the failure may have been the connection itself.
//
// Every call blocks its thread on the server's answers (DR-34): call it from `LedgerService.offQueue`
// only, never from an event loop or the cooperative pool.

import Dispatch
import Subledger
import Synchronization

public final class ReadingPool: Sendable {
    /// The most connections open at once.
    public let capacity: Int
    /// How long a read waits for a free connection before it is refused (503, nothing read).
    let wait: Duration
    private let connect: @Sendable () throws -> LedgerLog
    private let free: DispatchSemaphore
    private let state = Mutex(State())

    /// A log handed from one thread to the next, used by one at a time (the semaphore's slot).
    private struct Idle: @unchecked Sendable {
        let log: LedgerLog
    }

    private struct State {
        var idle: [Idle] = []
        var open = 0
        var closed = false
    }

    /// A pool of up to `capacity` connections, each made by `connect` when first needed.
    public init(capacity: Int, wait: Duration = .seconds(30), connect: @escaping @Sendable () throws -> LedgerLog) {
        self.capacity = max(1, capacity)
        self.wait = wait
        self.connect = connect
        free = DispatchSemaphore(value: self.capacity)
    }

    /// Connections open now (idle or in use).
    public var openCount: Int { state.withLock { $0.open } }

    /// Runs `body` on a connection of the pool, then returns it for the next read.
    public func withLog<T>(_ body: (LedgerLog) throws -> T) throws -> T {
        let (seconds, attoseconds) = wait.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        guard free.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { throw Problem.busy }
        defer { free.signal() }
        let taken: Idle? = try state.withLock { state in
            guard !state.closed else { throw Problem.shuttingDown }
            if let idle = state.idle.popLast() { return idle }
            state.open += 1  // this thread connects, below
            return nil
        }
        let log: LedgerLog
        do {
            log = try taken?.log ?? connect()
        } catch {
            state.withLock { $0.open -= 1 }
            throw error
        }
        let result: T
        do {
            result = try body(log)
        } catch {
            state.withLock { $0.open -= 1 }
            throw error
        }
        state.withLock { state in
            if state.closed {
                state.open -= 1
            } else {
                state.idle.append(Idle(log: log))
            }
        }
        return result
    }

    /// Closes the idle connections; one in use is closed when its read ends. Later reads are refused.
    public func close() {
        let dropped = state.withLock { state in
            state.closed = true
            state.open -= state.idle.count
            defer { state.idle.removeAll() }
            return state.idle
        }
        _ = dropped  // released here, outside the lock: each closes its connection as it goes
    }
}
