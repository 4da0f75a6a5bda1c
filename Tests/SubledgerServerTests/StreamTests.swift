import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerTestSupport
import Testing

@testable import SubledgerServer

@Suite struct StreamTests {
    /// Stops a stream once the test has what it waited for (a client going away, to the stream).
    struct Enough: Error {}

    /// Runs the stream from `after` until `stop` says so (or `waiting` passes); the events' SSE messages.
    static func follow(
        _ service: LedgerService, after: Int64, waiting: Duration = .seconds(120),
        until stop: @escaping @Sendable ([String]) -> Bool
    ) async throws -> [String] {
        let collected = Collected()
        let task = Task {
            try await EventStream(service: service, after: after).run { text in
                guard text.hasPrefix("id: ") else { return }
                await collected.add(text)
                if stop(await collected.messages) { throw Enough() }
            }
        }
        let deadline = ContinuousClock.now + waiting
        while ContinuousClock.now < deadline, !stop(await collected.messages) {
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        _ = await task.result
        return await collected.messages
    }

    actor Collected {
        var messages: [String] = []
        func add(_ message: String) { messages.append(message) }
    }

    static func ids(_ messages: [String]) -> [Int64] {
        messages.compactMap { message in
            message.split(separator: "\n").first.flatMap { Int64($0.dropFirst("id: ".count)) }
        }
    }

    @Test func streamsTheLogThenEventsAnotherProcessAppendsOnceAndInOrder() async throws {
        let database = TemporaryDatabase("stream")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        try ledger.execute(try Posting.command("receive", "date=2026-01-02 item=A tx=P1 qty=5 cost=2"))
        let service = LedgerService(ledger: ledger)
        // Another writer on the same file (a CLI import, say) appends while the stream is open; on a thread of
        // its own, so a busy test run's cooperative pool cannot hold it back.
        let writer = Thread {
            do {
                let other = try Ledger(path: database.path, access: .existing)
                for index in 1...4 {
                    Thread.sleep(forTimeInterval: 0.06)
                    try other.execute(
                        try Posting.command("receive", "date=2026-01-03 item=A tx=X\(index) qty=1 cost=3"))
                }
            } catch {
                Issue.record("the other writer failed: \(error)")
            }
        }
        writer.start()
        let messages = try await Self.follow(service, after: 0) { Self.ids($0).count >= 6 }
        #expect(Self.ids(messages) == [1, 2, 3, 4, 5, 6])
        // Each message is `id`, `event` (the type) and `data`: the event as `events --json` gives it.
        let events = try await service.read { try $0.events() }
        for (message, row) in zip(messages, events) {
            let lines = message.split(separator: "\n")
            #expect(lines.count == 3 && message.hasSuffix("\n\n"))
            #expect(lines[1] == "event: \(row.stored.envelope.type)")
            #expect(lines[2] == "data: " + EventJSON.event(row).serialized())
        }
    }

    @Test func resumesAfterLastEventID() async throws {
        let database = TemporaryDatabase("stream-resume")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        for index in 1...5 {
            try ledger.execute(try Posting.command("receive", "date=2026-01-02 item=A tx=P\(index) qty=1 cost=2"))
        }
        let service = LedgerService(ledger: ledger)
        let messages = try await Self.follow(service, after: 3) { Self.ids($0).count >= 3 }
        #expect(Self.ids(messages) == [4, 5, 6])
        // And nothing after the last event until one lands.
        let quiet = try await Self.follow(service, after: 6, waiting: .milliseconds(500)) { _ in false }
        #expect(quiet.isEmpty)
    }

    @Test func startIsTakenFromLastEventIDOrAfterAndCheckedAsAParameter() async throws {
        let fixture = try CommandFixture()
        try await fixture.test { client in
            let bad = try await client.execute(
                uri: "/v1/events/stream", method: .get, headers: [EventStream.lastEventID: "seven"])
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("\"field\":\"Last-Event-ID\""))
            let negative = try await client.execute(uri: "/v1/events/stream?after=-2", method: .get)
            #expect(negative.status == .badRequest)
            #expect(String(buffer: negative.body).contains("\"field\":\"after\""))
        }
        let request = { (headers: HTTPFields, query: String) in
            Request(
                head: .init(
                    method: .get, scheme: nil, authority: nil, path: "/v1/events/stream" + query,
                    headerFields: headers),
                body: .init(buffer: ByteBuffer()))
        }
        #expect(try EventStream.start(request([:], "")) == 0)
        #expect(try EventStream.start(request([:], "?after=12")) == 12)
        #expect(try EventStream.start(request([EventStream.lastEventID: "40"], "?after=12")) == 40)
    }
}
