import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// Period snapshots: the state codec reproduces every field, and a snapshot plus the log's tail
/// gives exactly the state of a full replay; stale, tampered or deleted snapshots are never trusted.
struct SnapshotTests {
    static func tempPath(_ name: String = #function) -> String {
        TemporaryDatabase("snapshot-tests-" + name.filter(\.isLetter)).path
    }

    static func command(_ name: String, _ pairs: KeyValuePairs<String, String>) throws -> LedgerCommand {
        try CommandDecoder.decode(command: name, CommandFields(pairs.map { (key: $0.key, value: $0.value) }))
    }

    static func date(_ text: String) -> LedgerDate { LedgerDate(text)! }

    /// Demo history, a close, a recalculation, a close reversed and run again, a later close.
    static func closedDemo(path: String = ":memory:") throws -> Ledger {
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        try ledger.execute(.close(date("2026-01-31")))
        try ledger.execute(.recalculate(date("2026-02-28")))
        try ledger.execute(.close(date("2026-02-28")))
        try ledger.execute(.reverseClose(date: date("2026-02-28"), through: nil))
        try ledger.execute(.close(date("2026-02-28")))
        // Each close stored a snapshot; these tests take their own, so they start from none.
        _ = try ledger.deleteSnapshots()
        #expect(try ledger.snapshots().isEmpty)
        return ledger
    }

    @Test func everyCloseStoresASnapshotOfThePeriod() throws {
        let ledger = try Ledger(path: Self.tempPath())
        try ledger.loadDemo()
        let close = try ledger.execute(.close(Self.date("2026-01-31")))
        let stored = try ledger.snapshots()
        #expect(stored.map(\.sequence) == [ledger.state.lastSequence])
        #expect(stored.first?.businessDate == Self.date("2026-01-31"))
        guard case .stored(let info) = close.periodSnapshot else {
            Issue.record("the close stored no snapshot")
            return
        }
        #expect(info.sequence == ledger.state.lastSequence)
        #expect(
            try ledger.execute(.close(Self.date("2026-01-31")), commandID: close.commandID).periodSnapshot == nil,
            "a re-sent close stores nothing")
        // A recalculation stores none.
        #expect(try ledger.execute(.recalculate(Self.date("2026-02-15"))).periodSnapshot == nil)
        #expect(try ledger.snapshots().count == 1)
        #expect(try ledger.verifySnapshots().allSatisfy(\.matches))
    }

    /// A few more postings after the demo's dates (a new FIFO item, partly invoiced later, and an issue).
    static func post(_ ledger: Ledger, round: Int) throws {
        if ledger.state.items["SNAP"] == nil {
            try ledger.execute(try command("item", ["item": "SNAP", "model": "fifo"]))
        }
        try ledger.execute(
            try command(
                "receive",
                [
                    "date": "2026-04-0\(round + 1)", "item": "SNAP", "tx": "SR\(round)",
                    "qty": "10", "cost": "3.\(round)7", "site": "S1",
                ]))
        try ledger.execute(
            try command(
                "issue",
                [
                    "date": "2026-04-0\(round + 2)", "item": "SNAP", "tx": "SI\(round)",
                    "qty": "4", "site": "S1",
                ]))
    }

    /// Every field of two states, one by one (besides the digest).
    static func expectSameFields(_ a: LedgerState, _ b: LedgerState) {
        #expect(a.items == b.items)
        #expect(a.profiles == b.profiles)
        #expect(a.pools == b.pools)
        #expect(a.transactions == b.transactions)
        #expect(
            a.marks.mapValues { $0.map { "\($0.receipt)=\($0.quantity)" } }
                == b.marks.mapValues { $0.map { "\($0.receipt)=\($0.quantity)" } })
        #expect(a.ledger == b.ledger)
        #expect(a.ledger.accountEntries == b.ledger.accountEntries)  // same order too
        #expect(a.ledger.lineCount == b.ledger.lineCount)
        #expect(a.accountSets.sets == b.accountSets.sets)
        #expect(a.closes == b.closes)
        #expect(a.markedSettled == b.markedSettled)
        #expect(a.pendingCloseStart == b.pendingCloseStart)
        #expect(a.warnings == b.warnings)
        #expect(a.lastSequence == b.lastSequence)
        #expect(a.eventCount == b.eventCount)
        #expect(a.latestBusinessDate == b.latestBusinessDate)
        #expect(a.closedThrough == b.closedThrough)
        for (id, record) in a.transactions { #expect(a.accounts(of: record) == b.accounts(of: record), "\(id)") }
    }

    @Test func encodeDecodeReproducesTheWholeState() throws {
        let ledger = try Self.closedDemo()
        let state = ledger.state
        #expect(state.closes.contains { $0.reversedBy != nil })
        #expect(state.closes.contains { $0.mode == .recalculation })
        let decoded = try LedgerState(decoding: state.encoded())
        #expect(StateDigest(decoded) == StateDigest(state))
        #expect(StateDigest.firstDifference(decoded, state) == nil)
        Self.expectSameFields(decoded, state)
        // Decoding is deterministic and the re-encoded state decodes to the same digest again.
        #expect(StateDigest(try LedgerState(decoding: decoded.encoded())) == StateDigest(state))
    }

    @Test func aCloseInProgressKeepsItsPendingEvents() throws {
        // Stop a replay between a close's settlement events and its close.posted: pending events are state.
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        try ledger.execute(.close(Self.date("2026-01-31")))
        let closeSequence = try #require(ledger.state.closes.last?.sequence)
        let partial = try Replay.state(of: ledger.store, atSequence: closeSequence - 1).state
        #expect(partial.pendingCloseStart != 0)
        let decoded = try LedgerState(decoding: partial.encoded())
        #expect(decoded.pendingCloseStart == partial.pendingCloseStart)
        #expect(StateDigest(decoded) == StateDigest(partial))
    }

    @Test func corruptOrForeignBytesAreRefused() throws {
        let bytes = try Self.closedDemo().state.encoded()
        #expect(throws: PayloadDecodingError.self) { try LedgerState(decoding: Array(bytes.dropLast())) }
        #expect(throws: PayloadDecodingError.self) { try LedgerState(decoding: bytes + [0]) }
        #expect(throws: PayloadDecodingError.self) { try LedgerState(decoding: [1, 2, 3]) }
        var otherFormat = PayloadWriter()
        otherFormat.int(LedgerState.snapshotMagic)
        otherFormat.int(LedgerState.snapshotFormat + 1)
        #expect(throws: PayloadDecodingError.self) { try LedgerState(decoding: otherFormat.bytes) }
    }

    @Test func snapshotPlusTailEqualsAFullReplay() throws {
        let path = Self.tempPath()
        let ledger = try Self.closedDemo(path: path)
        let info = try ledger.takeSnapshot(businessDate: Self.date("2026-02-28"))
        #expect(info.sequence == ledger.state.lastSequence)
        #expect(info.businessDate == Self.date("2026-02-28"))
        try Self.post(ledger, round: 1)
        try ledger.execute(.close(Self.date("2026-03-31")))
        // The March close stored its own snapshot; the one above is the one this test follows.
        let closeSnapshot = ledger.state.lastSequence
        try Self.post(ledger, round: 3)
        let live = StateDigest(ledger.state)

        let reopened = try Ledger(path: path)
        #expect(try reopened.loadFromSnapshot() == closeSnapshot)
        #expect(StateDigest(reopened.state) == live)
        Self.expectSameFields(reopened.state, try Replay.state(of: reopened.store, asOf: nil).state)
        // The loaded state keeps running commands like a replayed one.
        try Self.post(reopened, round: 5)
        #expect(try reopened.verifyReplay().matches)

        let results = try reopened.verifySnapshots()
        #expect(results.map(\.sequence) == [info.sequence, closeSnapshot])
        #expect(results.allSatisfy { $0.matches })
        #expect(try reopened.snapshots().map(\.sequence) == [info.sequence, closeSnapshot])
    }

    @Test func theNewestUsableSnapshotIsUsed() throws {
        let path = Self.tempPath()
        let ledger = try Self.closedDemo(path: path)
        let first = try ledger.takeSnapshot()
        try Self.post(ledger, round: 1)
        let second = try ledger.takeSnapshot()
        try Self.post(ledger, round: 3)
        #expect(try ledger.loadFromSnapshot() == second.sequence)
        #expect(try ledger.verifySnapshots().map(\.sequence) == [first.sequence, second.sequence])
        #expect(try ledger.verifyReplay().matches)
    }

    @Test func deletingEverySnapshotLosesNothing() throws {
        let path = Self.tempPath()
        let ledger = try Self.closedDemo(path: path)
        try ledger.takeSnapshot()
        try Self.post(ledger, round: 1)
        let live = StateDigest(ledger.state)
        #expect(try ledger.deleteSnapshots() == 1)
        #expect(try ledger.snapshots().isEmpty)
        let reopened = try Ledger(path: path)
        #expect(StateDigest(reopened.state) == live)
        #expect(try reopened.loadFromSnapshot() == nil)
        #expect(StateDigest(reopened.state) == live)
        #expect(try reopened.verifySnapshots().isEmpty)
    }

    @Test func aSnapshotWhoseChainHashNoLongerMatchesIsNotUsed() throws {
        let path = Self.tempPath()
        let ledger = try Self.closedDemo(path: path)
        let older = try ledger.takeSnapshot()
        try Self.post(ledger, round: 1)
        let newer = try ledger.takeSnapshot()
        try Self.post(ledger, round: 3)
        let live = StateDigest(ledger.state)

        // A snapshot of another log (its checksum is right for what it holds).
        try forgeSnapshot(path, sequence: newer.sequence, chainHash: [UInt8](repeating: 0xAB, count: 32))

        #expect(try ledger.loadFromSnapshot() == older.sequence)
        #expect(StateDigest(ledger.state) == live)
        let results = try ledger.verifySnapshots()
        #expect(results.first { $0.sequence == older.sequence }?.matches == true)
        let stale = try #require(results.first { $0.sequence == newer.sequence })
        #expect(!stale.matches)
        #expect(stale.difference?.contains("chain hash") == true)

        // With the older one stale too, nothing is usable: a full replay.
        try forgeSnapshot(path, sequence: older.sequence, chainHash: [UInt8](repeating: 0xAB, count: 32))
        #expect(try ledger.loadFromSnapshot() == nil)
        #expect(StateDigest(ledger.state) == live)
    }

    /// The check can fail: a snapshot with a valid chain hash but a wrong state is used, and verify
    /// names the difference.
    @Test func verifyFindsASnapshotWithAWrongState() throws {
        let path = Self.tempPath()
        let ledger = try Self.closedDemo(path: path)
        let info = try ledger.takeSnapshot()
        var wrong = ledger.state
        wrong.warnings.append(.postedAtZeroCost(transaction: "not in the log"))
        // Written with a checksum that matches the wrong state: only the comparison can tell.
        try forgeSnapshot(path, sequence: info.sequence, state: wrong.encoded())
        let results = try ledger.verifySnapshots()
        #expect(results.count == 1)
        #expect(results.first?.matches == false)
        #expect(results.first?.difference?.contains("warning") == true)
    }

    @Test func aSnapshotTakenBeforeAReversedCloseReplaysTheReversal() throws {
        let path = Self.tempPath()
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        let beforeClose = try ledger.takeSnapshot(businessDate: Self.date("2026-01-31"))
        try ledger.execute(.close(Self.date("2026-01-31")))
        let closeSequence = try #require(ledger.state.closes.last?.sequence)
        let inForce = try ledger.takeSnapshot(businessDate: Self.date("2026-01-31"))
        #expect(ledger.state.closedThrough == Self.date("2026-01-31"))
        try ledger.execute(.reverseClose(date: Self.date("2026-01-31"), through: nil))
        try Self.post(ledger, round: 1)
        let live = ledger.state
        #expect(live.closedThrough == nil)

        // The snapshot taken with the close in force holds what the close moved out of the open state,
        // which its reversal brought back (rule R, DR-22): the reversal deleted it, and the snapshot taken
        // before the close is used, its tail holding the close and the reversal.
        let reopened = try Ledger(path: path)
        #expect(try reopened.snapshots().map(\.sequence) == [beforeClose.sequence])
        #expect(inForce.sequence > beforeClose.sequence)
        #expect(try reopened.loadFromSnapshot() == beforeClose.sequence)
        #expect(StateDigest(reopened.state) == StateDigest(live))
        #expect(reopened.state.closedThrough == nil)
        #expect(reopened.state.closes.first { $0.sequence == closeSequence }?.reversedBy != nil)
        Self.expectSameFields(reopened.state, live)
        #expect(StateDigest(reopened.state) == StateDigest(live))
        #expect(try reopened.verifySnapshots().allSatisfy { $0.matches })
    }

    @Test func theListingShowsLabelFormatAndSize() throws {
        let ledger = try Self.closedDemo(path: Self.tempPath())
        let info = try ledger.takeSnapshot(businessDate: Self.date("2026-02-28"))
        let listed = try #require(try ledger.snapshots().first)
        #expect(listed == info)
        #expect(listed.bytes > 1000)
        #expect(listed.format == LedgerState.snapshotFormat)
    }
}
