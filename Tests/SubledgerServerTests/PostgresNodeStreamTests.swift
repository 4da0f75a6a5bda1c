// Two `subledger serve` processes on one PostgreSQL database, end to end (issue 14: "the event stream of any
// node delivers every event once, in order"): commands posted to node A arrive on node B's
// `GET /v1/events/stream`, which B learns of through LISTEN/NOTIFY (DR-42), each once and in order, and B
// then answers the same figures as A. PostgreSQL tests: skipped without a server, failed under CI=true.

import Foundation
import SubledgerTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite(.serialized) struct PostgresNodeStreamTests {
    @Test func oneNodesStreamCarriesTheOtherNodesEventsOnceInOrder() async throws {
        try await offPool { try Self.oneNodesStreamCarriesTheOtherNodesEventsOnceInOrderBody() }
    }

    static func oneNodesStreamCarriesTheOtherNodesEventsOnceInOrderBody() throws {
        guard let cluster = try NodeCluster.start("pg-node-stream") else { return }
        defer { cluster.stop() }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        let start = try cluster.committed().eventCount
        let stream = try EventStreamSocket(port: b, after: start, headers: cluster.bearer)
        defer { stream.shutDown() }

        var last = start
        var delays: [Duration] = []
        for index in 0..<20 {
            let sent = ContinuousClock.now
            let headers = cluster.bearer.merging(["Idempotency-Key": "stream-\(index)"]) { $1 }
            let answer = try LoopbackClient(port: a).post(
                "/v1/commands", NodeCluster.receive("STREAM-\(index)"), headers: headers)
            try #require(answer.status == 201, "\(answer.body)")
            let result = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            last = try #require(result?["last_sequence"] as? Int, "\(answer.body)")
            try stream.read(through: last, waiting: .seconds(30))
            delays.append(ContinuousClock.now - sent)
        }
        #expect(stream.ids == Array((start + 1)...last), "node B's stream: every event once, in order")
        let sorted = delays.sorted()
        print("post on node A -> its events on node B's stream: median \(sorted[sorted.count / 2])")
        for path in ["/v1/onhand", "/v1/gl"] {
            #expect(try cluster.get(path, on: a).body == cluster.get(path, on: b).body, "\(path) differs")
        }
    }
}

/// A `GET /v1/events/stream` held open on a real socket; the SSE `id:` lines are collected as they arrive.
final class EventStreamSocket {
    private let socket: Int32
    private var pending = ""
    private(set) var ids: [Int] = []

    init(port: Int, after: Int, headers: [String: String]) throws {
        let client = LoopbackClient(port: port)
        socket = try client.openSocket()
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = client.request("GET", "/v1/events/stream?after=\(after)", body: nil, headers: headers)
        try client.writeAll(socket, request)
    }

    /// Reads until the event `sequence` has arrived; throws when `waiting` passes first or the stream ends.
    func read(through sequence: Int, waiting: Duration) throws {
        let deadline = ContinuousClock.now + waiting
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while (ids.last ?? 0) < sequence {
            guard ContinuousClock.now < deadline else {
                throw LoopbackError(description: "event \(sequence) did not arrive; have \(ids.suffix(5))")
            }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { throw LoopbackError(description: "the stream ended") }
            guard count > 0 else { continue }  // the receive timeout: look at the deadline again
            pending += String(decoding: buffer[..<count], as: UTF8.self)
            collectIDs()
        }
    }

    /// Takes the `id: N` lines out of the complete lines received so far (the chunk framing's size lines
    /// and the events' other lines are not ids). `isNewline`, not "\n": Swift reads "\r\n" as one character.
    private func collectIDs() {
        guard let end = pending.lastIndex(where: \.isNewline) else { return }
        for line in pending[..<end].split(whereSeparator: \.isNewline) where line.hasPrefix("id: ") {
            if let id = Int(line.dropFirst(4)) { ids.append(id) }
        }
        pending = String(pending[pending.index(after: end)...])
    }

    func shutDown() { close(socket) }
}
