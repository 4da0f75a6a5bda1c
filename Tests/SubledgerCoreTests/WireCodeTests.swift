import Testing

@testable import SubledgerCore

/// Every enum stored as a byte goes through one reader: its bytes round-trip, and a byte no case has is an
/// error that names what was being read.
struct WireCodeTests {
    static func read<T: WireCode>(_ type: T.Type, _ byte: UInt8) -> Result<T, PayloadDecodingError> {
        [byte].withUnsafeBytes { buffer in
            var r = PayloadReader(buffer)
            do throws(PayloadDecodingError) { return .success(try r.code(T.self)) } catch { return .failure(error) }
        }
    }

    static func check<T: WireCode & Equatable>(_ cases: [T], unknown: UInt8, names text: String) {
        for value in cases {
            var w = PayloadWriter()
            w.code(value)
            #expect(w.bytes == [value.code])
            #expect((try? read(T.self, value.code).get()) == value)
        }
        guard case .failure(let error) = read(T.self, unknown) else {
            Issue.record("\(T.self) byte \(unknown) decoded"); return
        }
        #expect(error.message == "unknown \(text) \(unknown)")
    }

    @Test func everyByteEnumRoundTripsAndRefusesAnUnknownByte() {
        Self.check([CloseMode.close, .recalculation, .reversal], unknown: 4, names: "close mode")
        Self.check(SettleModel.allCases, unknown: 9, names: "settle model")
        Self.check(
            [SettlementEntry.Kind.settlement, .adjustment, .consumption, .receiptAdjustment], unknown: 0,
            names: "settlement kind")
        Self.check((1...8).compactMap { CostSource(rawValue: UInt8($0)) }, unknown: 9, names: "cost source")
        Self.check(LedgerCommand.ReceiptKind.allCases, unknown: 11, names: "receipt kind")
        Self.check(LedgerCommand.IssueKind.allCases, unknown: 1, names: "issue kind")
        Self.check(PostingType.allCases, unknown: 20, names: "posting type")
        Self.check(CloseNote.Kind.allCases, unknown: 8, names: "close note kind")
        Self.check(TransactionKindTests.all, unknown: 7, names: "transaction kind")
    }
}
