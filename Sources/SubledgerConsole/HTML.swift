// Text that is already HTML. Everything a page shows from the ledger goes through `HTML.text`, which
// escapes it, so an item id or a token name can never become markup.

struct HTML: Sendable, ExpressibleByStringLiteral {
    var markup: String

    init(_ markup: String) { self.markup = markup }
    init(stringLiteral value: String) { markup = value }

    static func text(_ value: String) -> HTML { HTML(escape(value)) }

    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(lhs.markup + rhs.markup) }

    static func join(_ parts: [HTML], separator: String = "") -> HTML {
        HTML(parts.map(\.markup).joined(separator: separator))
    }

    /// `<a href="...">text</a>`, both escaped.
    static func link(_ href: String, _ text: String) -> HTML {
        HTML("<a href=\"\(escape(href))\">\(escape(text))</a>")
    }

    /// Escapes the five characters that matter in element content and in quoted attribute values.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Query-string and form values, percent-encoded (RFC 3986 unreserved characters pass).
enum URLText {
    static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
            }
        }
        return out
    }

    /// A path with its query parameters (nil values left out), each encoded.
    static func path(_ path: String, _ parameters: [(String, String?)]) -> String {
        let pairs = parameters.compactMap { name, value in value.map { "\(name)=\(encode($0))" } }
        return pairs.isEmpty ? path : path + "?" + pairs.joined(separator: "&")
    }

    /// `application/x-www-form-urlencoded` (a form body or a query string) as name-value pairs; the first
    /// value of a repeated name wins. Malformed escapes are kept as they are (the value is then just wrong).
    static func decodeForm(_ text: Substring) -> [String: String] {
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return values
    }

    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), input.count >= 2, let high = hex(input[input.startIndex]),
                let low = hex(input[input.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
