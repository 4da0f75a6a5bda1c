// The API tokens of a ledger (issue 12, item 4; DR-26), in its file or its PostgreSQL database (DR-41), on
// `Ledger` (the server's) and on `LedgerLog` (the CLI's `token` commands, which need no projection). Both
// forward to `TokenBook`, over whichever `TokenStore` the log is.

internal import SubledgerStore

extension Ledger {
    /// Creates a token and returns its secret, which is shown once: only its SHA-256 is stored. Refuses a
    /// name in use, even by a revoked token (`token-name-taken`), and one that is not 1-64 characters of
    /// [A-Za-z0-9._-] (`invalid-token-name`). `actor` names who created it (an admin token), if anyone.
    public func createToken(name: String, role: TokenRole, by actor: String? = nil) throws -> String {
        try TokenBook(store: tokenStore, now: clock()).create(name: name, role: role, by: actor)
    }

    /// Every token, revoked ones too, by name.
    public func tokens() throws -> [TokenInfo] { try TokenBook(store: tokenStore, now: clock()).all() }

    /// Revokes token `name` (`unknown-token` when there is none) and returns it; revoking it again changes
    /// nothing and returns its first revocation.
    @discardableResult
    public func revokeToken(name: String, by actor: String? = nil) throws -> TokenInfo {
        try TokenBook(store: tokenStore, now: clock()).revoke(name: name, by: actor)
    }

    /// The active token a bearer secret belongs to, or nil when it is unknown, malformed or revoked.
    public func authenticate(bearer: String) throws -> TokenInfo? {
        try TokenBook(store: tokenStore, now: 0, lookup: tokenLookup).authenticate(bearer: bearer)
    }

    /// True when at least one token is not revoked.
    public func hasActiveTokens() throws -> Bool {
        try TokenBook(store: tokenStore, now: 0, lookup: tokenLookup).hasActive()
    }
}

extension Ledger {
    /// Where the tokens are: the log's own store (the SQLite file, or the PostgreSQL database).
    var tokenStore: any TokenStore {
        get throws(LedgerError) { try TokenBook.store(of: log) }
    }
}

extension LedgerLog {
    var tokenStore: any TokenStore {
        get throws(LedgerError) { try TokenBook.store(of: log) }
    }

    /// As `Ledger.createToken`, timed by the system clock.
    public func createToken(name: String, role: TokenRole, by actor: String? = nil) throws -> String {
        try TokenBook(store: tokenStore, now: Ledger.systemMilliseconds()).create(name: name, role: role, by: actor)
    }

    public func tokens() throws -> [TokenInfo] { try TokenBook(store: tokenStore, now: 0).all() }

    @discardableResult
    public func revokeToken(name: String, by actor: String? = nil) throws -> TokenInfo {
        try TokenBook(store: tokenStore, now: Ledger.systemMilliseconds()).revoke(name: name, by: actor)
    }

    public func authenticate(bearer: String) throws -> TokenInfo? {
        try TokenBook(store: tokenStore, now: 0).authenticate(bearer: bearer)
    }

    public func hasActiveTokens() throws -> Bool { try TokenBook(store: tokenStore, now: 0).hasActive() }
}

/// The token operations over one store, at one moment (`now`, for what they write).
struct TokenBook {
    let store: any TokenStore
    let now: Int64
    /// Statements kept by the caller across calls (`Ledger`); nil prepares them for this call.
    var lookup: (any TokenReads)? = nil

    static let maxNameLength = 64

    /// The token store of `log`; a log that keeps no tokens is refused with `not-on-postgresql`.
    static func store(of log: any QueryableEventLog) throws(LedgerError) -> any TokenStore {
        guard let store = log as? any TokenStore else {
            throw LedgerError.notOnPostgreSQL(LedgerError.sqliteOnlyMessage)
        }
        return store
    }

    func create(name: String, role: TokenRole, by actor: String?) throws -> String {
        try Self.checkName(name)
        let secret = try TokenSecret.generate()
        guard let hash = TokenSecret.hash(bearer: secret) else {
            throw LedgerError.storage("a generated token secret does not have the token shape")
        }
        let inserted = try LedgerError.sealing {
            try store.insertToken(name: name, role: role.rawValue, secretHash: hash, createdAt: now, createdBy: actor)
        }
        guard inserted else {
            throw TokenError(.nameTaken, "a token named '\(name)' exists already (names are never reused)")
        }
        return secret
    }

    func all() throws -> [TokenInfo] {
        try LedgerError.sealing { try store.tokens() }.map(Self.info)
    }

    func revoke(name: String, by actor: String?) throws -> TokenInfo {
        try LedgerError.sealing {
            guard try store.token(name: name) != nil else {
                throw TokenError(.unknownToken, "no token named '\(name)'")
            }
            _ = try store.insertTokenRevocation(name: name, revokedAt: now, revokedBy: actor)
            guard let token = try store.token(name: name) else {
                throw LedgerError.storage("token '\(name)' vanished while it was revoked")
            }
            return try Self.info(token)
        }
    }

    func authenticate(bearer: String) throws -> TokenInfo? {
        guard let hash = TokenSecret.hash(bearer: bearer) else { return nil }
        let lookup = self.lookup ?? store.tokenReads()
        guard let token = try LedgerError.sealing({ try lookup.token(secretHash: hash) }), token.revokedAt == nil
        else { return nil }
        return try Self.info(token)
    }

    func hasActive() throws -> Bool {
        let lookup = self.lookup ?? store.tokenReads()
        return try LedgerError.sealing { try lookup.hasActiveTokens() }
    }

    /// 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-': safe in a URL path, a header and a log line.
    static func checkName(_ name: String) throws {
        let bytes = name.utf8
        let valid =
            !bytes.isEmpty && bytes.count <= maxNameLength
            && bytes.allSatisfy { TokenSecret.isAlphabet($0) || $0 == UInt8(ascii: ".") }
        guard valid else {
            throw TokenError(
                .invalidName,
                "a token name is 1-\(maxNameLength) characters of A-Z, a-z, 0-9, '.', '_' and '-'")
        }
    }

    /// The stored row as callers see it; a role the schema's CHECK admits always reads back.
    static func info(_ token: StoredToken) throws -> TokenInfo {
        guard let role = TokenRole(rawValue: token.role) else {
            throw LedgerError.storage("token '\(token.name)' has an unknown role '\(token.role)'")
        }
        return TokenInfo(
            name: token.name, role: role, createdAt: token.createdAt, revokedAt: token.revokedAt,
            createdBy: token.createdBy, revokedBy: token.revokedBy)
    }
}
