// DR-69, the import's writer: the event type is bound as a C string unless it holds a NUL of its own,
// SQLite keeps no memory statistics, and a pipeline hands the payloads it wrote back for reuse. None of
// it changes a stored byte.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct WriterCutTests {
    @Test func aTypeHoldingANulIsStoredWholeAndChained() throws {
        let store = try EventStore(path: ":memory:")
        var odd = sampleEvent(1)
        odd.type = "odd\u{0}type"
        _ = try store.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) { batch in
            try batch.append(sampleEvent(0))  // an ordinary type, bound as a C string
            try batch.append(odd)  // bound by its count: SQLite would stop at the NUL
            return "done"
        }
        let rows = try AppendPipelineTests.rows(store)
        #expect(rows.map(\.envelope) == [sampleEvent(0), odd])
        #expect(rows[1].envelope.type.utf8.count == 8)
        // verify recomputes each hash from the stored columns: a cut type would break the chain.
        guard case .intact(let count, _) = try store.verifyChain() else {
            Issue.record("the chain is broken")
            return
        }
        #expect(count == 2)
    }

    @Test func sqliteKeepsNoMemoryStatistics() throws {
        let store = try EventStore(path: ":memory:")
        try appendCommands(store, sizes: [50])
        #expect(Connection.libraryConfigured)
        // With the statistics off SQLite counts nothing, however much it holds.
        #expect(Connection.memoryInUse == 0)
    }

    @Test func aPipelineHandsBackThePayloadsItWrote() throws {
        let count = AppendPipeline.batchEvents * (AppendPipeline.depth + 2)
        let store = try EventStore(path: ":memory:")
        _ = try store.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) { batch in
            let pipeline = AppendPipeline(batch)
            defer { pipeline.stop() }
            #expect(pipeline.recycledPayload().isEmpty)
            for index in 0..<count {
                // Encoded into whatever the writer handed back, stale bytes and all.
                var event = sampleEvent(index)
                var reused = pipeline.recycledPayload()
                reused.removeAll(keepingCapacity: true)
                reused.append(contentsOf: event.payload)
                event.payload = reused
                try pipeline.append(event)
            }
            try pipeline.drain()
            let handedBack = pipeline.recycledPayload()
            #expect(handedBack.capacity >= 24)  // a written payload's memory, not a new empty array
            try pipeline.finish()
            return "done"
        }
        #expect(try AppendPipelineTests.rows(store).map(\.envelope) == (0..<count).map { sampleEvent($0) })
    }
}
