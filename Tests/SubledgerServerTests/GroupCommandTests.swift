import Dispatch
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct GroupCommandTests {
    static func receipt(_ tx: String, item: String = "A") -> String {
        #"{"command":"receive","date":"2026-01-05","item":"\#(item)","tx":"\#(tx)","qty":"1","cost":"2.00"}"#
    }

    /// Many requests at once, one of them refused: each gets its own answer, the refused one writes
    /// nothing and its neighbours land.
    @Test func concurrentCommandsAreAnsweredEachWithARefusedOneInTheMiddle() async throws {
        let fixture = try CommandFixture()
        try await fixture.test { client in
            let statuses = try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status).self) { group in
                for index in 0..<24 {
                    // Request 12 names an item that does not exist.
                    let body = Self.receipt("P\(index)", item: index == 12 ? "NOPE" : "A")
                    group.addTask { (index, try await client.post("/v1/commands", body).status) }
                }
                var statuses: [Int: HTTPResponse.Status] = [:]
                for try await (index, status) in group { statuses[index] = status }
                return statuses
            }
            #expect(statuses[12] == .unprocessableContent)
            #expect(statuses.filter { $0.value == .created }.count == 23)
            let onHand = try await client.execute(uri: "/v1/onhand", method: .get)
            #expect(try onHand.json["onhand"]?.arrayValue?.first?["qty"]?.stringValue == "23.0000")
        }
    }

    /// Commands that arrive while the ledger is busy are committed as one group, each answered on its own.
    @Test func commandsArrivingWhileTheLedgerIsBusyFormOneGroup() async throws {
        let fixture = try CommandFixture()
        let busy = Gate()
        try await fixture.test { client in
            async let blocker: Void = fixture.service.read { _ in busy.wait() }  // the ledger is busy
            try await waitUntil { busy.isBlocking }
            async let statuses = withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await client.post(
                            "/v1/commands", Self.receipt("G\(index)", item: index == 4 ? "NOPE" : "A")
                        )
                        .status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Let the ledger go once all ten wait for it.
            try await waitUntil { fixture.service.waitingCommands == 10 }
            busy.open()
            try await blocker
            let answered = try await statuses
            #expect(answered.filter { $0 == .created }.count == 9)
            #expect(answered.filter { $0 == .unprocessableContent }.count == 1)
            #expect(fixture.service.groupStatistics == GroupStatistics(groups: 1, commands: 10, largest: 10))
        }
    }

    /// A command that waits for a busy ledger longer than the timeout is answered 503 and writes nothing.
    @Test func aCommandWaitingPastTheTimeoutIs503() async throws {
        let database = TemporaryDatabase("busy")
        let ledger = try Ledger(path: database.path)
        try ledger.execute(try Posting.command("item", "item=A model=fifo"))
        let service = LedgerService(ledger: ledger, busyTimeout: .milliseconds(50))
        let app = Application(router: buildRouter(service: service, authenticate: false))
        let busy = Gate()
        try await app.test(.router) { client in
            async let blocker: Void = service.read { _ in busy.wait() }  // the ledger is busy
            try await waitUntil { busy.isBlocking }
            async let answer = client.post("/v1/commands", Self.receipt("P1"))
            try await waitUntil { service.waitingCommands == 1 }
            try await Task.sleep(for: .milliseconds(100))  // twice the timeout
            busy.open()
            try await blocker
            let response = try await answer
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json["code"]?.stringValue == "busy")
            #expect(try await service.read { $0.onHand().isEmpty })
        }
    }
}
