// `GET /v1/events/stream`: Server-Sent Events of the log, for a downstream GL or warehouse that follows
// the ledger. Each event is one SSE message, `id:` its sequence and `data:` the document `events --json`
// gives for it. A client resumes with `Last-Event-ID` (or `?after=`): the stream replays the log after that
// sequence, then sends each new event as it lands, whoever appended it (the server, another node, or
// another process such as a CLI import: every read catches up with the log). Between reads an idle stream
// waits on the log's watcher (DR-42): a NOTIFY on PostgreSQL, the watcher's poll of a SQLite file, or its
// 1 s timer; it never decides what to send from the watcher, only when to read. Sequences are dense and
// read in order, so every event is sent once, in order.

import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Subledger

func addEventStreamRoute(to router: Router<ServerContext>, service: LedgerService) {
    router.get("/v1/events/stream") { request, _ in
        let stream = EventStream(service: service, after: try EventStream.start(request))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                try await stream.run { text in try await writer.write(ByteBuffer(string: text)) }
                try await writer.finish(nil)
            })
    }
}

struct EventStream: Sendable {
    let service: LedgerService
    /// The last sequence the client has.
    let after: Int64
    /// Events read per trip to the ledger's queue, so a long replay does not hold the ledger.
    static let batch = 256
    /// A comment line this often keeps proxies from closing an idle stream.
    static let heartbeat: Duration = .seconds(15)

    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// Where to start: `Last-Event-ID` (what an EventSource sends on reconnecting) wins over `?after=`.
    static func start(_ request: Request) throws -> Int64 {
        let after = try QueryParameters(request, allowed: ["after"]).integer("after", in: 0...Int64.max) ?? 0
        guard let header = request.headers[lastEventID] else { return after }
        let text = header.trimmingPrefix(" ")
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let sequence = Int64(text) else {
            throw Problem(
                .badRequest, code: "invalid-parameter",
                detail: "header Last-Event-ID must be the sequence of an event (a whole number from 0), not "
                    + "'\(QueryParameters.cut(header))'",
                field: "Last-Event-ID")
        }
        return sequence
    }

    /// One SSE message per event: `id`, `event` (its type) and `data` (one line of JSON).
    static func message(_ row: EventRow) -> String {
        "id: \(row.stored.sequence)\nevent: \(row.stored.envelope.type)\ndata: "
            + EventJSON.event(row).serialized() + "\n\n"
    }

    /// Sends every event after `after`, then each new one, until `send` throws (the client went away), the
    /// task is cancelled or the server shuts down gracefully.
    func run(_ send: (String) async throws -> Void) async throws {
        var last = after
        /// What the watcher last said the log reaches: a hint the read does not bear out is not waited on
        /// again (the next wait ends on a newer hint or the timer).
        var heard: Int64 = 0
        let clock = ContinuousClock()
        var lastSent = clock.now
        // A retry hint for EventSource clients, and headers on the wire before the first event.
        try await send("retry: 1000\n\n")
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let from = last
            let rows = try await service.read { ledger in try ledger.events(after: from, limit: Self.batch) }
            for row in rows {
                try await send(Self.message(row))
                last = row.stored.sequence
            }
            if !rows.isEmpty { lastSent = clock.now }
            if rows.count == Self.batch { continue }
            if clock.now - lastSent >= Self.heartbeat {
                try await send(": keep-alive\n\n")
                lastSent = clock.now
            }
            if let hint = await service.watcher.wait(after: max(last, heard)) { heard = hint }
        }
    }
}
