import Testing

@testable import SubledgerCodec

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Helpers

/// Parses raw bytes (which may be invalid UTF-8, so they cannot go through a String).
private func parseBytes(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
    let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBytes { buffer in
        do throws(JSONSyntaxError) { return .success(try JSON.parse(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

extension JSON {
    /// The parser takes bytes only (import reads bytes); the tests write their documents as strings.
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONSyntaxError> = text.withUTF8 { buffer in
            do throws(JSONSyntaxError) {
                return .success(try JSON.parse(UnsafeRawBufferPointer(buffer)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private func syntaxError(_ text: String) -> JSONSyntaxError? {
    do {
        let value = try JSON.parse(text)
        Issue.record("expected a syntax error for \(text.debugDescription), parsed \(value)")
        return nil
    } catch {
        return error
    }
}

private func syntaxError(bytes: [UInt8]) -> JSONSyntaxError? {
    do {
        let value = try parseBytes(bytes)
        Issue.record("expected a syntax error for \(bytes), parsed \(value)")
        return nil
    } catch {
        return error
    }
}

/// CodecRandom: tiny, fast, seedable (shared by the codec property tests).
struct CodecRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0; modulo bias is irrelevant here).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

enum CodecTestEnvironment {
    /// Seeds for the property tests; `SUBLEDGER_TEST_SEED=<n>` replays one seed.
    static func seeds(default seeds: [UInt64]) -> [UInt64] {
        if let text = variable("SUBLEDGER_TEST_SEED"), let seed = UInt64(text) {
            return [seed]
        }
        return seeds
    }

    static func variable(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }
}

private func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

private enum RandomJSON {
    static let scalarPool: [Unicode.Scalar] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1F}",
        "\u{7F}", "\u{80}", "é", "ß", "€", "\u{2028}", "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}", "{", "}", "[", "]",
        ",", ":",
    ]

    static func string(_ rng: inout CodecRandom) -> String {
        var text = ""
        let length = rng.below(12)
        for _ in 0..<length {
            if rng.chance(70) {
                // Printable ASCII.
                text.unicodeScalars.append(Unicode.Scalar(UInt8(0x20 + rng.below(95))))
            } else if rng.chance(50) {
                text.unicodeScalars.append(scalarPool[rng.below(scalarPool.count)])
            } else {
                // Any scalar value except surrogates.
                var value = UInt32(rng.below(0x110000))
                if (0xD800...0xDFFF).contains(value) { value -= 0x800 }
                text.unicodeScalars.append(Unicode.Scalar(value)!)
            }
        }
        return text
    }

    static func digits(_ rng: inout CodecRandom, nonZeroFirst: Bool) -> String {
        var text = ""
        let count = 1 + rng.below(6)
        for index in 0..<count {
            let digit = index == 0 && nonZeroFirst ? 1 + rng.below(9) : rng.below(10)
            text += String(digit)
        }
        return text
    }

    /// A random valid RFC 8259 number literal, including trailing zeros and exponents.
    static func number(_ rng: inout CodecRandom) -> String {
        var text = rng.chance(30) ? "-" : ""
        text += rng.chance(20) ? "0" : digits(&rng, nonZeroFirst: true)
        if rng.chance(50) { text += "." + digits(&rng, nonZeroFirst: false) }
        if rng.chance(20) {
            text += rng.chance(50) ? "e" : "E"
            text += ["", "+", "-"][rng.below(3)]
            text += digits(&rng, nonZeroFirst: false)
        }
        return text
    }

    static func value(_ rng: inout CodecRandom, depth: Int) -> JSONValue {
        let kinds = depth >= 6 ? 4 : 6
        switch rng.below(kinds) {
        case 0: return .null
        case 1: return .bool(rng.chance(50))
        case 2: return .number(number(&rng))
        case 3: return .string(string(&rng))
        case 4: return .array((0..<rng.below(5)).map { _ in value(&rng, depth: depth + 1) })
        default:
            var members: [JSONMember] = []
            for _ in 0..<rng.below(5) {
                // Sometimes repeat a key to exercise duplicate handling.
                let key = !members.isEmpty && rng.chance(10) ? members[0].key : string(&rng)
                members.append(JSONMember(key: key, value: value(&rng, depth: depth + 1)))
            }
            return .object(members)
        }
    }

    /// The same document with random insignificant whitespace between tokens.
    static func spaced(_ value: JSONValue, _ rng: inout CodecRandom) -> String {
        func ws() -> String {
            var text = ""
            for _ in 0..<rng.below(3) { text += [" ", "\t", "\n", "\r\n"][rng.below(4)] }
            return text
        }
        switch value {
        case .array(let elements):
            return "[" + ws() + elements.map { spaced($0, &rng) }.joined(separator: ws() + "," + ws()) + ws() + "]"
        case .object(let members):
            let body = members.map { member -> String in
                JSONValue.string(member.key).serialized() + ws() + ":" + ws() + spaced(member.value, &rng)
            }
            return "{" + ws() + body.joined(separator: ws() + "," + ws()) + ws() + "}"
        default:
            return value.serialized()
        }
    }
}

private let sampleLine =
    #"{"command":"receive","date":"2026-01-01","item":"ITEM-0001","tx":"P-000001","qty":"10","cost":"12.5000","site":"S1"}"#

// MARK: - Parsing

@Suite("JSON parsing")
struct JSONParsingTests {
    @Test func parsesScalars() throws {
        #expect(try JSON.parse("null") == .null)
        #expect(try JSON.parse("true") == .bool(true))
        #expect(try JSON.parse("false") == .bool(false))
        #expect(try JSON.parse(#""hi""#) == .string("hi"))
        #expect(try JSON.parse(#""""#) == .string(""))
        #expect(try JSON.parse("[]") == .array([]))
        #expect(try JSON.parse("{}") == .object([]))
    }

    @Test(arguments: [
        "0", "-0", "7", "-3", "10", "12.50", "0.10", "0.0", "-0.000", "1e5", "1E5", "1e+5", "1E-05",
        "-12.5000e-003", "123456789012345678901234567890.000000000000000000001", "9007199254740993",
    ])
    func keepsNumberTextExactly(_ literal: String) throws {
        #expect(try JSON.parse(literal) == .number(literal))
        #expect(try JSON.parse(" [\(literal)] ") == .array([.number(literal)]))
        #expect(JSONValue.number(literal).serialized() == literal)
        #expect(JSON.isValidNumber(literal))
    }

    @Test func rejectsInvalidNumberTextInValidator() {
        for text in [
            "", "-", "01", "1.", ".1", "+1", "1e", "1e+", "NaN", "Infinity", "1 ", " 1", "0x10", "1_000", "--1",
        ] {
            #expect(!JSON.isValidNumber(text), "\(text.debugDescription) should be invalid")
        }
    }

    @Test func parsesTheImportLine() throws {
        let value = try JSON.parse(sampleLine)
        let expected: JSONValue = [
            "command": "receive", "date": "2026-01-01", "item": "ITEM-0001", "tx": "P-000001",
            "qty": "10", "cost": "12.5000", "site": "S1",
        ]
        #expect(value == expected)
        #expect(value.objectMembers?.map(\.key) == ["command", "date", "item", "tx", "qty", "cost", "site"])
        #expect(value["cost"] == "12.5000")
        #expect(value["missing"] == nil)
        #expect(value.serialized() == sampleLine)
    }

    @Test func keepsDuplicateKeysInOrderAndSubscriptReturnsFirst() throws {
        let value = try JSON.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(
            value.objectMembers == [
                JSONMember(key: "a", value: .number("1")),
                JSONMember(key: "b", value: .number("2")),
                JSONMember(key: "a", value: .number("3")),
            ])
        #expect(value["a"] == .number("1"))
        #expect(value.serialized() == #"{"a":1,"b":2,"a":3}"#)
    }

    @Test func subscriptIsNilOnNonObjects() throws {
        #expect(JSONValue.array([["a": 1]])["a"] == nil)
        #expect(JSONValue.string("a")["a"] == nil)
        #expect(JSONValue.null["a"] == nil)
    }

    @Test func accessors() throws {
        let value = try JSON.parse(#"{"s":"x","n":-1.50,"b":false,"a":[null],"o":{}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.numberText == "-1.50")
        #expect(value["b"]?.boolValue == false)
        #expect(value["a"]?.arrayValue == [.null])
        #expect(value["a"]?.arrayValue?.first?.isNull == true)
        #expect(value["o"]?.objectMembers == [])
        #expect(value["s"]?.numberText == nil)
        #expect(value["n"]?.stringValue == nil)
    }

    @Test func parsesNestedStructures() throws {
        let text = #"{"a":[1,[2,[3,{"b":{"c":[true,false,null]}}]]],"d":{"e":"f"}}"#
        let expected: JSONValue = [
            "a": [1, [2, [3, ["b": ["c": [true, false, .null]]]]]],
            "d": ["e": "f"],
        ]
        let value = try JSON.parse(text)
        #expect(value == expected)
        #expect(value["a"]?.arrayValue?[1].arrayValue?[1].arrayValue?[1]["b"]?["c"] == [true, false, .null])
        #expect(value.serialized() == text)
    }

    @Test func acceptsAllWhitespaceKinds() throws {
        let value = try JSON.parse(" \t\r\n{ \"a\" \n:\t[ 1 ,\r\n 2 ] , \"b\" : { } }\n ")
        #expect(value == ["a": [1, 2], "b": .object([])])
    }

    @Test func ignoresLeadingByteOrderMark() throws {
        #expect(try parseBytes([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
    }

    @Test func manyElementsGrowTheScratchStacks() throws {
        // More members and elements than the initial (stack-allocated) scratch capacity, nested.
        let inner = "[" + (0..<100).map(String.init).joined(separator: ",") + "]"
        let object = "{" + (0..<100).map { "\"k\($0)\":\(inner)" }.joined(separator: ",") + "}"
        let value = try JSON.parse("[\(object),\(inner)]")
        guard case .array(let top) = value, top.count == 2, case .object(let members) = top[0] else {
            Issue.record("unexpected shape")
            return
        }
        #expect(members.count == 100)
        #expect(members[99].key == "k99")
        #expect(members[42].value.arrayValue?.count == 100)
        #expect(members[42].value.arrayValue?[77] == .number("77"))
        #expect(top[1].arrayValue?.last == .number("99"))
    }
}

// MARK: - Strings and escapes

@Suite("JSON strings")
struct JSONStringTests {
    @Test func decodesSimpleEscapes() throws {
        let value = try JSON.parse(#""q\"b\\s\/b\bf\fn\nr\rt\t.""#)
        #expect(value == .string("q\"b\\s/b\u{8}f\u{C}n\nr\rt\t."))
    }

    @Test func decodesUnicodeEscapes() throws {
        #expect(try JSON.parse(#""\u0041\u00e9\u00E9\u20AC\u0000""#) == .string("Aéé€\u{0}"))
        #expect(try JSON.parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSON.parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
        #expect(try JSON.parse(#""x\uD834\uDD1Ey""#) == .string("x𝄞y"))
        #expect(try JSON.parse(#""\uFEFF""#) == .string("\u{FEFF}"))
    }

    @Test func keepsRawUTF8() throws {
        let text = "\"é€😀 日本 \u{7F}\""
        #expect(try JSON.parse(text) == .string("é€😀 日本 \u{7F}"))
        #expect(try JSON.parse("{\"clé\":\"valeur\"}")["clé"] == "valeur")
    }

    @Test func escapesAndRawTextMixAcrossTheFastScan() throws {
        // Long runs exercise the 8-byte scan; the special byte lands in every lane position.
        for offset in 0..<17 {
            let padding = String(repeating: "a", count: offset)
            #expect(try JSON.parse("\"\(padding)\\n\(padding)\"") == .string(padding + "\n" + padding))
            #expect(try JSON.parse("\"\(padding)é\(padding)\"") == .string(padding + "é" + padding))
            #expect(try JSON.parse("\"\(padding)\"") == .string(padding))
            let error = syntaxError("\"\(padding)\u{1}\"")
            #expect(error?.offset == 1 + offset)
        }
    }

    @Test func serializesWithEscapes() throws {
        let value = JSONValue.string("a\"b\\c/\u{0}\u{1}\u{8}\n\r\t\u{1F}\u{7F}é😀")
        #expect(value.serialized() == #""a\"b\\c/\u0000\u0001\u0008\u000A\u000D\u0009\u001F"# + "\u{7F}é😀\"")
        #expect(try JSON.parse(value.serialized()) == value)
    }

    @Test func serializesKeysWithEscapes() throws {
        let value: JSONValue = ["k\"\n": "v", "": []]
        #expect(value.serialized() == #"{"k\"\u000A":"v","":[]}"#)
        #expect(try JSON.parse(value.serialized()) == value)
    }

    @Test func serializedOutputIsUTF8WithoutEscapingNonASCII() {
        let value: JSONValue = ["名前": "値😀"]
        #expect(Array(value.serialized().utf8) == Array(#"{"名前":"値😀"}"#.utf8))
    }
}

// MARK: - Writing helpers

@Suite("JSON writing")
struct JSONWritingTests {
    @Test func serializesCompactly() {
        let value: JSONValue = ["a": [1, "two", true, false, .null, [], .object([])], "b": .number("0.10")]
        #expect(value.serialized() == #"{"a":[1,"two",true,false,null,[],{}],"b":0.10}"#)
        #expect(value.description == value.serialized())
    }

    @Test func builderKeepsOrder() {
        var builder = JSONObjectBuilder()
        builder.add("z", "last-letter")
        builder.add("a", .number("1.50"))
        builder.addIfPresent("skipped", nil)
        builder.addIfPresent("kept", .bool(true))
        #expect(builder.value.serialized() == #"{"z":"last-letter","a":1.50,"kept":true}"#)
        #expect(builder.members.count == 3)
    }

    @Test func literals() {
        let value: JSONValue = ["n": -42, "s": "x", "b": true, "a": [1, 2]]
        #expect(
            value
                == .object([
                    JSONMember(key: "n", value: .number("-42")),
                    JSONMember(key: "s", value: .string("x")),
                    JSONMember(key: "b", value: .bool(true)),
                    JSONMember(key: "a", value: .array([.number("1"), .number("2")])),
                ]))
    }

    #if DEBUG
    @Test func invalidNumberTextIsAProgrammingErrorInDebugBuilds() async {
        await #expect(processExitsWith: .failure) {
            _ = JSONValue.number("1,5").serialized()
        }
    }
    #endif
}

// MARK: - Errors

struct JSONErrorCase: CustomTestStringConvertible, Sendable {
    var input: String
    var offset: Int
    var message: String
    var testDescription: String { input.debugDescription }
}

@Suite("JSON syntax errors")
struct JSONErrorTests {
    static let cases: [JSONErrorCase] = [
        JSONErrorCase(input: "", offset: 0, message: "unexpected end of input, expected a value"),
        JSONErrorCase(input: "  \n", offset: 3, message: "unexpected end of input, expected a value"),
        JSONErrorCase(input: #"{"a" 1}"#, offset: 5, message: "expected ':' after object key"),
        JSONErrorCase(input: #"{"a""#, offset: 4, message: "unexpected end of input, expected ':' after object key"),
        JSONErrorCase(input: #"{"a":1 "b":2}"#, offset: 7, message: "expected ',' or '}' after object member"),
        JSONErrorCase(
            input: #"{"a":1"#, offset: 6, message: "unexpected end of input, expected ',' or '}' after object member"),
        JSONErrorCase(input: #"{"a":1,}"#, offset: 7, message: "trailing comma in object"),
        JSONErrorCase(input: #"{1:2}"#, offset: 1, message: "expected '\"' to begin object key, found '1'"),
        JSONErrorCase(input: #"{'a':2}"#, offset: 1, message: "expected '\"' to begin object key, found '''"),
        JSONErrorCase(input: "{", offset: 1, message: "unexpected end of input, expected object key"),
        JSONErrorCase(input: #"{"a":}"#, offset: 5, message: "unexpected '}', expected a value"),
        JSONErrorCase(input: "[1 2]", offset: 3, message: "expected ',' or ']' after array element"),
        JSONErrorCase(input: "[1,]", offset: 3, message: "trailing comma in array"),
        JSONErrorCase(input: "[1, \n]", offset: 5, message: "trailing comma in array"),
        JSONErrorCase(input: "[,1]", offset: 1, message: "unexpected ',', expected a value"),
        JSONErrorCase(input: "[", offset: 1, message: "unexpected end of input, expected a value"),
        JSONErrorCase(
            input: "[1", offset: 2, message: "unexpected end of input, expected ',' or ']' after array element"),
        JSONErrorCase(input: "]", offset: 0, message: "unexpected ']', expected a value"),
        JSONErrorCase(input: "\"abc", offset: 0, message: "unterminated string"),
        JSONErrorCase(input: "[\"abc\\\"]", offset: 1, message: "unterminated string"),
        JSONErrorCase(input: "\"abc\\", offset: 0, message: "unterminated string"),
        JSONErrorCase(input: #""a\qb""#, offset: 2, message: "invalid escape \\q"),
        JSONErrorCase(input: #""\x41""#, offset: 1, message: "invalid escape \\x"),
        JSONErrorCase(input: "\"\\\u{1}\"", offset: 1, message: "invalid escape: '\\' followed by byte 0x01"),
        JSONErrorCase(input: #""\u12""#, offset: 1, message: "invalid \\u escape: expected 4 hex digits"),
        JSONErrorCase(input: #""\u12G4""#, offset: 1, message: "invalid \\u escape: expected 4 hex digits"),
        JSONErrorCase(input: #""\u"#, offset: 1, message: "invalid \\u escape: expected 4 hex digits"),
        JSONErrorCase(
            input: #""\uD83D""#, offset: 1,
            message: "lone high surrogate \\uD83D (must be followed by a low surrogate escape)"),
        JSONErrorCase(
            input: #""x\uD83Dy""#, offset: 2,
            message: "lone high surrogate \\uD83D (must be followed by a low surrogate escape)"),
        JSONErrorCase(
            input: #""\ud83d\u0041""#, offset: 1,
            message: "lone high surrogate \\ud83d (must be followed by a low surrogate escape)"),
        JSONErrorCase(
            input: #""\uD83D\uD83D""#, offset: 1,
            message: "lone high surrogate \\uD83D (must be followed by a low surrogate escape)"),
        JSONErrorCase(input: #""\uDE00""#, offset: 1, message: "lone low surrogate \\uDE00"),
        JSONErrorCase(input: "\"a\nb\"", offset: 2, message: "unescaped control character 0x0A in string"),
        JSONErrorCase(input: "\"a\tb\"", offset: 2, message: "unescaped control character 0x09 in string"),
        JSONErrorCase(input: "\"\\n\u{0}\"", offset: 3, message: "unescaped control character 0x00 in string"),
        JSONErrorCase(input: "1 2", offset: 2, message: "unexpected trailing characters after JSON value"),
        JSONErrorCase(input: "{} x", offset: 3, message: "unexpected trailing characters after JSON value"),
        JSONErrorCase(input: "[]]", offset: 2, message: "unexpected trailing characters after JSON value"),
        JSONErrorCase(input: "1x", offset: 1, message: "unexpected trailing characters after JSON value"),
        JSONErrorCase(input: "01", offset: 0, message: "leading zeros are not allowed in numbers"),
        JSONErrorCase(input: "[-007]", offset: 2, message: "leading zeros are not allowed in numbers"),
        JSONErrorCase(input: "-", offset: 1, message: "expected digit after '-'"),
        JSONErrorCase(input: "-Infinity", offset: 1, message: "expected digit after '-'"),
        JSONErrorCase(input: "1.", offset: 2, message: "expected digit after decimal point"),
        JSONErrorCase(input: "1.e5", offset: 2, message: "expected digit after decimal point"),
        JSONErrorCase(input: "1e", offset: 2, message: "expected digit in exponent"),
        JSONErrorCase(input: "1E+", offset: 3, message: "expected digit in exponent"),
        JSONErrorCase(input: ".5", offset: 0, message: "unexpected '.', expected a value"),
        JSONErrorCase(input: "+1", offset: 0, message: "unexpected '+', expected a value"),
        JSONErrorCase(input: "NaN", offset: 0, message: "invalid literal 'NaN'"),
        JSONErrorCase(input: "[Infinity]", offset: 1, message: "invalid literal 'Infinity'"),
        JSONErrorCase(input: "tru", offset: 0, message: "invalid literal 'tru'"),
        JSONErrorCase(input: "truex", offset: 0, message: "invalid literal 'truex'"),
        JSONErrorCase(input: "nul", offset: 0, message: "invalid literal 'nul'"),
        JSONErrorCase(input: "True", offset: 0, message: "invalid literal 'True'"),
        JSONErrorCase(input: "[None]", offset: 1, message: "invalid literal 'None'"),
        JSONErrorCase(input: "'a'", offset: 0, message: "unexpected ''', expected a value"),
        JSONErrorCase(input: "\u{1}", offset: 0, message: "unexpected byte 0x01, expected a value"),
        JSONErrorCase(input: "\u{A0}1", offset: 0, message: "unexpected byte 0xC2, expected a value"),
        JSONErrorCase(input: "\u{FEFF}\u{FEFF}1", offset: 3, message: "unexpected byte 0xEF, expected a value"),
    ]

    @Test(arguments: cases)
    func reportsOffsetAndMessage(_ errorCase: JSONErrorCase) {
        let error = syntaxError(errorCase.input)
        #expect(error == JSONSyntaxError(offset: errorCase.offset, message: errorCase.message))
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let cases: [(bytes: [UInt8], offset: Int, message: String)] = [
            ([0x22, 0xFF, 0x22], 1, "invalid UTF-8 sequence (byte 0xFF)"),
            ([0x22, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0x80)"),
            ([0x22, 0xC0, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0xC0)"),  // overlong NUL
            ([0x22, 0xC1, 0xBF, 0x22], 1, "invalid UTF-8 sequence (byte 0xC1)"),  // overlong
            ([0x22, 0xE0, 0x80, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0xE0 followed by 0x80)"),  // overlong
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0xED followed by 0xA0)"),  // surrogate
            ([0x22, 0xF0, 0x80, 0x80, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0xF0 followed by 0x80)"),
            // > U+10FFFF
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0xF4 followed by 0x90)"),
            ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1, "invalid UTF-8 sequence (byte 0xF5)"),
            // truncated by the quote
            ([0x22, 0x61, 0xC3, 0x22], 2, "invalid UTF-8 sequence (byte 0xC3 followed by 0x22)"),
            ([0x22, 0xE2, 0x82, 0x22], 1, "invalid UTF-8 sequence (missing continuation byte)"),
            ([0x22, 0xE2, 0x82], 1, "invalid UTF-8 sequence (truncated)"),
            ([0x22, 0x5C, 0x6E, 0xFF, 0x22], 3, "invalid UTF-8 sequence (byte 0xFF)"),  // after an escape
            (
                [0x22, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0xFE, 0x22], 10,
                "invalid UTF-8 sequence (byte 0xFE)"
            ),
            ([0xFF], 0, "unexpected byte 0xFF, expected a value"),
            ([0x5B, 0x31, 0x2C, 0xC3, 0xA9, 0x5D], 3, "unexpected byte 0xC3, expected a value"),
        ]
        for (bytes, offset, message) in cases {
            #expect(syntaxError(bytes: bytes) == JSONSyntaxError(offset: offset, message: message), "bytes \(bytes)")
        }
        // The longest valid sequences of each length are accepted.
        #expect(
            (try? parseBytes([0x22, 0xDF, 0xBF, 0xEF, 0xBF, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]))
                == .string("\u{7FF}\u{FFFF}\u{10FFFF}"))
    }

    @Test func nestingDepthLimit() throws {
        let depth = JSON.maximumDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSON.parse(deepest)
        var levels = 0
        while case .array(let elements) = value {
            levels += 1
            guard let first = elements.first else { break }
            value = first
        }
        #expect(levels == depth)

        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(syntaxError(tooDeep) == JSONSyntaxError(offset: depth, message: "nesting depth exceeds 64"))

        let objects = String(repeating: #"{"a":"#, count: depth + 1) + "1" + String(repeating: "}", count: depth + 1)
        #expect(syntaxError(objects) == JSONSyntaxError(offset: 5 * depth, message: "nesting depth exceeds 64"))

        // Depth is nesting, not the number of containers: many siblings are fine.
        let wide = "[" + Array(repeating: "[[]]", count: 1000).joined(separator: ",") + "]"
        #expect(try JSON.parse(wide).arrayValue?.count == 1000)
    }

    @Test func emptyBufferIsAnError() {
        let error: JSONSyntaxError? = {
            do throws(JSONSyntaxError) {
                _ = try JSON.parse(UnsafeRawBufferPointer(start: nil, count: 0))
                return nil
            } catch {
                return error
            }
        }()
        #expect(error == JSONSyntaxError(offset: 0, message: "unexpected end of input, expected a value"))
    }

    @Test func errorsMidDocumentReleaseScratchValues() {
        // A failure deep inside containers (with values already on the scratch stacks) just throws.
        let text = #"[{"a":["x","y",{"b":"z"}],"c":[1,2,"#
        #expect(syntaxError(text)?.offset == text.utf8.count)
        let error = syntaxError(#"{"k":[1,2,3],"k2":{"n":[true,"#)
        #expect(error?.message == "unexpected end of input, expected a value")
    }

    @Test func errorDescriptionNamesTheOffset() {
        let error = JSONSyntaxError(offset: 12, message: "unterminated string")
        #expect(error.description == "JSON syntax error at byte 12: unterminated string")
    }
}

// MARK: - Properties

@Suite("JSON properties")
struct JSONPropertyTests {
    @Test(arguments: CodecTestEnvironment.seeds(default: [1, 2, 3, 0xDEAD_BEEF, 20_260_101]))
    func randomTreesRoundTrip(seed: UInt64) throws {
        var rng = CodecRandom(seed: seed)
        for iteration in 0..<400 {
            let value = RandomJSON.value(&rng, depth: 0)
            let text = value.serialized()
            let parsed: JSONValue
            do {
                parsed = try JSON.parse(text)
            } catch {
                Issue.record("seed \(seed) iteration \(iteration): \(error) for \(text.debugDescription)")
                return
            }
            #expect(parsed == value, "seed \(seed) iteration \(iteration): \(text.debugDescription)")
            #expect(parsed.serialized() == text, "seed \(seed) iteration \(iteration)")
            let spaced = RandomJSON.spaced(value, &rng)
            #expect(try JSON.parse(spaced) == value, "seed \(seed) iteration \(iteration): \(spaced.debugDescription)")
            if parsed != value { return }
        }
    }

    /// Truncating or corrupting a valid document never crashes; errors point inside the input, and
    /// whatever still parses re-serializes to something that parses to the same value.
    @Test(arguments: CodecTestEnvironment.seeds(default: [7, 8, 9]))
    func mutatedDocumentsFailCleanly(seed: UInt64) throws {
        var rng = CodecRandom(seed: seed)
        let garbage: [UInt8] = [
            0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x30, 0x2D, 0x65, 0x00, 0x0A, 0x80, 0xC3, 0xED, 0xFF, 0x75,
        ]
        var errors = 0
        for iteration in 0..<400 {
            var bytes = Array(RandomJSON.value(&rng, depth: 0).serialized().utf8)
            if rng.chance(50), !bytes.isEmpty {
                bytes.removeLast(1 + rng.below(bytes.count))
            } else if !bytes.isEmpty {
                bytes[rng.below(bytes.count)] = garbage[rng.below(garbage.count)]
            }
            let value: JSONValue
            do {
                value = try parseBytes(bytes)
            } catch {
                errors += 1
                #expect(
                    error.offset >= 0 && error.offset <= bytes.count, "seed \(seed) iteration \(iteration): \(error)")
                #expect(!error.message.isEmpty)
                continue
            }
            #expect(try JSON.parse(value.serialized()) == value, "seed \(seed) iteration \(iteration)")
        }
        #expect(errors > 100, "seed \(seed): mutations should mostly produce errors")
    }
}

// MARK: - Timing (informational)

@Suite("JSON timing")
struct JSONTimingTests {
    /// Prints parse cost per JSON Lines record when `SUBLEDGER_JSON_BENCH=1`; run it in release:
    /// `SUBLEDGER_JSON_BENCH=1 swift test -c release --filter parseTiming`.
    /// Measured on the 2-vCPU development VM (quiet): about 470-520 ns per 115-byte, 7-member line,
    /// about 560-620 ns per 148-byte, 9-member line.
    @Test(.enabled(if: CodecTestEnvironment.variable("SUBLEDGER_JSON_BENCH") != nil))
    func parseTiming() throws {
        let lines: [String] = (0..<1000).map { index in
            #"{"command":"receive","date":"2026-01-01","item":"ITEM-\#(1000 + index)","tx":"P-\#(100_000 + index)","qty":"\#(index % 97 + 1)","cost":"12.5000","site":"S1"}"#
        }
        let rounds = 200
        var best = UInt64.max
        var members = 0
        for _ in 0..<5 {
            let start = monotonicNanoseconds()
            for _ in 0..<rounds {
                for line in lines {
                    members &+= try JSON.parse(line).objectMembers?.count ?? 0
                }
            }
            best = min(best, monotonicNanoseconds() - start)
        }
        let perLine = Double(best) / Double(rounds * lines.count)
        print("JSON.parse: \(perLine) ns per \(lines[0].utf8.count)-byte line (best of 5 x \(rounds * lines.count))")
        #expect(members == 5 * rounds * lines.count * 7)
    }
}
