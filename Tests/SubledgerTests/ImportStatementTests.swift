// An import compiles its statements once, not once per event: a lookup that prepared a statement for every
// appended event (the stored sums' `sqlite_master` check, DR-31) once doubled a 1M import's CPU without
// changing a single figure, so only a count of compiled statements can catch it.

import Testing

@testable import Subledger
@testable import SubledgerStore

struct ImportStatementTests {
    @Test func anImportPreparesAFixedNumberOfStatements() throws {
        var counts: [Int] = []
        for postings in [200, 2_000] {
            let ledger = try Ledger(path: ":memory:", clock: { 0 })
            let before = try ledger.store.connection.statementsPrepared
            _ = try ledger.importFile(
                bytes: Array(ImportIdentityTests.text(postings: postings).utf8), format: .jsonl, commandID: "count")
            counts.append(try ledger.store.connection.statementsPrepared - before)
        }
        // Ten times the events, the same statements: whatever the count is, it must not grow with them.
        #expect(counts[1] == counts[0], "statements prepared for 200 and 2,000 postings: \(counts)")
        #expect(counts[1] < 200, "statements prepared for 2,000 postings: \(counts[1])")
    }
}
