// A strict multipart/form-data reader (RFC 7578) for the console's one upload, the external trial
// balance: the boundary from the Content-Type, then each part's headers, name and content. A body that
// does not follow the format is refused with a stable code naming what is wrong, never guessed at; the
// body's size is bounded before it is read (`maximumBody`).

struct MultipartError: Error, Equatable, Sendable, CustomStringConvertible {
    enum Code: String, Sendable, CaseIterable {
        /// The request is not `multipart/form-data`.
        case contentType = "multipart-content-type"
        /// The Content-Type's boundary is missing, repeated, empty, longer than 70 or has other characters.
        case boundary = "multipart-boundary"
        /// The body is larger than `MultipartForm.maximumBody` (answered 413).
        case tooLarge = "multipart-too-large"
        /// Delimiters: the body does not begin with one, one is followed by neither CRLF nor `--`, the closing
        /// one is missing or followed by more than CRLF.
        case framing = "multipart-framing"
        /// A part's header block: not ended by a blank line, too long, a line without a name and colon, a
        /// control character, a header sent twice, a transfer encoding other than 7bit, 8bit or binary.
        case header = "multipart-header"
        /// The Content-Disposition is missing, not `form-data`, has no name or a malformed parameter.
        case disposition = "multipart-disposition"
        /// Two parts with the same name.
        case duplicateField = "multipart-duplicate-field"
        /// More than `MultipartForm.maximumParts` parts.
        case tooManyParts = "multipart-too-many-parts"
        /// A text value, a name or a file name that is not UTF-8.
        case notUTF8 = "multipart-not-utf8"
    }

    var code: Code
    var message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "error[\(code.rawValue)]: \(message)" }
}

struct MultipartPart: Equatable, Sendable {
    var name: String
    /// Set for a file input (possibly empty: no file chosen).
    var filename: String?
    var contentType: String?
    var body: [UInt8]
}

struct MultipartForm: Equatable, Sendable {
    /// Bodies larger than this are refused unread (an external trial balance is a few kilobytes).
    static let maximumBody = 4 << 20
    static let maximumParts = 16
    /// One part's header block, at most.
    static let maximumHeaderBytes = 8 << 10

    var parts: [MultipartPart]

    subscript(name: String) -> MultipartPart? { parts.first { $0.name == name } }

    /// The part's content as text; nil when there is no such part.
    func text(_ name: String) throws(MultipartError) -> String? {
        guard let part = self[name] else { return nil }
        return try Self.utf8(part.body, "the value of '\(name)'")
    }

    static func parse(_ body: [UInt8], contentType: String?) throws(MultipartError) -> MultipartForm {
        try parse(body, boundary: try boundary(contentType))
    }

    /// The boundary parameter of a `multipart/form-data` Content-Type (RFC 2046: 1-70 of its characters,
    /// quoted or not).
    static func boundary(_ contentType: String?) throws(MultipartError) -> [UInt8] {
        guard let contentType else { throw MultipartError(.contentType, "the request has no Content-Type") }
        let fields = contentType.split(separator: ";", omittingEmptySubsequences: false)
        guard fields[0].trimmingSpaces.lowercased() == "multipart/form-data" else {
            throw MultipartError(.contentType, "the Content-Type must be multipart/form-data")
        }
        var found: Substring?
        for field in fields.dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair[0].trimmingSpaces.lowercased() == "boundary" else { continue }
            guard found == nil, pair.count == 2 else {
                throw MultipartError(.boundary, "the Content-Type names its boundary twice or without a value")
            }
            var value = pair[1].trimmingSpaces
            if value.first == "\"" {
                guard value.count >= 2, value.last == "\"" else {
                    throw MultipartError(.boundary, "the boundary's quotes are not closed")
                }
                value = value.dropFirst().dropLast()
            }
            found = value
        }
        guard let found else { throw MultipartError(.boundary, "the Content-Type has no boundary") }
        let bytes = Array(found.utf8)
        guard (1...70).contains(bytes.count), bytes.allSatisfy(isBoundaryCharacter), bytes.last != 0x20 else {
            throw MultipartError(
                .boundary, "the boundary must be 1-70 letters, digits or '()+_,-./:=? and not end in a space")
        }
        return bytes
    }

    static func isBoundaryCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default: return Array("'()+_,-./:=? ".utf8).contains(byte)
        }
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]
    static let dashes: [UInt8] = [0x2D, 0x2D]

    /// The parts between `--boundary` delimiters: no preamble (browsers send none), each delimiter
    /// followed by CRLF, the last by `--` and at most a CRLF.
    static func parse(_ body: [UInt8], boundary: [UInt8]) throws(MultipartError) -> MultipartForm {
        let delimiter = crlf + dashes + boundary
        guard body.count <= maximumBody else {
            throw MultipartError(.tooLarge, "the body is larger than \(maximumBody) bytes")
        }
        guard body.starts(with: delimiter.dropFirst(2)) else {
            throw MultipartError(.framing, "the body does not begin with the boundary")
        }
        var index = delimiter.count - 2
        var parts: [MultipartPart] = []
        while true {
            let rest = body[index...]
            if rest.starts(with: dashes) {
                guard rest.count == 2 || rest.dropFirst(2).elementsEqual(crlf) else {
                    throw MultipartError(.framing, "data follows the closing boundary")
                }
                return MultipartForm(parts: parts)
            }
            guard rest.starts(with: crlf) else {
                throw MultipartError(.framing, "a boundary is followed by neither a line break nor '--'")
            }
            guard parts.count < maximumParts else {
                throw MultipartError(.tooManyParts, "the form has more than \(maximumParts) parts")
            }
            let (part, end) = try self.part(body, from: index + 2, delimiter: delimiter)
            guard !parts.contains(where: { $0.name == part.name }) else {
                throw MultipartError(.duplicateField, "the field '\(part.name)' is sent twice")
            }
            parts.append(part)
            index = end + delimiter.count
        }
    }

    /// One part starting at `start` (its headers), and where the delimiter after its content begins.
    static func part(
        _ body: [UInt8], from start: Int, delimiter: [UInt8]
    ) throws(MultipartError) -> (
        MultipartPart, Int
    ) {
        guard !body[start...].starts(with: crlf) else {
            throw MultipartError(.disposition, "a part has no headers, so no Content-Disposition")
        }
        let window = min(body.count, start + maximumHeaderBytes + 4)
        guard let blank = find(crlf + crlf, in: body, from: start, to: window) else {
            throw MultipartError(
                .header,
                body.count > window
                    ? "a part's headers are longer than \(maximumHeaderBytes) bytes"
                    : "a part's headers do not end with a blank line")
        }
        var part = try headers(Array(body[start..<blank]))
        let content = blank + 4
        guard let end = find(delimiter, in: body, from: content, to: body.count) else {
            throw MultipartError(.framing, "the part '\(part.name)' is not followed by a boundary")
        }
        part.body = Array(body[content..<end])
        return (part, end)
    }

    /// Content-Disposition (required), Content-Type and Content-Transfer-Encoding; other headers are
    /// ignored, as RFC 7578 says.
    static func headers(_ block: [UInt8]) throws(MultipartError) -> MultipartPart {
        var disposition: String?
        var type: String?
        var encoding: String?
        for line in try lines(block) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[..<colon].allSatisfy(isTokenCharacter)
            else { throw MultipartError(.header, "a part's header line has no name and colon") }
            guard line.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw MultipartError(.header, "a part's header holds a control character")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = try utf8(Array(line[(colon + 1)...]), "a header").trimmingSpaces
            func set(_ slot: inout String?) throws(MultipartError) {
                guard slot == nil else { throw MultipartError(.header, "a part sends \(name) twice") }
                slot = String(value)
            }
            switch name {
            case "content-disposition": try set(&disposition)
            case "content-type": try set(&type)
            case "content-transfer-encoding": try set(&encoding)
            default: continue
            }
        }
        if let encoding, !["7bit", "8bit", "binary"].contains(encoding.lowercased()) {
            throw MultipartError(.header, "the transfer encoding '\(encoding.prefix(40))' is not accepted")
        }
        guard let disposition else { throw MultipartError(.disposition, "a part has no Content-Disposition") }
        let (name, filename) = try MultipartDisposition.parse(disposition)
        return MultipartPart(name: name, filename: filename, contentType: type, body: [])
    }

    /// The header block's lines (split at CRLF; a lone CR or LF is refused).
    static func lines(_ block: [UInt8]) throws(MultipartError) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < block.count {
            if block[index] == 0x0D, index + 1 < block.count, block[index + 1] == 0x0A {
                lines.append(block[start..<index])
                index += 2
                start = index
            } else if block[index] == 0x0D || block[index] == 0x0A {
                throw MultipartError(.header, "a part's header holds a line break that is not CRLF")
            } else {
                index += 1
            }
        }
        lines.append(block[start...])
        return lines
    }

    /// RFC 9110 token characters (header and parameter names).
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// The first `needle` in `haystack[from..<to]`. Linear for the delimiter: it begins with CR, which a
    /// boundary cannot hold, so two candidate matches never overlap.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, to: Int) -> Int? {
        guard let first = needle.first, to - from >= needle.count else { return nil }
        var index = from
        while index <= to - needle.count {
            if haystack[index] == first {
                var matched = 1
                while matched < needle.count && haystack[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    static func utf8(_ bytes: [UInt8], _ what: String) throws(MultipartError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw MultipartError(.notUTF8, "\(what) is not UTF-8 text")
        }
        return text
    }
}

/// `form-data; name="field"; filename="file.csv"`: quoted values are taken as they are (browsers
/// percent-encode a quote or a line break in a name and send no backslash escapes).
enum MultipartDisposition {
    static func parse(_ value: String) throws(MultipartError) -> (name: String, filename: String?) {
        var rest = Substring(value)
        let type = rest.prefix { $0 != ";" }
        guard type.trimmingSpaces.lowercased() == "form-data" else {
            throw MultipartError(.disposition, "a part's Content-Disposition is not form-data")
        }
        rest = rest.dropFirst(type.count)
        var parameters: [String: String] = [:]
        while let separator = rest.first {
            guard separator == ";" else { throw malformed }
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            let key = rest.prefix { $0 != "=" && $0 != ";" }
            guard !key.isEmpty, key.utf8.allSatisfy(MultipartForm.isTokenCharacter),
                rest.dropFirst(key.count).first == "="
            else { throw malformed }
            rest = rest.dropFirst(key.count + 1)
            let parameter: Substring
            if rest.first == "\"" {
                guard let close = rest.dropFirst().firstIndex(of: "\"") else { throw malformed }
                parameter = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                parameter = rest.prefix { $0 != ";" && $0 != " " && $0 != "\t" }
                guard !parameter.isEmpty else { throw malformed }
                rest = rest.dropFirst(parameter.count)
            }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            let name = key.lowercased()
            guard parameters[name] == nil else {
                throw MultipartError(.disposition, "a part's Content-Disposition repeats \(name)")
            }
            parameters[name] = String(parameter)
        }
        guard let name = parameters["name"], !name.isEmpty else {
            throw MultipartError(.disposition, "a part's Content-Disposition has no name")
        }
        return (name, parameters["filename"])
    }

    static var malformed: MultipartError {
        MultipartError(.disposition, "a part's Content-Disposition has a malformed parameter")
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return view
    }
}
