// Append semantics: round trip through both read paths, the canonical hash pinned to an independent
// computation (Python hashlib), idempotent duplicates, optimistic-concurrency conflicts, and that a
// failing or misbehaving body leaves nothing written.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct EventStoreAppendTests {
    @Test func roundTripThroughBothReadPaths() throws {
        let db = TempDatabase("roundtrip"); defer { db.remove() }
        let store = try EventStore(path: db.path)
        #expect(try store.lastSequence() == 0)
        let events =
            (0..<5).map { sampleEvent($0) } + [
                EventEnvelope(date: date(2024_02_29), type: "é.ü", version: 7, payload: [])
            ]
        let outcome = try store.append(commandID: "c1", kind: "post", expectedLastSequence: 0, recordedAt: 42) {
            batch in
            #expect(batch.count == 0 && batch.lastSequence == 0)
            for event in events { try batch.append(event) }
            #expect(batch.count == 6 && batch.lastSequence == 6)
            return "posted six"
        }
        let expected = CommandRecord(
            commandID: "c1", kind: "post", firstSequence: 1, lastSequence: 6,
            eventCount: 6, recordedAt: 42, result: "posted six")
        #expect(outcome == .appended(expected))
        #expect(try store.command(id: "c1") == expected)
        #expect(try store.commands() == [expected])
        #expect(try store.lastSequence() == 6)

        var stored: [StoredEvent] = []
        try store.forEachEvent(after: 0) { stored.append($0) }
        #expect(stored.map(\.envelope) == events)
        #expect(stored.map(\.sequence) == Array(1...6))
        #expect(stored.allSatisfy { $0.commandID == "c1" && $0.recordedAt == 42 && $0.hash.count == 32 })

        var viewed: [(Int64, LedgerDate, String, Int, [UInt8])] = []
        try store.scan(after: 2, through: 5) { view in
            viewed.append((view.sequence, view.date, view.typeName, view.version, view.payloadBytes))
        }
        #expect(viewed.map(\.0) == [3, 4, 5])
        #expect(
            viewed.map { EventEnvelope(date: $0.1, type: $0.2, version: $0.3, payload: $0.4) } == Array(events[2...4]))

        var sawType = false
        try store.scan(after: 5) { view in sawType = view.hasType("é.ü") && !view.hasType("é") }
        #expect(sawType)

        guard case .intact(let count, let lastHash) = try store.verifyChain() else {
            Issue.record("chain should be intact"); return
        }
        #expect(count == 6 && lastHash == stored.last?.hash)
    }

    @Test func hashMatchesTheDocumentedCanonicalForm() throws {
        let store = try EventStore(path: ":memory:")
        _ = try store.append(commandID: "cmd-α", kind: "k", expectedLastSequence: 0, recordedAt: 1_700_000_000_123) {
            batch in
            try batch.append(
                EventEnvelope(date: date(2024_01_15), type: "receipt.posted", version: 2, payload: [1, 2, 255]))
            try batch.append(EventEnvelope(date: date(2024_01_16), type: "issue.posted", version: 1, payload: []))
            return ""
        }
        var hashes: [String] = []
        try store.forEachEvent(after: 0) { hashes.append(hex($0.hash)) }
        // Computed independently with Python's hashlib from the layout documented in EventHash.swift.
        #expect(
            hashes == [
                "b1dbe9d216a89dee856d8a9fe234642a8b49184fc48b714b619812376896ae71",
                "c8bb1788a3557f15084b8e492af9b664ec2428fa2087d1331233bc088a09f278",
            ])
    }

    @Test func duplicateCommandReturnsTheFirstRecordWithoutRunningTheBody() throws {
        let store = try EventStore(path: ":memory:")
        let first = try appendCommands(store, sizes: [2])[0]
        var ran = false
        let again = try store.append(commandID: first.commandID, kind: "post", expectedLastSequence: 2, recordedAt: 9) {
            _ in
            ran = true; return "second"
        }
        #expect(again == .duplicate(first) && !ran)
        // Duplicate is checked before the expected sequence: a stale retry still gets its original answer.
        #expect(
            try store.append(commandID: first.commandID, kind: "post", expectedLastSequence: 0, recordedAt: 9) { _ in ""
            } == .duplicate(first))
        #expect(try store.lastSequence() == 2)
    }

    @Test func staleExpectedSequenceConflicts() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [3])
        var ran = false
        for stale in [Int64(0), 2, 4] {
            let outcome = try store.append(commandID: "late", kind: "post", expectedLastSequence: stale, recordedAt: 1)
            { batch in
                ran = true; try batch.append(sampleEvent(0)); return ""
            }
            #expect(outcome == .conflict(actualLastSequence: 3))
        }
        #expect(!ran)
        #expect(try store.command(id: "late") == nil && store.lastSequence() == 3)
        // Caught up, the same command goes through.
        guard
            case .appended = try store.append(
                commandID: "late", kind: "post", expectedLastSequence: 3, recordedAt: 1, { _ in "" })
        else {
            Issue.record("expected append"); return
        }
    }

    @Test func throwingBodyLeavesNothingWritten() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [1])
        #expect(throws: BodyFailed(note: "nope")) {
            try store.append(commandID: "bad", kind: "post", expectedLastSequence: 1, recordedAt: 1) { batch in
                for index in 0..<10 { try batch.append(sampleEvent(index)) }
                throw BodyFailed(note: "nope")
            }
        }
        #expect(try store.lastSequence() == 1)
        #expect(try store.command(id: "bad") == nil)
        #expect(try store.verifyChain() == .intact(eventCount: 1, lastHash: lastHash(store)))
        // The chain continues from the committed event, not from the rolled-back ones.
        try appendCommands(store, sizes: [2], prefix: "more")
        #expect(try store.verifyChain() == .intact(eventCount: 3, lastHash: lastHash(store)))
    }

    @Test func emptyCommandIsRecorded() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [2])
        let outcome = try store.append(commandID: "noop", kind: "close", expectedLastSequence: 2, recordedAt: 5) { _ in
            "nothing to do"
        }
        #expect(
            outcome
                == .appended(
                    CommandRecord(
                        commandID: "noop", kind: "close", firstSequence: 3, lastSequence: 2,
                        eventCount: 0, recordedAt: 5, result: "nothing to do")))
        _ = try store.append(commandID: "after", kind: "post", expectedLastSequence: 2, recordedAt: 6) { batch in
            try batch.append(sampleEvent(1)); return ""
        }
        #expect(try store.verifyChain() == .intact(eventCount: 3, lastHash: lastHash(store)))
    }

    @Test func invalidEventIsRejectedAndRollsBackEvenIfTheBodySwallowsIt() throws {
        let store = try EventStore(path: ":memory:")
        #expect(throws: StoreError.self) {
            try store.append(commandID: "x", kind: "post", expectedLastSequence: 0, recordedAt: 1) { batch in
                try batch.append(sampleEvent(0))
                try? batch.append(EventEnvelope(date: date(2024_01_01), type: "", version: 1, payload: []))
                try? batch.append(EventEnvelope(date: date(2024_01_01), type: "t", version: 0, payload: []))
                return "pretend all is well"
            }
        }
        #expect(try store.lastSequence() == 0 && store.command(id: "x") == nil)
    }

    @Test func batchCannotBeUsedAfterItsCommandNorNested() throws {
        let store = try EventStore(path: ":memory:")
        var escaped: AppendBatch?
        _ = try store.append(commandID: "a", kind: "post", expectedLastSequence: 0, recordedAt: 1) { batch in
            escaped = batch; return ""
        }
        #expect(throws: StoreError.self) { try escaped?.append(sampleEvent(0)) }
        #expect(throws: StoreError.self) {
            try store.append(commandID: "outer", kind: "post", expectedLastSequence: 0, recordedAt: 1) { _ in
                _ = try store.append(commandID: "inner", kind: "post", expectedLastSequence: 0, recordedAt: 1) { _ in ""
                }
                return ""
            }
        }
        #expect(try store.lastSequence() == 0 && store.commands().map(\.commandID) == ["a"])
    }

    @Test func largeCommandStreamsInOneTransaction() throws {
        let db = TempDatabase("large"); defer { db.remove() }
        let store = try EventStore(path: db.path)
        let count = 50_000
        let outcome = try store.append(commandID: "big", kind: "import", expectedLastSequence: 0, recordedAt: 1) {
            batch in
            for index in 0..<count { try batch.append(sampleEvent(index, payloadBytes: 100)) }
            return "\(batch.count)"
        }
        #expect(
            outcome
                == .appended(
                    CommandRecord(
                        commandID: "big", kind: "import", firstSequence: 1, lastSequence: Int64(count),
                        eventCount: count, recordedAt: 1, result: "\(count)")))
        var progressCalls = 0
        let verification = try store.verifyChain { done, total in
            progressCalls += 1; #expect(done <= total)
        }
        guard case .intact(let events, _) = verification else { Issue.record("\(verification)"); return }
        #expect(events == Int64(count) && progressCalls >= 1)
    }

    @Test func nestedReadsUseTheirOwnStatements() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [3])
        var pairs = 0
        try store.scan(after: 0) { _ in
            try store.scan(after: 0) { _ in pairs += 1 }
        }
        #expect(pairs == 9)
    }

    @Test func reopeningKeepsTheLogAndRefusesANewerSchema() throws {
        let db = TempDatabase("reopen"); defer { db.remove() }
        try appendCommands(try EventStore(path: db.path), sizes: [2, 1])
        let reopened = try EventStore(path: db.path)
        #expect(try reopened.lastSequence() == 3 && reopened.commands().count == 2)
        let raw = try Connection(path: db.path)
        #expect(try raw.scalarInt64("PRAGMA user_version") == Schema.currentVersion)
        #expect(try raw.scalarInt64("PRAGMA foreign_keys") == 1)
        #expect(try raw.scalarInt64("PRAGMA synchronous") == 2)  // FULL
        try raw.execute("PRAGMA user_version = 99")
        #expect(throws: StoreError.self) { try EventStore(path: db.path) }
    }
}

func lastHash(_ store: EventStore) throws -> [UInt8] {
    var hash: [UInt8] = []
    try store.forEachEvent(after: try store.lastSequence() - 1) { hash = $0.hash }
    return hash
}
