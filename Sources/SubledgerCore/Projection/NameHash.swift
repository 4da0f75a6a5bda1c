/// The hash of the names the fold looks up on every event (transaction ids, items, a pool's item and
/// site), for the hash tables the projection owns (DR-54).
///
/// Why not `String`'s own hash: it feeds a `Hasher` byte by byte, about 290 instructions for a short name,
/// and a replay of a closed ledger hashed three to four names an event. Here a name of up to 15 ASCII bytes
/// (nearly all ids) is fed to the `Hasher` as the two words the String keeps it in; longer names as their
/// length and bytes.
///
/// Still through `Hasher` (SipHash-1-3 with a key drawn at random per process), and the table's seed is
/// mixed into the input: a name's hash cannot be predicted from outside, so an import file of crafted ids
/// cannot make the tables probe quadratically (hash flooding; an unkeyed multiply let two chosen ids
/// collide in every table of every process, DR-54 "Revised").
///
/// Equal strings must hash equally, and `String`'s `==` is canonical equivalence: "\u{212A}" (Kelvin sign)
/// equals "K". An ASCII string is its own normal form (NFC); any other string is hashed over its NFC bytes
/// (rare, and slower), and every path feeds the same bytes the same way, so equal strings hash equally
/// whatever their representation (`NameHashTests` checks small, native, bridged-like and non-ASCII ones).
enum NameHash {
    /// The hash of `name` for a table whose per-instance seed is `seed` (so copying one table into another
    /// does not cluster).
    @inline(__always)
    static func hash(_ name: String, seed: Int) -> Int {
        var hasher = Hasher()
        feed(name, into: &hasher, seed: UInt64(UInt(bitPattern: seed)))
        return hasher.finalize()
    }

    /// The hash of a name given as the words `SmallName.words` reads (what `hash(_:seed:)` computes for a
    /// small ASCII name; tests compare it with the multiply it replaced).
    static func hash(words: (UInt64, UInt64), seed: Int) -> Int {
        var hasher = Hasher()
        hasher.combine(words.0 ^ UInt64(UInt(bitPattern: seed)))
        hasher.combine(words.1)
        return hasher.finalize()
    }

    /// Feeds `name` to `hasher`, `seed` xor-ed into its first word. A small name is two words, the first
    /// with its top bit clear (ASCII bytes); any other is its length with the top bit set, then its bytes:
    /// so a sequence of names is fed unambiguously (two different pairs of names never feed the same
    /// bytes), and xor-ing a fixed seed keeps that (it is a bijection of the first word).
    @inline(__always)
    static func feed(_ name: String, into hasher: inout Hasher, seed: UInt64 = 0) {
        if let words = SmallName.words(name) {
            hasher.combine(words.0 ^ seed)
            hasher.combine(words.1)
        } else {
            slowFeed(name, into: &hasher, seed: seed)
        }
    }

    @inline(never)
    static func slowFeed(_ name: String, into hasher: inout Hasher, seed: UInt64) {
        var name = name
        let fed = name.withUTF8 { bytes in
            guard isASCII(bytes) else { return false }
            feed(bytes: UnsafeRawBufferPointer(bytes), into: &hasher, seed: seed)
            return true
        }
        if fed { return }
        name._nfcCodeUnits.withUnsafeBytes { feed(bytes: $0, into: &hasher, seed: seed) }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var bits: UInt8 = 0
        for byte in bytes { bits |= byte }
        return bits & 0x80 == 0
    }

    /// Up to 15 ASCII bytes are packed as a small String packs them (`SmallName.pack`) and fed as that
    /// pair of words; anything else as its length (top bit set) and its bytes.
    static func feed(bytes: UnsafeRawBufferPointer, into hasher: inout Hasher, seed: UInt64) {
        if let words = SmallName.pack(bytes) {
            hasher.combine(words.0 ^ seed)
            hasher.combine(words.1)
        } else {
            hasher.combine((UInt64(bytes.count) | 1 << 63) ^ seed)
            hasher.combine(bytes: bytes)
        }
    }

    /// Whether two names are equal, answered from their words when both are small ASCII strings (whose
    /// words are their bytes: equal exactly when the bytes are), else by `==`.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        let x = SmallName.words(a), y = SmallName.words(b)
        if let x, let y { return x.0 == y.0 && x.1 == y.1 }
        return a == b
    }
}

/// The two words of a small ASCII String, read without a call.
///
/// A String of up to 15 UTF-8 bytes is stored inline in its two words: the bytes little-endian from the
/// first word's low byte, and in the top byte of the second a discriminator (0xE0 for small ASCII) with
/// the count in its low nibble. That layout is the standard library's (the same on every 64-bit platform
/// Swift runs on), not a public contract, so it is checked against strings the standard library made
/// (`layoutHolds`), once per process before the first name is read (`readsWords`): where it does not
/// hold, every name takes the byte path (`words` is nil), slower but the same hashes and answers.
enum SmallName {
    /// Whether names are read from their words: 0 not settled yet, 1 yes, 2 no (the layout does not hold,
    /// or a test turned it off). A plain statically initialized byte, not a lazy `static let`: reading one
    /// of those per name cost a `swift_once` call, more than the hash. It goes from 0 to 1 or 2 once; threads
    /// settling it at the same moment write the same value, and a name hashes the same whichever path it
    /// takes, so a thread that still sees 0 only settles it again.
    @exclusivity(unchecked) nonisolated(unsafe) static var mode: UInt8 = 0

    @inline(__always)
    static var readsWords: Bool {
        let current = mode
        if _fastPath(current == 1) { return true }
        return current == 0 ? settleMode() : false
    }

    @inline(never)
    static func settleMode() -> Bool {
        let holds = layoutHolds
        mode = holds ? 1 : 2
        return holds
    }

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
        guard readsWords, let raw = rawWords(name), raw.1 >> 60 == 0xE else { return nil }
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

    func hash(into hasher: inout Hasher) { NameHash.feed(name, into: &hasher) }

    // What `Dictionary` calls: the table's seed mixed in, one `Hasher` of two words for a small name.
    func _rawHashValue(seed: Int) -> Int { NameHash.hash(name, seed: seed) }
}
