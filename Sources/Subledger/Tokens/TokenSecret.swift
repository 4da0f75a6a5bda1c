// A token's secret: 32 bytes from the operating system's random source, written `sl_` and 43 base64url
// characters (no padding). Only its SHA-256 is stored (DR-26). `hash(bearer:)` accepts exactly that shape
// and nothing else, so malformed input is turned away before anything is looked up.

internal import SubledgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum TokenSecret {
    static let prefix = "sl_"
    static let byteCount = 32
    /// 32 bytes in base64url without padding.
    static let encodedCount = 43
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// A fresh secret, as it is shown to its owner once.
    static func generate() throws -> String {
        prefix + encode(try randomBytes(byteCount))
    }

    /// The SHA-256 of a bearer secret of the right shape, or nil for anything else.
    static func hash(bearer: String) -> SHA256.Digest? {
        var text = bearer
        return text.withUTF8 { bytes -> SHA256.Digest? in
            guard bytes.count == prefix.utf8.count + encodedCount, bytes.starts(with: prefix.utf8) else { return nil }
            for byte in bytes.dropFirst(prefix.utf8.count) where !isAlphabet(byte) { return nil }
            var hasher = SHA256()
            hasher.update(UnsafeRawBufferPointer(bytes))
            return hasher.finalize()
        }
    }

    static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default: return false
        }
    }

    /// base64url without padding (RFC 4648, section 5).
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0...count { out.append(alphabet[Int((group >> (18 - 6 * UInt32(position))) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` bytes from /dev/urandom (the kernel's CSPRNG, which getrandom(2) also reads; Glibc's module
    /// does not export getrandom to Swift). A short read is continued; an interrupted one retried.
    static func randomBytes(_ count: Int) throws -> [UInt8] {
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw randomError() }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, count - filled) }
            if got > 0 {
                filled += got
            } else if got < 0 && errno == EINTR {
                continue
            } else {
                throw randomError()
            }
        }
        return bytes
    }

    static func randomError() -> LedgerError {
        .storage("cannot read random bytes from /dev/urandom: \(String(cString: strerror(errno)))")
    }
}
