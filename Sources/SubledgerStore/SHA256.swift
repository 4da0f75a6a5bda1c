// SHA-256 (FIPS 180-4) for the hash chain, snapshot checksums and state digests, computed by the system
// libcrypto (CLibCrypto; DR-23): its compression uses the CPU's SHA instructions where there are any and
// its own portable code elsewhere, and on this project's machines it hashed a chained event in about half
// the time of the in-house SHA-NI code it replaced. The hasher is a value: the C context is held inline,
// so hashing an event allocates nothing.

internal import CLibCrypto

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
            // Four word compares: the words' memory is the digest bytes, so loading the stored bytes the
            // same way gives equal words exactly when the bytes are equal.
            return bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self) == words.0
                && bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == words.1
                && bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self) == words.2
                && bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self) == words.3
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

    /// libcrypto's context, inline (about 112 bytes): the running state and the partial block.
    private var context = SHA256_CTX()

    public init() {
        // Returns 1 always: the context is caller-owned memory, nothing can fail.
        _ = SHA256_Init(&context)
    }

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
        guard let source = input.baseAddress, input.count > 0 else { return }
        _ = SHA256_Update(&context, source, input.count)
    }

    /// Pads, compresses the last block(s) and returns the digest; the hasher is spent afterwards.
    public mutating func finalize() -> Digest {
        var digest = Digest.zero
        withUnsafeMutableBytes(of: &digest.words) { bytes in
            _ = SHA256_Final(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        return digest
    }
}
