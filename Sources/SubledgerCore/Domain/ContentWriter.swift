// Where a command's canonical content (CommandContent.swift) is written. `PayloadWriter` appends it to an
// array; `ContentBytes` writes it into memory the caller holds, so hashing a command's content costs no
// array growth, no uniqueness check per byte and no second buffer (DR-70). Both write the same bytes from
// the same field list: zig-zag LEB128 integers, a byte per flag or code, strings as a varint count then
// their UTF-8.

/// The three encodings the content is made of; the rest is built from them below.
protocol ContentWriter {
    mutating func byte(_ value: UInt8)
    mutating func int(_ value: Int64)
    mutating func string(_ value: String)
}

extension ContentWriter {
    mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }
    mutating func money(_ value: Money) { int(value.units) }
    mutating func quantity(_ value: Quantity) { int(value.units) }
    mutating func price(_ value: UnitPrice) { int(value.units) }
    mutating func dimensions(_ value: DimensionValues) {
        string(value.site)
        string(value.warehouse)
        string(value.batch)
        string(value.serial)
    }
}

extension PayloadWriter: ContentWriter {}

/// Writes into `capacity` bytes at `base`. Past the end it writes nothing but keeps counting, so a
/// content too long for the memory given says how much it needs, and is written again into that much.
struct ContentBytes: ContentWriter {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    var fits: Bool { count <= capacity }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        if count < capacity { base.storeBytes(of: value, toByteOffset: count, as: UInt8.self) }
        count += 1
    }

    mutating func int(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            byte(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        byte(UInt8(zigzag))
    }

    mutating func string(_ value: String) {
        // The count first, from the string's header: most strings of a command are empty dimensions, which
        // then cost one byte and no access to their storage (`withUTF8` on a copy cost about 90
        // instructions a string, DR-70).
        let length = value.utf8.count
        int(Int64(length))
        guard length > 0 else { return }
        if count + length <= capacity {
            let base = base, at = count
            let copied: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
                (base + at).copyMemory(from: utf8.baseAddress!, byteCount: length)
            }
            if copied == nil {
                for (offset, byte) in value.utf8.enumerated() {
                    (base + at + offset).storeBytes(of: byte, as: UInt8.self)
                }
            }
        }
        count += length
    }
}

extension LedgerCommand {
    /// Bytes of stack memory a content is first written into; every command of the import formats fits.
    static let contentStackBytes = 512

    /// Calls `body` with `headroom` bytes for the caller to fill, then the command's canonical content
    /// (`encodeContent`), in one buffer that lives for the call.
    public func withContent(headroom: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(headroom >= 0 && headroom <= 64, "headroom of \(headroom) bytes")
        let needed: Int? = withUnsafeTemporaryAllocation(byteCount: Self.contentStackBytes, alignment: 8) {
            buffer in
            var writer = ContentBytes(buffer.baseAddress! + headroom, capacity: buffer.count - headroom)
            writeContent(to: &writer)
            guard writer.fits else { return writer.count }
            body(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<(headroom + writer.count)]))
            return nil
        }
        guard let needed else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: headroom + needed, alignment: 8)
        defer { buffer.deallocate() }
        var writer = ContentBytes(buffer.baseAddress! + headroom, capacity: needed)
        writeContent(to: &writer)
        body(buffer)
    }
}
