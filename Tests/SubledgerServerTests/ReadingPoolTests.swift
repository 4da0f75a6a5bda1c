// The reading connections of a server on PostgreSQL (ReadingPool, DR-41), on a ledger file (the pool does
// not care what it connects to): bounded, reused, a connection whose read failed dropped, closed at the
// end and later reads refused.

import Foundation
import Subledger
import SubledgerTestSupport
import Synchronization
import Testing

@testable import SubledgerServer

struct ReadingPoolTests {
    struct Refused: Error {}

    final class Counts: Sendable {
        let connects = Mutex(0), inUse = Mutex(0), busiest = Mutex(0)
    }

    @Test func connectionsAreBoundedReusedDroppedOnFailureAndClosed() throws {
        let database = TemporaryDatabase("reading-pool")
        defer { database.remove() }
        _ = try Ledger(path: database.path)
        let counts = Counts()
        let pool = ReadingPool(capacity: 2) {
            counts.connects.withLock { $0 += 1 }
            return try LedgerLog(path: database.path, access: .readOnly)
        }
        for _ in 0..<5 { _ = try pool.withLog { try $0.commands().count } }
        #expect(counts.connects.withLock { $0 } == 1, "one read after another reuses one connection")

        let group = DispatchGroup()
        for _ in 0..<8 {  // threads of their own, as the server's blocked readers are
            group.enter()
            Thread {
                defer { group.leave() }
                _ = try? pool.withLog { log in
                    let now = counts.inUse.withLock {
                        $0 += 1
                        return $0
                    }
                    counts.busiest.withLock { $0 = max($0, now) }
                    Thread.sleep(forTimeInterval: 0.05)  // hold it while the others ask
                    counts.inUse.withLock { $0 -= 1 }
                    return try log.commands().count
                }
            }.start()
        }
        group.wait()
        #expect(counts.busiest.withLock { $0 } <= 2 && pool.openCount <= 2, "at most `capacity` at once")

        let open = pool.openCount
        #expect(throws: Refused.self) { try pool.withLog { _ in throw Refused() } }
        #expect(pool.openCount == open - 1, "the connection whose read failed is dropped")
        pool.close()
        #expect(pool.openCount == 0)
        #expect(throws: Problem.self) { try pool.withLog { try $0.commands().count } }
    }
}
