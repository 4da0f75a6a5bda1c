// Two EventStores on one file, appending from two threads with optimistic concurrency (read the last
// sequence, append expecting it, retry on conflict): nothing is lost, nothing is doubled, and the chain
// is intact. SQLite's BEGIN IMMEDIATE plus the busy timeout serialize the writers.

import Dispatch
import Foundation
import SubledgerCore
import Synchronization
import Testing

@testable import SubledgerStore

@Suite struct ConcurrencyTests {
    @Test func twoWritersOnOneFile() throws {
        let db = TempDatabase("concurrent"); defer { db.remove() }
        _ = try EventStore(path: db.path)  // create and migrate before the race
        let commandsPerWriter = 200
        let failures = Mutex<[String]>([])
        let conflicts = Mutex(0)
        let ready = Atomic(0)

        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            do {
                let store = try EventStore(path: db.path)
                ready.add(1, ordering: .sequentiallyConsistent)
                while ready.load(ordering: .sequentiallyConsistent) < 2 {}  // start together
                for index in 0..<commandsPerWriter {
                    let events = 1 + index % 3
                    while true {
                        let last = try store.lastSequence()
                        // Deciding takes time in real callers; without it SQLite's busy handler lets the
                        // current lock holder win every race and the writers barely interleave.
                        Thread.sleep(forTimeInterval: Double.random(in: 0...0.0005))
                        let outcome = try store.append(
                            commandID: "w\(writer)-\(index)", kind: "post",
                            expectedLastSequence: last, recordedAt: Int64(index)
                        ) { batch in
                            for event in 0..<events {
                                try batch.append(
                                    EventEnvelope(
                                        date: LedgerDate(yyyymmdd: 2024_03_01)!, type: "w\(writer)",
                                        version: 1, payload: [UInt8(writer), UInt8(index % 256), UInt8(event)]))
                            }
                            return "w\(writer)-\(index)"
                        }
                        if case .conflict = outcome { conflicts.withLock { $0 += 1 }; continue }
                        guard case .appended = outcome else { throw BodyFailed(note: "unexpected \(outcome)") }
                        break
                    }
                }
            } catch {
                failures.withLock { $0.append("writer \(writer): \(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])

        let store = try EventStore(path: db.path)
        let commands = try store.commands()
        let expectedEvents = 2 * (0..<commandsPerWriter).reduce(0) { $0 + 1 + $1 % 3 }
        #expect(commands.count == 2 * commandsPerWriter)
        #expect(Set(commands.map(\.commandID)).count == commands.count)
        #expect(try store.lastSequence() == Int64(expectedEvents))

        // Each command's events are exactly its own, contiguous and complete.
        var byCommand: [String: [[UInt8]]] = [:]
        try store.forEachEvent(after: 0) { byCommand[$0.commandID, default: []].append($0.envelope.payload) }
        for command in commands {
            let parts = command.commandID.dropFirst().split(separator: "-").compactMap { Int($0) }
            let payloads = byCommand[command.commandID] ?? []
            #expect(payloads == (0..<(1 + parts[1] % 3)).map { [UInt8(parts[0]), UInt8(parts[1] % 256), UInt8($0)] })
        }
        guard case .intact(let count, _) = try store.verifyChain() else { Issue.record("chain broken"); return }
        #expect(count == Int64(expectedEvents))
        let owners = commands.map { $0.commandID.prefix(2) }
        let switches = zip(owners, owners.dropFirst()).filter { $0 != $1 }.count
        print(
            "concurrent writers: \(conflicts.withLock { $0 }) conflicts retried, \(switches) writer switches in the log"
        )
    }

    @Test func staleWriterOnASecondConnectionConflicts() throws {
        let db = TempDatabase("stale"); defer { db.remove() }
        let first = try EventStore(path: db.path), second = try EventStore(path: db.path)
        let seenBySecond = try second.lastSequence()
        try appendCommands(first, sizes: [2])
        let outcome = try second.append(
            commandID: "late", kind: "post", expectedLastSequence: seenBySecond, recordedAt: 1
        ) { _ in "" }
        #expect(outcome == .conflict(actualLastSequence: 2))
        guard
            case .appended = try second.append(
                commandID: "late", kind: "post", expectedLastSequence: 2, recordedAt: 1,
                { batch in
                    try batch.append(sampleEvent(0)); return ""
                })
        else { Issue.record("expected append after catching up"); return }
        #expect(try first.verifyChain() == .intact(eventCount: 3, lastHash: lastHash(first)))
    }
}
