import SubledgerCodec
import SubledgerCore

/// The fast path of JSON Lines import: a flat object of ASCII strings, numbers and booleans without
/// escapes, read straight into command fields. Anything else (escapes, non-ASCII, nesting, a syntax
/// error) returns nil and the caller uses the full JSON parser, which accepts or rejects it exactly.
struct FlatJSONLine {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    static func fields(_ bytes: UnsafeRawBufferPointer) -> (command: String?, fields: CommandFields)? {
        var scanner = FlatJSONLine(bytes: bytes)
        return scanner.object()
    }

    private var atEnd: Bool { i >= bytes.count }
    private var current: UInt8 { bytes[i] }

    private mutating func skipSpace() {
        while !atEnd && (current == 0x20 || current == 0x09) { i += 1 }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// A string without escapes or non-ASCII bytes; nil means "use the full parser".
    private mutating func string() -> String? {
        guard !atEnd, current == 0x22 else { return nil }
        i += 1
        let start = i
        while !atEnd {
            let byte = current
            if byte == 0x22 { break }
            if byte == 0x5C || byte < 0x20 || byte >= 0x80 { return nil }
            i += 1
        }
        guard !atEnd else { return nil }
        let value = text(start, i)
        i += 1
        return value
    }

    private mutating func scalar() -> String? {
        guard !atEnd else { return nil }
        if current == 0x22 { return string() }
        let start = i
        while !atEnd, current != 0x2C, current != 0x7D, current != 0x20, current != 0x09 { i += 1 }
        let token = text(start, i)
        switch token {
        case "true": return "yes"
        case "false": return "no"
        default: return JSON.isValidNumber(token) ? token : nil
        }
    }

    private mutating func object() -> (command: String?, fields: CommandFields)? {
        skipSpace()
        guard !atEnd, current == 0x7B else { return nil }
        i += 1
        var command: String?
        var fields = CommandFields()
        skipSpace()
        if !atEnd, current == 0x7D {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard !atEnd, current == 0x3A else { return nil }
                i += 1
                skipSpace()
                guard let value = scalar() else { return nil }
                // A repeated "command" goes to the full parser's path, which reports it.
                if key == "command" {
                    if command != nil { return nil }
                    command = value
                } else {
                    fields.set(key, value)
                }
                skipSpace()
                guard !atEnd else { return nil }
                if current == 0x2C { i += 1; continue }
                if current == 0x7D { i += 1; break }
                return nil
            }
        }
        skipSpace()
        return atEnd ? (command, fields) : nil
    }
}
