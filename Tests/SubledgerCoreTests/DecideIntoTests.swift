import SubledgerCore
import SubledgerTestSupport
import Testing

/// DR-64: `decide(_:into:)`, the import's reusable buffer, gives exactly the events `decide` returns (a
/// buffer holding an earlier command's events is emptied first) and refuses what `decide` refuses.
struct DecideIntoTests {
    typealias R = DecideRejectionTests

    /// One of each: a receipt, an issue, a transfer, an invoice, a close (several events) and a refusal.
    static let commands: [(name: String, text: String)] = [
        ("receive", "date=2026-01-05 item=F tx=P9 qty=4 cost=12.50 site=S1"),
        ("issue", "date=2026-01-06 item=F tx=S9 qty=3 site=S1"),
        ("transfer", "date=2026-01-06 item=F tx=T9 qty=1 from=site:S1 to=site:S2"),
        ("invoice", "date=2026-01-07 tx=PP cost=11"),
        ("close", "date=2026-01-31"),
        ("issue", "date=2026-01-06 item=F tx=P1 qty=1 site=S1"),  // P1 exists: refused
    ]

    @Test func givesTheEventsDecideReturns() throws {
        let state = try R.baseState()
        // Left over from a command decided before: must not be among the next command's events.
        var buffer = try state.decide(try R.command("receive", "date=2026-01-05 item=F tx=X qty=1 cost=1"))
        #expect(buffer.count == 1)
        var multiple = false
        for (name, text) in Self.commands {
            let command = try R.command(name, text)
            let returned: Result<[(event: LedgerEvent, date: LedgerDate)], Rejection>
            do { returned = .success(try state.decide(command)) } catch { returned = .failure(error) }
            do throws(Rejection) {
                try state.decide(command, into: &buffer)
                let expected = try returned.get()
                #expect(buffer.map(\.event) == expected.map(\.event), "\(name)")
                #expect(buffer.map(\.date) == expected.map(\.date), "\(name)")
                multiple = multiple || buffer.count > 1
            } catch {
                guard case .failure(let refusal) = returned else {
                    Issue.record("\(name) refused only into a buffer: \(error)"); continue
                }
                #expect(error == refusal, "\(name)")
            }
        }
        #expect(multiple)  // the close gave several events
    }
}
