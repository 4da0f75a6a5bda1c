// A command id is bound to the hash of its command's content: the store records it with the command
// and compares it, inside the append's transaction, when the id comes again.

import Foundation
import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct CommandContentTests {
    static let first = SHA256.hash(Array("first command".utf8))
    static let other = SHA256.hash(Array("another command".utf8))

    /// Appends `events` sample events as `id` with content `hash`.
    static func append(
        _ store: EventStore, _ id: String, hash: SHA256.Digest?, events: Int = 2,
        ran: inout Bool
    ) throws -> AppendOutcome {
        try store.append(
            commandID: id, kind: "post", expectedLastSequence: try store.lastSequence(), recordedAt: 7,
            contentHash: { hash }
        ) { batch in
            ran = true
            for index in 0..<events { try batch.append(sampleEvent(index)) }
            return "{\"events\":\(events)}"
        }
    }

    @Test func theSameContentAgainReturnsTheFirstRecord() throws {
        let store = try EventStore(path: ":memory:")
        var ran = false
        guard case .appended(let record) = try Self.append(store, "c1", hash: Self.first, ran: &ran) else {
            Issue.record("not appended"); return
        }
        #expect(record.contentHash == Self.first)
        #expect(try store.command(id: "c1") == record)
        ran = false
        #expect(try Self.append(store, "c1", hash: Self.first, ran: &ran) == .duplicate(record))
        #expect(!ran)
        #expect(try store.lastSequence() == 2)
        #expect(try store.commands().count == 1)
    }

    @Test func otherContentUnderTheIdIsAConflictAndWritesNothing() throws {
        let store = try EventStore(path: ":memory:")
        var ran = false
        guard case .appended(let record) = try Self.append(store, "c1", hash: Self.first, ran: &ran) else {
            Issue.record("not appended"); return
        }
        ran = false
        #expect(
            try Self.append(store, "c1", hash: Self.other, ran: &ran) == .idConflict(record, contentHash: Self.other))
        #expect(!ran)
        #expect(try store.lastSequence() == 2)
        #expect(try store.commands() == [record])
        #expect(try store.verifyChain() == .intact(eventCount: 2, lastHash: lastHash(store)))
    }

    @Test func theHashIsComparedInsideTheWriteTransaction() throws {
        let store = try EventStore(path: ":memory:")
        var ran = false
        _ = try Self.append(store, "c1", hash: Self.first, ran: &ran)
        var inTransaction: [Bool] = []
        let outcome = try store.append(
            commandID: "c1", kind: "post", expectedLastSequence: 2, recordedAt: 8,
            contentHash: {
                inTransaction.append(store.connection.isInTransaction); return Self.other
            }
        ) { _ in "" }
        guard case .idConflict = outcome else { Issue.record("\(outcome)"); return }
        #expect(inTransaction == [true])
        #expect(!store.connection.isInTransaction)
    }

    @Test func aCommandWithoutAHashCannotBeCompared() throws {
        let store = try EventStore(path: ":memory:")
        var ran = false
        guard case .appended(let record) = try Self.append(store, "old", hash: nil, ran: &ran) else {
            Issue.record("not appended"); return
        }
        #expect(record.contentHash == nil)
        #expect(try Self.append(store, "old", hash: Self.other, ran: &ran) == .duplicate(record))
    }

    /// A log written before content hashes: its commands keep a NULL hash through the migration.
    @Test func theMigrationKeepsEarlierCommandsWithoutAHash() throws {
        let db = TempDatabase("content-migration"); defer { db.remove() }
        do {
            let raw = try Connection(path: db.path)
            let before = try #require(Schema.migrations.firstIndex(of: Schema.commandContentHash))
            for migration in Schema.migrations.prefix(before) { try raw.execute(migration) }
            try raw.execute("PRAGMA user_version = \(before)")
            try raw.execute("INSERT INTO events VALUES (1, 20240101, 't', 1, x'', 'before', 0, zeroblob(32))")
            try raw.execute("INSERT INTO commands VALUES ('before', 'post', 1, 1, 1, 0, '{\"events\":1}')")
        }
        let store = try EventStore(path: db.path)
        #expect(try Schema.userVersion(store.connection) == Schema.currentVersion)
        let before = try #require(try store.command(id: "before"))
        #expect(before.contentHash == nil && before.eventCount == 1)
        var ran = false
        #expect(try Self.append(store, "before", hash: Self.other, ran: &ran) == .duplicate(before))
        #expect(!ran)
        // The column admits a 32-byte hash or NULL, nothing else.
        #expect(throws: StoreError.self) {
            try store.connection.execute(
                "INSERT INTO commands(\(EventStore.commandColumns)) VALUES ('bad', 'k', 2, 1, 0, 0, '', x'00')")
        }
    }

    /// Two stores on one file race to append different commands under one id: exactly one lands, the
    /// other is told the id belongs to another command.
    @Test func twoWritersWithOneIdAndDifferentContentLandOnce() async throws {
        let db = TempDatabase("content-race"); defer { db.remove() }
        _ = try EventStore(path: db.path)
        for round in 0..<20 {
            let outcomes = try await withThrowingTaskGroup(of: AppendOutcome.self) { group in
                for writer in 0..<2 {
                    group.addTask {
                        let store = try EventStore(path: db.path)
                        var ran = false
                        while true {
                            let hash = writer == 0 ? Self.first : Self.other
                            let outcome = try Self.append(store, "race-\(round)", hash: hash, events: 1, ran: &ran)
                            if case .conflict = outcome { continue }  // the other appended first: try again
                            return outcome
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let appended = outcomes.filter { if case .appended = $0 { true } else { false } }
            let refused = outcomes.filter { if case .idConflict = $0 { true } else { false } }
            #expect(appended.count == 1 && refused.count == 1, "round \(round): \(outcomes)")
        }
        let store = try EventStore(path: db.path)
        #expect(try store.lastSequence() == 20)
        #expect(try store.commands().count == 20)
    }
}
