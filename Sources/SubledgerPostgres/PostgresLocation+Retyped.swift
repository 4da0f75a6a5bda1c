// The URL a message suggests typing again (`create one with subledger init --db ...`): it must reach the
// same server the same way, so it keeps the TLS options the user gave, and it must not leak the password,
// so a password becomes the placeholder PASSWORD. Parts are percent-encoded back, as the parser decodes them.

extension PostgresLocation {
    /// `postgresql://user[:PASSWORD]@host:port/db[?sslmode=...&sslrootcert=...]`.
    public var retypedURL: String {
        let credentials = Self.encoded(user) + (password == nil ? "" : ":PASSWORD")
        var url = "postgresql://\(credentials)@\(hostAndPort)/\(Self.encoded(database))"
        var options: [String] = []
        if tls.mode != PostgresTLS().mode { options.append("sslmode=\(tls.mode.rawValue)") }
        if let root = tls.rootCertificate { options.append("sslrootcert=\(Self.encoded(root, keeping: ["/"]))") }
        if !options.isEmpty { url += "?" + options.joined(separator: "&") }
        return url
    }

    /// `text` with every byte outside RFC 3986's unreserved set (and `keeping`) as a %-escape.
    static func encoded(_ text: String, keeping kept: Set<Character> = []) -> String {
        let hex = Array("0123456789ABCDEF")
        var result = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            let unreserved = byte < 0x80 && (character.isLetter || character.isNumber || "-._~".contains(character))
            if unreserved || (byte < 0x80 && kept.contains(character)) {
                result.append(character)
            } else {
                result += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return result
    }
}
