import SubledgerCore
import Testing

/// Refusals say what they checked, so a user with goods on the shelf sees why they do not count.
struct ClearMessageTests {
    typealias R = DecideRejectionTests

    static func message(_ state: LedgerState, _ name: String, _ text: String) throws -> String {
        let command = try R.command(name, text)
        do throws(Rejection) {
            _ = try state.decide(command)
        } catch {
            #expect(error.code == .negativeInventory)
            return error.message
        }
        Issue.record("\(name) \(text) was accepted")
        return ""
    }

    @Test func negativeInventoryNamesTheFinancialOnHandAndThePhysicalReceiptsThatDoNotCount() throws {
        var state = try R.baseState()
        // N: 3 invoiced at S1, then 2 received on a product receipt (not invoiced).
        try R.run(&state, "receive", "date=2026-02-01 item=N tx=N2 qty=2 cost=1 site=S1 physical=yes")
        let financial = try Self.message(state, "issue", "date=2026-02-01 item=N tx=X qty=4 site=S1")
        #expect(
            financial == "item 'N' forbids negative inventory: 4 requested, 3 financially on hand (invoiced); "
                + "the 2 received but not invoiced do not count", "\(financial)")
        let physical = try Self.message(state, "issue", "date=2026-02-01 item=N tx=X qty=6 site=S1 physical=yes")
        #expect(physical.hasSuffix("6 requested, 5 physically on hand (received, invoiced or not)"), "\(physical)")
    }

    @Test func negativeInventoryNamesPackingSlipsThatAlreadyShipped() throws {
        var state = LedgerState()
        try R.run(&state, "item", "item=NP model=fifo negative=no")
        try R.run(&state, "receive", "date=2026-02-01 item=NP tx=P1 qty=5 cost=1 site=S1")
        try R.run(&state, "issue", "date=2026-02-01 item=NP tx=S1 qty=3 site=S1 physical=yes")
        let message = try Self.message(state, "issue", "date=2026-02-02 item=NP tx=S2 qty=3 site=S1")
        #expect(
            message.hasSuffix("3 requested, 2 financially on hand (invoiced, less 3 shipped on packing slips)"),
            "\(message)")
    }
}
