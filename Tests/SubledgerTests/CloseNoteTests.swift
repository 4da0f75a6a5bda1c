import SubledgerCore
import Testing

@testable import Subledger

/// The close log is stored as typed notes and rendered at the edge: the text shown for a situation is the
/// wording closes recorded as plain text carry, so old and new closes read alike; a close recorded as text
/// keeps its own.
struct CloseNoteTests {
    static func command(_ name: String, _ pairs: KeyValuePairs<String, String>) throws -> LedgerCommand {
        try LedgerTests.command(name, pairs)
    }

    /// Every kind renders the wording stored in closes recorded as text, so old and new closes read alike.
    @Test func everyNoteKeepsItsWording() throws {
        let s1 = DimensionValues(site: "S1")
        let cases: [(CloseNote, String)] = [
            (
                .unsettled(issue: "S1", item: "A", dimensions: s1, quantity: Quantity(whole: 2)),
                "unsettled: S1 (A site:S1) qty 2 keeps its cost"
            ),
            (.markedIssueWaiting(issue: "S2"), "marked issue S2 waits for its receipt: not settled"),
            (.postedAtZeroCost(issue: "S3", item: "A"), "posted at zero cost: S3 (A)"),
            (
                .valuedWithoutSettlement(issue: "S4", item: "A", quantity: try Quantity(parsing: "1.5"), receipt: "P1"),
                "valued without settlement: S4 (A) qty 1.5 from physically-only receipt P1; stays open"
            ),
            (
                .negativeOnHand(item: "A", dimensions: .none, quantity: Quantity(whole: -2)),
                "negative on-hand: A  qty -2"
            ),
            (
                .transferCycle(item: "A", dimensions: s1),
                "transfer cycle: A site:S1 closed before its sources; iterating"
            ),
            (
                .transferCycleUnresolved(iterations: 100),
                "transfer cycle: adjustments still changing after 100 iterations"
            ),
            (.recorded(.unsettled, "unsettled: kept as written"), "unsettled: kept as written"),
        ]
        for (note, text) in cases { #expect(note.message == text) }
        #expect(
            LedgerWarning.postedAtZeroCost(transaction: "S3").message
                == "S3: posted at zero cost (no average, no default price)")
    }

    /// A close with an unsettled issue, one posted at zero cost and a negative on-hand shows the lines it
    /// showed when the log was text, sorted into the same categories.
    @Test func aCloseShowsTheLinesItAlwaysShowed() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(try Self.command("item", ["item": "B", "model": "lifo", "price": "3.00"]))
        try ledger.execute(try Self.command("item", ["item": "Z", "model": "fifo"]))
        try ledger.execute(try Self.command("issue", ["date": "2026-01-05", "item": "B", "tx": "SB1", "qty": "2"]))
        try ledger.execute(try Self.command("issue", ["date": "2026-01-06", "item": "Z", "tx": "SZ1", "qty": "1"]))
        try ledger.execute(.close(LedgerDate("2026-01-31")!))

        let close = try #require(try ledger.closes().first)
        #expect(
            close.unsettled == [
                "unsettled: SB1 (B ) qty 2 keeps its cost",
                "unsettled: SZ1 (Z ) qty 1 keeps its cost",
            ])
        #expect(close.zeroCost == ["posted at zero cost: SZ1 (Z)"])
        #expect(close.negativeOnHand == ["negative on-hand: B  qty -2", "negative on-hand: Z  qty -1"])
        #expect(close.otherLog.isEmpty)
        #expect(
            close.notes.map(\.kind.name) == [
                "unsettled", "unsettled", "posted-at-zero-cost", "negative-on-hand",
                "negative-on-hand",
            ])
        #expect(ledger.state.warnings == [.postedAtZeroCost(transaction: "SZ1")])
    }

    /// `events --json` gives a close's notes with their stable codes beside the text lines, as `closes --json` does:
    /// a program reading the log matches on the code, never on the wording.
    @Test func theEventLogGivesEachNoteWithItsCode() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(try Self.command("item", ["item": "Z", "model": "fifo"]))
        try ledger.execute(try Self.command("issue", ["date": "2026-01-06", "item": "Z", "tx": "SZ1", "qty": "1"]))
        try ledger.execute(.close(LedgerDate("2026-01-31")!))

        let close = try #require(try ledger.events().last)
        let json = EventRendering.json(close.event)
        let notes = try #require(json["notes"]?.arrayValue)
        let codes = notes.compactMap { $0["code"]?.stringValue }
        #expect(codes == ["unsettled", "posted-at-zero-cost", "negative-on-hand"])
        #expect(notes.compactMap { $0["text"]?.stringValue } == json["log"]?.arrayValue?.compactMap(\.stringValue))
    }

    /// A `close.posted` of version 1 (text lines) shows its lines verbatim, in the categories their
    /// prefixes gave them.
    @Test func aVersion1CloseKeepsItsText() throws {
        let ledger = try Ledger(path: ":memory:")
        try ledger.execute(try Self.command("item", ["item": "A", "model": "fifo"]))
        let lines = [
            "unsettled: S1 (A ) qty 2 keeps its cost", "marked issue S2 waits for its receipt: not settled",
            "posted at zero cost: S3 (A)", "negative on-hand: A  qty -2", "a line of no known kind",
        ]
        var payload = PayloadWriter()
        payload.byte(CloseMode.close.rawValue); payload.int(Int64(lines.count))
        for line in lines { payload.string(line) }
        let envelope = EventEnvelope(
            date: LedgerDate("2026-01-31")!, type: "close.posted", version: 1,
            payload: payload.bytes)
        _ = try ledger.store.append(
            commandID: "v1-close", kind: "close",
            expectedLastSequence: try ledger.store.lastSequence(), recordedAt: 1
        ) { batch in
            try batch.append(envelope)
            return "{}"
        }
        try ledger.catchUp()

        let close = try #require(try ledger.closes().first)
        #expect(close.log == lines)
        #expect(close.unsettled == Array(lines[0...1]))
        #expect(close.zeroCost == [lines[2]])
        #expect(close.negativeOnHand == [lines[3]])
        #expect(close.otherLog == [lines[4]])
        #expect(
            close.notes.map(\.kind)
                == [.unsettled, .markedIssueWaiting, .postedAtZeroCost, .negativeOnHand, .other])
        // A snapshot state keeps the recorded notes as they are.
        let decoded = try LedgerState(decoding: ledger.state.encoded())
        #expect(decoded.closes.first?.log == ledger.state.closes.first?.log)
        #expect(StateDigest(decoded) == StateDigest(ledger.state))
    }
}
