/// The GL accounts transactions posted to, interned: a million transactions share a handful of account
/// sets, so each record keeps a small index instead of its own copy of the voucher lines (D16).
public struct AccountSets: Sendable {
    private(set) var sets: [[PostingType: String]] = []
    private var index: [[PostingType: String]: Int32] = [:]
    /// Recently seen line patterns (posting type and account per line) and their set: replay sees the same
    /// few patterns again and again, and comparing short strings is cheaper than hashing a dictionary.
    private var recent: [(pattern: [PatternLine], set: Int32)] = []

    /// A line of a pattern: its account also as the two words of a small ASCII name (`SmallName.words`), so
    /// a pattern is compared from trivial values read in place; comparing the Strings retained and released
    /// each candidate's account (DR-65). `unset` words (top nibble set, which no small name's have) for a
    /// name that is not small ASCII: it is compared with `==`.
    struct PatternLine {
        var code: UInt8
        var words: (UInt64, UInt64)
        var account: String

        init(_ line: VoucherLine) {
            code = line.postingType.code
            words = SmallName.words(line.account) ?? (.max, .max)
            account = line.account
        }

        /// Whether `line` has this posting type and account. False for a small name against a canonically
        /// equivalent non-ASCII one: the caller then looks the set up by its map (a hash, the same answer).
        @inline(__always)
        func matches(_ line: VoucherLine) -> Bool {
            guard code == line.postingType.code else { return false }
            if let key = SmallName.words(line.account) { return words.0 == key.0 && words.1 == key.1 }
            return account == line.account
        }
    }

    public init() {}

    public subscript(id: Int32) -> [PostingType: String] { id < 0 ? [:] : sets[Int(id)] }

    mutating func intern(_ lines: [VoucherLine]) -> Int32 {
        guard !lines.isEmpty else { return -1 }
        // By index: iterating the entries copied each (its pattern array retained and released).
        for position in recent.indices where recent[position].pattern.count == lines.count {
            var same = true
            for offset in lines.indices where !recent[position].pattern[offset].matches(lines[offset]) {
                same = false
                break
            }
            if same { return recent[position].set }
        }
        var map: [PostingType: String] = [:]
        for line in lines { map[line.postingType] = line.account }
        let set: Int32
        if let existing = index[map] {
            set = existing
        } else {
            set = Int32(sets.count)
            sets.append(map)
            index[map] = set
        }
        if recent.count == 16 { recent.removeFirst() }
        recent.append((lines.map(PatternLine.init), set))
        return set
    }
}
