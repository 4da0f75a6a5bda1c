/// Output side of the JSON codec: compact serialization, accessors, literals and a small builder.

extension JSONValue {
    /// The first member named `key`; nil when absent or when this value is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key {
            return member.value
        }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The exact number literal text.
    public var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// Compact JSON text (no insignificant whitespace), UTF-8, with `"`, `\` and control characters
    /// escaped (controls as `\u00XX`). Number literals are written verbatim.
    public func serialized() -> String {
        var writer = ByteWriter(capacity: 256)
        writer.write(self)
        return writer.withBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}

/// A growable byte buffer with cheap appends (no per-append uniqueness checks, memcpy for runs).
private struct ByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(minimumFree: 1) }
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        if capacity &- count < length { grow(minimumFree: length) }
        (base + count).update(from: source, count: length)
        count &+= length
    }

    mutating func append(_ text: StaticString) {
        append(text.utf8Start, count: text.utf8CodeUnitCount)
    }

    @inline(never)
    private mutating func grow(minimumFree: Int) {
        let newCapacity = max(capacity * 2, count + minimumFree)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            append("null")
        case .bool(let flag):
            append(flag ? "true" : "false")
        case .number(let text):
            assert(
                JSON.isValidNumber(text),
                "JSONValue.number(\(text.debugDescription)) is not a valid JSON number literal")
            CodecBytes.withContiguousUTF8(text) { utf8 in
                if let start = utf8.baseAddress { append(start, count: utf8.count) }
            }
        case .string(let text):
            writeString(text)
        case .array(let elements):
            append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { append(UInt8(ascii: ",")) }
                first = false
                write(element)
            }
            append(UInt8(ascii: "]"))
        case .object(let members):
            append(UInt8(ascii: "{"))
            var first = true
            for member in members {
                if !first { append(UInt8(ascii: ",")) }
                first = false
                writeString(member.key)
                append(UInt8(ascii: ":"))
                write(member.value)
            }
            append(UInt8(ascii: "}"))
        }
    }

    /// Writes `text` as a quoted JSON string, copying unescaped runs in bulk.
    mutating func writeString(_ text: String) {
        append(UInt8(ascii: "\""))
        CodecBytes.withContiguousUTF8(text) { utf8 in
            guard let start = utf8.baseAddress else { return }
            var runStart = 0
            var i = 0
            let length = utf8.count
            while i < length {
                // Find the next byte needing an escape, 8 bytes at a time; the last partial word is
                // padded with spaces (which need no escape).
                let special: UInt64
                if i &+ 8 <= length {
                    special = escapeByteMask(
                        UInt64(littleEndian: UnsafeRawPointer(start + i).loadUnaligned(as: UInt64.self)))
                    if special == 0 {
                        i &+= 8
                        continue
                    }
                } else {
                    var word: UInt64 = 0x2020_2020_2020_2020
                    withUnsafeMutableBytes(of: &word) {
                        $0.baseAddress!.copyMemory(from: start + i, byteCount: length &- i)
                    }
                    special = escapeByteMask(UInt64(littleEndian: word))
                    if special == 0 { break }
                }
                i &+= special.trailingZeroBitCount >> 3
                let byte = start[i]
                append(start + runStart, count: i - runStart)
                append(UInt8(ascii: "\\"))
                if byte >= 0x20 {
                    append(byte)
                } else {
                    append("u00")
                    append(hexDigit(byte >> 4))
                    append(hexDigit(byte & 0x0F))
                }
                i &+= 1
                runStart = i
            }
            append(start + runStart, count: length - runStart)
        }
        append(UInt8(ascii: "\""))
    }
}

/// High bit set in each byte lane holding '"', '\\' or a control character (lowest flag exact).
@inline(__always)
private func escapeByteMask(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let quotes = word ^ (ones &* 0x22)
    let backslashes = word ^ (ones &* 0x5C)
    let hasQuote = (quotes &- ones) & ~quotes
    let hasBackslash = (backslashes &- ones) & ~backslashes
    let hasControl = (word &- ones &* 0x20) & ~word
    return (hasQuote | hasBackslash | hasControl) & (ones &* 0x80)
}

@inline(__always)
private func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
}

// MARK: - Literals (no float literal on purpose: numbers are exact text)

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    /// Members keep the literal's order (and any duplicate keys).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { JSONMember(key: $0.0, value: $0.1) })
    }
}

/// Builds an object member by member, in order.
public struct JSONObjectBuilder: Sendable {
    public private(set) var members: [JSONMember] = []

    public init() {}

    public mutating func add(_ key: String, _ value: JSONValue) {
        members.append(JSONMember(key: key, value: value))
    }

    /// Adds the member only when `value` is non-nil.
    public mutating func addIfPresent(_ key: String, _ value: JSONValue?) {
        if let value { add(key, value) }
    }

    public var value: JSONValue { .object(members) }
}
