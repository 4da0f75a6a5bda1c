// Eviction on PostgreSQL (DR-50): a close moves what it settled out of the open state into the database's
// history of transactions, as it does into the file's. The snapshot then holds only the open state, a node
// opening from it gets the replay's digest, the reads of the history answer as the file's, a decision
// recalls an evicted transaction from it, and rule R brings a reversed close's transactions back.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite(.serialized) struct PostgresEvictionTests {
    /// A file ledger and a PostgreSQL ledger given the same commands.
    struct Pair {
        let file: Ledger
        let postgres: Ledger
        let log: PostgresEventLog
        let harness: LogHarness

        func run(_ command: LedgerCommand) throws {
            for ledger in [file, postgres] { _ = try ledger.execute(command) }
        }

        /// Another node: the same database on a connection of its own, opened from its snapshots.
        func node() throws -> Ledger {
            let other = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
            return try Ledger(log: other, snapshots: PostgresSnapshots(other))
        }
    }

    static func pair(_ name: String, _ body: (Pair) throws -> Void) throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        let file = TemporaryDatabase(name)
        defer { file.remove() }
        let log = try harness.open(rowsPerInsert: 1000) as! PostgresEventLog
        let pair = Pair(
            file: try Ledger(path: file.path), postgres: try Ledger(log: log, snapshots: PostgresSnapshots(log)),
            log: log, harness: harness)
        for ledger in [pair.file, pair.postgres] { try ledger.runDemo() }
        try body(pair)
    }

    /// February: 150 receipts of one unit each, all issued, then closed; the close settles them all.
    static func settledMonth(_ ledger: Ledger) throws {
        func run(_ name: String, _ fields: [(String, String)]) throws {
            try ledger.execute(
                try CommandDecoder.decode(command: name, CommandFields(fields.map { (key: $0.0, value: $0.1) })))
        }
        try run("item", [("item", "BULK"), ("model", "fifo")])
        for index in 0..<150 {
            let day = "2026-02-\(10 + index % 15)"
            try run(
                "receive",
                [("date", day), ("item", "BULK"), ("tx", "BR\(index)"), ("qty", "1"), ("cost", "2.5"), ("site", "S1")])
            try run("issue", [("date", day), ("item", "BULK"), ("tx", "BI\(index)"), ("qty", "1"), ("site", "S1")])
        }
        _ = try ledger.execute(.close(LedgerDate(yyyymmdd: 2026_02_28)!))
    }

    @Test func theSnapshotHoldsTheOpenStateAndANodeOpensFromItToTheReplaysDigest() throws {
        try Self.pair("pg-evict-snapshot") { pair in
            try Self.settledMonth(pair.postgres)
            try Self.settledMonth(pair.file)
            let close = try #require(pair.postgres.state.closes.last { $0.mode == .close }?.sequence)
            let stored = try #require(try PostgresSnapshots(pair.log).snapshot(sequence: close)).state.count
            let keeping = try Replay.state(of: pair.log, atSequence: close, evicting: false).state
            let evicting = try Replay.state(of: pair.log, atSequence: close, evicting: true).state
            #expect(stored == evicting.encoded().count, "the snapshot is the open state's encoding")
            let whole = keeping.encoded().count
            #expect(stored * 2 < whole, "open state \(stored) B, whole state \(whole) B")
            #expect(pair.postgres.state.transactions.count < keeping.transactions.count)
            #expect(try pair.log.historyTransactionCount() == keeping.transactions.count - evicting.transactions.count)

            let node = try pair.node()
            #expect(try SnapshotLoader.load(node.snapshotSource).snapshot == close)
            let replayed = try Replay.state(of: pair.log, asOf: nil).state
            #expect(StateDigest(node.state) == StateDigest(replayed))
            #expect(StateDigest(node.state) == StateDigest(pair.file.state), "the file's open state")
        }
    }

    @Test func historyReadsAndRecallsAnswerAsTheFiles() throws {
        try Self.pair("pg-evict-reads") { pair in
            let evicted = try #require(
                pair.file.state.closes.isEmpty ? nil : try pair.file.historyTransactions().first)
            #expect(pair.postgres.state.transactions[evicted.id] == nil, "evicted on PostgreSQL too")
            #expect(try pair.postgres.transaction(evicted.id) == evicted)
            #expect(try pair.postgres.transactions() == pair.file.transactions())
            #expect(try pair.postgres.transactions(item: evicted.item) == pair.file.transactions(item: evicted.item))
            var cursor: TransactionCursor?
            repeat {
                let pages = try [pair.file, pair.postgres].map { try $0.transactionPage(after: cursor, limit: 3) }
                #expect(pages[0].rows == pages[1].rows && pages[0].next == pages[1].next)
                cursor = pages[0].next
            } while cursor != nil
            let date = pair.file.state.latestBusinessDate
            #expect(try pair.postgres.reconcile(asOf: date).accounts == pair.file.reconcile(asOf: date).accounts)
            #expect(try pair.postgres.evictedSumsThroughLatestClose() == pair.file.evictedSumsThroughLatestClose())

            // A decision names the evicted id: recalled from the history, refused as on the file.
            let fields = [
                ("date", "\(date)"), ("item", evicted.item), ("tx", evicted.id), ("qty", "1"), ("cost", "1"),
                ("site", evicted.dimensions.site),
            ]
            let reuse = try CommandDecoder.decode(
                command: "receive", CommandFields(fields.map { (key: $0.0, value: $0.1) }))
            let refusals = [pair.file, pair.postgres].map { ledger in
                Result { try ledger.execute(reuse) }.failureText
            }
            #expect(refusals[0]?.contains("duplicate-transaction") == true, "\(String(describing: refusals[0]))")
            #expect(refusals[0] == refusals[1])
        }
    }

    @Test func aReversedCloseBringsItsTransactionsBackFromThePostgreSQLHistory() throws {
        try Self.pair("pg-evict-reversal") { pair in
            let other = try pair.node()
            let january = LedgerDate(yyyymmdd: 2026_01_31)!
            let before = try pair.log.historyTransactionCount()
            #expect(before > 0)
            try pair.run(.reverseClose(date: january, through: nil))
            #expect(try pair.log.historyTransactionCount() == 0, "the reversal deleted the close's rows")
            #expect(StateDigest(pair.postgres.state) == StateDigest(pair.file.state))
            try other.catchUp()
            #expect(StateDigest(other.state) == StateDigest(pair.postgres.state), "a node that had evicted rebuilds")

            try pair.run(.close(january))
            #expect(try pair.log.historyTransactionCount() == before, "the close again evicts the same")
            #expect(StateDigest(pair.postgres.state) == StateDigest(pair.file.state))
            #expect(try pair.postgres.transactions() == pair.file.transactions())
            #expect(try pair.postgres.verifyHistory() == HistoryVerification(checked: true, difference: nil))
        }
    }

    /// A damaged history row is a storage error naming it, never a figure (DR-18).
    @Test func aDamagedHistoryRowIsAnError() throws {
        try Self.pair("pg-evict-damage") { pair in
            let id = try #require(try pair.file.historyTransactions().first?.id)
            try pair.harness.runRaw("UPDATE history_transactions SET checksum = checksum + 1 WHERE tx = '\(id)'")
            #expect(throws: LedgerError.self) { try pair.postgres.transactions() }
            let node = try Ledger(log: try pair.harness.open(rowsPerInsert: 1000) as! PostgresEventLog)
            #expect(throws: LedgerError.self) { try node.transaction(id) }
        }
    }
}

extension Result {
    /// The error in words; nil on success.
    var failureText: String? {
        if case .failure(let error) = self { return "\(error)" }
        return nil
    }
}
