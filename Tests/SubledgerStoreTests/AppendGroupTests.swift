// appendGroup: several commands, one transaction. Each command is tiled, chained and recorded as `append`
// records it; a command that throws before writing leaves the group going; one that throws after writing
// takes the whole group down (the log refuses DELETE); the actor is stored and, like every command column,
// never changes.

import Testing

@testable import SubledgerStore

@Suite struct AppendGroupTests {
    static func group(
        _ store: EventStore, _ body: (inout AppendGroup) throws -> Void
    ) throws -> GroupAppendOutcome {
        try store.appendGroup(expectedLastSequence: try store.lastSequence(), body)
    }

    @Test func commandsOfAGroupAreRecordedAsAppendRecordsThem() throws {
        let db = TempDatabase("group-store"); defer { db.remove() }
        let store = try EventStore(path: db.path)
        try appendCommands(store, sizes: [1])
        var outcomes: [AppendOutcome] = []
        let outcome = try Self.group(store) { group in
            for (index, size) in [2, 0, 3].enumerated() {
                outcomes.append(
                    try group.append(commandID: "g\(index)", kind: "post", recordedAt: 5, actor: "erp") { batch in
                        for event in 0..<size { try batch.append(sampleEvent(index * 10 + event)) }
                        return "ok"
                    })
            }
            // An id earlier in the same group is a duplicate, as it is after the commit.
            outcomes.append(try group.append(commandID: "g0", kind: "post", recordedAt: 5) { _ in "never" })
        }
        #expect(outcome == .committed)
        let records = try store.commands()
        #expect(records.map(\.commandID) == ["cmd-1", "g0", "g1", "g2"])
        #expect(records.dropFirst().map(\.eventCount) == [2, 0, 3])
        #expect(records.dropFirst().allSatisfy { $0.actor == "erp" } && records[0].actor == nil)
        #expect(outcomes[3] == .duplicate(records[1]))
        #expect(try store.verifyChain() == .intact(eventCount: 6, lastHash: lastHash(store)))
    }

    @Test func aCommandThatThrowsBeforeWritingLeavesTheGroupGoing() throws {
        let store = try EventStore(path: ":memory:")
        let outcome = try Self.group(store) { group in
            #expect(throws: BodyFailed.self) {
                try group.append(commandID: "refused", kind: "post", recordedAt: 1) { _ in
                    throw BodyFailed(note: "refused before any event")
                }
            }
            _ = try group.append(commandID: "kept", kind: "post", recordedAt: 1) { batch in
                try batch.append(sampleEvent(1))
                return "ok"
            }
        }
        #expect(outcome == .committed)
        #expect(try store.commands().map(\.commandID) == ["kept"] && store.lastSequence() == 1)
    }

    @Test func aCommandThatThrowsAfterWritingRollsTheWholeGroupBack() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [1])
        #expect(throws: StoreError.self) {
            try Self.group(store) { group in
                _ = try group.append(commandID: "first", kind: "post", recordedAt: 1) { batch in
                    try batch.append(sampleEvent(1))
                    return "ok"
                }
                do {
                    _ = try group.append(commandID: "half", kind: "post", recordedAt: 1) { batch in
                        try batch.append(sampleEvent(2))
                        throw BodyFailed(note: "after an event")
                    }
                } catch {}  // swallowed: the group must still refuse to commit
                _ = try? group.append(commandID: "after", kind: "post", recordedAt: 1) { _ in "ok" }
            }
        }
        #expect(try store.commands().map(\.commandID) == ["cmd-1"] && store.lastSequence() == 1)
        #expect(!store.connection.isInTransaction)
    }

    @Test func aGroupOnAStaleEndWritesNothing() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [2])
        var ran = false
        let outcome = try store.appendGroup(expectedLastSequence: 1) { _ in ran = true }
        #expect(outcome == .conflict(actualLastSequence: 2) && !ran)
    }

    @Test func theActorColumnIsAppendOnlyAndChecked() throws {
        let store = try EventStore(path: ":memory:")
        try store.append(commandID: "c", kind: "post", expectedLastSequence: 0, recordedAt: 1, actor: "wms") { _ in
            "ok"
        }
        let raw = store.connection
        for sql in ["UPDATE commands SET actor = 'forged'", "UPDATE commands SET actor = NULL"] {
            #expect(throws: StoreError.self) { try raw.execute(sql) }
        }
        #expect(try store.command(id: "c")?.actor == "wms")
        #expect(throws: StoreError.self) {
            try store.append(commandID: "d", kind: "post", expectedLastSequence: 0, recordedAt: 1, actor: "") { _ in
                "ok"
            }
        }
    }
}
