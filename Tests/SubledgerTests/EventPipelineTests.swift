// A long scan reads and hash-checks the rows on a second thread and folds them on the caller's
// (EventPipeline): the fold sees only events whose hash checked out, in order, and an error on either
// side ends the scan with that error.

import Testing

@testable import SubledgerStore

struct EventPipelineTests {
    /// A ledger of 9,001 events (long enough for the pipeline) whose event 5000's payload changed.
    static func damagedLongLedger() throws -> String {
        let path = SnapshotTests.tempPath()
        _ = try LongScanDamageTests.longLedger(path)
        var payload = try #require(try EventStore(path: path).forEachEventPayload(sequence: 5_000))
        payload[payload.count - 1] ^= 0x01
        try rawEventEdit(path, "UPDATE events SET payload = ?1 WHERE sequence = 5000") { try $0.bind(payload, at: 1) }
        return path
    }

    @Test func theFoldSeesNoEventFromADamagedOneOn() throws {
        let store = try EventStore(path: try Self.damagedLongLedger())
        let last = try store.lastSequence()
        var sequences: [Int64] = []
        #expect {
            try store.scanThrough(after: 0, last) { view in sequences.append(view.sequence) }
        } throws: { error in
            (error as? StoreError)?.message.contains("event 5000's hash does not match") == true
        }
        // Every event before the damaged one, in order, and none after it.
        #expect(sequences.last == 4_999)
        #expect(sequences.elementsEqual(1...4_999))
    }

    struct Stop: Error {}

    @Test func anErrorOfTheFoldEndsTheScanWithIt() throws {
        let path = SnapshotTests.tempPath()
        _ = try LongScanDamageTests.longLedger(path)
        let store = try EventStore(path: path)
        let last = try store.lastSequence()
        var count = 0
        #expect(throws: Stop.self) {
            try store.scanThrough(after: 0, last) { view in
                count += 1
                if view.sequence == 3 { throw Stop() }
            }
        }
        #expect(count == 3)
        // The store reads on: the reader thread let go of its batches and its connection.
        var total: Int64 = 0
        try store.scanThrough(after: 0, last) { view in total = view.sequence }
        #expect(total == last)
    }
}
