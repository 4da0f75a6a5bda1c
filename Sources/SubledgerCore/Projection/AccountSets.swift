/// The GL accounts transactions posted to, interned: a million transactions share a handful of account
/// sets, so each record keeps a small index instead of its own copy of the voucher lines (D16).
public struct AccountSets: Sendable {
    private(set) var sets: [[PostingType: String]] = []
    private var index: [[PostingType: String]: Int32] = [:]
    /// Recently seen line patterns (posting type and account per line) and their set: replay sees the same
    /// few patterns again and again, and comparing short strings is cheaper than hashing a dictionary.
    private var recent: [(pattern: [(UInt8, String)], set: Int32)] = []

    public init() {}

    public subscript(id: Int32) -> [PostingType: String] { id < 0 ? [:] : sets[Int(id)] }

    mutating func intern(_ lines: [VoucherLine]) -> Int32 {
        guard !lines.isEmpty else { return -1 }
        for entry in recent where entry.pattern.count == lines.count {
            var same = true
            for (offset, line) in lines.enumerated()
            where entry.pattern[offset].0 != line.postingType.code
                || !NameHash.same(entry.pattern[offset].1, line.account)
            {
                same = false
                break
            }
            if same { return entry.set }
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
        recent.append((lines.map { ($0.postingType.code, $0.account) }, set))
        return set
    }
}
