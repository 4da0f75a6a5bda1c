// SHA-256 against the NIST FIPS 180-2 example vectors, plus streaming in uneven chunks, since the
// append path feeds the hasher many small pieces per event.

import Testing

@testable import SubledgerStore

@Suite struct SHA256Tests {
    static let vectors: [(String, String)] = [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test func nistVectors() {
        for (message, expected) in Self.vectors {
            #expect(SHA256.hash(Array(message.utf8)).description == expected, "message: \(message)")
        }
    }

    @Test func oneMillionA() {
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hash(million).description == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func unevenChunksMatchOneShot() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let expected = SHA256.hash(message)
        for chunk in [1, 3, 55, 56, 63, 64, 65, 127, 128, 999] {
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + chunk, message.count)
                hasher.update(Array(message[start..<end]))
                start = end
            }
            #expect(hasher.finalize() == expected, "chunk \(chunk)")
        }
        // Padding edges: lengths around the 55/56/64-byte boundaries.
        for length in 54...66 {
            let bytes = [UInt8](repeating: 0x61, count: length)
            var hasher = SHA256()
            for byte in bytes { hasher.update([byte]) }
            #expect(hasher.finalize() == SHA256.hash(bytes), "length \(length)")
        }
    }

    @Test func digestBytesRoundTrip() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(digest.bytes.count == 32)
        #expect(SHA256.Digest(digest.bytes) == digest)
        #expect(SHA256.Digest([1, 2, 3]) == nil)
        #expect(SHA256.Digest.zero.bytes == [UInt8](repeating: 0, count: 32))
    }
}
