// SHA-256 (FIPS 180-4), written here so the hash chain needs no crypto dependency on Linux.
// Built for the append hot path: the hasher is a value with its state and its 64-byte partial block
// held inline (no heap), whole blocks are compressed straight from the caller's bytes, and the message
// schedule lives in one stack buffer per `update` call, never per block. Where the CPU has the x86 SHA
// extensions, blocks are compressed by them (CSHA256), with the same digests.

import CSHA256

public struct SHA256 {
    /// A 32-byte digest held inline; its memory is the digest bytes in order.
    public struct Digest: Sendable, Equatable, Hashable, CustomStringConvertible {
        // Four big-endian words; on any host the in-memory bytes are the digest bytes.
        var words: (UInt64, UInt64, UInt64, UInt64)

        /// 32 zero bytes: the "previous hash" of the first event.
        public static let zero = Digest(words: (0, 0, 0, 0))

        init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

        /// Exactly 32 bytes, or nil.
        public init?(bytes: UnsafeRawBufferPointer) {
            guard bytes.count == 32 else { return nil }
            words = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        }

        public init?(_ bytes: [UInt8]) {
            guard let digest = bytes.withUnsafeBytes({ Digest(bytes: $0) }) else { return nil }
            self = digest
        }

        public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try Swift.withUnsafeBytes(of: words, body)
        }

        public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

        /// Compares with 32 stored bytes without copying them.
        public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard bytes.count == 32 else { return false }
            return withUnsafeBytes { $0.elementsEqual(bytes) }
        }

        public static func == (lhs: Digest, rhs: Digest) -> Bool {
            lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
                && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
        }

        /// Lowercase hex.
        public var description: String {
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            text.reserveCapacity(64)
            withUnsafeBytes {
                for byte in $0 { text.append(digits[Int(byte >> 4)]); text.append(digits[Int(byte & 15)]) }
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    struct State {
        var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
        var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
    }

    var state = State()
    /// Partial block (64 bytes inline) and how many of its bytes are filled.
    var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    var blockFill = 0
    /// Message length so far, in bytes.
    var length: UInt64 = 0

    public init() {}

    /// One-shot hash of a byte array.
    public static func hash(_ bytes: [UInt8]) -> Digest {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds an integer's bytes in big-endian order.
    @inline(__always)
    public mutating func update<T: FixedWidthInteger>(bigEndian value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { update($0) }
    }

    public mutating func update(_ input: UnsafeRawBufferPointer) {
        guard var source = input.baseAddress, input.count > 0 else { return }
        var remaining = input.count
        length &+= UInt64(remaining)

        if blockFill > 0 || remaining < 64 {
            let take = min(64 - blockFill, remaining)
            let offset = blockFill
            withUnsafeMutableBytes(of: &block) { ($0.baseAddress! + offset).copyMemory(from: source, byteCount: take) }
            blockFill += take
            source += take
            remaining -= take
            guard blockFill == 64 else { return }
            let full = block
            Swift.withUnsafeBytes(of: full) { SHA256.compress(&state, $0.baseAddress!, blocks: 1) }
            blockFill = 0
        }
        let wholeBlocks = remaining / 64
        if wholeBlocks > 0 {
            SHA256.compress(&state, UnsafeRawPointer(source), blocks: wholeBlocks)
            source += wholeBlocks * 64
            remaining -= wholeBlocks * 64
        }
        if remaining > 0 {
            withUnsafeMutableBytes(of: &block) { $0.baseAddress!.copyMemory(from: source, byteCount: remaining) }
            blockFill = remaining
        }
    }

    /// Pads, compresses the last block(s) and returns the digest.
    public mutating func finalize() -> Digest {
        let bitLength = length &* 8
        var last = block
        var fill = blockFill
        var state = self.state
        withUnsafeMutableBytes(of: &last) { bytes in
            bytes[fill] = 0x80
            fill += 1
            let base = bytes.baseAddress!
            if fill > 56 {
                (base + fill).initializeMemory(as: UInt8.self, repeating: 0, count: 64 - fill)
                SHA256.compress(&state, UnsafeRawPointer(base), blocks: 1)
                fill = 0
            }
            (base + fill).initializeMemory(as: UInt8.self, repeating: 0, count: 56 - fill)
            bytes.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
            SHA256.compress(&state, UnsafeRawPointer(base), blocks: 1)
        }
        self.state = state
        func pair(_ high: UInt32, _ low: UInt32) -> UInt64 { (UInt64(high) << 32 | UInt64(low)).bigEndian }
        return Digest(
            words: (
                pair(state.h0, state.h1), pair(state.h2, state.h3),
                pair(state.h4, state.h5), pair(state.h6, state.h7)
            ))
    }

    @inline(__always)
    static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// One round: `d` gains T1, `h` becomes T1 + T2 (FIPS 180-4, 6.2.2 step 3, with the renaming folded away).
    @inline(__always)
    static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ constantPlusWord: UInt32
    ) {
        let sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let choice = g ^ (e & (f ^ g))
        let t1 = h &+ sum1 &+ choice &+ constantPlusWord
        let sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let majority = (a & b) ^ (c & (a ^ b))
        d = d &+ t1
        h = t1 &+ sum0 &+ majority
    }

    /// Whether the CPU's SHA instructions compress (CSHA256): several times faster than the portable
    /// code below, which stays for CPUs without them. Read once.
    static let hasHardwareCompression = csha256_available() == 1

    /// Compresses `blocks` consecutive 64-byte blocks starting at `source` (any alignment).
    static func compress(_ state: inout State, _ source: UnsafeRawPointer, blocks: Int) {
        if hasHardwareCompression {
            // A tuple of eight words: laid out in order, unlike the fields of a struct.
            var words = (state.h0, state.h1, state.h2, state.h3, state.h4, state.h5, state.h6, state.h7)
            withUnsafeMutablePointer(to: &words) { pointer in
                pointer.withMemoryRebound(to: UInt32.self, capacity: 8) {
                    csha256_compress($0, source.assumingMemoryBound(to: UInt8.self), blocks)
                }
            }
            state = State(
                h0: words.0, h1: words.1, h2: words.2, h3: words.3,
                h4: words.4, h5: words.5, h6: words.6, h7: words.7)
            return
        }
        portableCompress(&state, source, blocks: blocks)
    }

    /// The FIPS 180-4 compression in Swift.
    static func portableCompress(_ state: inout State, _ source: UnsafeRawPointer, blocks: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            roundConstants.withUnsafeBufferPointer { k in
                var h0 = state.h0, h1 = state.h1, h2 = state.h2, h3 = state.h3
                var h4 = state.h4, h5 = state.h5, h6 = state.h6, h7 = state.h7
                for blockIndex in 0..<blocks {
                    let base = source + blockIndex &* 64
                    for i in 0..<16 {
                        w[i] = base.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self).bigEndian
                    }
                    for i in 16..<64 {
                        let x = w[i &- 15], y = w[i &- 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                        w[i] = w[i &- 16] &+ s0 &+ w[i &- 7] &+ s1
                    }
                    var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                    // Eight rounds per iteration with the roles rotated through the variables, instead of
                    // shifting eight values every round.
                    var i = 0
                    while i < 64 {
                        round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                        round(h, a, b, &c, d, e, f, &g, k[i &+ 1] &+ w[i &+ 1])
                        round(g, h, a, &b, c, d, e, &f, k[i &+ 2] &+ w[i &+ 2])
                        round(f, g, h, &a, b, c, d, &e, k[i &+ 3] &+ w[i &+ 3])
                        round(e, f, g, &h, a, b, c, &d, k[i &+ 4] &+ w[i &+ 4])
                        round(d, e, f, &g, h, a, b, &c, k[i &+ 5] &+ w[i &+ 5])
                        round(c, d, e, &f, g, h, a, &b, k[i &+ 6] &+ w[i &+ 6])
                        round(b, c, d, &e, f, g, h, &a, k[i &+ 7] &+ w[i &+ 7])
                        i &+= 8
                    }
                    h0 = h0 &+ a; h1 = h1 &+ b; h2 = h2 &+ c; h3 = h3 &+ d
                    h4 = h4 &+ e; h5 = h5 &+ f; h6 = h6 &+ g; h7 = h7 &+ h
                }
                state = State(h0: h0, h1: h1, h2: h2, h3: h3, h4: h4, h5: h5, h6: h6, h7: h7)
            }
        }
    }
}

private let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
]
