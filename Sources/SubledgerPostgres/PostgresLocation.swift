// PostgresLocation: where a PostgreSQL ledger lives, parsed from `postgresql://user[:password]@host[:port]/db`
// (the libpq URI form; `postgres://` too), with the options `sslmode` and `sslrootcert` (PostgresTLS). The
// password is kept for the connection only: `description`, every error and every log line name the user,
// host, port and database, never the password.

import SubledgerStore

public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// `sslmode` and `sslrootcert`; libpq's default (`prefer`) when the URL names neither.
    public var tls: PostgresTLS

    public init(
        user: String, password: String? = nil, host: String, port: Int = 5432, database: String,
        tls: PostgresTLS = PostgresTLS()
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
    }

    /// The start of the message for an option this program knows but does not speak (`tls-unsupported`).
    static let unsupportedTLS = "TLS client certificates"

    /// True when `text` names a PostgreSQL ledger rather than a SQLite file.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a URL; the error names what is wrong and never repeats the password.
    public init(url: String) throws(StoreError) {
        guard let schemeEnd = url.firstRange(of: "://"), Self.isPostgresURL(url) else {
            throw Self.invalid("it does not start with postgresql://")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        tls = PostgresTLS()
        if let query = rest.firstIndex(of: "?") {
            tls = try Self.options(rest[rest.index(after: query)...])
            rest = rest[..<query]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw Self.invalid("it names no database (…/dbname)") }
        let authority = rest[..<slash]
        database = try Self.decoded(rest[rest.index(after: slash)...], "database")
        guard !database.isEmpty else { throw Self.invalid("it names no database (…/dbname)") }
        let hostPart: Substring
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try Self.decoded(credentials[..<colon], "user")
                password = try Self.decoded(credentials[credentials.index(after: colon)...], "password")
            } else {
                user = try Self.decoded(credentials, "user")
            }
        } else {
            throw Self.invalid("it names no user (postgresql://user@host/dbname)")
        }
        guard !user.isEmpty else { throw Self.invalid("it names no user (postgresql://user@host/dbname)") }
        (host, port) = try Self.hostAndPort(hostPart)
    }

    /// `postgresql://user@host:port/db`: the URL without its password, for messages and logs.
    public var description: String { "postgresql://\(user)@\(hostAndPort)/\(database)" }

    /// `host:port` (an IPv6 host in brackets), as connection errors name the server.
    public var hostAndPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func hostAndPort(_ text: Substring) throws(StoreError) -> (String, Int) {
        var host = text, portText: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw invalid("its host is malformed")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("it names no host") }
        guard let portText else { return (String(host), 5432) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw invalid("its port is not a number from 1 to 65535")
        }
        return (String(host), port)
    }

    /// The query's options: `sslmode` and `sslrootcert`; client certificates are refused as unsupported
    /// rather than ignored, and so is any other option.
    private static func options(_ query: Substring) throws(StoreError) -> PostgresTLS {
        var tls = PostgresTLS()
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0], value = parts.count == 2 ? try decoded(parts[1], String(name)) : ""
            switch name {
            case "sslmode":
                guard let mode = PostgresTLS.Mode(rawValue: value) else {
                    let modes = PostgresTLS.Mode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalid("sslmode '\(value)' is not one of \(modes)")
                }
                tls.mode = mode
            case "sslrootcert":
                guard !value.isEmpty else { throw invalid("sslrootcert names no file") }
                tls.rootCertificate = value
            case "sslcert", "sslkey", "sslpassword":
                throw invalid("\(unsupportedTLS) (\(name)) are not supported")
            default:
                throw invalid("the option '\(name)' is not supported (only sslmode and sslrootcert)")
            }
        }
        return tls
    }

    /// Percent-decoding of one part (`%40` for `@` in a user or password).
    private static func decoded(_ text: Substring, _ part: String) throws(StoreError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("its \(part) has a malformed %-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw invalid("its \(part) is not UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func invalid(_ why: String) -> StoreError {
        .logFailure(.other, "subledger: not a PostgreSQL URL (postgresql://user@host:port/dbname): \(why)")
    }
}
