// API tokens in PostgreSQL (issue 14, DR-41): the same two insert-only tables as the SQLite file's
// (Tokens.swift in the store, DR-26), `api_tokens` and `api_token_revocations`, with the same columns and
// checks; only the SHA-256 of a secret is stored. Triggers refuse UPDATE, DELETE and TRUNCATE for every
// role; the ledger's role is granted INSERT and SELECT on them (`PostgresSchema.grants`), what `token
// create` and `token revoke` need. A name is never reused: the primary key refuses it, and an insert that
// meets it does nothing (`ON CONFLICT (name) DO NOTHING`), so two nodes creating one name race safely.
//
// The lookup of every request is one parameterized statement on the ledger's connection (one round trip,
// found by the unique index on the hash), then the stored hash is compared in constant time.

import PostgresNIO
import SubledgerStore

/// The token tables of the ledger in one PostgreSQL schema, over the ledger's session (used from one
/// thread at a time, like the log).
public final class PostgresTokenStore {
    let session: PostgresSession

    init(session: PostgresSession) { self.session = session }

    static let message = "subledger: API tokens and their revocations are insert-only"

    /// PostgreSQL migration 3: the token tables, written to run again over itself (IF NOT EXISTS, OR REPLACE).
    static let migration: [String] =
        [
            """
            CREATE TABLE IF NOT EXISTS api_tokens(
                name text PRIMARY KEY CHECK(name ~ '^[A-Za-z0-9._-]{1,64}$'),
                role text NOT NULL CHECK(role IN ('read', 'post', 'close', 'admin')),
                secret_hash bytea NOT NULL UNIQUE CHECK(length(secret_hash) = 32),
                created_at bigint NOT NULL,
                created_by text
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS api_token_revocations(
                name text PRIMARY KEY REFERENCES api_tokens(name),
                revoked_at bigint NOT NULL,
                revoked_by text
            )
            """,
            """
            CREATE OR REPLACE FUNCTION subledger_tokens_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '\(message)' USING ERRCODE = 'restrict_violation';
            END $$
            """,
        ]
        + ["api_tokens", "api_token_revocations"].flatMap { table in
            [
                """
                CREATE OR REPLACE TRIGGER \(table)_insert_only BEFORE UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION subledger_tokens_insert_only()
                """,
                """
                CREATE OR REPLACE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION subledger_tokens_insert_only()
                """,
            ]
        }

    static let selectTokens = """
        SELECT t.name, t.role, t.created_at, t.created_by, r.revoked_at, r.revoked_by, t.secret_hash
        FROM api_tokens t LEFT JOIN api_token_revocations r ON r.name = t.name
        """

    /// The rows of a token query, decoded; `secretHash` keeps only the row whose hash equals it.
    func read(_ query: PostgresQuery, secretHash: SHA256.Digest? = nil) throws(StoreError) -> [StoredToken] {
        var tokens: [StoredToken] = []
        for row in try session.query(query) {
            do {
                let (name, role, createdAt, createdBy, revokedAt, revokedBy, hash) = try row.decode(
                    (String, String, Int64, String?, Int64?, String?, ByteBuffer).self)
                if let secretHash {
                    let matches = hash.withUnsafeReadableBytes { stored in
                        secretHash.withUnsafeBytes { TokenHash.equal($0, stored) }
                    }
                    guard matches else { continue }
                }
                tokens.append(
                    StoredToken(
                        name: name, role: role, createdAt: createdAt, createdBy: createdBy, revokedAt: revokedAt,
                        revokedBy: revokedBy))
            } catch {
                throw session.storeError(error, sql: query.sql)
            }
        }
        return tokens
    }
}

extension PostgresTokenStore: TokenStore, TokenReads {
    public func insertToken(
        name: String, role: String, secretHash: SHA256.Digest, createdAt: Int64, createdBy: String?
    ) throws(StoreError) -> Bool {
        let hash = ByteBuffer(bytes: secretHash.bytes)
        let result = try session.query(
            """
            INSERT INTO api_tokens(name, role, secret_hash, created_at, created_by)
            VALUES (\(name), \(role), \(hash), \(createdAt), \(createdBy)) ON CONFLICT (name) DO NOTHING
            """)
        return result.metadata.rows == 1
    }

    public func insertTokenRevocation(
        name: String, revokedAt: Int64, revokedBy: String?
    ) throws(StoreError) -> Bool {
        let result = try session.query(
            """
            INSERT INTO api_token_revocations(name, revoked_at, revoked_by)
            VALUES (\(name), \(revokedAt), \(revokedBy)) ON CONFLICT (name) DO NOTHING
            """)
        return result.metadata.rows == 1
    }

    public func tokens() throws(StoreError) -> [StoredToken] {
        try read("\(unescaped: Self.selectTokens) ORDER BY t.name COLLATE \"C\"")
    }

    public func token(name: String) throws(StoreError) -> StoredToken? {
        try read("\(unescaped: Self.selectTokens) WHERE t.name = \(name)").first
    }

    public func tokenReads() -> any TokenReads { self }

    public func token(secretHash: SHA256.Digest) throws(StoreError) -> StoredToken? {
        let hash = ByteBuffer(bytes: secretHash.bytes)
        return try read("\(unescaped: Self.selectTokens) WHERE t.secret_hash = \(hash)", secretHash: secretHash).first
    }

    public func hasActiveTokens() throws(StoreError) -> Bool {
        let query: PostgresQuery = """
            SELECT count(*) FROM (SELECT 1 FROM api_tokens t
                WHERE NOT EXISTS(SELECT 1 FROM api_token_revocations r WHERE r.name = t.name) LIMIT 1) active
            """
        return try session.scalarInt64(query) == 1
    }
}

extension PostgresEventLog: TokenStore {
    /// The ledger's tokens, over the log's connection.
    public var tokenStore: PostgresTokenStore { PostgresTokenStore(session: session) }

    public func insertToken(
        name: String, role: String, secretHash: SHA256.Digest, createdAt: Int64, createdBy: String?
    ) throws(StoreError) -> Bool {
        try tokenStore.insertToken(
            name: name, role: role, secretHash: secretHash, createdAt: createdAt, createdBy: createdBy)
    }

    public func insertTokenRevocation(name: String, revokedAt: Int64, revokedBy: String?) throws(StoreError) -> Bool {
        try tokenStore.insertTokenRevocation(name: name, revokedAt: revokedAt, revokedBy: revokedBy)
    }

    public func tokens() throws(StoreError) -> [StoredToken] { try tokenStore.tokens() }

    public func token(name: String) throws(StoreError) -> StoredToken? { try tokenStore.token(name: name) }

    public func tokenReads() -> any TokenReads { tokenStore }
}
