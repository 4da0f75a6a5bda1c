import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import Testing

/// `GET /v1/transactions/{tx}` serves the events it served before as rendered then (RenderedEvents) and
/// writes the document from its parts: the body must stay the bytes of `TransactionDetailJSON.document`
/// serialized, for every transaction, the first time and again.
@Suite struct TransactionDetailBytesTests {
    @Test func everyDetailIsTheDocumentsBytesFirstAndAgain() async throws {
        let fixture = try QueryFixture()
        let reader = try Ledger(path: fixture.path, access: .readOnly)
        let ids = try reader.transactions().map(\.record.id)
        #expect(ids.count > 10)
        let expected = try ids.map { id in
            let detail = try #require(try reader.transactionDetail(id))
            #expect(detail.events.map(\.stored.sequence) == detail.eventSequences)
            return TransactionDetailJSON.document(detail).serialized() + "\n"
        }
        #expect(expected.contains { $0.contains("\"settlement.posted\"") })
        try await fixture.test { client in
            for _ in 0..<2 {
                for (id, body) in zip(ids, expected) {
                    let response = try await client.get("/v1/transactions/\(id)")
                    #expect(response.status == .ok, "\(id)")
                    #expect(response.headers[.contentType] == "application/json")
                    #expect(response.bodyText == body, "\(id)")
                }
            }
        }
    }
}
