// `subledger copy` run as a child process: SQLite -> PostgreSQL -> SQLite round trips (the demo ledger, a
// seeded random history with closes and a reversal) with the same digest, `verify` passing and every
// `--json` query on the copy equal to the original's; a rerun resuming; a damaged source, a destination
// that is not a prefix and the same ledger twice refused with their codes; no password in any error.
// PostgreSQL cases need SUBLEDGER_TEST_POSTGRES (each gets a database of its own), the others run always.

import Foundation
import Subledger
import SubledgerStore
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres

@Suite struct CopyCommandTests {
    /// The JSON queries whose output must be the same on a ledger and its copy.
    static let queries: [[String]] = [
        ["onhand"], ["transactions"], ["vouchers"], ["gl"], ["settlements"], ["closes"], ["events"],
        ["commands"], ["verify"], ["replay"], ["value"], ["reconcile"], ["replay", "--as-of", "2026-01-15"],
    ]

    @Test func theDemoLedgerRoundTripsThroughPostgres() throws {
        guard let database = try TestDatabase.make() else { return }
        let directory = try TemporaryDirectory("copy")
        #expect(try run(["demo", "--db", "a.db"], directory).status == 0)
        try roundTrip(directory, database)
    }

    @Test func aRandomHistoryWithClosesAndAReversalRoundTrips() throws {
        guard let database = try TestDatabase.make() else { return }
        let directory = try TemporaryDirectory("copy")
        try RandomHistory.write(seed: 20_261_207, to: directory.path("a.db"))
        try roundTrip(directory, database)
    }

    /// a.db -> PostgreSQL -> b.db, checked at every step.
    func roundTrip(_ directory: TemporaryDirectory, _ database: TestDatabase) throws {
        let there = try run(["copy", "--from", "a.db", "--to", database.url, "--json"], directory)
        #expect(there.status == 0, "\(there.summary)")
        let report = try JSONSerialization.jsonObject(with: Data(there.stdout.utf8)) as? [String: Any]
        #expect(report?["digests_match"] as? Bool == true)
        #expect((report?["events"] as? Int ?? 0) > 0 && report?["resumed_after"] as? Int == 0)
        // The database's history tables are filled from the copied log (DR-47), and the history of what its
        // closes evicted from the replay that opened it (DR-50): its reads answer as the file's.
        #expect(report?["history_events_projected"] as? Int == report?["events"] as? Int, "\(there.stdout)")
        let verified = try run(["replay", "--verify", "--db", database.url], directory)
        #expect(verified.status == 0, "\(verified.summary)")
        // The filter of closed ids is filled with that history (DR-53): every copied id in it.
        let copiedLog = try PostgresEventLog(url: database.url)
        #expect(try copiedLog.closedIDFilter()?.count == (try copiedLog.historyTransactionCount()))
        #expect(try copiedLog.historyTransactionCount() > 0)
        for query in [["transactions"], ["reconcile"], ["onhand"]] {
            let original = try run(query + ["--db", "a.db", "--json"], directory)
            let copied = try run(query + ["--db", database.url, "--json"], directory)
            #expect(original.status == 0 && original.stdout == copied.stdout, "\(query): \(copied.summary)")
        }
        let back = try run(["copy", "--from", database.url, "--to", "b.db"], directory)
        #expect(back.status == 0, "\(back.summary)")
        #expect(back.stdout.contains("state digests match") && back.stdout.contains("history tables filled"))
        for query in Self.queries {
            let original = try run(query + ["--db", "a.db", "--json"], directory)
            let copy = try run(query + ["--db", "b.db", "--json"], directory)
            #expect(original.status == 0 && copy.status == 0, "\(query): \(copy.summary)")
            #expect(Self.withoutTimes(original.stdout) == Self.withoutTimes(copy.stdout), "\(query)")
        }
        // Run again: both ends already hold everything.
        let again = try run(["copy", "--from", "a.db", "--to", database.url, "--json"], directory)
        #expect(again.status == 0 && again.stdout.contains("\"events\":0"), "\(again.summary)")
    }

    @Test func aRerunResumesAfterTheDestinationsEnd() throws {
        let directory = try TemporaryDirectory("copy")
        #expect(try run(["demo", "--db", "a.db"], directory).status == 0)
        let first = try Self.object(try run(["copy", "--from", "a.db", "--to", "b.db", "--json"], directory))
        let end = first["last_sequence"] as? Int ?? -1
        #expect(end > 0 && first["resumed_after"] as? Int == 0)
        #expect(try run(["post", "item", "--db", "a.db", "--item", "NEW", "--model", "fifo"], directory).status == 0)
        let rerun = try Self.object(try run(["copy", "--from", "a.db", "--to", "b.db", "--json"], directory))
        #expect(rerun["resumed_after"] as? Int == end && rerun["events"] as? Int == 1)
        #expect(rerun["first_sequence"] as? Int == end + 1 && rerun["digests_match"] as? Bool == true)
    }

    static func object(_ outcome: ProcessOutcome) throws -> [String: Any] {
        #expect(outcome.status == 0, "\(outcome.summary)")
        return try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test func aDamagedSourceStopsAtTheSequenceWithNothingOfItsCommand() throws {
        let directory = try TemporaryDirectory("copy")
        #expect(try run(["demo", "--db", "a.db"], directory).status == 0)
        try tamperSQLite(directory.path("a.db"), "UPDATE events SET recorded_at = recorded_at + 1 WHERE sequence = 7")
        let copy = try run(["copy", "--from", "a.db", "--to", "b.db", "--json"], directory)
        #expect(copy.status == 3 && copy.stderr.contains("\"error\":\"source-damaged\""), "\(copy.summary)")
        #expect(copy.stderr.contains("event 7"), "\(copy.stderr)")
        let events = try run(["events", "--db", "b.db", "--json"], directory)
        #expect(!events.stdout.contains("\"sequence\":7"))
        #expect(try run(["verify", "--db", "b.db"], directory).status == 0)
    }

    @Test func aDestinationThatIsNotAPrefixIsRefusedAtItsFirstDifference() throws {
        let directory = try TemporaryDirectory("copy")
        #expect(try run(["demo", "--db", "a.db"], directory).status == 0)
        #expect(try run(["init", "--db", "b.db"], directory).status == 0)
        #expect(try run(["post", "item", "--db", "b.db", "--item", "Z", "--model", "fifo"], directory).status == 0)
        let copy = try run(["copy", "--from", "a.db", "--to", "b.db", "--json"], directory)
        #expect(copy.status == 2 && copy.stderr.contains("\"error\":\"not-a-prefix\""), "\(copy.summary)")
        #expect(copy.stderr.contains("event 1 "), "\(copy.stderr)")
        let same = try run(["copy", "--from", "a.db", "--to", "./a.db"], directory)
        #expect(same.status == 2 && same.stderr.contains("same-ledger"), "\(same.summary)")
    }

    @Test func noErrorNamesThePassword() throws {
        let directory = try TemporaryDirectory("copy")
        #expect(try run(["demo", "--db", "a.db"], directory).status == 0)
        let unreachable = try run(
            ["copy", "--from", "a.db", "--to", "postgresql://ledger:s3cretpw@127.0.0.1:1/books"], directory)
        #expect(unreachable.status == 3 && unreachable.stderr.contains("127.0.0.1:1"), "\(unreachable.summary)")
        #expect(!unreachable.stderr.contains("s3cretpw") && !unreachable.stdout.contains("s3cretpw"))
        guard let database = try TestDatabase.make() else { return }
        let url = database.url.replacingOccurrences(of: "@", with: ":s3cretpw@")
        // A server that ignores the password (trust): the copy runs, then a refused one must not print it.
        #expect(try run(["init", "--db", "b.db"], directory).status == 0)
        #expect(try run(["post", "item", "--db", "b.db", "--item", "Z", "--model", "fifo"], directory).status == 0)
        let toServer = try run(["copy", "--from", "b.db", "--to", url], directory)
        let refused = try run(["copy", "--from", "a.db", "--to", url, "--json"], directory)
        for outcome in [toServer, refused] {
            #expect(!outcome.stderr.contains("s3cretpw") && !outcome.stdout.contains("s3cretpw"), "\(outcome.summary)")
        }
        #expect(refused.status == 2 || refused.status == 3, "\(refused.summary)")
    }

    func run(_ arguments: [String], _ directory: TemporaryDirectory) throws -> ProcessOutcome {
        try ProcessOutcome.run(arguments, in: directory.url)
    }

    /// Output with its timings blanked (`"milliseconds":12`, `in 0.004 s`): the rest must be equal.
    static func withoutTimes(_ text: String) -> String {
        text.replacing(/"(milliseconds|seconds|nanoseconds)":[0-9.]+/) { "\"\($0.1)\":0" }
    }
}

/// A database of its own on the test server, dropped at the end.
final class TestDatabase {
    let url: String
    private let name: String
    private let owner: PostgresSession

    private init(url: String, name: String, owner: PostgresSession) {
        self.url = url
        self.name = name
        self.owner = owner
    }

    static func make() throws -> TestDatabase? {
        guard let server = PostgresTestServer.url() else { return nil }
        let owner = try PostgresSession(PostgresLocation(url: server))
        let name = "copy_" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(16)
        try owner.execute("CREATE DATABASE \(name)")
        guard let slash = server.lastIndex(of: "/") else { return nil }
        return TestDatabase(url: String(server[...slash]) + name, name: String(name), owner: owner)
    }

    deinit { _ = try? owner.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
}

/// A seeded random history: items of every periodic model and one standard, receipts and issues over three
/// months, a close of each month, the last close reversed and the month closed again.
enum RandomHistory {
    static func write(seed: UInt64, to path: String) throws {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let ledger = try Ledger(path: path)
        func post(_ name: String, _ text: String) throws { try ledger.execute(try Posting.command(name, text)) }
        let models = ["fifo", "lifo", "weighted-average", "weighted-average-date", "lifo-date", "standard"]
        for (index, model) in models.enumerated() {
            let cost = model == "standard" ? "standard=\(10 + index).00" : "price=10.00"
            try post("item", "item=I\(index) model=\(model) \(cost)")
        }
        var number = 0
        for month in 1...3 {
            for _ in 0..<(20 + next(20)) {
                number += 1
                let item = "I\(next(models.count))", day = 1 + next(27)
                let date = "2026-0\(month)-\(day < 10 ? "0" : "")\(day)"
                if next(3) == 0 {
                    try? post("issue", "date=\(date) item=\(item) tx=S\(number) qty=\(1 + next(3))")
                } else {
                    try post(
                        "receive",
                        "date=\(date) item=\(item) tx=R\(number) qty=\(1 + next(5)) cost=\(5 + next(20)).\(next(100))")
                }
            }
            try post("close", "date=2026-0\(month)-28")
        }
        try post("reverse-close", "")
        try post("close", "date=2026-03-28")
    }
}
