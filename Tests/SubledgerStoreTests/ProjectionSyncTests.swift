// A projection's commits skip the sync (DR-67); the log's never do. Whatever becomes of the projection (it
// commits, its body throws, or the setting cannot be put back because a transaction is still open), the next
// append of the log commits with `synchronous = FULL`.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct ProjectionSyncTests {
    static func synchronous(_ store: EventStore) throws -> Int64? {
        try store.connection.scalarInt64("PRAGMA synchronous")
    }

    @Test func aProjectionThatCommitsOrThrowsLeavesTheConnectionAtFull() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [2])
        try store.writeHistory { _, _, _ in (2, 0) }
        #expect(try Self.synchronous(store) == 2)
        struct Stop: Error {}
        #expect(throws: Stop.self) { try store.writeHistory { _, _, _ in throw Stop() } }
        #expect(try Self.synchronous(store) == 2)
        #expect(!store.syncLowered)
    }

    @Test func anAppendAfterAFailedRestoreCommitsAtFull() throws {
        let store = try EventStore(path: ":memory:")
        try store.projectionCommitsWithoutSync()
        // SQLite refuses the change inside a transaction: the restore fails and says so by the flag.
        try store.connection.execute("BEGIN")
        store.restoreFullSync()
        try store.connection.execute("ROLLBACK")
        #expect(store.syncLowered)
        #expect(try Self.synchronous(store) == 1)
        try appendCommands(store, sizes: [1])
        #expect(try Self.synchronous(store) == 2)
        #expect(!store.syncLowered)
        #expect(try store.lastSequence() == 1)
    }
}
