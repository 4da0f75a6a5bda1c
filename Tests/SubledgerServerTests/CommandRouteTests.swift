import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import Testing

@Suite struct CommandRouteTests {
    static let receipt = #"{"command":"receive","date":"2026-01-05","item":"A","tx":"P1","qty":"10","cost":"9.50"}"#
    static let issue = #"{"command":"issue","date":"2026-01-09","item":"A","tx":"S1","qty":"4"}"#

    @Test func postedCommandAnswersWithItsEventsAndShowsInOnHand() async throws {
        try await CommandFixture().test { client in
            let response = try await client.post("/v1/commands", Self.receipt)
            #expect(response.status == .created)
            #expect(response.headers[.contentType] == "application/json")
            let body = try response.json
            #expect(body["event_count"]?.numberText == "1")
            #expect(body["duplicate"]?.boolValue == false)
            let events = try #require(body["events"]?.arrayValue)
            #expect(events.first?["type"]?.stringValue == "receipt.posted")
            #expect(events.first?["data"]?["tx"]?.stringValue == "P1")

            let onHand = try await client.execute(uri: "/v1/onhand", method: .get)
            #expect(onHand.status == .ok)
            #expect(try onHand.json["onhand"]?.arrayValue?.first?["qty"]?.stringValue == "10.0000")
            #expect(try onHand.json["total_value"]?.stringValue == "95.00")
        }
    }

    @Test func malformedBodyIs400ProblemWithTheImportsCodeAndLine() async throws {
        try await CommandFixture().test { client in
            let response = try await client.post("/v1/commands", #"{"command":"receive","#)
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try response.json
            #expect(problem["code"]?.stringValue == "malformed")
            #expect(problem["status"]?.numberText == "400")
            #expect(problem["line"]?.numberText == "1")
            #expect(problem["type"]?.stringValue == "urn:subledger:problem:malformed")
            #expect(problem["detail"]?.stringValue?.contains("JSON syntax error") == true)

            let field = try await client.post("/v1/commands", #"{"command":"receive","date":"2026-01-05","item":"A"}"#)
            #expect(field.status == .badRequest)
            #expect(try field.json["code"]?.stringValue == "missing-field")
            #expect(try field.json["field"]?.stringValue == "tx")

            let two = try await client.post("/v1/commands", Self.receipt + "\n" + Self.issue)
            #expect(two.status == .badRequest)
            #expect(try two.json["line"]?.numberText == "2")
        }
    }

    @Test func businessRejectionsAre422And409AndWriteNothing() async throws {
        try await CommandFixture().test { client in
            let unknown = try await client.post(
                "/v1/commands", #"{"command":"receive","date":"2026-01-05","item":"B","tx":"P1","qty":"1","cost":"1"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(try unknown.json["code"]?.stringValue == "unknown-item")
            #expect(try unknown.json["field"]?.stringValue == "item")

            #expect(try await client.post("/v1/commands", Self.receipt).status == .created)
            let again = try await client.post("/v1/commands", Self.receipt)
            #expect(again.status == .conflict)
            #expect(try again.json["code"]?.stringValue == "duplicate-transaction")

            let events = try await client.execute(uri: "/v1/onhand", method: .get)
            #expect(try events.json["total_value"]?.stringValue == "95.00")
        }
    }

    @Test func idempotencyKeyReplaysTheFirstResponseAndRefusesAnotherCommand() async throws {
        try await CommandFixture().test { client in
            let key: HTTPFields = [.idempotencyKey: "order-77"]
            let first = try await client.post("/v1/commands", Self.receipt, headers: key)
            #expect(first.status == .created)
            #expect(first.headers[.replayed] == nil)
            #expect(try first.json["command_id"]?.stringValue == "order-77")

            let replay = try await client.post("/v1/commands", Self.receipt, headers: key)
            #expect(replay.status == .created)
            #expect(replay.headers[.replayed] == "true")
            #expect(replay.text == first.text)

            let other = try await client.post("/v1/commands", Self.issue, headers: key)
            #expect(other.status == .conflict)
            #expect(try other.json["code"]?.stringValue == "command-id-conflict")
            let onHand = try await client.execute(uri: "/v1/onhand", method: .get)
            #expect(try onHand.json["onhand"]?.arrayValue?.first?["qty"]?.stringValue == "10.0000")
        }
    }

    @Test func idempotencyKeyOfABatchAndAClose() async throws {
        try await CommandFixture().test { client in
            let key: HTTPFields = [.idempotencyKey: "batch-1"]
            let body = "\(Self.receipt)\n\(Self.issue)\n"
            let first = try await client.post("/v1/batches", body, headers: key)
            #expect(first.status == .created)
            let replay = try await client.post("/v1/batches", body, headers: key)
            #expect(replay.headers[.replayed] == "true")
            #expect(replay.text == first.text)
            let other = try await client.post("/v1/batches", Self.issue, headers: key)
            #expect(other.status == .conflict)

            let closeKey: HTTPFields = [.idempotencyKey: "close-2026-01"]
            let close = try await client.post("/v1/closes", #"{"date":"2026-01-31"}"#, headers: closeKey)
            #expect(close.status == .created)
            let closeAgain = try await client.post("/v1/closes", #"{"date":"2026-01-31"}"#, headers: closeKey)
            #expect(closeAgain.headers[.replayed] == "true")
            #expect(closeAgain.text == close.text)
        }
    }

    @Test func anUnusableIdempotencyKeyIs400() async throws {
        try await CommandFixture().test { client in
            for key in [String(repeating: "k", count: 256), "two words"] {
                let response = try await client.post("/v1/commands", Self.receipt, headers: [.idempotencyKey: key])
                #expect(response.status == .badRequest)
                #expect(try response.json["field"]?.stringValue == "Idempotency-Key")
            }
            let onHand = try await client.execute(uri: "/v1/onhand", method: .get)
            #expect(try onHand.json["onhand"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func batchIsOneAtomicCommandFromAnArrayOrJSONLines() async throws {
        try await CommandFixture().test { client in
            let array = try await client.post("/v1/batches", "[\(Self.receipt),\(Self.issue)]")
            #expect(array.status == .created)
            #expect(try array.json["appended"]?.numberText == "2")
            #expect(try array.json["result"]?["event_count"]?.numberText == "2")

            // The second line is refused (over-issue of a tx used before): nothing of the batch is written.
            let lines = [
                #"{"command":"receive","date":"2026-01-06","item":"A","tx":"P2","qty":"1","cost":"1"}"#,
                #"{"command":"receive","date":"2026-01-06","item":"A","tx":"P1","qty":"1","cost":"1"}"#,
            ].joined(separator: "\n")
            let refused = try await client.post("/v1/batches", lines)
            #expect(refused.status == .conflict)
            #expect(try refused.json["code"]?.stringValue == "duplicate-transaction")
            #expect(try refused.json["line"]?.numberText == "2")
            let onHand = try await client.execute(uri: "/v1/onhand", method: .get)
            #expect(try onHand.json["onhand"]?.arrayValue?.first?["qty"]?.stringValue == "6.0000")

            let badElement = try await client.post("/v1/batches", "[\(Self.receipt), 5]")
            #expect(badElement.status == .badRequest)
            #expect(try badElement.json["line"]?.numberText == "2")
            #expect(try await client.post("/v1/batches", "[]").status == .badRequest)
        }
    }

    @Test func closeRecalculationAndReversalRoutes() async throws {
        try await CommandFixture().test { client in
            #expect(try await client.post("/v1/batches", "[\(Self.receipt),\(Self.issue)]").status == .created)
            let recalculation = try await client.post("/v1/recalculations", #"{"date":"2026-01-15"}"#)
            #expect(recalculation.status == .created)
            #expect(try recalculation.json["close"]?["mode"]?.stringValue == "recalculation")

            let close = try await client.post("/v1/closes", #"{"date":"2026-01-31"}"#)
            #expect(close.status == .created)
            #expect(try close.json["close"]?["mode"]?.stringValue == "close")
            #expect(try close.json["close"]?["date"]?.stringValue == "2026-01-31")
            #expect(try close.json["settlements"]?.arrayValue?.isEmpty == false)

            let late = try await client.post(
                "/v1/commands", #"{"command":"issue","date":"2026-01-20","item":"A","tx":"S2","qty":"1"}"#)
            #expect(late.status == .conflict)
            #expect(try late.json["code"]?.stringValue == "period-closed")

            let badDate = try await client.post("/v1/closes", #"{"date":"2026-13-01"}"#)
            #expect(badDate.status == .badRequest)
            #expect(try badDate.json["code"]?.stringValue == "invalid-date")
            #expect(try badDate.json["line"]?.isNull == true)

            let reversal = try await client.post("/v1/reversals", #"{"date":"2026-01-31"}"#)
            #expect(reversal.status == .created)
            #expect(try reversal.json["reversed"]?.arrayValue?.first?["date"]?.stringValue == "2026-01-31")
            #expect(try reversal.json["closed_through"]?.isNull == true)
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await CommandFixture().test { client in
            let big = String(repeating: " ", count: ServerLimits.maximumBody + 1)
            let response = try await client.post("/v1/batches", big)
            #expect(response.status == .contentTooLarge)
            #expect(try response.json["code"]?.stringValue == "too-large")
        }
    }

    @Test func requestIDIsEchoedOrMadeUp() async throws {
        try await CommandFixture().test { client in
            let given = try await client.execute(
                uri: "/healthz", method: .get, headers: [.requestID: "req-42"])
            #expect(given.status == .ok)
            #expect(given.headers[.requestID] == "req-42")
            let made = try await client.execute(uri: "/healthz", method: .get)
            #expect(made.headers[.requestID]?.isEmpty == false)
            let problem = try await client.post("/v1/commands", "{", headers: [.requestID: "req-43"])
            #expect(problem.headers[.requestID] == "req-43")
            let unknown = try await client.execute(uri: "/v1/nothing", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["code"]?.stringValue == "not-found")
        }
    }
}
