import Testing

@testable import SubledgerCore

/// The writer stores fields through a pointer into a buffer longer than what is written, and writes a
/// small ASCII string from its two words (DR-68). Its bytes must be the storage contract's whatever the
/// path: a zig-zag varint, then for a string its UTF-8 length as a varint and its bytes.
struct PayloadWriterTests {
    /// The contract written out plainly, byte by byte.
    static func varint(_ value: Int64) -> [UInt8] {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var out: [UInt8] = []
        while zigzag >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        return out + [UInt8(zigzag)]
    }

    /// Values of every varint length, both signs.
    static func spread(_ index: Int) -> Int64 { Int64(index) &* Int64(bitPattern: 0x9E37_79B9_7F4A_7C15) }

    static func expected(_ value: String) -> [UInt8] { varint(Int64(value.utf8.count)) + Array(value.utf8) }

    /// Small and native, ASCII and not, every length around the small form's 15 bytes, a name whose bytes
    /// are all 0x7F, and one that equals an ASCII name canonically but is not ASCII.
    static let names: [String] = {
        var names = ["", "A", "I446", "R000123", "0123456789abcde", "0123456789abcdef", "\u{7F}\u{7F}\u{7F}"]
        names += (0...40).map { String(repeating: "x", count: $0) }
        names += (0...20).map { String(repeating: "é", count: $0) }
        names += ["\u{212A}", "K", "site-ÅÄÖ", String(repeating: "long account name ", count: 8)]
        // A native (heap) string of few bytes: the prefix of a long one, made into its own String.
        names.append(String(String(repeating: "n", count: 40).prefix(5)))
        return names
    }()

    @Test func stringsAreTheirLengthThenTheirBytesAtEveryOffset() {
        for name in Self.names {
            for offset in 0..<40 {
                var w = PayloadWriter(capacity: 1)
                for _ in 0..<offset { w.byte(0xAB) }
                w.string(name)
                w.byte(0xCD)
                let want = [UInt8](repeating: 0xAB, count: offset) + Self.expected(name) + [0xCD]
                #expect(w.bytes == want, "\(name.debugDescription) at \(offset)")
                #expect(w.count == want.count)
            }
        }
    }

    @Test func theWordPathWritesWhatTheGeneralPathWrites() {
        func written() -> [UInt8] {
            var w = PayloadWriter()
            for name in Self.names { w.string(name) }
            return w.take()
        }
        let fast = written()
        let before = SmallName.mode
        SmallName.mode = 2
        defer { SmallName.mode = before }
        #expect(written() == fast)
    }

    @Test func manyFieldsGrowTheBufferAndReadBack() {
        var w = PayloadWriter(capacity: 0)
        var want: [UInt8] = []
        for index in 0..<5_000 {
            let value = Self.spread(index)
            w.int(value)
            want += Self.varint(value)
            let name = Self.names[index % Self.names.count]
            w.string(name)
            want += Self.expected(name)
            w.bool(index % 2 == 0)
            want.append(index % 2 == 0 ? 1 : 0)
        }
        #expect(w.bytes == want)
        w.withBytes { #expect(Array($0) == want) }
        let read = want.withUnsafeBytes { raw -> Bool in
            var r = PayloadReader(raw)
            do throws(PayloadDecodingError) {
                for index in 0..<5_000 {
                    guard try r.int() == Self.spread(index),
                        try r.string() == Self.names[index % Self.names.count],
                        try r.bool() == (index % 2 == 0)
                    else { return false }
                }
                return r.isAtEnd
            } catch { return false }
        }
        #expect(read)
    }

    @Test func takeHandsTheBytesOverAndLeavesTheWriterEmpty() {
        var w = PayloadWriter()
        w.string("R000001")
        w.int(-1)
        let taken = w.take()
        #expect(taken == Self.expected("R000001") + [1])
        #expect(w.count == 0 && w.bytes.isEmpty)
        w.string("after")
        #expect(w.take() == Self.expected("after"))
        w.int(300)
        w.removeAll()
        w.byte(7)
        #expect(w.bytes == [7])
        #expect(taken == Self.expected("R000001") + [1])
    }
}
