import Testing

@testable import SubledgerCore

/// `NameHash` and `NameKey` (DR-54) must agree with `String`'s `==` whatever the representation: a small
/// string, a native one of the same bytes, a long one, and the canonically equivalent non-ASCII spellings.
struct NameHashTests {
    /// The same characters as `text`, stored natively on the heap (not as a small string).
    static func native(_ text: String) -> String {
        var copy = String(decoding: Array(text.utf8), as: UTF8.self)
        copy.reserveCapacity(64)
        return copy
    }

    @Test func theStandardLibrarysSmallStringLayoutIsTheOneRead() {
        #expect(SmallName.layoutHolds)
        #expect(SmallName.words("R123") != nil)
        #expect(SmallName.words(Self.native("R123")) == nil)  // a heap string takes the slow path
        #expect(SmallName.words("é") == nil)  // non-ASCII
        #expect(SmallName.words("0123456789abcdef") == nil)  // 16 bytes: not small
    }

    @Test func equalStringsHashAndCompareEquallyInEveryRepresentation() {
        let pairs: [(String, String)] = [
            ("R123", Self.native("R123")), ("", Self.native("")), ("0123456789abcde", Self.native("0123456789abcde")),
            ("wa-close@2026-01-27@I998@site:S1", Self.native("wa-close@2026-01-27@I998@site:S1")),
            ("K", "\u{212A}"),  // Kelvin sign: canonically equivalent to K
            ("R;", "R\u{037E}"),  // Greek question mark: equivalent to ;
            ("Z\u{FC}rich", "Zu\u{308}rich"),  // precomposed and decomposed ü
            ("caf\u{E9}-0123456789-long", "cafe\u{301}-0123456789-long"),
        ]
        for (a, b) in pairs {
            #expect(a == b)
            #expect(NameHash.same(a, b) && NameHash.same(b, a))
            #expect(NameHash.contentHash(a) == NameHash.contentHash(b), "\(a.debugDescription)")
            #expect(NameHash.hash(a, seed: 17) == NameHash.hash(b, seed: 17))
            #expect(NameKey(a) == NameKey(b))
        }
    }

    @Test func differentStringsAreNotTheSame() {
        let names = ["", "A", "A\u{0}", "I1", "I10", "I01", "S1", "s1", "0123456789abcde", "0123456789abcdf", "é", "e"]
        for a in names {
            for b in names {
                #expect(NameHash.same(a, b) == (a == b))
                #expect(NameHash.same(Self.native(a), b) == (a == b))
            }
        }
    }

    /// A table keyed by `NameKey` holds the same keys as one keyed by `String` for the same insertions,
    /// equivalent spellings included.
    @Test func aTableByNameKeyHoldsWhatOneByStringHolds() {
        var names = (0..<5_000).map { "R\($0)" } + (0..<200).map { "a-rather-long-transaction-id-\($0)" }
        names += ["K", "\u{212A}", "Zu\u{308}rich", "Z\u{FC}rich", Self.native("R17"), "R17"]
        var byString: [String: Int] = [:]
        var byKey: [NameKey: Int] = [:]
        for (index, name) in names.enumerated() {
            byString[name, default: 0] += index
            byKey[NameKey(name), default: 0] += index
        }
        #expect(byKey.count == byString.count)
        for (name, total) in byString { #expect(byKey[NameKey(name)] == total) }
        #expect(Set(names.map { NameHash.hash($0, seed: 0) }).count >= byString.count - 2)
    }

    /// The projection's transaction table finds a record under any spelling `==` accepts.
    @Test func theTransactionTableFindsEquivalentIDs() {
        var table = TransactionTable()
        let record = TransactionRecord(
            id: "K1", sequence: 1, item: "I1", kind: .receipt(.purchase), dimensions: .none,
            date: LedgerDate(yyyymmdd: 2026_01_01)!, financialDate: nil, quantity: Quantity(units: 1),
            unitPrice: .zero, costSource: .receiptPrice, postedAccounts: -1)
        table["K1"] = record
        #expect(table["\u{212A}1"] == record)
        #expect(table[Self.native("K1")] == record)
        #expect(table["K2"] == nil)
    }
}
