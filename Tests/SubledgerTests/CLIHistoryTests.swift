import Foundation
import SubledgerTestSupport
import Testing

@testable import SubledgerStore

/// `subledger rebuild`, `replay --verify` over the history tables, and the views an auditor queries,
/// through the binary.
struct CLIHistoryTests {
    @Test func rebuildReportsEveryTableAndVerifyComparesThem() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])
        let rebuilt = try box.ok(["rebuild", "--json"]).json()
        #expect(rebuilt["events"] as? Int == 289)
        let tables = try #require(rebuilt["tables"] as? [[String: Any]])
        #expect(tables.map { $0["table"] as? String } == HistorySchema.tables)
        let rows = Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as! String, $0["rows"] as! Int) })
        #expect(rows["history_closes"] == 1 && rows["history_onhand_at_close"] == 7 && rows["history_watermark"] == 1)
        #expect(try box.ok(["replay", "--verify"]).stdout.contains("history tables match a fresh projection"))

        // A row changed behind the projector's back: named by `replay --verify`, restored by `rebuild`.
        try Connection(path: box.db).execute(
            "UPDATE history_settlements SET adjustment = adjustment + 1 WHERE entry = 3")
        let damaged = try box.run(["replay", "--verify"])
        #expect(damaged.status == 1)
        #expect(damaged.stdout.contains("history tables differ from a fresh projection: history_settlements"))
        #expect(try box.ok(["rebuild"]).stdout.hasPrefix("rebuilt the history tables from 289 events in "))
        #expect(try box.ok(["replay", "--verify", "--json"]).json()["history_difference"] is NSNull)
    }

    @Test func anAuditorReadsTheViewsAsDecimalText() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])
        let store = try EventStore(path: box.db, access: .readOnly)
        let onHand = try store.textRows("SELECT item, site, quantity, value FROM onhand_v WHERE item = 'OIL-5L'")
        #expect(onHand == [["OIL-5L", "WEST", "100.0000", "1801.92"]])
        // The latest balance of each account in the view is the trial balance `gl` prints.
        let gl = try box.ok(["gl", "--json"]).json()["accounts"] as? [[String: Any]] ?? []
        let latest = try store.textRows(
            "SELECT account, balance, max(through_day) FROM trial_balance_v GROUP BY account ORDER BY account")
        #expect(latest.map { [$0[0], $0[1]] } == gl.map { [$0["account"] as? String, $0["balance"] as? String] })
    }
}
