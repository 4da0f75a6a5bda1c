import Testing

@testable import SubledgerCore

/// `NameHash` and `NameKey` (DR-54) must agree with `String`'s `==` whatever the representation: a small
/// string, a native one of the same bytes, a long one, and the canonically equivalent non-ASCII spellings;
/// and be keyed (no pair of names chosen in advance collides). Serialized: one test turns the word path off
/// for the process while it runs, and another expects it on.
@Suite(.serialized) struct NameHashTests {
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
            #expect(NameHash.hash(a, seed: 17) == NameHash.hash(b, seed: 17), "\(a.debugDescription)")
            #expect(NameKey(a).hashValue == NameKey(b).hashValue)
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

    /// The multiply DR-54 first used, `low * C1 ^ high * C2` and a bijective finalizer: flipping the top
    /// bit of both words flips the top bit of both products, which cancel, so such a pair collided in every
    /// table of every process. (No two ASCII names differ that way: the top bits of a small ASCII name's
    /// words are always clear; but the formula is linear enough that colliding names are cheap to find.)
    static func unkeyedPair(_ low: UInt64, _ high: UInt64) -> UInt64 {
        (low &* 0xBF58_476D_1CE4_E5B9) ^ (high &* 0x94D0_49BB_1331_11EB)
    }

    @Test func aPairThatCollidedUnkeyedNoLongerCollides() {
        let low = UInt64(0x3736_3534_3332_3130), high = UInt64(0x0B00_0000_0061_3938)  // "0123456789a"
        let flipped = (low ^ 1 << 63, high ^ 1 << 63)
        #expect(Self.unkeyedPair(low, high) == Self.unkeyedPair(flipped.0, flipped.1))  // the attack
        for seed in [0, 1, 17, -1, 0x5EED] {
            #expect(NameHash.hash(words: (low, high), seed: seed) != NameHash.hash(words: flipped, seed: seed))
        }
        // The words are the name's, so the string is hashed as those words.
        #expect(SmallName.words("0123456789a").map { $0 == (low, high) } == true)
        #expect(NameHash.hash("0123456789a", seed: 17) == NameHash.hash(words: (low, high), seed: 17))
    }

    /// The table's seed takes part: a name hashes differently in two tables (so copying one into another
    /// does not cluster), on the word path and the byte path alike.
    @Test func hashesDifferAcrossTableSeeds() {
        let names = (0..<1_000).map { "R\($0)" } + (0..<100).map { "a-rather-long-transaction-id-\($0)" }
        for name in names + ["Zu\u{308}rich", Self.native("R17")] {
            #expect(NameHash.hash(name, seed: 1) != NameHash.hash(name, seed: 2), "\(name)")
        }
    }

    /// Pools of one item and site that differ by serial, batch or warehouse do not share a hash (they did
    /// when only the item and site were hashed: quadratic probing for an item tracked by serial).
    @Test func poolsDifferingBelowTheSiteHashApart() {
        let keys = (0..<1_000).flatMap { index in
            [
                PoolKey(item: "I1", dimensions: DimensionValues(site: "S1", serial: "SN\(index)")),
                PoolKey(item: "I1", dimensions: DimensionValues(site: "S1", batch: "B\(index)")),
                PoolKey(item: "I1", dimensions: DimensionValues(site: "S1", warehouse: "W\(index)")),
            ]
        }
        #expect(Set(keys.map { $0._rawHashValue(seed: 3) }).count >= keys.count - 2)
        // Equal keys still hash equally, whatever the spelling.
        let kelvin = PoolKey(item: "\u{212A}", dimensions: DimensionValues(site: "S1", serial: "N1"))
        let plain = PoolKey(item: "K", dimensions: DimensionValues(site: "S1", serial: Self.native("N1")))
        #expect(kelvin == plain && kelvin._rawHashValue(seed: 3) == plain._rawHashValue(seed: 3))
        #expect(kelvin.hashValue == plain.hashValue)
    }

    /// Where the standard library's small string layout is not the expected one, every name takes the byte
    /// path: forced here through `SmallName.mode`. The hashes are the word path's, so tables hold the same.
    @Test func theBytePathGivesTheSameTables() {
        let names = (0..<2_000).map { "R\($0)" } + ["0123456789abcde", "a-rather-long-id-0", "K", "\u{212A}"]
        let pools = names.map { PoolKey(item: $0, dimensions: DimensionValues(site: "S1", batch: $0)) }
        let wordHashes = names.map { NameHash.hash($0, seed: 9) }
        var byWords: [NameKey: Int] = [:]
        for (index, name) in names.enumerated() { byWords[NameKey(name), default: 0] += index }
        #expect(SmallName.words("R1") != nil)
        let before = SmallName.mode
        SmallName.mode = 2
        defer { SmallName.mode = before }
        #expect(SmallName.words("R1") == nil)
        #expect(names.map { NameHash.hash($0, seed: 9) } == wordHashes)
        var byBytes: [NameKey: Int] = [:]
        var byString: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            byBytes[NameKey(name), default: 0] += index
            byString[name, default: 0] += index
        }
        #expect(byBytes == byWords && byBytes.count == byString.count)
        for (name, total) in byString { #expect(byBytes[NameKey(name)] == total) }
        var table = TransactionTable()
        for (index, name) in names.enumerated() { table[name] = Self.record(name, sequence: Int64(index + 1)) }
        #expect(table["\u{212A}"]?.id == "K" && table["R1999"]?.sequence == 2_000)
        #expect(Set(pools).count == names.count - 1)  // "K" and the Kelvin sign are one pool
        #expect(NameHash.same("R1", Self.native("R1")) && !NameHash.same("R1", "R2"))
    }

    static func record(_ id: String, sequence: Int64) -> TransactionRecord {
        TransactionRecord(
            id: id, sequence: sequence, item: "I1", kind: .receipt(.purchase), dimensions: .none,
            date: LedgerDate(yyyymmdd: 2026_01_01)!, financialDate: nil, quantity: Quantity(units: 1),
            unitPrice: .zero, costSource: .receiptPrice, postedAccounts: -1)
    }
}
