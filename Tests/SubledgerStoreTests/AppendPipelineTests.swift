// AppendPipeline (DR-55): events appended through the writer thread are the rows, hashes and command an
// inline append writes, whichever way they were handed over (batches, drains, direct stretches), and a
// failure on either thread writes nothing and leaves the store usable.

import SubledgerCore
import Testing

@testable import SubledgerStore

@Suite struct AppendPipelineTests {
    /// Every stored column of every event, in order.
    static func rows(_ store: EventStore) throws -> [StoredEvent] {
        var rows: [StoredEvent] = []
        try store.forEachEvent(after: 0) { rows.append($0) }
        return rows
    }

    static let count = 3 * AppendPipeline.batchEvents * AppendPipeline.depth / 2 + 7

    @Test func writesTheRowsAnInlineAppendWrites() throws {
        let inline = try EventStore(path: ":memory:")
        let inlineOutcome = try inline.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) {
            batch in
            for index in 0..<Self.count { try batch.append(sampleEvent(index)) }
            return "done"
        }
        let piped = try EventStore(path: ":memory:")
        let pipedOutcome = try piped.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) {
            batch in
            let pipeline = AppendPipeline(batch)
            defer { pipeline.stop() }
            for index in 0..<Self.count {
                // A drain in the middle of a batch, then a direct stretch, then the writer again.
                if index == 700 { try pipeline.drain() }
                if index == 1_000 { try pipeline.setDirect(true) }
                if index == 1_100 { try pipeline.setDirect(false) }
                try pipeline.append(sampleEvent(index))
                #expect(pipeline.lastSequence == Int64(index + 1))
            }
            #expect(pipeline.count == Self.count)
            #expect(try pipeline.lastHash == inline.lastEventHash())
            try pipeline.finish()
            return "done"
        }
        #expect(pipedOutcome == inlineOutcome)
        let expected = try Self.rows(inline)
        #expect(expected.count == Self.count)
        #expect(try Self.rows(piped) == expected)
    }

    @Test func aFailedInsertOnTheWriterWritesNothing() throws {
        let store = try EventStore(path: ":memory:")
        var thrown: (any Error)?
        do {
            _ = try store.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) { batch in
                let pipeline = AppendPipeline(batch)
                defer { pipeline.stop() }
                for index in 0..<Self.count {
                    var event = sampleEvent(index)
                    if index == 1_500 { event.type = "" }  // refused by the writer, on its thread
                    try pipeline.append(event)
                }
                try pipeline.finish()
                return "done"
            }
        } catch {
            thrown = error
        }
        #expect(thrown as? StoreError == .invalid("event type is empty"))
        #expect(try store.lastSequence() == 0)
        #expect(try store.command(id: "c") == nil)
        try appendCommands(store, sizes: [3])
        #expect(try store.lastSequence() == 3)
    }

    /// The last hash after the writer failed is not the last event's: asking for it throws the failure.
    @Test func theLastHashAfterAFailedInsertThrows() throws {
        let store = try EventStore(path: ":memory:")
        var thrown: (any Error)?
        do {
            _ = try store.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) { batch in
                let pipeline = AppendPipeline(batch)
                defer { pipeline.stop() }
                for index in 0..<(AppendPipeline.batchEvents + 10) {
                    var event = sampleEvent(index)
                    if index == 100 { event.type = "" }  // refused by the writer, on its thread
                    try pipeline.append(event)
                }
                #expect(throws: StoreError.invalid("event type is empty")) { try pipeline.lastHash }
                _ = try pipeline.lastHash  // and again: the failure stays
                return "done"
            }
        } catch {
            thrown = error
        }
        #expect(thrown as? StoreError == .invalid("event type is empty"))
        #expect(try store.lastSequence() == 0)
    }

    @Test func aBodyFailingAfterAHandOverWritesNothing() throws {
        let store = try EventStore(path: ":memory:")
        #expect(throws: BodyFailed(note: "late")) {
            _ = try store.append(commandID: "c", kind: "k", expectedLastSequence: 0, recordedAt: 5) { batch in
                let pipeline = AppendPipeline(batch)
                defer { pipeline.stop() }
                for index in 0..<Self.count { try pipeline.append(sampleEvent(index)) }
                throw BodyFailed(note: "late")
            }
        }
        #expect(try store.lastSequence() == 0)
        #expect(try store.command(id: "c") == nil)
        try appendCommands(store, sizes: [3])
        #expect(try store.lastSequence() == 3)
        guard case .intact(let events, _) = try store.verifyChain() else {
            Issue.record("the chain after a rolled-back pipelined command should be intact"); return
        }
        #expect(events == 3)
    }
}

extension EventStore {
    fileprivate func lastEventHash() -> SHA256.Digest? { try? lastEvent().1 }
}
