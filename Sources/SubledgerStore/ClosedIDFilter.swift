// The ids of the closed transactions as a Bloom filter (DR-52): an import asks for each of its ids whether a
// close moved a transaction of that id to `history_transactions` (an id is unique across the whole
// history); a lookup in that table's id index grows with the history, a filter probe does not. "No" is
// certain, "maybe" is checked with the lookup, so a false positive costs one lookup and never an answer.
//
// Blocked: an id's bits all lie in one 64-byte block (one cache line), so a probe costs one memory miss
// per segment. A filter cannot grow in place (the ids it was built from are gone), so it grows by
// segments (a scalable Bloom filter): when one is full, the next one holds twice what all before it did,
// and a probe asks each (three segments for twelve months of a million transactions each).
// Hashes are FNV-1a over the id's UTF-8 bytes (SQLite compares ids as bytes too), mixed twice: stable
// across runs and platforms, unlike the standard library's seeded `Hasher`.

public struct ClosedIDFilter: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        /// How many ids it is sized for (at `bitsPerID` bits each); once full, ids go to a new segment.
        public internal(set) var capacity: Int
        public internal(set) var count: Int
        /// The bits, `wordsPerBlock` words a block.
        public internal(set) var words: [UInt64]

        init(capacity: Int) {
            let blocks = max(1, (capacity * ClosedIDFilter.bitsPerID + 511) / 512)
            self.capacity = capacity
            count = 0
            words = Array(repeating: 0, count: blocks * ClosedIDFilter.wordsPerBlock)
        }

        /// A stored segment; nil when the words do not make whole blocks.
        public init?(capacity: Int, count: Int, words: [UInt64]) {
            guard capacity > 0, count >= 0, !words.isEmpty, words.count % ClosedIDFilter.wordsPerBlock == 0 else {
                return nil
            }
            self.capacity = capacity
            self.count = count
            self.words = words
        }

        func mayContain(_ hash: (UInt64, UInt64)) -> Bool {
            let base = block(hash.0)
            var bits = hash.1
            for _ in 0..<ClosedIDFilter.bitsPerIDSet {
                let bit = Int(bits & 511)
                if words[base + (bit >> 6)] & (1 << UInt64(bit & 63)) == 0 { return false }
                bits >>= 9
            }
            return true
        }

        mutating func insert(_ hash: (UInt64, UInt64)) {
            let base = block(hash.0)
            var bits = hash.1
            for _ in 0..<ClosedIDFilter.bitsPerIDSet {
                let bit = Int(bits & 511)
                words[base + (bit >> 6)] |= 1 << UInt64(bit & 63)
                bits >>= 9
            }
            count += 1
        }

        /// The first word of the block of an id: the hash scaled to the block count (no modulo bias).
        private func block(_ hash: UInt64) -> Int {
            let blocks = UInt64(words.count / ClosedIDFilter.wordsPerBlock)
            return Int(hash.multipliedFullWidth(by: blocks).high) * ClosedIDFilter.wordsPerBlock
        }
    }

    /// 12 bits an id and 7 of them set: about 1% of the ids a full segment does not hold answer "maybe".
    static let bitsPerID = 12
    static let bitsPerIDSet = 7
    static let wordsPerBlock = 8
    /// The smallest segment: a small ledger's filter stays a few kilobytes.
    static let smallestSegment = 1 << 14

    public private(set) var segments: [Segment]

    public init(segments: [Segment] = []) { self.segments = segments }

    /// How many ids were added (an id added twice counts twice).
    public var count: Int { segments.reduce(0) { $0 + $1.count } }

    /// False when `id` was certainly never added; true when it may have been.
    public func mayContain(_ id: String) -> Bool {
        let hash = Self.hash(id)
        return segments.contains { $0.mayContain(hash) }
    }

    /// Adds `id`; `expected` (how many more ids are coming, this one included) sizes a new segment.
    public mutating func insert(_ id: String, expected: Int = 1) {
        if segments.last.map({ $0.count >= $0.capacity }) ?? true {
            let held = segments.reduce(0) { $0 + $1.capacity }
            segments.append(Segment(capacity: max(Self.smallestSegment, 2 * held, 2 * expected)))
        }
        segments[segments.count - 1].insert(Self.hash(id))
    }

    /// The segments changed since `before` (the filter as stored): their indexes.
    public func changedSegments(since before: ClosedIDFilter) -> [Int] {
        segments.indices.filter { $0 >= before.segments.count || segments[$0] != before.segments[$0] }
    }

    static func hash(_ id: String) -> (UInt64, UInt64) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let first = mix(hash)
        return (first, mix(first ^ 0x9E37_79B9_7F4A_7C15))
    }

    /// SplitMix64's finalizer: FNV-1a's low bits alone spread short ids poorly.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
