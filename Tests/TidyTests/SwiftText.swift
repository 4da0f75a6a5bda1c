/// A Swift source file seen two ways: its lines as written (for line length) and its code alone, with the
/// contents of comments and string literals blanked to spaces, so that a brace, a keyword or a type name in
/// a comment or a message never counts. Blanking keeps every line's length and the line count, so a line
/// number in the code view is the line number in the file.
///
/// The scanner knows line and nested block comments, single-line, multi-line and raw (`#"…"#`) string
/// literals, and interpolations (`\(…)`, `\#(…)`), whose code stays visible in its parentheses: a `Double`
/// in an interpolation is a use. It does not know regex literals: no check needs them, the tree has none.
struct SwiftText {
    let path: String
    let lines: [String]
    let codeLines: [String]

    init(path: String, text: String) {
        self.path = path
        self.lines = Self.split(Array(text.utf8))
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scanCode(untilCloseParen: false)
        self.codeLines = Self.split(scanner.output)
    }

    /// The code view as one byte array with newlines, for the scans that cross lines (brace matching).
    var code: [UInt8] { Array(codeLines.joined(separator: "\n").utf8) }

    private static func split(_ bytes: [UInt8]) -> [String] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Copies code bytes and blanks comments and literals, keeping newlines.
private struct Scanner {
    let bytes: [UInt8]
    var output: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.output = bytes
    }

    func at(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    mutating func blank(_ count: Int) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] != UInt8(ascii: "\n") { output[index] = UInt8(ascii: " ") }
            index += 1
        }
    }

    /// Code until the end of input, or until the `)` closing an interpolation (which it consumes).
    mutating func scanCode(untilCloseParen: Bool) {
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "/"), at(1) == UInt8(ascii: "/") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { blank(1) }
            } else if byte == UInt8(ascii: "/"), at(1) == UInt8(ascii: "*") {
                scanBlockComment()
            } else if byte == UInt8(ascii: "\"") || (byte == UInt8(ascii: "#") && startsRawString()) {
                scanString()
            } else if untilCloseParen, byte == UInt8(ascii: "(") {
                depth += 1
                index += 1
            } else if untilCloseParen, byte == UInt8(ascii: ")") {
                if depth == 0 { index += 1; return }
                depth -= 1
                index += 1
            } else {
                index += 1
            }
        }
    }

    func startsRawString() -> Bool {
        var offset = 0
        while at(offset) == UInt8(ascii: "#") { offset += 1 }
        return at(offset) == UInt8(ascii: "\"")
    }

    mutating func scanBlockComment() {
        var depth = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/"), at(1) == UInt8(ascii: "*") {
                depth += 1
                blank(2)
            } else if bytes[index] == UInt8(ascii: "*"), at(1) == UInt8(ascii: "/") {
                depth -= 1
                blank(2)
                if depth == 0 { return }
            } else {
                blank(1)
            }
        }
    }

    /// A string literal from its opening delimiter (hashes, then one or three quotes) to its closing one.
    mutating func scanString() {
        var hashes = 0
        while at(hashes) == UInt8(ascii: "#") { hashes += 1 }
        let multiline = at(hashes + 1) == UInt8(ascii: "\"") && at(hashes + 2) == UInt8(ascii: "\"")
        let quotes = multiline ? 3 : 1
        blank(hashes + quotes)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), hashesFollow(hashes, from: 1) {
                if at(1 + hashes) == UInt8(ascii: "(") {
                    blank(1 + hashes)
                    index += 1
                    scanCode(untilCloseParen: true)
                } else {
                    blank(2 + hashes)
                }
            } else if closes(quotes: quotes, hashes: hashes) {
                blank(quotes + hashes)
                return
            } else if !multiline, bytes[index] == UInt8(ascii: "\n") {
                return  // an unterminated literal: the compiler reports it, the scan resumes at the next line
            } else {
                blank(1)
            }
        }
    }

    func hashesFollow(_ hashes: Int, from offset: Int) -> Bool {
        (0..<hashes).allSatisfy { at(offset + $0) == UInt8(ascii: "#") }
    }

    func closes(quotes: Int, hashes: Int) -> Bool {
        (0..<quotes).allSatisfy { at($0) == UInt8(ascii: "\"") } && hashesFollow(hashes, from: quotes)
    }
}
