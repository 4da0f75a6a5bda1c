/// The short strings a long decode meets again and again (item ids, accounts, sites), each made once.
/// Replay decodes a million payloads, and making every String from its bytes (the UTF-8 check, then the
/// string) was a tenth of its fold thread although most of them are a few hundred distinct values.
///
/// A fixed table of the strings of up to 15 bytes last seen, by their bytes: such a String keeps its
/// bytes inline (no allocation), so the table holds no memory beyond its slots (and one event's lines
/// buffer), and a hit costs the packing of the bytes into two words and two compares. A miss makes the
/// String as `PayloadReader` otherwise would (same bytes, same String: invalid UTF-8 is repaired the same
/// way) and takes the slot.
/// Not thread-safe: one per decoding thread.
public final class StringTable {
    private static let slotBits = 12
    private static let slots = 1 << slotBits
    /// Two words per slot: the bytes, little-endian, and the length in the top byte of the second. No
    /// string of 15 bytes or fewer packs to the all-ones second word an empty slot holds.
    private let keys: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<String>
    /// The voucher lines `PayloadReader.lines()` fills for each event it decodes with this table.
    let lines: UnsafeMutablePointer<[VoucherLine]>

    public init() {
        keys = .allocate(capacity: 2 * Self.slots)
        keys.initialize(repeating: ~0, count: 2 * Self.slots)
        values = .allocate(capacity: Self.slots)
        values.initialize(repeating: "", count: Self.slots)
        lines = .allocate(capacity: 1)
        lines.initialize(to: [])
    }

    deinit {
        keys.deallocate()
        values.deinitialize(count: Self.slots)
        values.deallocate()
        lines.deinitialize(count: 1)
        lines.deallocate()
    }

    /// The String of `bytes` (as `String(decoding:as: UTF8.self)` makes it).
    @inline(__always)
    public func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = bytes.count
        guard count <= 15, let base = bytes.baseAddress else { return String(decoding: bytes, as: UTF8.self) }
        var low: UInt64 = 0
        var high = UInt64(count) << 56
        for index in 0..<min(count, 8) {
            low |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << (8 &* UInt64(index))
        }
        for index in min(count, 8)..<count {
            high |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << (8 &* UInt64(index &- 8))
        }
        let mixed = (low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD
        let slot = Int(truncatingIfNeeded: mixed >> UInt64(64 - Self.slotBits))
        if keys[2 &* slot] == low && keys[2 &* slot &+ 1] == high { return values[slot] }
        let string = String(decoding: bytes, as: UTF8.self)
        keys[2 &* slot] = low
        keys[2 &* slot &+ 1] = high
        values[slot] = string
        return string
    }
}
