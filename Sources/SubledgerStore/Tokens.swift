// API tokens (issue 12, DR-26): who may call the HTTP service, stored in the ledger file beside the log.
// A token is a name, a role and the SHA-256 of its secret; the secret itself never reaches SQLite.
//
// Both tables are insert-only, like the event log: a token row is written once when it is created, and
// revoking it inserts a row into `api_token_revocations` instead of changing the token. Triggers abort
// any UPDATE or DELETE, and any INSERT of a name (or hash) already there: `INSERT OR REPLACE` deletes
// the old row without firing DELETE triggers (recursive_triggers is off), so the primary key alone would
// let it rewrite a token. The two tables are the audit trail of who could call the service and when.
// A name is never reused, not even after a revocation: the name an event records (issue 12) then stays
// one token forever.
//
// Lookup is by the secret's hash (a UNIQUE index): the index compares hashes, never the secret, and a
// hash leaks nothing usable about a 256-bit random secret; the row found is then compared with the
// hash in constant time (`TokenHash.equal`), so no path compares secret-derived bytes early-exit.

import CSQLite

enum TokenSchema {
    static let message = "subledger: API tokens and their revocations are insert-only"

    /// The schema version that added the tables: an older ledger opened read-only has no tokens.
    static let version = Int64(
        (Schema.migrations.firstIndex(of: migration) ?? Schema.migrations.count - 1) + 1)

    /// Migration 9: the tokens and their revocations, insert-only. Written to run again over itself (IF NOT
    /// EXISTS), like migrations 5-7: a ledger whose version was set back (a restored header) migrates anew.
    static let migration = """
        CREATE TABLE IF NOT EXISTS api_tokens(
            name TEXT PRIMARY KEY
                CHECK(length(name) BETWEEN 1 AND 64 AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
            role TEXT NOT NULL CHECK(role IN ('read', 'post', 'close', 'admin')),
            secret_hash BLOB NOT NULL UNIQUE CHECK(length(secret_hash) = 32),
            created_at INTEGER NOT NULL,
            created_by TEXT
        ) STRICT;

        CREATE TABLE IF NOT EXISTS api_token_revocations(
            name TEXT PRIMARY KEY REFERENCES api_tokens(name),
            revoked_at INTEGER NOT NULL,
            revoked_by TEXT
        ) STRICT;

        CREATE TRIGGER IF NOT EXISTS api_tokens_no_replace BEFORE INSERT ON api_tokens
        WHEN EXISTS(SELECT 1 FROM api_tokens WHERE name = NEW.name OR secret_hash = NEW.secret_hash)
        BEGIN SELECT RAISE(ABORT, '\(message)'); END;

        CREATE TRIGGER IF NOT EXISTS api_token_revocations_no_replace BEFORE INSERT ON api_token_revocations
        WHEN EXISTS(SELECT 1 FROM api_token_revocations WHERE name = NEW.name)
        BEGIN SELECT RAISE(ABORT, '\(message)'); END;

        CREATE TRIGGER IF NOT EXISTS api_tokens_no_update BEFORE UPDATE ON api_tokens
        BEGIN SELECT RAISE(ABORT, '\(message)'); END;

        CREATE TRIGGER IF NOT EXISTS api_tokens_no_delete BEFORE DELETE ON api_tokens
        BEGIN SELECT RAISE(ABORT, '\(message)'); END;

        CREATE TRIGGER IF NOT EXISTS api_token_revocations_no_update BEFORE UPDATE ON api_token_revocations
        BEGIN SELECT RAISE(ABORT, '\(message)'); END;

        CREATE TRIGGER IF NOT EXISTS api_token_revocations_no_delete BEFORE DELETE ON api_token_revocations
        BEGIN SELECT RAISE(ABORT, '\(message)'); END;
        """
}

/// One stored token, as the store reads it: never its secret, and its hash only where lookup needs it.
public struct StoredToken: Sendable, Equatable {
    public var name: String
    public var role: String
    public var createdAt: Int64
    public var createdBy: String?
    public var revokedAt: Int64?
    public var revokedBy: String?

    public init(
        name: String, role: String, createdAt: Int64, createdBy: String?, revokedAt: Int64?, revokedBy: String?
    ) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }
}

/// Where a ledger's API tokens are kept (the SQLite file, or PostgreSQL's tables, DR-41): the operations
/// `token create|list|revoke` and the server need, with the same meaning on every store.
public protocol TokenStore: AnyObject {
    /// Stores a token; false (nothing written) when a token of that name exists, revoked or not.
    func insertToken(
        name: String, role: String, secretHash: SHA256.Digest, createdAt: Int64, createdBy: String?
    ) throws(StoreError) -> Bool
    /// Records the revocation of token `name`; false (nothing written) when it was revoked already.
    func insertTokenRevocation(name: String, revokedAt: Int64, revokedBy: String?) throws(StoreError) -> Bool
    /// Every token, revoked ones too, by name (byte order).
    func tokens() throws(StoreError) -> [StoredToken]
    /// The token named `name`, or nil.
    func token(name: String) throws(StoreError) -> StoredToken?
    /// The reads a server makes on every request, made cheap for as long as the caller keeps the result.
    func tokenReads() -> any TokenReads
}

/// The two token reads of every request: the token of a secret's hash, and whether any token is active.
public protocol TokenReads: AnyObject {
    /// The token whose secret hashes to `secretHash`, revoked or not, or nil; the stored hash is compared
    /// with `secretHash` in constant time (`TokenHash.equal`) before the row is believed.
    func token(secretHash: SHA256.Digest) throws(StoreError) -> StoredToken?
    /// True when at least one token is not revoked.
    func hasActiveTokens() throws(StoreError) -> Bool
}

public enum TokenHash {
    /// True when the two buffers hold the same bytes; the time taken depends on their lengths only.
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension EventStore: TokenStore {
    static let selectTokens = """
        SELECT t.name, t.role, t.created_at, t.created_by, r.revoked_at, r.revoked_by, t.secret_hash
        FROM api_tokens t LEFT JOIN api_token_revocations r ON r.name = t.name
        """

    /// Stores a token; false (nothing written) when a token of that name exists, revoked or not.
    public func insertToken(
        name: String, role: String, secretHash: SHA256.Digest, createdAt: Int64, createdBy: String?
    ) throws(StoreError) -> Bool {
        try checkWritable()
        let statement = try connection.prepare(
            """
            INSERT INTO api_tokens(name, role, secret_hash, created_at, created_by)
            SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS(SELECT 1 FROM api_tokens WHERE name = ?1)
            """)
        try statement.bind(name, at: 1)
        try statement.bind(role, at: 2)
        try statement.bind(secretHash.bytes, at: 3)
        try statement.bind(createdAt, at: 4)
        if let createdBy { try statement.bind(createdBy, at: 5) } else { try statement.bindNull(at: 5) }
        try statement.run()
        return sqlite3_changes(connection.handle) == 1
    }

    /// Records the revocation of token `name`; false (nothing written) when it was revoked already.
    /// The caller checks that the token exists (the foreign key refuses an unknown name).
    public func insertTokenRevocation(name: String, revokedAt: Int64, revokedBy: String?) throws(StoreError) -> Bool {
        try checkWritable()
        let statement = try connection.prepare(
            """
            INSERT INTO api_token_revocations(name, revoked_at, revoked_by)
            SELECT ?1, ?2, ?3 WHERE NOT EXISTS(SELECT 1 FROM api_token_revocations WHERE name = ?1)
            """)
        try statement.bind(name, at: 1)
        try statement.bind(revokedAt, at: 2)
        if let revokedBy { try statement.bind(revokedBy, at: 3) } else { try statement.bindNull(at: 3) }
        try statement.run()
        return sqlite3_changes(connection.handle) == 1
    }

    /// False only for a ledger older than the token tables, opened read-only (it has no tokens).
    var hasTokenTables: Bool { schemaVersion >= TokenSchema.version }

    /// Every token, revoked ones too, by name (byte order).
    public func tokens() throws(StoreError) -> [StoredToken] {
        guard hasTokenTables else { return [] }
        let statement = try connection.prepare("\(EventStore.selectTokens) ORDER BY t.name")
        var tokens: [StoredToken] = []
        while try statement.step() { tokens.append(EventStore.readToken(statement)) }
        return tokens
    }

    /// The token named `name`, or nil.
    public func token(name: String) throws(StoreError) -> StoredToken? {
        guard hasTokenTables else { return nil }
        let statement = try connection.prepare("\(EventStore.selectTokens) WHERE t.name = ?1")
        try statement.bind(name, at: 1)
        return try statement.step() ? EventStore.readToken(statement) : nil
    }

    /// The token whose secret hashes to `secretHash`, revoked or not, or nil (`TokenLookup.token`).
    public func token(secretHash: SHA256.Digest) throws(StoreError) -> StoredToken? {
        try TokenLookup(self).token(secretHash: secretHash)
    }

    /// True when at least one token is not revoked.
    public func hasActiveTokens() throws(StoreError) -> Bool {
        try TokenLookup(self).hasActiveTokens()
    }

    public func tokenReads() -> any TokenReads { TokenLookup(self) }

    static func readToken(_ statement: Statement) -> StoredToken {
        func optionalText(_ column: Int32) -> String? {
            statement.isNull(at: column) ? nil : statement.text(at: column)
        }
        return StoredToken(
            name: statement.text(at: 0), role: statement.text(at: 1), createdAt: statement.int64(at: 2),
            createdBy: optionalText(3), revokedAt: statement.isNull(at: 4) ? nil : statement.int64(at: 4),
            revokedBy: optionalText(5))
    }
}

/// The two reads a server makes on every request, prepared once per store and reset after each use (a
/// statement left stepping would hold a read transaction open: stale answers, no WAL checkpoint).
/// Preparing the lookup each time cost about as much as everything else `authenticate` does.
public final class TokenLookup: TokenReads {
    let store: EventStore
    private var byHash: Statement?
    private var active: Statement?

    public init(_ store: EventStore) { self.store = store }

    /// The token whose secret hashes to `secretHash`, revoked or not, or nil. The index finds the row by
    /// the hash; the stored hash is then compared in constant time before the row is believed.
    public func token(secretHash: SHA256.Digest) throws(StoreError) -> StoredToken? {
        guard store.hasTokenTables else { return nil }
        if byHash == nil {
            byHash = try store.connection.prepare("\(EventStore.selectTokens) WHERE t.secret_hash = ?1")
        }
        guard let statement = byHash else { return nil }
        defer { statement.reset() }
        try statement.bind(secretHash.bytes, at: 1)
        guard try statement.step() else { return nil }
        let stored = statement.blobBuffer(at: 6)
        let matches = secretHash.withUnsafeBytes { TokenHash.equal($0, stored) }
        return matches ? EventStore.readToken(statement) : nil
    }

    /// True when at least one token is not revoked.
    public func hasActiveTokens() throws(StoreError) -> Bool {
        guard store.hasTokenTables else { return false }
        if active == nil {
            active = try store.connection.prepare(
                """
                SELECT EXISTS(SELECT 1 FROM api_tokens t
                              WHERE NOT EXISTS(SELECT 1 FROM api_token_revocations r WHERE r.name = t.name))
                """)
        }
        guard let statement = active else { return false }
        defer { statement.reset() }
        return try statement.step() && statement.int64(at: 0) == 1
    }
}
