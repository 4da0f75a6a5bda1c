import Testing

@testable import SubledgerCore

/// A varint reads the same whether it ends the payload (the checked loop) or ten or more bytes follow it
/// (the loop without a bound per byte), and a bad one is the same error at the same offset either way.
struct PayloadVarintTests {
    /// The first int of `bytes`, and where the reader stood after it.
    static func read(_ bytes: [UInt8]) -> Result<(Int64, Int), PayloadDecodingError> {
        bytes.withUnsafeBytes { buffer in
            var r = PayloadReader(buffer)
            do throws(PayloadDecodingError) {
                let value = try r.int()
                return .success((value, r.position))
            } catch { return .failure(error) }
        }
    }

    static let padding = [UInt8](repeating: 0, count: 12)

    @Test func everyLengthReadsTheSameAtTheEndAndBeforeMoreBytes() {
        var values: [Int64] = [0, 1, -1, 63, -64, 64, -65, .max, .min, .max - 1, .min + 1]
        for shift in stride(from: 6, to: 63, by: 7) {
            values += [1 << shift, -(1 << shift), (1 << shift) - 1, -(1 << shift) - 1]
        }
        for value in values {
            var w = PayloadWriter()
            w.int(value)
            for bytes in [w.bytes, w.bytes + Self.padding] {
                guard case .success(let (read, position)) = Self.read(bytes) else {
                    Issue.record("\(value) did not decode from \(bytes)"); continue
                }
                #expect(read == value && position == w.bytes.count)
            }
        }
    }

    @Test func aLongOrCutVarintIsTheSameErrorEitherWay() {
        let tooLong = [UInt8](repeating: 0x80, count: 10) + [0x01]
        let cut = [UInt8](repeating: 0xFF, count: 4)
        let cases: [([UInt8], [UInt8], String, Int)] = [
            (tooLong, [], "varint too long", 11), (tooLong, Self.padding, "varint too long", 11),
            (cut, [], "unexpected end", 4),
            ([UInt8](repeating: 0x80, count: 10), [], "unexpected end", 10),
        ]
        for (bytes, after, message, offset) in cases {
            guard case .failure(let error) = Self.read(bytes + after) else {
                Issue.record("\(bytes) decoded"); continue
            }
            #expect(error.message == message && error.offset == offset, "\(bytes) + \(after.count): \(error)")
        }
    }
}
