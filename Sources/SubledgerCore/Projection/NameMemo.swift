/// A small memo from short ASCII names to a byte, in front of a keyed table: what the fold asks about an
/// item on every posting (its tracked dimensions) and at a close for every record (its model), DR-59.
///
/// Why: a lookup in a table keyed by `NameKey` costs a `Hasher` run (SipHash-1-3, about 210 instructions)
/// and a probe, about 390 in all, and a replay asked it once or twice an event for a few hundred item ids.
/// Here a hit reads the name's two words (`SmallName.words`), mixes them with two multiplies and compares
/// at most `probes` slots.
///
/// The mix is not keyed, so names can be crafted to share a slot; that is why probing stops after
/// `probes` slots: a name that finds no place is simply not remembered and the caller asks its keyed table,
/// so crafted names cost at most `probes` compares more than the keyed lookup, never a long probe
/// sequence (no hash flooding). Only small ASCII names are remembered (their words are their bytes, so
/// equal words are equal strings); any other name, and any name not remembered, goes to the keyed table,
/// which answers for canonically equivalent spellings too. Remember only names the keyed table holds:
/// what the memo holds is then bounded by that table.
struct NameMemo: Sendable {
    /// How many slots a lookup or an insertion looks at before giving up: with at most half the slots in
    /// use, about one name in 300 finds no place among 8 (one in 40 among 4).
    static let probes = 8
    /// Two words a slot (the name's words as `SmallName.words` gives them); a low word of all ones marks
    /// an empty slot (no ASCII string has a byte 0xFF).
    private var words: [UInt64] = []
    private var values: [UInt8] = []
    private(set) var count = 0

    init() {}

    /// How many slots the memo has (a power of two, or 0 before the first name).
    var capacity: Int { values.count }

    /// The byte remembered for `name`, nil when it is not remembered (ask the keyed table).
    @inline(__always)
    func value(_ name: String) -> UInt8? {
        guard !values.isEmpty, let key = SmallName.words(name) else { return nil }
        let mask = values.count &- 1
        var slot = Self.home(key) & mask
        for _ in 0..<Self.probes {
            let low = words[2 &* slot]
            if low == key.0 && words[2 &* slot &+ 1] == key.1 { return values[slot] }
            if low == .max { return nil }
            slot = (slot &+ 1) & mask
        }
        return nil
    }

    /// Remembers `value` for `name` when it is a small ASCII name and one of its `probes` slots is free
    /// (or already holds it); otherwise does nothing. Keeps at most half the slots in use.
    mutating func remember(_ name: String, _ value: UInt8) {
        guard let key = SmallName.words(name) else { return }
        if 2 &* (count &+ 1) > values.count { grow() }
        place(key, value)
    }

    /// Forgets every name, keeping the slots.
    mutating func removeAll() {
        guard count > 0 else { return }
        for index in words.indices { words[index] = .max }
        count = 0
    }

    private mutating func place(_ key: (UInt64, UInt64), _ value: UInt8) {
        let mask = values.count &- 1
        var slot = Self.home(key) & mask
        for _ in 0..<Self.probes {
            let low = words[2 &* slot]
            if low == .max {
                count &+= 1
            } else if low != key.0 || words[2 &* slot &+ 1] != key.1 {
                slot = (slot &+ 1) & mask
                continue
            }
            words[2 &* slot] = key.0
            words[2 &* slot &+ 1] = key.1
            values[slot] = value
            return
        }
    }

    /// Doubles the slots (64 at first) and places the remembered names again from their words.
    private mutating func grow() {
        let old = words, oldValues = values
        let capacity = Swift.max(64, 2 &* values.count)
        words = [UInt64](repeating: .max, count: 2 &* capacity)
        values = [UInt8](repeating: 0, count: capacity)
        count = 0
        for slot in oldValues.indices where old[2 &* slot] != .max {
            place((old[2 &* slot], old[2 &* slot &+ 1]), oldValues[slot])
        }
    }

    /// The first slot to look at: the words mixed (not keyed; see above) by a multiply and a finalizer in
    /// the manner of SplitMix64's: a multiply alone left ids like "I1"..."I999" on a third fewer slots, and
    /// a quarter of them found no place.
    @inline(__always)
    static func home(_ key: (UInt64, UInt64)) -> Int {
        var mixed = (key.0 ^ (key.1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD
        mixed ^= mixed >> 32
        mixed = mixed &* 0xC4CE_B9FE_1A85_EC53
        return Int(truncatingIfNeeded: mixed ^ mixed >> 29)
    }
}
