// The uploaded trial balance's comparison reads the settlement events only to look for a balance taken as
// of another date, which only a difference nothing else explains needs. A trial balance that agrees on the
// inventory accounts and leaves an account out is compared with every `settlement.posted` event of the log
// damaged behind the server's back, and gives the rows it gave before the damage; so does one that needs
// the other dates: the settlement events' dates are read by key from the history (DR-35).

import HummingbirdTesting
import Subledger
import SubledgerConsole
import SubledgerTestSupport
import Testing

@Suite struct ConsoleUploadReadTests {
    /// The trial balance exactly as the ledger's GL has it, less its last non-inventory account.
    static func agreeingCSV(_ ledger: Ledger) -> String {
        let inventory = Set(ledger.state.ledger.inventoryAccounts)
        let rows = ledger.trialBalance()
        let dropped = rows.last { !inventory.contains($0.account) && !$0.balance.isZero }?.account
        let lines = rows.filter { $0.account != dropped }.map { "\($0.account),\($0.balance)" }
        return (["account,balance"] + lines).joined(separator: "\n") + "\n"
    }

    @Test func aComparisonThatNeedsNoOtherDateReadsNoSettlementEvent() async throws {
        let (fixture, _) = try await ConsoleCloseReadTests.fixture()
        let (csv, before, manualBefore) = try await fixture.read { ledger in
            let csv = Self.agreeingCSV(ledger)
            let report = try ledger.reconcile(
                asOf: ledger.state.latestBusinessDate, external: try ExternalTrialBalance.parse(csv))
            let manual = try ledger.reconcile(
                asOf: ledger.state.latestBusinessDate, external: try ExternalTrialBalance.parse(Self.manual(csv)))
            return (csv, report.external ?? [], manual.external ?? [])
        }
        #expect(before.map(\.explanation.code).contains("missing-in-external"))
        #expect(before.filter { $0.isInventory }.allSatisfy { $0.explanation == .agrees })
        try ConsoleCloseReadTests.damageTheSettlementEvents(fixture.database.path)
        let after = try await fixture.read { ledger in
            try ledger.reconcile(asOf: ledger.state.latestBusinessDate, external: try ExternalTrialBalance.parse(csv))
        }
        #expect(after.external == before)
        try await fixture.test { client in
            let cookie = try #require(try await client.login(fixture.secrets["auditor"]!))
            let csrf = try #require(PageText.csrf(try await client.page("/reconciliation", cookie: cookie).text))
            let response = try await client.upload(
                [("csrf", nil, csrf), ("trial_balance", "tb.csv", csv), ("date", nil, "")], cookie: cookie)
            #expect(response.status == .ok)
            #expect(PageText.texts(response.text, table: "external", column: "Cause").contains("missing-in-external"))
        }
        // A difference nothing else explains looks for another date: the settlement days come by key.
        let manualAfter = try await fixture.read { ledger in
            try ledger.reconcile(
                asOf: ledger.state.latestBusinessDate, external: try ExternalTrialBalance.parse(Self.manual(csv)))
        }
        #expect(!manualBefore.isEmpty)
        #expect(manualAfter.external == manualBefore)
    }

    /// `csv` with account 1400 a manual posting higher (a difference nothing else explains).
    static func manual(_ csv: String) -> String { csv.replacing("\n1400,", with: "\n1400,1") }
}
