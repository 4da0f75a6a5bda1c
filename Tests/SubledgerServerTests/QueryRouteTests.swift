import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import Testing

@Suite struct QueryRouteTests {
    /// A read route and the CLI command whose `--json` it must answer with, byte for byte.
    static let sameAsCLI: [(route: String, cli: [String])] = [
        ("/v1/onhand", ["onhand"]),
        ("/v1/onhand?item=OIL-5L", ["onhand", "--item", "OIL-5L"]),
        ("/v1/closes", ["closes"]),
        ("/v1/gl", ["gl"]),
        ("/v1/gl?as_of=2026-01-20", ["gl", "--as-of", "2026-01-20"]),
        ("/v1/gl?as_of=2026-02-28", ["gl", "--as-of", "2026-02-28"]),
        ("/v1/reconciliation", ["reconcile"]),
        ("/v1/reconciliation?as_of=2026-01-31", ["reconcile", "--as-of", "2026-01-31"]),
        ("/v1/reconciliation?as_of=2026-02-10&details=1", ["reconcile", "--as-of", "2026-02-10", "--details"]),
        ("/v1/value", ["value"]),
        ("/v1/value?as_of=2026-01-31&item=OIL-5L", ["value", "--as-of", "2026-01-31", "--item", "OIL-5L"]),
        ("/v1/events?after=5&limit=20", ["events", "--after", "5", "--limit", "20"]),
        ("/v1/verify", ["verify"]),
    ]

    @Test func everyReportIsTheCLIsJSONByteForByte() async throws {
        let fixture = try QueryFixture()
        let expected = try Self.sameAsCLI.map { try fixture.cli($0.cli) }
        try await fixture.test { client in
            for (index, (route, _)) in Self.sameAsCLI.enumerated() {
                let response = try await client.get(route)
                #expect(response.status == .ok, "\(route): \(response.bodyText.prefix(300))")
                #expect(response.headers[.contentType] == "application/json", "\(route)")
                #expect(response.bodyText == expected[index], "\(route) differs from the CLI")
            }
        }
    }

    @Test func everyTransactionRowIsTheCLIsRow() async throws {
        let fixture = try QueryFixture()
        let cli = try fixture.cliJSON(["transactions"])["transactions"]?.arrayValue ?? []
        #expect(cli.count > 10)
        try await fixture.test { client in
            let page = try await client.get("/v1/transactions?limit=1000").document
            #expect(page["transactions"]?.arrayValue == cli)
            #expect(page["next_cursor"]?.isNull == true)
        }
    }

    @Test func aTransactionComesWithItsEventsVouchersAndSettlements() async throws {
        let fixture = try QueryFixture()
        let row = try fixture.cliJSON(["transactions"])["transactions"]?.arrayValue?.first {
            $0["tx"]?.stringValue == "Q-S1"
        }
        let vouchers = try fixture.cliJSON(["vouchers", "--tx", "Q-S1"])["vouchers"]
        let settlements = try fixture.cliJSON(["settlements", "--tx", "Q-S1"])["settlements"]
        let events = try fixture.cliJSON(["events"])["events"]?.arrayValue ?? []
        try await fixture.test { client in
            let response = try await client.get("/v1/transactions/Q-S1")
            #expect(response.status == .ok)
            let detail = try response.document
            #expect(detail["transaction"] == row)
            #expect(detail["vouchers"] == vouchers)
            #expect(detail["settlements"] == settlements)
            let shown = detail["events"]?.arrayValue ?? []
            // The issue's own event, its recalculation, close, reversal and close again: each as `events`.
            #expect(shown.count >= 5)
            for event in shown {
                let sequence = event["sequence"]?.numberText
                #expect(events.first { $0["sequence"]?.numberText == sequence } == event)
            }
            let sequences = shown.compactMap { $0["sequence"]?.numberText.flatMap { Int64($0) } }
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
            for voucher in vouchers?.arrayValue ?? [] {
                #expect(shown.contains { $0["sequence"] == voucher["sequence"] })
            }
        }
    }

    @Test func itemsAreTheirDefinitionsAndOnHand() async throws {
        let fixture = try QueryFixture()
        let definitions = (try fixture.cliJSON(["events"])["events"]?.arrayValue ?? [])
            .filter { $0["type"]?.stringValue == "item.defined" }.compactMap { $0["data"] }
        let onHand = try fixture.cliJSON(["onhand", "--item", "OIL-5L"])
        try await fixture.test { client in
            let items = try await client.get("/v1/items").document["items"]?.arrayValue ?? []
            #expect(items.count == Set(definitions.compactMap { $0["item"]?.stringValue }).count)
            // Each item's setup as its definition wrote it, but for what changed since (a standard cost).
            for item in items {
                let id = item["item"]?.stringValue
                let defined = definitions.last { $0["item"]?.stringValue == id }
                #expect(item["model"] == defined?["model"] && item["group"] == defined?["group"], "\(item)")
            }
            #expect(
                items.first { $0["item"]?.stringValue == "OIL-5L" }
                    == definitions.last {
                        $0["item"]?.stringValue == "OIL-5L"
                    })
            let one = try await client.get("/v1/items/OIL-5L").document
            #expect(one["item"]?["item"]?.stringValue == "OIL-5L")
            #expect(one["onhand"] == onHand["onhand"])
            #expect(one["total_value"] == onHand["total_value"])
        }
    }

    @Test func paginationWalksEveryTransactionOnceInOrder() async throws {
        let fixture = try QueryFixture()
        let all = (try fixture.cliJSON(["transactions"])["transactions"]?.arrayValue ?? []).compactMap {
            $0["tx"]?.stringValue
        }
        let february = (try fixture.cliJSON(["transactions", "--item", "OIL-5L"])["transactions"]?.arrayValue ?? [])
            .filter {
                ($0["date"]?.stringValue ?? "") >= "2026-02-01" && ($0["date"]?.stringValue ?? "") <= "2026-02-28"
            }
            .compactMap { $0["tx"]?.stringValue }
        #expect(!february.isEmpty)
        try await fixture.test { client in
            let bySeven = try await Self.walk(client, "/v1/transactions?limit=7")
            #expect(bySeven == all)
            let byOne = try await Self.walk(client, "/v1/transactions?limit=1")
            #expect(byOne == all)
            let filtered = try await Self.walk(
                client, "/v1/transactions?item=OIL-5L&from=2026-02-01&to=2026-02-28&limit=2")
            #expect(filtered == february)
        }
    }

    /// Follows `next_cursor` from `route` to the last page; the ids in the order served.
    static func walk(_ client: any TestClientProtocol, _ route: String) async throws -> [String] {
        try await walkRows(client, route, "transactions").compactMap { $0["tx"]?.stringValue }
    }

    /// Follows `next_cursor` from `route` to the last page; the rows of the array `key`, in the order served.
    static func walkRows(_ client: any TestClientProtocol, _ route: String, _ key: String) async throws -> [JSONValue] {
        var rows: [JSONValue] = []
        var uri = route
        for _ in 0..<10_000 {
            let response = try await client.get(uri)
            #expect(response.status == .ok, "\(uri): \(response.bodyText.prefix(300))")
            let page = try response.document
            rows += page[key]?.arrayValue ?? []
            guard let cursor = page["next_cursor"]?.stringValue else { return rows }
            uri = route + (route.contains("?") ? "&" : "?") + "cursor=" + cursor
        }
        Issue.record("no last page")
        return rows
    }

    /// `GET /v1/settlements` is paged like the transactions: the pages, walked with `next_cursor`, are the
    /// entries `settlements --json` lists, in its order, with every filter.
    @Test func settlementPagesWalkTheCLIsListing() async throws {
        let fixture = try QueryFixture()
        let cases: [(route: String, cli: [String])] = [
            ("/v1/settlements", ["settlements"]),
            ("/v1/settlements?item=OIL-5L", ["settlements", "--item", "OIL-5L"]),
            ("/v1/settlements?tx=Q-S1", ["settlements", "--tx", "Q-S1"]),
        ]
        let expected = try cases.map { try fixture.cliJSON($0.cli)["settlements"]?.arrayValue ?? [] }
        #expect(expected[0].count > 3)
        try await fixture.test { client in
            for (index, (route, _)) in cases.enumerated() {
                let separator = route.contains("?") ? "&" : "?"
                let whole = try await client.get(route + separator + "limit=1000").document
                #expect(whole["settlements"]?.arrayValue == expected[index], "\(route)")
                #expect(whole["next_cursor"]?.isNull == true, "\(route)")
                for limit in [1, 2, 5] {
                    let rows = try await Self.walkRows(client, route + separator + "limit=\(limit)", "settlements")
                    #expect(rows == expected[index], "\(route), limit \(limit)")
                }
            }
            let first = try await client.get("/v1/settlements?limit=2").document
            #expect(first["settlements"]?.arrayValue?.count == 2)
            #expect(first["next_cursor"]?.stringValue != nil)
        }
    }

    @Test func badParametersAre400NamingTheParameter() async throws {
        let cases: [(String, String, String)] = [
            ("/v1/transactions?limit=0", "invalid-parameter", "limit"),
            ("/v1/transactions?limit=1001", "invalid-parameter", "limit"),
            ("/v1/transactions?limit=ten", "invalid-parameter", "limit"),
            ("/v1/transactions?limit=-1", "invalid-parameter", "limit"),
            ("/v1/transactions?cursor=zz", "invalid-parameter", "cursor"),
            ("/v1/transactions?cursor=616263", "invalid-parameter", "cursor"),
            ("/v1/transactions?from=2026-13-01", "invalid-date", "from"),
            ("/v1/transactions?item=A&item=B", "invalid-parameter", "item"),
            ("/v1/onhand?itme=A", "unknown-parameter", "itme"),
            ("/v1/gl?as_of=yesterday", "invalid-date", "as_of"),
            ("/v1/value?as_of=2026-02-30", "invalid-date", "as_of"),
            ("/v1/events?after=-1", "invalid-parameter", "after"),
            ("/v1/events?limit=100000", "invalid-parameter", "limit"),
            ("/v1/settlements?close=0", "invalid-parameter", "close"),
            ("/v1/settlements?limit=1001", "invalid-parameter", "limit"),
            ("/v1/settlements?cursor=616263", "invalid-parameter", "cursor"),
            ("/v1/reconciliation?details=yes", "invalid-parameter", "details"),
            ("/v1/closes?all=1", "unknown-parameter", "all"),
        ]
        try await QueryFixture().test { client in
            for (route, code, field) in cases {
                let response = try await client.get(route)
                #expect(response.status == .badRequest, "\(route)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(route)")
                let problem = try response.document
                #expect(problem["code"]?.stringValue == code, "\(route): \(response.bodyText)")
                #expect(problem["field"]?.stringValue == field, "\(route): \(response.bodyText)")
                #expect(problem["detail"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func unknownItemsTransactionsAndClosesAre404() async throws {
        let cases: [(String, String)] = [
            ("/v1/items/NOPE", "unknown-item"),
            ("/v1/transactions/NOPE", "unknown-transaction"),
            ("/v1/onhand?item=NOPE", "unknown-item"),
            ("/v1/transactions?item=NOPE", "unknown-item"),
            ("/v1/settlements?tx=NOPE", "unknown-transaction"),
            ("/v1/settlements?close=999999", "unknown-close"),
            ("/v1/value?item=NOPE", "unknown-item"),
        ]
        try await QueryFixture().test { client in
            for (route, code) in cases {
                let response = try await client.get(route)
                #expect(response.status == .notFound, "\(route)")
                #expect(try response.document["code"]?.stringValue == code, "\(route): \(response.bodyText)")
            }
        }
    }
}

@Suite struct TransactionSettlementTests {
    /// The keyed read of a transaction's settlement entries (history rows) gives what the log's close
    /// events give, for every transaction of a ledger with closes, a recalculation and a reversal.
    @Test func historyRowsAreTheLogsEntriesForEveryTransaction() async throws {
        let fixture = try QueryFixture()
        let differing = try await fixture.service.read { ledger in
            try ledger.transactions().map(\.record.id).filter { id in
                try ledger.settlementsNaming(id) != ledger.settlements(transaction: id)
            }
        }
        #expect(differing.isEmpty)
        let settled = try await fixture.service.read { ledger in try ledger.settlementsNaming("Q-S1").count }
        #expect(settled > 0)
    }
}
