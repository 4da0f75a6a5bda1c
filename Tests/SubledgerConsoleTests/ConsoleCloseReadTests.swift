// The close pages read a close's summary rows and one page of its settlements by key, never the close's
// (or every close's) settlement events: with every `settlement.posted` event of the log damaged behind
// the server's back, the closes list, a close's pages and the reversal's confirmation still draw, with the
// figures `closes --json` gave before the damage. A page that decoded the close log would fail.

import HummingbirdTesting
import Subledger
import SubledgerConsole
import SubledgerTestSupport
import Testing

@testable import SubledgerStore

@Suite struct ConsoleCloseReadTests {
    static let bulk = 250

    /// The demo ledger closed in January, then `bulk` receipts and issues of one item closed in February.
    static func fixture() async throws -> (ConsoleFixture, closes: [CloseRow]) {
        let fixture = try ConsoleFixture()
        let closes = try await fixture.read { ledger in
            var lines = [#"{"command":"item","item":"BULK","model":"fifo"}"#]
            for index in 1...bulk {
                lines.append(
                    #"{"command":"receive","date":"2026-02-03","item":"BULK","tx":"BR\#(index)","qty":1,"#
                        + #""cost":"\#(index).25"}"#)
                lines.append(#"{"command":"issue","date":"2026-02-04","item":"BULK","tx":"BI\#(index)","qty":1}"#)
            }
            try ledger.importFile(bytes: Array((lines.joined(separator: "\n") + "\n").utf8), format: .jsonl)
            try ledger.execute(try Posting.command("close", "date=2026-02-28"))
            return try ledger.closes()
        }
        return (fixture, closes)
    }

    /// Every settlement event's payload replaced by a byte no decoder takes (the append-only triggers
    /// dropped first, on a connection of its own).
    static func damageTheSettlementEvents(_ path: String) throws {
        let raw = try Connection(path: path)
        for trigger in ["events_no_update", "events_no_delete"] { try raw.execute("DROP TRIGGER IF EXISTS \(trigger)") }
        try raw.execute("UPDATE events SET payload = x'ff' WHERE type = 'settlement.posted'")
    }

    @Test func theClosePagesDrawWithoutReadingASettlementEvent() async throws {
        let (fixture, closes) = try await Self.fixture()
        let february = try #require(closes.last)
        #expect(february.entryCount >= Self.bulk && closes.count == 2)
        try Self.damageTheSettlementEvents(fixture.database.path)
        await #expect(throws: (any Error).self) {
            try await fixture.read { try $0.settlements(closeSequence: february.sequence) }
        }
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["controller"]!))
            let list = try await client.page("/closes", cookie: cookie)
            #expect(list.status == .ok)
            #expect(
                PageText.column(list.text, table: "closes", column: "Issue adjustment")
                    == closes.reversed().map(\.issueAdjustment.description))
            for close in closes {
                let page = try await client.page("/close?seq=\(close.sequence)", cookie: cookie)
                #expect(page.status == .ok, "close \(close.sequence)")
                #expect(
                    PageText.column(page.text, table: "by-item", column: "Issue adjustment").last
                        == close.issueAdjustment.description)
                #expect(page.text.contains("Settlements (\(close.entryCount))"))
                #expect(PageText.rowCount(page.text, table: "settlements") == min(close.entryCount, 100))
            }
            let later = try await client.page("/close?seq=\(february.sequence)&after=200", cookie: cookie)
            #expect(later.status == .ok)
            #expect(PageText.rowCount(later.text, table: "settlements") == 100)
            let confirm = try await client.page("/confirm?action=reverse", cookie: cookie)
            #expect(confirm.status == .ok)
            #expect(PageText.rowCount(confirm.text, table: "by-account") > 0)
        }
    }
}
