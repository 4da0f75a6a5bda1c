// How long a write transaction waited for the ledger's lock (DR-51's phase counters). The wait is inside
// one pipeline (BEGIN, the lock, the log's end: one wait of the calling thread), so the node cannot see
// where the lock was granted; the log's end, read right after the lock, also returns the server's clock,
// and the difference to the time the pipeline was sent is the wait until the lock was held (BEGIN's and
// the lock's own round trips included). Both clocks are the same host's wall clock on loopback; on another
// host the figure carries the clocks' offset, so it is a counter for a profile, never used to decide.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import PostgresNIO
import SubledgerCore
import SubledgerStore

extension PostgresEventLog {
    /// The log's end (the newest event's sequence and hash) and the server's wall clock in microseconds.
    static let lastEventLockedQuery: PostgresQuery = """
        SELECT sequence, hash, (extract(epoch FROM clock_timestamp()) * 1000000)::int8
        FROM events ORDER BY sequence DESC LIMIT 1
        """

    /// Sequence and hash of the newest event, and the server's clock when it was read: (0, zero hash, nil)
    /// when the log is empty.
    func lastEventLocked(_ rows: PostgresQueryResult) throws -> (Int64, SHA256.Digest, Int64?) {
        guard let row = rows.first(where: { _ in true }) else { return (0, .zero, nil) }
        let (sequence, buffer, clock): (Int64, ByteBuffer, Int64)
        do { (sequence, buffer, clock) = try row.decode((Int64, ByteBuffer, Int64).self) } catch {
            throw session.storeError(error, sql: Self.lastEventLockedQuery.sql)
        }
        guard let hash = SHA256.Digest(Array(buffer.readableBytesView)) else {
            throw StoreError.damagedLog("event \(sequence) has no 32-byte hash")
        }
        return (sequence, hash, clock)
    }

    /// This host's wall clock in microseconds (the server's `clock_timestamp()` is on the same clock).
    static func wallMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }
}
