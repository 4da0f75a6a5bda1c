// The console's sessions (DR-29): the cookie holds only a random session id; the token's secret stays in
// the server's memory, beside the session's CSRF token. Each request re-authenticates the secret, so a
// revoked token logs its sessions out at their next request. A restart forgets every session. Before a
// session exists, each login form gets a pre-session token of its own (a cookie and the form's hidden
// field), accepted once, so that another site cannot log a browser into a session of its choosing.

import Synchronization

struct Session: Sendable {
    var id: String
    /// The token's secret as typed at login; nil when the server runs without tokens (`--no-auth`).
    var secret: String?
    /// Every form of this session carries it; a POST without it, or with another, is refused.
    var csrf: String
    var created: ContinuousClock.Instant
}

final class SessionStore: Sendable {
    static let cookieName = "subledger_session"
    /// A session lasts a working day; after that the token is asked for again.
    static let lifetime = Duration.seconds(12 * 3600)
    /// Sessions kept at most (a flood of logins cannot grow the map without bound): the oldest go first.
    static let capacity = 10_000

    /// The login form's pre-session cookie, sent to `/login` only.
    static let loginCookieName = "subledger_login"
    /// A login form is good for a quarter of an hour; after that the page asks to log in again.
    static let loginLifetime = Duration.seconds(15 * 60)

    private let sessions = Mutex<[String: Session]>([:])
    /// The login forms' pre-session tokens and when each was issued.
    private let logins = Mutex<[String: ContinuousClock.Instant]>([:])

    func create(secret: String?) -> Session {
        let session = Session(
            id: Self.randomToken(), secret: secret, csrf: Self.randomToken(), created: .now)
        sessions.withLock { table in
            if table.count >= Self.capacity, let oldest = table.values.min(by: { $0.created < $1.created }) {
                table[oldest.id] = nil
            }
            table[session.id] = session
        }
        return session
    }

    func session(_ id: String?) -> Session? {
        guard let id else { return nil }
        return sessions.withLock { table in
            guard let session = table[id] else { return nil }
            guard ContinuousClock.now - session.created < Self.lifetime else {
                table[id] = nil
                return nil
            }
            return session
        }
    }

    func remove(_ id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    /// A new login form's pre-session token. At most `capacity` are kept: expired ones go first, then the
    /// oldest, so a flood of login pages cannot grow the map without bound.
    func openLogin() -> String {
        let token = Self.randomToken()
        logins.withLock { table in
            if table.count >= Self.capacity {
                let now = ContinuousClock.now
                table = table.filter { now - $0.value < Self.loginLifetime }
                if table.count >= Self.capacity, let oldest = table.min(by: { $0.value < $1.value }) {
                    table[oldest.key] = nil
                }
            }
            table[token] = .now
        }
        return token
    }

    /// True once for a token `openLogin` issued less than `loginLifetime` ago; the token is discarded.
    func consumeLogin(_ token: String) -> Bool {
        logins.withLock { table in
            guard let issued = table.removeValue(forKey: token) else { return false }
            return ContinuousClock.now - issued < Self.loginLifetime
        }
    }

    /// 256 bits from the system's random source (getrandom on Linux), as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Equal strings, compared in time that does not depend on where they first differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// The `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS;
    /// an empty id expires the cookie (logout).
    static func cookie(_ id: String, secure: Bool) -> String {
        var text = "\(cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict"
        text += id.isEmpty ? "; Max-Age=0" : "; Max-Age=\(lifetime.components.seconds)"
        if secure { text += "; Secure" }
        return text
    }

    /// The login form's pre-session cookie: HttpOnly, SameSite=Strict, `Path=/login`, 15 minutes, Secure
    /// over TLS; an empty token expires it (after the login).
    static func loginCookie(_ token: String, secure: Bool) -> String {
        var text = "\(loginCookieName)=\(token); Path=/login; HttpOnly; SameSite=Strict"
        text += token.isEmpty ? "; Max-Age=0" : "; Max-Age=\(loginLifetime.components.seconds)"
        if secure { text += "; Secure" }
        return text
    }
}
