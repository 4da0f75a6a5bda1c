import Foundation
import Subledger
import SubledgerCore
import Testing

/// Query options say what is wrong with them: an unknown item or transaction in a filter is refused (not
/// an empty table), a negative number is "must be positive" (not "missing value"), and `reconcile` and
/// `value` default to the latest business date.
struct QueryFilterTests {
    typealias Sandbox = CLITests.Sandbox

    @Test(arguments: [
        (["onhand", "--item", "NOPE"], "unknown-item"),
        (["transactions", "--item", "NOPE"], "unknown-item"),
        (["value", "--item", "NOPE"], "unknown-item"),
        (["value", "--item", "NOPE", "--as-of", "2026-01-02"], "unknown-item"),
        (["settlements", "--item", "NOPE"], "unknown-item"),
        (["settlements", "--tx", "NOPE"], "unknown-transaction"),
        (["vouchers", "--tx", "NOPE"], "unknown-transaction"),
    ])
    func anUnknownNameInAFilterIsRefused(arguments: [String], code: String) throws {
        let box = try Sandbox()
        try box.seed()
        let text = try box.run(arguments)
        #expect(text.status == 2, "\(arguments): \(text.stdout) \(text.stderr)")
        #expect(text.stderr.hasPrefix("error[\(code)]"), "\(text.stderr)")
        #expect(text.stdout.isEmpty)
        let json = try box.run(arguments + ["--json"])
        #expect(json.status == 2)
        #expect(try json.errorJSON()["error"] as? String == code)
    }

    @Test func knownNamesStillFilter() throws {
        let box = try Sandbox()
        try box.seed()
        #expect(try box.ok(["onhand", "--item", "A", "--json"]).json()["onhand"] as? [Any] != nil)
        #expect(try box.ok(["transactions", "--item", "A"]).stdout.contains("P1"))
        #expect(try box.ok(["vouchers", "--tx", "S1"]).stdout.contains("S1"))
        #expect(try box.ok(["vouchers", "--tx", "A"]).status == 0)
        #expect(try box.ok(["settlements", "--tx", "P1"]).status == 0)
        #expect(try box.ok(["value", "--item", "A"]).stdout.contains("A"))
    }

    @Test(arguments: [
        (["events", "--limit", "-5"], "--limit must be positive or 0, got -5"),
        (["events", "--after", "-1"], "--after must be positive or 0, got -1"),
        (["replay", "--at-sequence", "-2"], "--at-sequence must be positive or 0, got -2"),
        (["settlements", "--close", "-3"], "--close must be positive, got -3"),
        (["settlements", "--close", "0"], "--close must be positive, got 0"),
    ])
    func aNegativeOptionValueMustBePositive(arguments: [String], message: String) throws {
        let box = try Sandbox()
        try box.seed()
        let run = try box.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
        #expect(!run.stderr.contains("Missing value"), "\(run.stderr)")
    }

    @Test func negativeNumbersReachTheDecoder() throws {
        let box = try Sandbox()
        try box.seed()
        // An adjustment may be negative; a negative quantity is refused for what it is.
        try box.ok(["post", "adjust", "--date", "2026-01-03", "--tx", "P1", "--amount", "-1.25"])
        let qty = try box.run([
            "post", "receive", "--date", "2026-01-03", "--item", "A", "--tx", "P2", "--qty", "-5",
            "--cost", "1",
        ])
        #expect(qty.status == 2)
        #expect(
            qty.stderr.contains("error[invalid-quantity]") && qty.stderr.contains("greater than zero"), "\(qty.stderr)")
    }

    @Test func reconcileAndValueDefaultToTheLatestBusinessDate() throws {
        let box = try Sandbox()
        try box.seed()
        let value = try box.ok(["value", "--json"]).json()
        #expect(value["as_of"] as? String == "2026-01-02")
        #expect(try box.ok(["value"]).stdout.hasPrefix("inventory value as of 2026-01-02"))
        let reconcile = try box.ok(["reconcile", "--json"]).json()
        #expect(reconcile["as_of"] as? String == "2026-01-02", "\(reconcile)")
        #expect(try box.ok(["reconcile"]).stdout.hasPrefix("reconciliation as of 2026-01-02"))
    }

    @Test func snapshotTimingSaysSlowerWhenTheLoadIsSlower() {
        #expect(SnapshotTiming.comparison(replayNanoseconds: 3_000, loadNanoseconds: 1_000) == "3.0x faster")
        #expect(SnapshotTiming.comparison(replayNanoseconds: 1_000, loadNanoseconds: 2_500) == "2.5x slower")
        #expect(SnapshotTiming.comparison(replayNanoseconds: 1_000, loadNanoseconds: 1_000) == "1.0x faster")
        #expect(SnapshotTiming.comparison(replayNanoseconds: 0, loadNanoseconds: 0) == "1.0x faster")
    }
}
