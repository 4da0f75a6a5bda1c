/// JSON (RFC 8259) values and a strict, allocation-lean parser working directly on UTF-8 bytes: the one
/// reader of JSON Lines import, so every line is accepted or refused by the same rules.
///
/// Numbers are never converted to binary floating point: `.number` carries the literal exactly as
/// written (`"12.50"` stays `"12.50"`), so amounts survive a round trip digit for digit. Objects keep
/// their members in document order, duplicates included; `subscript(key:)` returns the first.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number literal exactly as written in the document, e.g. `"12.50"`, `"-3"`, `"1e5"`.
    /// When building values by hand the text must be a valid RFC 8259 number (the writer checks it in debug builds).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order; duplicate keys are kept.
    case object([JSONMember])
}

public struct JSONMember: Equatable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A syntax error with the byte offset (0-based, into the UTF-8 input) where it was detected.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "JSON syntax error at byte \(offset): \(message)" }
}

public enum JSON {
    /// Deepest accepted nesting of arrays and objects; one more level is a syntax error.
    static let maximumDepth = 64

    /// Parses one complete JSON text. Surrounding whitespace is allowed (and a leading UTF-8 byte
    /// order mark is ignored, as RFC 8259 permits); anything else after the value is an error.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(offset: 0, message: "unexpected end of input, expected a value")
        }
        // The container stacks start in stack memory and move to the heap only for large documents.
        let result: Result<JSONValue, JSONSyntaxError> = withUnsafeTemporaryAllocation(
            of: JSONMember.self, capacity: 32
        ) { members in
            withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 32) { elements in
                var parser = JSONParser(
                    base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count,
                    members: ScratchStack(borrowing: members), elements: ScratchStack(borrowing: elements))
                defer { parser.release() }
                do throws(JSONSyntaxError) {
                    return .success(try parser.parseDocument())
                } catch {
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    /// True when `text` is a complete RFC 8259 number literal (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`):
    /// the writer's debug check of `.number` values built by hand.
    static func isValidNumber(_ text: String) -> Bool {
        CodecBytes.withContiguousUTF8(text) { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return false }
            guard base[0] == UInt8(ascii: "-") || isDigit(base[0]) else { return false }
            var position = 0
            do throws(JSONSyntaxError) {
                _ = try scanJSONNumber(base, buffer.count, &position)
            } catch {
                return false
            }
            return position == buffer.count
        }
    }
}

/// Byte-level helpers shared by the JSON and CSV codecs.
enum CodecBytes {
    /// Runs `body` over the string's UTF-8 bytes, copying only if the string is not stored contiguously.
    @inline(__always)
    static func withContiguousUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) {
            return result
        }
        var copy = text
        return copy.withUTF8(body)
    }

    /// A String from bytes already known to be valid UTF-8. `String(unsafeUninitializedCapacity:)`
    /// builds short ASCII strings in place without a validation pass, which makes it markedly cheaper
    /// than `String(decoding:as:)` for the short keys and values typical of JSON Lines records.
    @inline(__always)
    static func makeString(_ start: UnsafePointer<UInt8>, count: Int) -> String {
        if count == 0 { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.baseAddress!.update(from: start, count: count)
            return count
        }
    }

    static func makeString(_ buffer: UnsafeBufferPointer<UInt8>) -> String {
        guard let start = buffer.baseAddress else { return "" }
        return CodecBytes.makeString(start, count: buffer.count)
    }

    /// Describes a byte for an error message: `'x'` when printable ASCII, else `byte 0xNN`.
    static func describeByte(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte <= 0x7E {
            return "'" + String(Character(Unicode.Scalar(byte))) + "'"
        }
        return "byte 0x" + CodecBytes.hexByte(byte)
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0" + digits : digits
    }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

@inline(__always)
private func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte &- UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte &- UInt8(ascii: "a") &+ 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte &- UInt8(ascii: "A") &+ 10)
    default: return nil
    }
}

/// A LIFO stack of values under construction. Starts in caller-provided (stack) memory, moves to
/// the heap if it outgrows it; `popArray` moves the top elements into an exact-size array.
private struct ScratchStack<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var ownsStorage = false
    private(set) var count = 0

    init(borrowing buffer: UnsafeMutableBufferPointer<Element>) {
        storage = buffer.baseAddress!
        capacity = buffer.count
    }

    @inline(__always)
    mutating func push(_ element: Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    mutating func popArray(from start: Int) -> [Element] {
        var array: [Element] = []
        array.reserveCapacity(count - start)
        for index in start..<count {
            array.append((storage + index).move())
        }
        count = start
        return array
    }

    @inline(never)
    private mutating func grow() {
        let newCapacity = capacity * 2
        let newStorage = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newStorage.moveInitialize(from: storage, count: count)
        if ownsStorage { storage.deallocate() }
        storage = newStorage
        capacity = newCapacity
        ownsStorage = true
    }

    mutating func release() {
        storage.deinitialize(count: count)
        count = 0
        if ownsStorage {
            storage.deallocate()
            ownsStorage = false
        }
    }
}

/// Scans `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` starting at `pos` (a '-' or a digit).
private func scanJSONNumber(
    _ base: UnsafePointer<UInt8>, _ end: Int, _ pos: inout Int
) throws(JSONSyntaxError) -> String {
    let start = pos
    var i = pos
    if base[i] == UInt8(ascii: "-") {
        i += 1
        guard i < end, isDigit(base[i]) else {
            throw JSONSyntaxError(offset: i, message: "expected digit after '-'")
        }
    }
    if base[i] == UInt8(ascii: "0") {
        i += 1
        if i < end && isDigit(base[i]) {
            throw JSONSyntaxError(offset: i - 1, message: "leading zeros are not allowed in numbers")
        }
    } else {
        while i < end && isDigit(base[i]) { i += 1 }
    }
    if i < end && base[i] == UInt8(ascii: ".") {
        i += 1
        guard i < end, isDigit(base[i]) else {
            throw JSONSyntaxError(offset: i, message: "expected digit after decimal point")
        }
        while i < end && isDigit(base[i]) { i += 1 }
    }
    if i < end && base[i] | 0x20 == UInt8(ascii: "e") {
        i += 1
        if i < end && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) { i += 1 }
        guard i < end, isDigit(base[i]) else {
            throw JSONSyntaxError(offset: i, message: "expected digit in exponent")
        }
        while i < end && isDigit(base[i]) { i += 1 }
    }
    pos = i
    return CodecBytes.makeString(base + start, count: i - start)
}

/// High bit set in every byte lane of `word` (little-endian lanes) that holds '"', '\\', a byte
/// below 0x20 or a byte of 0x80 and above. Lanes above the first flagged one may be false positives
/// (borrow propagation), so callers only use the lowest set bit.
@inline(__always)
private func specialByteMask(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let quotes = word ^ (ones &* 0x22)
    let backslashes = word ^ (ones &* 0x5C)
    let hasQuote = (quotes &- ones) & ~quotes
    let hasBackslash = (backslashes &- ones) & ~backslashes
    let hasControl = (word &- ones &* 0x20) & ~word
    return (hasQuote | hasBackslash | hasControl | word) & highs
}

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

/// Recursive-descent parser over a byte buffer. Strings are created only from buffer slices (or,
/// when escapes are present, from one reused scratch buffer); containers collect their children on
/// shared stacks and are copied out once, so each container costs a single exact-size allocation.
private struct JSONParser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    var depth = 0
    var scratch: [UInt8] = []
    var memberStack: ScratchStack<JSONMember>
    var elementStack: ScratchStack<JSONValue>

    init(base: UnsafePointer<UInt8>, count: Int, members: ScratchStack<JSONMember>, elements: ScratchStack<JSONValue>) {
        self.base = base
        self.end = count
        self.memberStack = members
        self.elementStack = elements
    }

    /// Destroys whatever an aborted parse left on the stacks and frees heap storage.
    mutating func release() {
        memberStack.release()
        elementStack.release()
    }

    @inline(never)
    func fail(_ offset: Int, _ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, message: message)
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            pos = 3
        }
        let value = try parseValue()
        skipWhitespace()
        if pos != end {
            throw fail(pos, "unexpected trailing characters after JSON value")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let byte = base[pos]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            pos += 1
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard pos < end else {
            throw fail(pos, "unexpected end of input, expected a value")
        }
        switch base[pos] {
        case quote:
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try scanNumber())
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return try parseLiteral()
        default:
            throw fail(pos, "unexpected \(CodecBytes.describeByte(base[pos])), expected a value")
        }
    }

    /// `true`, `false` or `null`; any other word (`NaN`, `Infinity`, `nul`, `truex`) is rejected whole.
    mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue {
        let start = pos
        var i = pos
        while i < end {
            let byte = base[i]
            let lower = byte | 0x20
            guard
                (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || isDigit(byte) || byte == UInt8(ascii: "_")
            else { break }
            i += 1
        }
        let length = i - start
        let word = UnsafeBufferPointer(start: base + start, count: length)
        if length == 4 && word.elementsEqual("true".utf8) {
            pos = i
            return .bool(true)
        }
        if length == 5 && word.elementsEqual("false".utf8) {
            pos = i
            return .bool(false)
        }
        if length == 4 && word.elementsEqual("null".utf8) {
            pos = i
            return .null
        }
        let shown = String(decoding: UnsafeBufferPointer(start: base + start, count: min(length, 32)), as: UTF8.self)
        throw fail(start, "invalid literal '\(shown)'")
    }

    mutating func scanNumber() throws(JSONSyntaxError) -> String {
        try scanJSONNumber(base, end, &pos)
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        let open = pos
        depth += 1
        if depth > JSON.maximumDepth {
            throw fail(open, "nesting depth exceeds \(JSON.maximumDepth)")
        }
        pos += 1
        skipWhitespace()
        if pos < end && base[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object([])
        }
        let stackStart = memberStack.count
        var afterComma = false
        while true {
            skipWhitespace()
            guard pos < end else {
                throw fail(pos, "unexpected end of input, expected object key")
            }
            guard base[pos] == quote else {
                if afterComma && base[pos] == UInt8(ascii: "}") {
                    throw fail(pos, "trailing comma in object")
                }
                throw fail(pos, "expected '\"' to begin object key, found \(CodecBytes.describeByte(base[pos]))")
            }
            let key = try parseString()
            skipWhitespace()
            guard pos < end, base[pos] == UInt8(ascii: ":") else {
                throw fail(
                    pos,
                    pos < end
                        ? "expected ':' after object key" : "unexpected end of input, expected ':' after object key")
            }
            pos += 1
            skipWhitespace()
            // Fast path for the common string value (skips the general dispatch).
            let value = pos < end && base[pos] == quote ? JSONValue.string(try parseString()) : try parseValue()
            memberStack.push(JSONMember(key: key, value: value))
            skipWhitespace()
            guard pos < end else {
                throw fail(pos, "unexpected end of input, expected ',' or '}' after object member")
            }
            let byte = base[pos]
            pos += 1
            if byte == UInt8(ascii: ",") {
                afterComma = true
                continue
            }
            if byte == UInt8(ascii: "}") { break }
            throw fail(pos - 1, "expected ',' or '}' after object member")
        }
        let members = memberStack.popArray(from: stackStart)
        depth -= 1
        return .object(members)
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        let open = pos
        depth += 1
        if depth > JSON.maximumDepth {
            throw fail(open, "nesting depth exceeds \(JSON.maximumDepth)")
        }
        pos += 1
        skipWhitespace()
        if pos < end && base[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array([])
        }
        let stackStart = elementStack.count
        while true {
            let value = try parseValue()
            elementStack.push(value)
            skipWhitespace()
            guard pos < end else {
                throw fail(pos, "unexpected end of input, expected ',' or ']' after array element")
            }
            let byte = base[pos]
            pos += 1
            if byte == UInt8(ascii: ",") {
                skipWhitespace()
                if pos < end && base[pos] == UInt8(ascii: "]") {
                    throw fail(pos, "trailing comma in array")
                }
                continue
            }
            if byte == UInt8(ascii: "]") { break }
            throw fail(pos - 1, "expected ',' or ']' after array element")
        }
        let elements = elementStack.popArray(from: stackStart)
        depth -= 1
        return .array(elements)
    }

    /// Parses the string starting at the opening quote at `pos`. The common case (no escapes) is a
    /// single scan followed by one `makeString` of the slice.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = pos
        var i = pos + 1
        while i < end {
            // Skip 8 plain bytes (no '"', '\', control or non-ASCII byte) at a time.
            while i &+ 8 <= end {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let special = specialByteMask(UInt64(littleEndian: word))
                if special != 0 {
                    i &+= special.trailingZeroBitCount >> 3
                    break
                }
                i &+= 8
            }
            guard i < end else { break }
            let byte = base[i]
            if byte == quote {
                pos = i + 1
                return CodecBytes.makeString(base + open + 1, count: i - open - 1)
            }
            if byte == backslash {
                return try parseEscapedString(open: open, firstEscape: i)
            }
            if byte < 0x20 {
                throw controlCharacter(at: i)
            }
            if byte < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
        }
        throw fail(open, "unterminated string")
    }

    @inline(never)
    func controlCharacter(at offset: Int) -> JSONSyntaxError {
        fail(offset, "unescaped control character 0x\(CodecBytes.hexByte(base[offset])) in string")
    }

    @inline(never)
    mutating func parseEscapedString(open: Int, firstEscape: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var runStart = open + 1
        var i = firstEscape
        while i < end {
            let byte = base[i]
            if byte == quote {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                pos = i + 1
                return scratch.withUnsafeBufferPointer { CodecBytes.makeString($0) }
            }
            if byte == backslash {
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                guard i + 1 < end else { throw fail(open, "unterminated string") }
                let escaped = base[i + 1]
                switch escaped {
                case quote, backslash, UInt8(ascii: "/"):
                    scratch.append(escaped)
                    i += 2
                case UInt8(ascii: "b"): scratch.append(0x08); i += 2
                case UInt8(ascii: "f"): scratch.append(0x0C); i += 2
                case UInt8(ascii: "n"): scratch.append(0x0A); i += 2
                case UInt8(ascii: "r"): scratch.append(0x0D); i += 2
                case UInt8(ascii: "t"): scratch.append(0x09); i += 2
                case UInt8(ascii: "u"):
                    let scalar = try parseUnicodeEscape(at: &i)
                    appendUTF8(scalar)
                default:
                    if escaped >= 0x21 && escaped <= 0x7E {
                        throw fail(i, "invalid escape \\" + String(Character(Unicode.Scalar(escaped))))
                    }
                    throw fail(i, "invalid escape: '\\' followed by byte 0x\(CodecBytes.hexByte(escaped))")
                }
                runStart = i
                continue
            }
            if byte < 0x20 {
                throw controlCharacter(at: i)
            }
            if byte < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
        }
        throw fail(open, "unterminated string")
    }

    /// Reads `\uXXXX` (and a following low-surrogate escape when the first is a high surrogate) at `i`,
    /// advancing `i` past it.
    mutating func parseUnicodeEscape(at i: inout Int) throws(JSONSyntaxError) -> UInt32 {
        let start = i
        guard let high = readHex4(at: start + 2) else {
            throw fail(start, "invalid \\u escape: expected 4 hex digits")
        }
        i = start + 6
        switch high {
        case 0xD800...0xDBFF:
            guard i + 1 < end, base[i] == backslash, base[i + 1] == UInt8(ascii: "u"),
                let low = readHex4(at: i + 2), (0xDC00...0xDFFF).contains(low)
            else {
                throw fail(
                    start, "lone high surrogate \(escapeText(at: start)) (must be followed by a low surrogate escape)")
            }
            i += 6
            return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            throw fail(start, "lone low surrogate \(escapeText(at: start))")
        default:
            return high
        }
    }

    @inline(__always)
    func readHex4(at offset: Int) -> UInt32? {
        guard offset + 4 <= end,
            let a = hexValue(base[offset]), let b = hexValue(base[offset + 1]),
            let c = hexValue(base[offset + 2]), let d = hexValue(base[offset + 3])
        else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    func escapeText(at offset: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + offset, count: 6), as: UTF8.self)
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Validates one multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
    /// U+10FFFF) whose lead byte is at `i`; returns the offset just past it.
    @inline(never)
    func validateUTF8Sequence(at i: Int) throws(JSONSyntaxError) -> Int {
        let lead = base[i]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default:
            throw fail(i, "invalid UTF-8 sequence (byte 0x\(CodecBytes.hexByte(lead)))")
        }
        guard i + length <= end else {
            throw fail(i, "invalid UTF-8 sequence (truncated)")
        }
        let second = base[i + 1]
        guard second >= lower && second <= upper else {
            throw fail(
                i,
                "invalid UTF-8 sequence (byte 0x\(CodecBytes.hexByte(lead)) followed by 0x\(CodecBytes.hexByte(second)))"
            )
        }
        var k = 2
        while k < length {
            let byte = base[i + k]
            guard byte & 0xC0 == 0x80 else {
                throw fail(i, "invalid UTF-8 sequence (missing continuation byte)")
            }
            k += 1
        }
        return i + length
    }
}
