import Subledger

/// Why the server refuses to start; nothing was served.
public struct ServeRefusal: Error, Sendable, CustomStringConvertible {
    /// `no-active-token` or `no-auth-not-loopback`.
    public var code: String
    public var message: String

    public var description: String { "error[\(code)]: \(message)" }
}

extension ServerConfiguration {
    /// A server without tokens answers anyone who can reach it: only with `--no-auth`, and only on a
    /// loopback address, where that is the machine's own users.
    public func check(_ ledger: Ledger) throws {
        if noAuth {
            guard isLoopback else {
                throw ServeRefusal(
                    code: "no-auth-not-loopback",
                    message: "--no-auth serves without tokens, so only on a loopback address (127.0.0.1, ::1, "
                        + "localhost), not \(host)")
            }
        } else if try !ledger.hasActiveTokens() {
            throw ServeRefusal(
                code: "no-active-token",
                message: "the ledger has no active API token: create one with `subledger token create --name NAME "
                    + "--role ROLE`, or serve without tokens on loopback with --no-auth")
        }
    }

    /// 127.0.0.0/8, ::1 or localhost.
    public var isLoopback: Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
