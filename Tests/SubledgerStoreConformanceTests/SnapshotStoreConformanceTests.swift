// Period snapshots on both stores (SnapshotStore.swift, DR-40): SQLite's `EventStore` and PostgreSQL's
// `PostgresSnapshots` store, list, load, replace and prune the same rows with the same checksum, and a
// ledger on either opens from its newest valid snapshot plus the log's tail, skipping a damaged one with
// a warning. A ledger on either evicts at a close (DR-22; on PostgreSQL since its history of transactions,
// DR-50): its snapshots hold the open state, and the state loaded from one evicts in the tail too.

import Foundation
import SubledgerCore
import Testing

@testable import Subledger
@testable import SubledgerPostgres
@testable import SubledgerStore

@Suite struct SnapshotStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func storesListsLoadsReplacesAndDeletes(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (log, snapshots) = try harness.openWithSnapshots()
        try log.appendSample("c1", count: 3)
        try log.appendSample("c2", count: 2, first: 3)
        let events = try log.allEvents()
        #expect(try snapshots.snapshots().isEmpty && snapshots.latestSnapshot(atOrBefore: 5) == nil)
        #expect(try snapshots.hash(at: 3) == events[2].hash && snapshots.hash(at: 9) == nil)

        let small = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let large = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        try snapshots.saveSnapshot(
            sequence: 3, chainHash: events[2].hash, businessDate: 2024_01_03, createdAt: 1_700, format: 6,
            state: small)
        try snapshots.saveSnapshot(
            sequence: 5, chainHash: events[4].hash, businessDate: 2024_01_05, createdAt: 1_701, format: 6,
            state: large)
        let listed = try snapshots.snapshots()
        #expect(listed.map(\.sequence) == [3, 5] && listed.map(\.size) == [300, 70_000])
        #expect(listed.allSatisfy { $0.state.isEmpty && $0.checksum == nil }, "a listing reads no state")
        let loaded = try #require(try snapshots.snapshot(sequence: 3))
        #expect(loaded.state == small && loaded.chainHash == events[2].hash && loaded.businessDate == 2024_01_03)
        #expect(loaded.createdAt == 1_700 && loaded.format == 6 && loaded.checksumMatches)
        #expect(
            loaded.checksum
                == SnapshotRecord.checksum(
                    sequence: 3, chainHash: events[2].hash, businessDate: 2024_01_03, createdAt: 1_700, format: 6,
                    state: small))
        #expect(try snapshots.snapshot(sequence: 5)?.state == large)
        #expect(try snapshots.snapshot(sequence: 4) == nil)
        #expect(try snapshots.latestSnapshot(atOrBefore: 4)?.sequence == 3)
        #expect(try snapshots.latestSnapshot(atOrBefore: 9)?.state == large)

        // The same sequence again replaces the row (a new label, a new state).
        try snapshots.saveSnapshot(
            sequence: 3, chainHash: events[2].hash, businessDate: 2024_01_31, createdAt: 1_800, format: 6,
            state: [1, 2, 3])
        let replaced = try #require(try snapshots.snapshot(sequence: 3))
        #expect(replaced.businessDate == 2024_01_31 && replaced.state == [1, 2, 3] && replaced.checksumMatches)
        #expect(try snapshots.snapshots().map(\.sequence) == [3, 5])
        #expect(try snapshots.checkSnapshotChecksums().isEmpty)

        // A changed field the checksum covers: found by the check and by the row's own checksum.
        try harness.runRaw("UPDATE snapshots SET created_at = created_at + 1 WHERE sequence = 5")
        #expect(try snapshots.checkSnapshotChecksums().map { $0.sequence } == [5])
        #expect(try snapshots.snapshot(sequence: 5)?.checksumMatches == false)

        try snapshots.deleteSnapshot(sequence: 3)
        try snapshots.deleteSnapshot(sequence: 4)  // none: nothing happens
        #expect(try snapshots.snapshots().map(\.sequence) == [5])
        #expect(try snapshots.deleteSnapshots() == 1)
        #expect(try snapshots.snapshots().isEmpty && snapshots.deleteSnapshots() == 0)
    }

    /// Three closes keeping two snapshots; a reopened ledger starts from the newest and folds the tail;
    /// with the newest damaged it warns, starts from the older one, and the state is the same.
    @Test(arguments: Backend.allCases)
    func aLedgerOpensFromItsNewestValidSnapshotPlusTheTail(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let ledger = try harness.ledger()
        ledger.keepSnapshots = 2
        try ledger.loadDemo()
        var closeEnds: [Int64] = []
        for (round, month) in ["2026-02-28", "2026-03-31", "2026-04-30"].enumerated() {
            try Self.post(ledger, month: month.dropLast(3), round: round)
            let close = try ledger.execute(.close(LedgerDate(month)!))
            guard case .stored(let info) = close.periodSnapshot else {
                Issue.record("close \(month) stored no snapshot: \(String(describing: close.periodSnapshot))")
                return
            }
            #expect(info.sequence == close.lastSequence && info.businessDate == LedgerDate(month))
            closeEnds.append(close.lastSequence)
        }
        #expect(try ledger.snapshots().map(\.sequence) == Array(closeEnds.suffix(2)), "the close pruned the oldest")
        try Self.post(ledger, month: "2026-05", round: 3)  // the tail after the newest snapshot
        let live = StateDigest(ledger.state)
        let replayed = try Replay.state(of: ledger.log, asOf: nil, evicting: true).state
        #expect(StateDigest(replayed) == live)

        let reopened = try harness.ledger()
        #expect(reopened.snapshotWarnings.isEmpty && StateDigest(reopened.state) == live)
        #expect(try SnapshotLoader.load(reopened.snapshotSource).snapshot == closeEnds[2])
        #expect(try reopened.verifySnapshots().map(\.matches) == [true, true])

        try harness.runRaw("UPDATE snapshots SET created_at = created_at + 1 WHERE sequence = \(closeEnds[2])")
        let skipping = try harness.ledger()
        #expect(
            skipping.snapshotWarnings == [
                "snapshot \(closeEnds[2]) skipped: its checksum does not match its contents (the snapshot is damaged)"
            ])
        #expect(StateDigest(skipping.state) == live)
        #expect(try SnapshotLoader.load(skipping.snapshotSource).snapshot == closeEnds[1])
        #expect(try skipping.verifySnapshots().map(\.matches) == [true, false])
        #expect(try skipping.snapshotChecksums().map(\.sequence) == [closeEnds[2]])
    }

    /// What the codec stores (the open state, on both stores since DR-50), and that a state opened from
    /// such a snapshot evicts alike while it folds a tail with a close in it.
    @Test(arguments: Backend.allCases)
    func aSnapshotHoldsWhatTheLedgerKeepsAndTheTailEvictsAlike(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let evicts = true
        let ledger = try harness.ledger()
        try ledger.loadDemo()
        try Self.post(ledger, month: "2026-02", round: 0)
        let first = try ledger.execute(.close(LedgerDate("2026-02-28")!)).lastSequence
        try Self.post(ledger, month: "2026-03", round: 1)
        let second = try ledger.execute(.close(LedgerDate("2026-03-31")!)).lastSequence
        try Self.post(ledger, month: "2026-04", round: 2)

        // The snapshot is the canonical encoding of the state the ledger keeps at its sequence.
        let record = try #require(try ledger.snapshotSource.snapshots.snapshot(sequence: first))
        let atFirst = try Replay.state(of: ledger.log, atSequence: first, evicting: evicts).state
        #expect(record.state == atFirst.encoded())
        let evicting = try Replay.state(of: ledger.log, atSequence: first, evicting: true).state
        let keeping = try Replay.state(of: ledger.log, atSequence: first, evicting: false).state
        #expect(evicting.transactions.count < keeping.transactions.count, "the close evicts")
        #expect(atFirst.transactions.count == (evicts ? evicting : keeping).transactions.count)

        // Opening from the first snapshot folds a tail that holds the second close.
        try ledger.snapshotSource.snapshots.deleteSnapshot(sequence: second)
        let reopened = try harness.ledger()
        #expect(try SnapshotLoader.load(reopened.snapshotSource).snapshot == first)
        let replayed = try Replay.state(of: ledger.log, asOf: nil, evicting: evicts).state
        #expect(StateDigest(reopened.state) == StateDigest(replayed))
        #expect(reopened.state.transactions.count == replayed.transactions.count)
        #expect(StateDigest(reopened.state) == StateDigest(ledger.state))
        #expect(reopened.state.evicts == evicts)
    }

    /// The ledger's role stores, replaces and prunes snapshots (SELECT, INSERT, DELETE) and may not UPDATE
    /// them; the log stays INSERT and SELECT only.
    @Test func theLedgerRoleMayStoreReplaceAndPruneSnapshots() throws {
        guard let harness = LogHarness.make(.postgres) else { return }
        try harness.asLedgerRole("snap") { log, owner in
            try log.appendSample("as-role", count: 2)
            let snapshots = PostgresSnapshots(log)
            let hash = try #require(try snapshots.hash(at: 2))
            for state: [UInt8] in [[1, 2], [3]] {
                try snapshots.saveSnapshot(
                    sequence: 2, chainHash: hash, businessDate: 2024_01_02, createdAt: 1, format: 6, state: state)
            }
            #expect(try snapshots.snapshot(sequence: 2)?.state == [3])
            for sql in ["UPDATE snapshots SET created_at = 2", "DELETE FROM events", "TRUNCATE snapshots"] {
                #expect(throws: StoreError.self, "\(sql)") { try log.session.execute(sql) }
            }
            #expect(try snapshots.deleteSnapshots() == 1)
            try log.session.execute("RESET ROLE")
        }
    }

    /// A receipt and an issue of a FIFO item of its own in `month` (yyyy-mm).
    static func post(_ ledger: Ledger, month: Substring, round: Int) throws {
        func run(_ name: String, _ fields: [(String, String)]) throws {
            try ledger.execute(
                try CommandDecoder.decode(command: name, CommandFields(fields.map { (key: $0.0, value: $0.1) })))
        }
        if ledger.state.items["SNAP"] == nil { try run("item", [("item", "SNAP"), ("model", "fifo")]) }
        try run(
            "receive",
            [
                ("date", "\(month)-03"), ("item", "SNAP"), ("tx", "SR\(round)"), ("qty", "10"),
                ("cost", "3.\(round)7"), ("site", "S1"),
            ])
        try run(
            "issue", [("date", "\(month)-05"), ("item", "SNAP"), ("tx", "SI\(round)"), ("qty", "4"), ("site", "S1")])
    }
}

extension LogHarness {
    /// A connection to the log and to its snapshots.
    func openWithSnapshots() throws -> (log: any EventLog, snapshots: any SnapshotStore) {
        let log = try open(rowsPerInsert: 1000)
        switch backend {
        case .sqlite: return (log, log as! EventStore)
        case .postgres: return (log, PostgresSnapshots(log as! PostgresEventLog))
        }
    }

    /// A ledger opened on the log as the command line opens it: a file, or a database and its snapshots.
    func ledger() throws -> Ledger {
        switch backend {
        case .sqlite:
            return try Ledger(path: sqlitePath!.path)
        case .postgres:
            let log = try open(rowsPerInsert: 1000) as! PostgresEventLog
            return try Ledger(log: log, snapshots: PostgresSnapshots(log))
        }
    }
}
