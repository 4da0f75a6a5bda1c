import Testing

@testable import SubledgerCore

/// Close notes are stored as data from `close.posted` version 2 on; version 1 stored English text, which
/// still decodes, verbatim, with the kind its text begins with.
struct CloseNoteCodecTests {
    static func closePosted(version: Int, _ bytes: [UInt8]) throws -> ClosePosted {
        let envelope = EventEnvelope(
            date: LedgerDate("2026-03-31")!, type: "close.posted", version: version,
            payload: bytes)
        guard case .closePosted(let event) = try EventCatalog.decode(envelope) else {
            Issue.record("not a close")
            return ClosePosted(mode: .close, log: [])
        }
        return event
    }

    /// A version-1 payload: the mode, then the log's text lines.
    static func version1(_ lines: [String]) -> [UInt8] {
        var w = PayloadWriter()
        w.byte(CloseMode.close.rawValue); w.int(Int64(lines.count))
        for line in lines { w.string(line) }
        return w.bytes
    }

    /// The bytes pinned for `close.posted` version 1 before notes were typed.
    @Test func version1PinnedBytesStillDecode() throws {
        let bytes = EventCatalogGoldenTests.bytes("0204365339206c656674206f70656e3a2032206e6f7420736574746c656400")
        let event = try Self.closePosted(version: 1, bytes)
        #expect(event.mode == .recalculation)
        #expect(event.log == [.recorded(.other, "S9 left open: 2 not settled"), .recorded(.other, "")])
    }

    /// Lines as the planner wrote them in version 1 get the kind the close queries sorted them by.
    @Test func version1LinesGetTheirKindByPrefix() throws {
        let lines: [(String, CloseNote.Kind)] = [
            ("unsettled: S1 (A site:S1) qty 2 keeps its cost", .unsettled),
            ("marked issue S2 waits for its receipt: not settled", .markedIssueWaiting),
            ("marked issue S2 something else", .other),
            ("posted at zero cost: S3 (A)", .postedAtZeroCost),
            (
                "valued without settlement: S4 (A) qty 1 from physically-only receipt P1; stays open",
                .valuedWithoutSettlement
            ),
            ("negative on-hand: A site:S1 qty -2", .negativeOnHand),
            ("transfer cycle: A site:S1 closed before its sources; iterating", .transferCycle),
            ("transfer cycle: adjustments still changing after 100 iterations", .transferCycleUnresolved),
            ("S9 left open", .other),
        ]
        let event = try Self.closePosted(version: 1, Self.version1(lines.map(\.0)))
        #expect(event.log == lines.map { CloseNote.recorded($0.1, $0.0) })
    }

    /// A version-1 close re-encoded (in a snapshot, say) keeps its text and kind.
    @Test func recordedNotesRoundTripInVersion2() throws {
        let notes: [CloseNote] = [.recorded(.unsettled, "unsettled: S1"), .recorded(.other, "")]
        let bytes = EventCatalog.encode(.closePosted(ClosePosted(mode: .close, log: notes)))
        #expect(try Self.closePosted(version: 2, bytes).log == notes)
    }

    @Test func kindCodesAndNamesArePinned() {
        #expect(CloseNote.Kind.allCases.map(\.rawValue) == Array(0...7))
        #expect(
            CloseNote.Kind.allCases.map(\.name) == [
                "other", "unsettled", "marked-issue-waiting", "posted-at-zero-cost", "valued-without-settlement",
                "negative-on-hand", "transfer-cycle", "transfer-cycle-unresolved",
            ])
        #expect(LedgerWarning.postedAtZeroCost(transaction: "S1").code == 1)
    }

    /// An unknown note tag, a recorded line of an unknown kind, and tag 0's kind used as a typed note's
    /// tag are decoding errors.
    @Test func unknownNoteCodesThrow() {
        for note: [UInt8] in [[8], [99], [0, 8, 0], [0, 200, 0]] {
            let bytes: [UInt8] = [CloseMode.close.rawValue, 2] + note
            #expect(throws: PayloadDecodingError.self, "note bytes \(note)") {
                try Self.closePosted(version: 2, bytes)
            }
        }
    }

    static func warning(_ bytes: [UInt8]) -> LedgerWarning? {
        bytes.withUnsafeBytes { buffer in
            var r = PayloadReader(buffer)
            do throws(PayloadDecodingError) { return try r.ledgerWarning() } catch { return nil }
        }
    }

    @Test func warningsRoundTrip() {
        var w = PayloadWriter()
        w.ledgerWarning(.postedAtZeroCost(transaction: "S7"))
        #expect(Self.warning(w.bytes) == .postedAtZeroCost(transaction: "S7"))
        #expect(Self.warning([2, 0]) == nil)
    }
}
