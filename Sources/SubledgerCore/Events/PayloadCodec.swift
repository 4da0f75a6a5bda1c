/// The binary payload encoding: a storage contract. Fields are written in a fixed order per event type
/// and version: integers as zig-zag LEB128 varints, strings and lists as a varint count then the items,
/// booleans and small enums as one byte. Compact (replay reads a million events a second) and exact.
public struct PayloadWriter {
    /// The bytes written are the first `count` of `storage`, which is kept longer than that (its tail
    /// is not part of the payload): a field is stored through one pointer after one check for room
    /// (DR-68). Appending to an array byte by byte checked uniqueness and capacity per byte, and a
    /// name's bytes went through the generic sequence append: a sixth of the import's deciding thread.
    private var storage: [UInt8]
    /// How many bytes are written.
    public private(set) var count = 0

    public init() { self.init(capacity: 96) }
    public init(capacity: Int) {
        // Reserved, then filled: `Array(repeating:count:)` went through the unspecialized allocation
        // (its storage class looked up by metadata, twice the cost of the allocation).
        storage = []
        storage.reserveCapacity(Swift.max(capacity, 32))
        storage.append(contentsOf: repeatElement(0, count: storage.capacity))
    }

    /// Writes into `buffer`'s memory (a payload handed back by the writer, DR-69); its bytes are not read.
    public init(reusing buffer: consuming [UInt8]) {
        storage = buffer
        // `take()` trims what it hands over to the bytes written; the capacity past them is room again.
        let spare = Swift.max(storage.capacity, 96) - storage.count
        storage.append(contentsOf: repeatElement(0, count: spare))
    }

    /// The bytes written, copied out; `take()` hands them over without the copy.
    public var bytes: [UInt8] { Array(storage[..<count]) }

    /// The bytes written, handed over; the writer is empty after (and grows anew if written to).
    public mutating func take() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &storage)
        taken.removeLast(taken.count - count)
        count = 0
        return taken
    }

    /// The bytes written, lent to `body`.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// Empties the writer for reuse, keeping its buffer.
    public mutating func removeAll() { count = 0 }

    /// Makes room for `extra` bytes after the written ones.
    @inline(__always)
    private mutating func room(_ extra: Int) {
        if _slowPath(count &+ extra > storage.count) { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        let length = Swift.max(storage.count &* 2, count &+ extra)
        storage.append(contentsOf: repeatElement(0, count: length &- storage.count))
    }

    public mutating func int(_ value: Int64) {
        room(10)  // a varint of 64 bits is at most ten bytes
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        let start = count
        count = storage.withUnsafeMutableBufferPointer { buffer in
            var index = start
            while zigzag >= 0x80 {
                buffer[index] = UInt8(truncatingIfNeeded: zigzag) | 0x80
                zigzag >>= 7
                index &+= 1
            }
            buffer[index] = UInt8(zigzag)
            return index &+ 1
        }
    }

    public mutating func byte(_ value: UInt8) {
        room(1)
        storage[count] = value
        count &+= 1
    }

    public mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }

    @inline(__always)
    public mutating func string(_ value: String) {
        // A small ASCII string (nearly every id, item, site and account) is written from the two words it
        // is kept in (DR-68): its length under 16 is the one-byte varint `length * 2`, then its bytes. Both
        // words are stored whole; what lies past the name's length is beyond `count`, not written.
        if let words = SmallName.words(value) {
            let length = Int(truncatingIfNeeded: words.1 >> 56)
            room(17)
            let start = count
            storage.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: UInt8(truncatingIfNeeded: length &<< 1), toByteOffset: start, as: UInt8.self)
                raw.storeBytes(of: words.0.littleEndian, toByteOffset: start &+ 1, as: UInt64.self)
                raw.storeBytes(of: words.1.littleEndian, toByteOffset: start &+ 9, as: UInt64.self)
            }
            count = start &+ 1 &+ length
            return
        }
        longString(value)
    }

    /// Any other string: its UTF-8 length as a varint, then its bytes.
    @inline(never)
    private mutating func longString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(Int64(utf8.count))
            append(UnsafeRawBufferPointer(utf8))
        }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        room(bytes.count)
        let start = count
        storage.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + bytes.count)]).copyMemory(from: bytes)
        }
        count = start + bytes.count
    }

    public mutating func money(_ value: Money) { int(value.units) }
    public mutating func quantity(_ value: Quantity) { int(value.units) }
    public mutating func price(_ value: UnitPrice) { int(value.units) }
    public mutating func optionalPrice(_ value: UnitPrice?) {
        bool(value != nil)
        if let value { price(value) }
    }

    public mutating func dimensions(_ value: DimensionValues) {
        string(value.site)
        string(value.warehouse)
        string(value.batch)
        string(value.serial)
    }

    public mutating func lines(_ value: [VoucherLine]) {
        int(Int64(value.count))
        // By index: iterating copied each line (its account retained and released) around the writes.
        for index in value.indices {
            code(value[index].postingType)
            string(value[index].account)
            money(value[index].amount)
        }
    }
}

public struct PayloadDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "payload byte \(offset): \(message)" }
}

public struct PayloadReader: ~Copyable {
    let buffer: UnsafeRawBufferPointer
    var position = 0
    /// Names met before (nil: every string is made afresh). Unretained: the caller keeps the table alive
    /// while it decodes, and a retain and release per name cost as much as the table saved.
    let strings: Unmanaged<StringTable>?

    public init(_ buffer: UnsafeRawBufferPointer, strings: StringTable? = nil) {
        self.buffer = buffer
        self.strings = strings.map { Unmanaged.passUnretained($0) }
    }

    public var isAtEnd: Bool { position == buffer.count }

    func fail(_ message: String) -> PayloadDecodingError { PayloadDecodingError(offset: position, message: message) }

    public mutating func byte() throws(PayloadDecodingError) -> UInt8 {
        guard position < buffer.count else { throw fail("unexpected end") }
        let value = buffer[position]
        position += 1
        return value
    }

    @inline(__always)
    public mutating func int() throws(PayloadDecodingError) -> Int64 {
        // Fast path for one-byte varints (string lengths, counts, small numbers): most ints replay reads,
        // inlined into the decoder (the call was a tenth of the replay's fold thread).
        if position < buffer.count, buffer[position] & 0x80 == 0 {
            let value = UInt64(buffer[position])
            position += 1
            return Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
        }
        return try longInt()
    }

    /// A varint of more than one byte (amounts), read with a local index; the errors and their offsets
    /// are `byte()`'s.
    @inline(never)
    mutating func longInt() throws(PayloadDecodingError) -> Int64 {
        // Ten bytes hold any varint that ends: with that many left, no bound is checked per byte (this
        // loop was a twentieth of the replay's fold thread). A longer one falls through to the checked
        // loop, which throws as before.
        if buffer.count - position >= 10 {
            var index = position
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while shift < 64 {
                let next = buffer[index]
                index += 1
                result |= UInt64(next & 0x7F) << shift
                if next & 0x80 == 0 {
                    position = index
                    return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
                }
                shift += 7
            }
        }
        var index = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < buffer.count else {
                position = index
                throw fail("unexpected end")
            }
            let next = buffer[index]
            index += 1
            guard shift < 64 else {
                position = index
                throw fail("varint too long")
            }
            result |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { break }
            shift += 7
        }
        position = index
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }

    public mutating func bool() throws(PayloadDecodingError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw fail("invalid boolean")
        }
    }

    public mutating func string() throws(PayloadDecodingError) -> String {
        let count = try int()
        guard count >= 0, Int(count) <= buffer.count - position else { throw fail("string length out of range") }
        if count == 0 { return "" }  // unused dimensions: most strings of a posting, no decoding needed
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<position + Int(count)])
        position += Int(count)
        return String(decoding: slice, as: UTF8.self)
    }

    /// A string that recurs across events (an item id, an account, a dimension value): the same as
    /// `string()`, made once per distinct value when the reader has a `StringTable`. Transaction ids
    /// are read with `string()`: each is new, and would only push the recurring ones out of the table.
    public mutating func name() throws(PayloadDecodingError) -> String {
        guard let strings else { return try string() }
        let count = try int()
        guard count >= 0, Int(count) <= buffer.count - position else { throw fail("string length out of range") }
        if count == 0 { return "" }
        let slice = UnsafeRawBufferPointer(rebasing: buffer[position..<position + Int(count)])
        position += Int(count)
        return strings._withUnsafeGuaranteedRef { $0.string(slice) }
    }

    public mutating func money() throws(PayloadDecodingError) -> Money { Money(units: try int()) }
    public mutating func quantity() throws(PayloadDecodingError) -> Quantity { Quantity(units: try int()) }
    public mutating func price() throws(PayloadDecodingError) -> UnitPrice { UnitPrice(units: try int()) }
    public mutating func optionalPrice() throws(PayloadDecodingError) -> UnitPrice? {
        try bool() ? try price() : nil
    }

    public mutating func dimensions() throws(PayloadDecodingError) -> DimensionValues {
        DimensionValues(site: try name(), warehouse: try name(), batch: try name(), serial: try name())
    }

    public mutating func count() throws(PayloadDecodingError) -> Int {
        let value = try int()
        guard value >= 0, value <= Int64(buffer.count - position) else { throw fail("count out of range") }
        return Int(value)
    }

    public mutating func lines() throws(PayloadDecodingError) -> [VoucherLine] {
        let count = try count()
        guard let strings, count > 0 else { return try freshLines(count) }
        // A long decode fills the table's one buffer: once the previous event is gone its storage is
        // unique again and its lines are overwritten in place (an allocation and a generic destroy per
        // event saved; `removeAll(keepingCapacity:)` cost as much again); while an event still holds it,
        // the first write copies it, as for any shared array.
        let buffer = strings._withUnsafeGuaranteedRef { $0.lines }
        for index in 0..<count {
            let line = VoucherLine(try code(), try name(), try money())
            if index < buffer.pointee.count { buffer.pointee[index] = line } else { buffer.pointee.append(line) }
        }
        while buffer.pointee.count > count { buffer.pointee.removeLast() }
        return buffer.pointee
    }

    private mutating func freshLines(_ count: Int) throws(PayloadDecodingError) -> [VoucherLine] {
        var result: [VoucherLine] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            result.append(VoucherLine(try code(), try name(), try money()))
        }
        return result
    }

    public mutating func choice<T: RawRepresentable>(_ type: T.Type) throws(PayloadDecodingError) -> T
    where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else { throw fail("unknown value '\(text)'") }
        return value
    }
}
