// `events` and `commands` read the log from SQLite without building the projection (issue 11, item 3):
// shown on a log whose projection cannot be built at all, and paging that must not overflow.

import Foundation
import SubledgerTestSupport
import Testing

struct StatelessLogTests {
    /// An event naming an unknown item (valid chain) makes every projection query fail with exit 3; the
    /// log commands still list it, since they fold nothing.
    @Test func eventsAndCommandsListALogWhoseProjectionCannotBeBuilt() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "A", "--model", "fifo", "--price", "11.00"])
        try DamageTests.appendGhostReceipt(box.db)  // event 2

        let onhand = try CLIOutcome.run(["onhand", "--db", box.db], in: box.directory)
        #expect(onhand.exited && onhand.status == 3, "the projection cannot be built: \(onhand.summary)")
        for arguments in [["events"], ["events", "--json"], ["events", "--after", "1", "--limit", "1"]] {
            let events = try CLIOutcome.run(arguments + ["--db", box.db], in: box.directory)
            #expect(events.exited && events.status == 0, "\(arguments): \(events.summary)")
            #expect(events.stdout.contains("GHOST"), "\(arguments): \(events.stdout)")
        }
        for arguments in [["commands"], ["commands", "--json"]] {
            let commands = try CLIOutcome.run(arguments + ["--db", box.db], in: box.directory)
            #expect(commands.exited && commands.status == 0, "\(arguments): \(commands.summary)")
            #expect(commands.stdout.contains("forged"), "\(arguments): \(commands.stdout)")
        }
    }

    /// `--after` plus `--limit` beyond Int64 clamps instead of trapping; a start past the log's end reads an
    /// empty page (a client paging with `after` may be ahead of the log), not a chain error.
    @Test func pagingNearTheLargestSequenceDoesNotTrap() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "A", "--model", "fifo", "--price", "11.00"])
        try box.ok(["post", "item", "--item", "B", "--model", "lifo", "--price", "12.00"])

        let huge = try CLIOutcome.run(
            ["events", "--after", "1", "--limit", "9223372036854775807", "--db", box.db], in: box.directory)
        #expect(huge.exited && huge.status == 0, "\(huge.summary)")
        #expect(huge.stdout.contains("item=B") && !huge.stdout.contains("item=A"), "\(huge.stdout)")
        let last = try CLIOutcome.run(
            ["events", "--after", "9223372036854775807", "--limit", "1", "--db", box.db], in: box.directory)
        #expect(last.exited && last.status == 0, "\(last.summary)")
        let ahead = try CLIOutcome.run(["events", "--after", "3", "--json", "--db", box.db], in: box.directory)
        #expect(ahead.exited && ahead.status == 0 && ahead.stdout == "{\"events\":[]}\n", "\(ahead.summary)")
    }
}
