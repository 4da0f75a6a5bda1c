import Testing

@testable import SubledgerCore

/// One kind per transaction record, with the stable codes records always had; an unknown code is an error,
/// never a sale or a weighted average closing receipt.
struct TransactionKindTests {
    static let all: [TransactionKind] =
        LedgerCommand.ReceiptKind.allCases.map(TransactionKind.receipt)
        + LedgerCommand.IssueKind.allCases.map(TransactionKind.issue) + [.transferOut, .transferIn, .closingReceipt]

    @Test func codesNamesAndDirectionsArePinned() {
        #expect(Self.all.map(\.code) == [1, 2, 3, 4, 11, 12, 13, 21, 5, 6])
        #expect(
            Self.all.map(\.name) == [
                "purchase", "journal", "return", "production", "sale", "journal",
                "production", "transfer-out", "transfer-in", "weighted-average-closing",
            ])
        #expect(
            Self.all.map(\.direction) == [
                .receipt, .receipt, .receipt, .receipt, .issue, .issue, .issue,
                .issue, .receipt, .receipt,
            ])
        for kind in Self.all { #expect(TransactionKind(code: kind.code) == kind) }
    }

    @Test func anUnknownCodeHasNoKind() {
        let known = Set(Self.all.map(\.code))
        for code in UInt8.min...UInt8.max where !known.contains(code) {
            #expect(TransactionKind(code: code) == nil, "code \(code)")
        }
    }

    @Test func syntheticIdsRoundTrip() {
        #expect(SyntheticID.transferReceipt("T1") == "T1@in")
        #expect(SyntheticID.transfer(ofReceipt: "T1@in") == "T1")
        #expect(SyntheticID.transfer(ofReceipt: "T1") == nil)
        let closing = SyntheticID.closingReceipt(
            on: LedgerDate("2026-01-31")!, item: "A",
            dimensions: DimensionValues(site: "S1"))
        #expect(closing == "wa-close@2026-01-31@A@site:S1")
        #expect(SyntheticID.isClosingReceipt(closing) && !SyntheticID.isClosingReceipt("P1"))
    }

    /// A snapshot state whose transaction has a kind code no kind has does not decode.
    @Test func aSnapshotWithAnUnknownKindCodeIsRefused() throws {
        var state = LedgerState()
        let samples = EventCatalogGoldenTests.samples
        try state.apply(samples[0].event, date: samples[0].date, sequence: 1)  // item BOLT-M8
        try state.apply(samples[2].event, date: samples[2].date, sequence: 2)  // purchase receipt P1
        let purchase = state.encoded()
        state.transactions["P1"]!.kind = .receipt(.journal)
        let journal = state.encoded()
        let differing = purchase.indices.filter { purchase[$0] != journal[$0] }
        #expect(differing.count == 1)
        let offset = try #require(differing.first)
        #expect(purchase[offset] == 1 && journal[offset] == 2)
        var unknown = purchase
        unknown[offset] = 7
        #expect(throws: PayloadDecodingError.self) { try LedgerState(decoding: unknown) }
        #expect(try LedgerState(decoding: purchase).transactions["P1"]?.kind == .receipt(.purchase))
    }
}
