/// A cheaper hash of the names the fold looks up on every event (transaction ids, items, a pool's item and
/// site), for the hash tables the projection owns (DR-54).
///
/// Why: `String`'s own hash runs SipHash-1-3 through a `Hasher` (seed, a byte-wise combine, finalize), about
/// 290 instructions for a short name, and a replay of a closed ledger hashed three to four names an event (a
/// sixth of its fold thread). Names of up to 15 ASCII bytes (nearly all ids) are hashed from the two words
/// the String keeps them in, two multiplies; longer names from their bytes, eight at a time.
///
/// Equal strings must hash equally, and `String`'s `==` is canonical equivalence: "\u{212A}" (Kelvin sign)
/// equals "K". An ASCII string is its own normal form (NFC); any other string is hashed over its NFC bytes
/// (rare, and slower), and every path packs the same bytes the same way, so equal strings hash equally
/// whatever their representation (`NameHashTests` checks small, native, bridged-like and non-ASCII ones).
enum NameHash {
    /// The hash of `name` with the table's per-instance seed mixed in (so copying one table into another
    /// does not cluster).
    @inline(__always)
    static func hash(_ name: String, seed: Int) -> Int {
        Int(truncatingIfNeeded: mix(contentHash(name) ^ UInt64(UInt(bitPattern: seed))))
    }

    /// Two names in one hash (a pool's item and site).
    @inline(__always)
    static func hash(_ first: String, _ second: String, seed: Int) -> Int {
        let combined = contentHash(first) &* 0x9E37_79B9_7F4A_7C15 ^ contentHash(second)
        return Int(truncatingIfNeeded: mix(combined ^ UInt64(UInt(bitPattern: seed))))
    }

    /// Whether two names are equal, answered from their words when both are small ASCII strings (whose
    /// words are their bytes: equal exactly when the bytes are), else by `==`.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        let x = SmallName.words(a), y = SmallName.words(b)
        if let x, let y { return x.0 == y.0 && x.1 == y.1 }
        return a == b
    }

    /// A hash of the content alone (no seed), the same for every representation of equal strings.
    @inline(__always)
    static func contentHash(_ name: String) -> UInt64 {
        if let words = SmallName.words(name) { return pair(words.0, words.1) }
        return slowContentHash(name)
    }

    @inline(never)
    static func slowContentHash(_ name: String) -> UInt64 {
        var name = name
        if let hash = name.withUTF8({ isASCII($0) ? bytesHash(UnsafeRawBufferPointer($0)) : nil }) { return hash }
        return name._nfcCodeUnits.withUnsafeBytes { bytesHash($0) }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var bits: UInt8 = 0
        for byte in bytes { bits |= byte }
        return bits & 0x80 == 0
    }

    /// Up to 15 ASCII bytes are packed as a small String packs them (`SmallName.pack`) and hashed as a
    /// pair of words; anything else eight bytes at a time, the length first.
    static func bytesHash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        if let words = SmallName.pack(bytes) { return pair(words.0, words.1) }
        var state = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        var offset = 0
        while offset &+ 8 <= bytes.count {
            state = (state ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            state ^= state >> 29
            offset &+= 8
        }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            word |= UInt64(bytes[offset]) << shift
            shift &+= 8
            offset &+= 1
        }
        return (state ^ word) &* 0xBF58_476D_1CE4_E5B9 ^ 0x5851_F42D_4C95_7F2D
    }

    @inline(__always)
    static func pair(_ low: UInt64, _ high: UInt64) -> UInt64 {
        (low &* 0xBF58_476D_1CE4_E5B9) ^ (high &* 0x94D0_49BB_1331_11EB)
    }

    /// The finalizer of SplitMix64: every input bit reaches the low bits a table masks its buckets by.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The two words of a small ASCII String, read without a call.
///
/// A String of up to 15 UTF-8 bytes is stored inline in its two words: the bytes little-endian from the
/// first word's low byte, and in the top byte of the second a discriminator (0xE0 for small ASCII) with
/// the count in its low nibble. That layout is the standard library's (the same on every 64-bit platform
/// Swift runs on), not a public contract, so it is checked against strings the standard library made
/// (`layoutHolds`): by `NameHashTests`, and once per process by `LedgerState.init`, which stops rather than
/// fold with hashes that would not match. Checking it per name cost a `swift_once` call each, more than
/// the hash.
enum SmallName {
    static let layoutHolds: Bool = {
        let probes = ["", "A", "abc", "01234567", "0123456789abcde"]
        for probe in probes {
            var copy = probe
            let packed = copy.withUTF8 { pack(UnsafeRawBufferPointer($0)) }
            guard let packed, let read = rawWords(probe), read.0 == packed.0, read.1 == packed.1 | 0xE0 << 56
            else { return false }
        }
        // Neither a long nor a non-ASCII string may pass for a small ASCII one.
        let long = rawWords("0123456789abcdef").map { $0.1 >> 60 != 0xE } ?? true
        let accented = rawWords("é").map { $0.1 >> 60 != 0xE } ?? true
        return long && accented
    }()

    @inline(__always)
    static func rawWords(_ name: String) -> (UInt64, UInt64)? {
        guard MemoryLayout<String>.size == 16 else { return nil }
        return unsafeBitCast(name, to: (UInt64, UInt64).self)
    }

    /// The words of `name` with the discriminator's flags cleared (the count stays), when it is a small
    /// ASCII string and the layout holds; else nil.
    @inline(__always)
    static func words(_ name: String) -> (UInt64, UInt64)? {
        guard let raw = rawWords(name), raw.1 >> 60 == 0xE else { return nil }
        return (raw.0, raw.1 & 0x0FFF_FFFF_FFFF_FFFF)
    }

    /// Up to 15 ASCII bytes as `words` gives them for the small String of those bytes; nil otherwise.
    static func pack(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        guard bytes.count <= 15 else { return nil }
        var low: UInt64 = 0
        var high = UInt64(bytes.count) << 56
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x80 else { return nil }
            if index < 8 {
                low |= UInt64(byte) << (8 &* UInt64(index))
            } else {
                high |= UInt64(byte) << (8 &* UInt64(index &- 8))
            }
        }
        return (low, high)
    }
}

/// A name (a transaction id, an item id) as the key of a hash table the fold probes per event or per record:
/// the same `==` as the String, hashed by `NameHash`.
struct NameKey: Hashable, Sendable {
    let name: String

    init(_ name: String) { self.name = name }

    static func == (lhs: NameKey, rhs: NameKey) -> Bool { NameHash.same(lhs.name, rhs.name) }

    func hash(into hasher: inout Hasher) { hasher.combine(NameHash.contentHash(name)) }

    // What `Dictionary` calls: no `Hasher` at all.
    func _rawHashValue(seed: Int) -> Int { NameHash.hash(name, seed: seed) }
}
