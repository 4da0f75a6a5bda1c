// A ledger with a past for the read routes: the demo history and its January close, then February with a
// recalculation, a close that is reversed and run again, and a posting after it (transactions moved to
// history, settlements, reversal entries). The CLI's `--json` on the same file is what the routes must
// answer, byte for byte.

import Foundation
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerServer
import SubledgerTestSupport
import Testing

struct QueryFixture {
    let directory: TemporaryDirectory
    let path: String
    let service: LedgerService

    static let february = [
        ("receive", "date=2026-02-02 item=OIL-5L tx=Q-P1 qty=10 cost=4.10"),
        ("issue", "date=2026-02-04 item=OIL-5L tx=Q-S1 qty=6"),
        ("receive", "date=2026-02-05 item=OIL-5L tx=Q-P2 qty=5 cost=4.30"),
        ("issue", "date=2026-02-09 item=OIL-5L tx=Q-S2 qty=7"),
    ]

    init() throws {
        directory = try TemporaryDirectory("queries")
        path = directory.path("queries.db")
        let ledger = try Ledger(path: path)
        _ = try ledger.runDemo()
        for (name, text) in Self.february { try ledger.execute(try Posting.command(name, text)) }
        try ledger.execute(.recalculate(LedgerDate("2026-02-15")!), commandID: "q-recalc")
        try ledger.execute(.close(LedgerDate("2026-02-28")!), commandID: "q-close")
        try ledger.execute(.reverseClose(date: LedgerDate("2026-02-28")!, through: nil), commandID: "q-reopen")
        try ledger.execute(.close(LedgerDate("2026-02-28")!), commandID: "q-reclose")
        try ledger.execute(try Posting.command("receive", "date=2026-03-02 item=OIL-5L tx=Q-P3 qty=2 cost=4.50"))
        service = LedgerService(ledger: ledger, filePath: path)  // as `serve` runs it: long reads off the queue
    }

    /// The router `subledger serve` runs, tested in process.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: buildRouter(service: service, authenticate: false)).test(.router, body)
    }

    /// `subledger ARGS --json --db PATH`'s stdout (any exit status: `reconcile` exits 1 when it differs).
    func cli(_ arguments: [String]) throws -> String {
        let run = try ProcessOutcome.run(arguments + ["--json", "--db", path], in: directory.url)
        #expect(run.exited && run.status <= 1, "\(arguments): \(run.summary)")
        return run.stdout
    }

    func cliJSON(_ arguments: [String]) throws -> JSONValue {
        try Array(try cli(arguments).utf8).withUnsafeBytes { try JSON.parse($0) }
    }
}

extension TestClientProtocol {
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    var bodyText: String { String(buffer: body) }
    var document: JSONValue {
        get throws { try Array(bodyText.utf8).withUnsafeBytes { try JSON.parse($0) } }
    }
}
