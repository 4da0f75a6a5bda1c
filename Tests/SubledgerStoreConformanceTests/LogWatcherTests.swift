// The log's watcher (DR-42) on both stores: a watcher on a connection of its own hears another connection's
// append within a bound, hears nothing of a rolled-back group or a refused command, and (PostgreSQL) comes
// back after its listening connection is terminated, with no event missed. Appends block (DR-34), so the
// tests make them through `offPool`, never in the cooperative pool the waits run in.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Synchronization
import Testing

@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct LogWatcherTests {
    /// Lines a watcher reported.
    final class Reports: Sendable {
        let lines = Mutex<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func watcher(_ harness: LogHarness, timer: Duration, reports: Reports = Reports()) throws -> any LogWatcher {
        let log = try harness.open() as! any WatchableLog
        return log.makeWatcher(timer: timer, report: { reports.add($0) })
    }

    /// A box to hand a log (used by one thread at a time) to the dispatch thread.
    struct Writer: @unchecked Sendable { let log: any EventLog }

    /// Waits (on the watcher) until it has heard of `sequence`; the time that took, or nil past `limit`.
    static func heard(
        _ watcher: any LogWatcher, _ sequence: Int64, within limit: Duration = .seconds(60)
    ) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if let known = await watcher.wait(after: sequence - 1), known >= sequence {
                return ContinuousClock.now - start
            }
        }
        return nil
    }

    @Test(arguments: Backend.allCases)
    func hearsAnotherConnectionsAppendWithinABound(_ backend: Backend) async throws {
        guard let harness = LogHarness.make(backend) else { return }
        let writer = Writer(log: try harness.open())
        // A timer far beyond the bound: only a notification (or SQLite's poll) can end these waits.
        let watcher = try Self.watcher(harness, timer: .seconds(30))
        defer { watcher.stop() }
        try await offPool { try writer.log.appendSample("warm-up", count: 1) }
        #expect(await Self.heard(watcher, 1) != nil)
        var latencies: [Duration] = []
        for index in 1...20 {
            let before = try await offPool { try writer.log.lastSequence() }
            async let woke = watcher.wait(after: before)
            let committed = try await offPool {
                try writer.log.appendSample("c\(index)", count: 2, first: index)
                return ContinuousClock.now
            }
            let hint = await woke
            let latency = ContinuousClock.now - committed
            #expect(hint == before + 2)
            latencies.append(latency)
        }
        #expect(await Self.heard(watcher, 41) != nil)
        let median = latencies.sorted()[latencies.count / 2]
        print("\(backend): a watcher heard another connection's commit \(median) (median of 20) after it")
        #expect(median < .seconds(1))
    }

    @Test(arguments: Backend.allCases)
    func hearsNothingOfARolledBackGroupOrARefusedCommand(_ backend: Backend) async throws {
        guard let harness = LogHarness.make(backend) else { return }
        let writer = Writer(log: try harness.open())
        let watcher = try Self.watcher(harness, timer: .milliseconds(600))
        defer { watcher.stop() }
        try await offPool { try writer.log.appendSample("first", count: 2) }
        #expect(await Self.heard(watcher, 2) != nil)
        let (groupFailed, refused) = try await offPool {
            // A group whose second command fails after its first wrote: nothing commits.
            var groupFailed = false
            do {
                _ = try writer.log.appendCommandGroup(expectedLastSequence: 2) { sink in
                    _ = try sink.appendCommand(
                        commandID: "g1", kind: "post", recordedAt: 1, actor: nil, contentHash: { nil }
                    ) { events in
                        try events.append(sampleEvent(5))
                        return "{}"
                    }
                    throw BodyFailed(note: "the group's body failed")
                }
            } catch is BodyFailed {
                groupFailed = true
            }
            // The same id with other content: refused, nothing written.
            let outcome = try writer.log.appendSample("first", count: 1, hash: SHA256.hash([1, 2, 3]))
            if case .idConflict = outcome { return (groupFailed, true) }
            return (groupFailed, false)
        }
        #expect(groupFailed && refused)
        #expect(await watcher.wait(after: 2) == nil)
        try await offPool { try writer.log.appendSample("after", count: 1, first: 9) }
        #expect(await watcher.wait(after: 2) == 3)
    }

    @Test func comesBackAfterItsListeningConnectionIsTerminatedWithNoEventMissed() async throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let writer = Writer(log: try harness.open())
        let reports = Reports()
        // A timer beyond the bound below: only a notification or the reconnection's read wakes it sooner.
        let watcher = try Self.watcher(harness, timer: .seconds(60), reports: reports) as! PostgresLogWatcher
        defer { watcher.stop() }
        try await offPool { try writer.log.appendSample("one", count: 1) }
        #expect(await Self.heard(watcher, 1) != nil)
        let pid = try #require(watcher.listeningPID)
        let owner = Writer(log: try harness.open())
        try await offPool {
            let session = (owner.log as! PostgresEventLog).session
            try session.execute("SELECT pg_terminate_backend(\(pid))")
            // Appended while the watcher is down or reconnecting: read at reconnection, not notified.
            try writer.log.appendSample("two", count: 2, first: 1)
        }
        #expect(await Self.heard(watcher, 3) != nil)
        try await waitUntil { watcher.listeningPID != nil && watcher.listeningPID != pid }
        // Listening again: a new commit is notified. The bound is loose for loaded test machines (in a CI run
        // beside two release builds it took over 5 s); the 60 s timer cannot end this wait within it.
        try await offPool { try writer.log.appendSample("three", count: 1, first: 3) }
        #expect(try #require(await Self.heard(watcher, 4)) < .seconds(30))
        let lines = reports.all
        #expect(lines.count >= 1)
        #expect(lines.allSatisfy { $0.contains("127.0.0.1:") || $0.contains("localhost:") })
    }

    @Test func aNotificationNamesItsLedgerAndOthersAreIgnored() {
        #expect(PostgresLogWatcher.sequence("books:42", schema: "books") == 42)
        #expect(PostgresLogWatcher.sequence("other:42", schema: "books") == nil)
        #expect(PostgresLogWatcher.sequence("books:x", schema: "books") == nil)
        #expect(PostgresLogWatcher.sequence("books", schema: "books") == nil)
    }
}
