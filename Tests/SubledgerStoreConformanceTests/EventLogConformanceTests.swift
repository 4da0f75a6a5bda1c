// The event log's contract (EventLog.swift, DR-34), one suite run against SQLite and PostgreSQL: append
// and read back, idempotency and `command-id-conflict`, two writers, tamper detection, crash atomicity.

import Foundation
import SubledgerCore
import Synchronization
import Testing

@testable import SubledgerStore

@Suite struct EventLogConformanceTests {
    @Test(arguments: Backend.allCases)
    func appendsAndReadsBackInOrder(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open(rowsPerInsert: 2)  // a command of 3 events spans two INSERTs
        #expect(try log.lastSequence() == 0)
        guard case .appended(let first) = try log.appendSample("c1", count: 3),
            case .appended(let second) = try log.appendSample("c2", count: 2, first: 3, recordedAt: 1_700_000_000_001)
        else { Issue.record("not appended"); return }
        #expect(first.firstSequence == 1 && first.lastSequence == 3 && first.eventCount == 3)
        #expect(second.firstSequence == 4 && second.lastSequence == 5 && second.result == "{\"events\":2}")
        #expect(try log.lastSequence() == 5)
        #expect(try log.checkedLastSequence() == 5)
        #expect(try log.command(id: "c2") == second)
        #expect(try log.command(id: "missing") == nil)

        let events = try log.allEvents()
        #expect(events.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(events.map(\.envelope) == (0..<5).map { sampleEvent($0) })
        #expect(events.map(\.commandID) == ["c1", "c1", "c1", "c2", "c2"])
        #expect(try log.allEvents(after: 3).map(\.sequence) == [4, 5])
        #expect(try log.allEvents(after: 9).isEmpty)  // paging past the end is an empty page

        var seen: [Int64] = []
        let reached = try log.scan(after: 1, through: 4) { view in seen.append(view.sequence) }
        #expect(seen == [2, 3, 4] && reached == 4)
        guard case .intact(let count, let lastHash) = try log.verifyChain(progress: nil) else {
            Issue.record("chain not intact"); return
        }
        #expect(count == 5 && lastHash == events.last?.hash)
    }

    @Test(arguments: Backend.allCases)
    func aCommandIDIsAnIdempotencyKey(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open()
        guard case .appended(let record) = try log.appendSample("c1", count: 2) else { Issue.record("no"); return }
        try log.appendSample("c2", count: 1, first: 2)

        // Re-sent after the log moved on: still the recorded result, not a concurrency conflict.
        var ran = false
        let again = try log.appendCommand(
            commandID: "c1", kind: "post", expectedLastSequence: 0, recordedAt: 1, actor: nil,
            contentHash: { SHA256.hash(Array("c1".utf8)) }
        ) { _ in
            ran = true; return ""
        }
        #expect(again == .duplicate(record) && !ran)

        let other = SHA256.hash([1, 2, 3])
        let conflict = try log.appendCommand(
            commandID: "c1", kind: "post", expectedLastSequence: 3, recordedAt: 1, actor: nil,
            contentHash: { other }
        ) { _ in
            ran = true; return ""
        }
        #expect(conflict == .idConflict(record, contentHash: other) && !ran)
        #expect(try log.lastSequence() == 3)
    }

    @Test(arguments: Backend.allCases)
    func aStaleWriterIsRefusedCatchesUpAndAppends(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let first = try harness.open(), second = try harness.open()
        try first.appendSample("a1", count: 2)
        var ran = false
        let refused = try second.appendCommand(
            commandID: "b1", kind: "post", expectedLastSequence: 0, recordedAt: 1, actor: nil, contentHash: { nil }
        ) { _ in
            ran = true; return ""
        }
        #expect(refused == .conflict(actualLastSequence: 2) && !ran)
        let caughtUp = try second.lastSequence()
        #expect(caughtUp == 2)
        let appended = try second.appendCommand(
            commandID: "b1", kind: "post", expectedLastSequence: caughtUp, recordedAt: 1, actor: nil,
            contentHash: { nil }
        ) { sink in
            try sink.append(sampleEvent(2)); return ""
        }
        guard case .appended(let record) = appended else { Issue.record("\(appended)"); return }
        #expect(record.firstSequence == 3)
        #expect(try first.allEvents().map(\.commandID) == ["a1", "a1", "b1"])

        // A group on a stale end is refused whole, before its body runs.
        let group = try first.appendCommandGroup(expectedLastSequence: 2) { _ in ran = true }
        #expect(group == .conflict(actualLastSequence: 3) && !ran)
    }

    @Test(arguments: Backend.allCases)
    func racingWritersKeepOneGapFreeOrder(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        // Each thread uses its own connection only: the box just carries them across.
        nonisolated(unsafe) let writers = try (0..<2).map { _ in try harness.open() }
        let perWriter = 15
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: writers.count) { index in
            let log = writers[index]
            do {
                for number in 0..<perWriter {
                    var conflicts = 0
                    while true {
                        let outcome = try log.appendCommand(
                            commandID: "w\(index)-\(number)", kind: "post",
                            expectedLastSequence: try log.lastSequence(),
                            recordedAt: 1, actor: nil, contentHash: { nil }
                        ) { sink in
                            try sink.append(sampleEvent(number)); try sink.append(sampleEvent(number + 1)); return ""
                        }
                        guard case .conflict = outcome else { break }
                        conflicts += 1  // another writer got there first: catch up and decide again
                        if conflicts > 1000 { throw BodyFailed(note: "never got through") }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let events = try writers[0].allEvents()
        #expect(events.map(\.sequence) == Array(1...Int64(2 * 2 * perWriter)))
        #expect(Set(events.map(\.commandID)).count == 2 * perWriter)
        guard case .intact = try writers[1].verifyChain(progress: nil) else { Issue.record("broken"); return }
    }

    @Test(arguments: Backend.allCases)
    func theLogRefusesUpdateAndDelete(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open()
        try log.appendSample("c1", count: 2)
        for sql in [
            "UPDATE events SET recorded_at = 5 WHERE sequence = 1", "DELETE FROM events WHERE sequence = 2",
            "UPDATE commands SET result = 'x'", "DELETE FROM commands",
        ] {
            #expect(throws: StoreError.self, "\(sql)") { try harness.runRaw(sql) }
        }
        if backend == .postgres {
            #expect(throws: StoreError.self) { try harness.runRaw("TRUNCATE events CASCADE") }
            #expect(throws: StoreError.self) { try harness.runRaw("TRUNCATE commands") }
        }
        #expect(try log.allEvents().count == 2)
    }

    @Test(arguments: Backend.allCases)
    func verifyNamesTheTamperedSequence(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open()
        try log.appendSample("c1", count: 2)
        try log.appendSample("c2", count: 2, first: 2)
        let blob = backend == .sqlite ? "x'00'" : "'\\x00'::bytea"
        try harness.tamper("UPDATE events SET payload = \(blob) WHERE sequence = 3")

        guard case .broken(let sequence, let reason) = try log.verifyChain(progress: nil) else {
            Issue.record("tampering not detected"); return
        }
        #expect(sequence == 3)
        #expect(reason.contains("hash does not match"))
        // Reads refuse to hand out the changed event (and what follows it).
        #expect(throws: StoreError.self) { try log.allEvents() }
        #expect(try log.allEvents(through: 2).count == 2)
    }

    @Test(arguments: Backend.allCases)
    func verifyNamesADeletedEvent(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open()
        try log.appendSample("c1", count: 3)
        try harness.tamper("DELETE FROM events WHERE sequence = 2")
        #expect(
            try log.verifyChain(progress: nil)
                == .broken(
                    firstBadSequence: 2, reason: "event 2 is missing (the next stored event is 3)"))
    }

    @Test(arguments: Backend.allCases)
    func aCommandThatFailsMidwayLeavesNothing(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open()  // every event reaches the database before the failure
        try log.appendSample("c0", count: 1)
        #expect(throws: BodyFailed(note: "midway")) {
            try log.appendCommand(
                commandID: "c1", kind: "post", expectedLastSequence: 1, recordedAt: 1, actor: nil, contentHash: { nil }
            ) { sink in
                try sink.append(sampleEvent(1)); try sink.append(sampleEvent(2))
                throw BodyFailed(note: "midway")
            }
        }
        #expect(try log.lastSequence() == 1 && log.command(id: "c1") == nil)

        // A group whose second command fails after writing: the first command goes too.
        #expect(throws: BodyFailed(note: "second")) {
            _ = try log.appendCommandGroup(expectedLastSequence: 1) { group in
                _ = try group.appendCommand(
                    commandID: "g1", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                ) { sink in
                    try sink.append(sampleEvent(3)); return ""
                }
                _ = try group.appendCommand(
                    commandID: "g2", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                ) { sink in
                    try sink.append(sampleEvent(4)); throw BodyFailed(note: "second")
                }
            }
        }
        #expect(try log.lastSequence() == 1 && log.command(id: "g1") == nil)
        guard case .intact(let count, _) = try log.verifyChain(progress: nil) else { Issue.record("broken"); return }
        #expect(count == 1)
        try log.appendSample("c2", count: 1, first: 5)  // the log goes on from where it was
        #expect(try log.lastSequence() == 2)
    }

    @Test(arguments: Backend.allCases)
    func aGroupCommitsEachCommandWithItsOwnOutcome(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let log = try harness.open(rowsPerInsert: 1000)
        try log.appendSample("old", count: 1)
        var outcomes: [AppendOutcome] = []
        let outcome = try log.appendCommandGroup(expectedLastSequence: 1) { group in
            for id in ["g1", "old", "g1", "g2"] {
                outcomes.append(
                    try group.appendCommand(
                        commandID: id, kind: "post", recordedAt: 7, actor: "clerk",
                        contentHash: { SHA256.hash(Array(id.utf8)) }
                    ) { sink in
                        try sink.append(sampleEvent(sink.count)); try sink.append(sampleEvent(9)); return id
                    })
            }
            #expect(group.lastSequence == 5)
        }
        #expect(outcome == .committed)
        let kinds = outcomes.map { outcome -> String in
            switch outcome {
            case .appended(let record): "appended \(record.firstSequence)...\(record.lastSequence)"
            case .duplicate(let record): "duplicate \(record.commandID)"
            default: "\(outcome)"
            }
        }
        #expect(kinds == ["appended 2...3", "duplicate old", "duplicate g1", "appended 4...5"])
        #expect(try log.command(id: "g2")?.actor == "clerk")
        guard case .intact(5, _) = try log.verifyChain(progress: nil) else { Issue.record("broken"); return }
    }
}

extension EventLog {
    func allEvents(through last: Int64) throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        try forEachEvent(after: 0, through: last) { events.append($0) }
        return events
    }
}
