// PostgresSchema: the event log's tables on PostgreSQL and their forward-only migrations, versioned like
// SQLite's Schema.swift: migration N (1-based) is `migrations[N-1]`, the versions applied are rows of
// `subledger_schema_migrations`, and a database at version V gets V+1... in one transaction under an
// advisory lock, so two nodes starting on a fresh database cannot both migrate it. Never edit a shipped
// migration: append a new one.
//
// The same columns as SQLite's `events` and `commands` (at SQLite's schema 12), so the same bytes hash
// the same way: bigint for SQLite's INTEGER sequences and times, integer for dates and versions, bytea
// for BLOBs. The shape is enforced by the server as SQLite enforces it: NOT NULL and CHECKs, a trigger
// that admits a command row only if it tiles the log, and triggers that refuse UPDATE, DELETE and
// TRUNCATE on both tables, for every role including the owner. The ledger's own role is further granted
// only INSERT and SELECT (`grants`), so it cannot disable the triggers either (ALTER TABLE needs the owner).

import PostgresNIO
import SubledgerStore

enum PostgresSchema {
    static let appendOnlyMessage = "subledger: the event log is append-only"
    static let tilingMessage = "subledger: a command must cover exactly the events appended since the previous command"
    static let versionTable = "subledger_schema_migrations"

    /// Advisory lock classes (the first key; the second is the schema's name hashed): one ledger per schema.
    static let appendLock: Int32 = 0x5375_6231  // "Sub1"
    static let migrateLock: Int32 = 0x5375_6232  // "Sub2"

    static let migrations: [[String]] = [
        // 1: events, commands, the tiling and append-only triggers (SQLite's migrations 1, 3 and 8).
        [
            """
            CREATE TABLE events(
                sequence bigint PRIMARY KEY CHECK(sequence >= 1),
                business_date integer NOT NULL CHECK(business_date BETWEEN 10101 AND 99991231),
                type text NOT NULL CHECK(length(type) > 0),
                version integer NOT NULL CHECK(version >= 1),
                payload bytea NOT NULL,
                command_id text NOT NULL,
                recorded_at bigint NOT NULL,
                hash bytea NOT NULL CHECK(length(hash) = 32)
            )
            """,
            """
            CREATE TABLE commands(
                command_id text PRIMARY KEY,
                kind text NOT NULL,
                first_sequence bigint NOT NULL,
                last_sequence bigint NOT NULL,
                event_count bigint NOT NULL,
                recorded_at bigint NOT NULL,
                result text NOT NULL,
                content_hash bytea CHECK(content_hash IS NULL OR length(content_hash) = 32),
                actor text CHECK(actor IS NULL OR octet_length(actor) BETWEEN 1 AND 200)
            )
            """,
            "CREATE INDEX commands_by_sequence ON commands(first_sequence, last_sequence)",
            """
            CREATE FUNCTION subledger_commands_tile_the_log() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.event_count IS DISTINCT FROM NEW.last_sequence - NEW.first_sequence + 1
                   OR NEW.first_sequence IS DISTINCT FROM coalesce((SELECT c.last_sequence FROM commands c
                        ORDER BY c.first_sequence DESC, c.last_sequence DESC LIMIT 1), 0) + 1
                   OR NEW.last_sequence IS DISTINCT FROM coalesce((SELECT max(e.sequence) FROM events e), 0)
                   OR NEW.event_count IS DISTINCT FROM (SELECT count(*) FROM events e
                        WHERE e.sequence BETWEEN NEW.first_sequence AND NEW.last_sequence
                          AND e.command_id = NEW.command_id)
                THEN
                    RAISE EXCEPTION '\(tilingMessage)' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$
            """,
            """
            CREATE TRIGGER commands_tile_the_log BEFORE INSERT ON commands
            FOR EACH ROW EXECUTE FUNCTION subledger_commands_tile_the_log()
            """,
            """
            CREATE FUNCTION subledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '\(appendOnlyMessage)' USING ERRCODE = 'restrict_violation';
            END $$
            """,
        ]
            + ["events", "commands"].flatMap { table in
                [
                    """
                    CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table)
                    FOR EACH ROW EXECUTE FUNCTION subledger_append_only()
                    """,
                    """
                    CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table)
                    FOR EACH STATEMENT EXECUTE FUNCTION subledger_append_only()
                    """,
                ]
            },
        // 2: period snapshots, a cache beside the log (PostgresSnapshots.swift, DR-40).
        PostgresSnapshots.migration,
        // 3: the API tokens and their revocations, insert-only (SQLite's migration 9; PostgresTokenStore).
        PostgresTokenStore.migration,
        // 4: the history tables and their views, a projection of the log (PostgresHistorySchema, DR-47).
        PostgresHistorySchema.migration,
        // 5: the history of transactions and the sums of what closes evicted (PostgresEvictionSchema, DR-50).
        PostgresEvictionSchema.migration,
        // 6: the filter of closed ids beside history_transactions (PostgresClosedIDFilter.swift, DR-53).
        PostgresClosedIDFilterSchema.migration,
        // 7: the as-of day sums beside the other history tables (PostgresAsOfDaySums.swift, DR-56).
        PostgresAsOfDaySumsSchema.migration,
    ]

    static var currentVersion: Int { migrations.count }

    /// The schema version of the database the session's search_path points at; 0 when it has no ledger.
    static func version(_ session: PostgresSession) throws(StoreError) -> Int {
        let exists = try session.scalarInt64(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = \(versionTable)")
        guard exists == 1 else { return 0 }
        return Int(try session.scalarInt64(PostgresQuery(unsafeSQL: "SELECT max(version) FROM \(versionTable)")) ?? 0)
    }

    /// Brings the ledger up to `currentVersion`; returns the version it is at. Nothing is written when it
    /// is current, so the ledger's own role (INSERT and SELECT only) opens a migrated ledger.
    static func migrate(_ session: PostgresSession) throws(StoreError) -> Int {
        if try version(session) == currentVersion { return currentVersion }
        try session.execute("BEGIN")
        do throws(StoreError) {
            try session.execute("SELECT pg_advisory_xact_lock(\(migrateLock), hashtext(current_schema()))")
            try session.execute(
                "CREATE TABLE IF NOT EXISTS \(versionTable)(version integer PRIMARY KEY, "
                    + "applied_at timestamptz NOT NULL DEFAULT now())")
            let found = try version(session)  // another node may have migrated meanwhile
            guard found <= currentVersion else {
                throw StoreError.logFailure(
                    .other,
                    "subledger: the ledger's schema is at version \(found), newer than this program's "
                        + "\(currentVersion): upgrade subledger")
            }
            for index in found..<currentVersion {
                for statement in migrations[index] { try session.execute(statement) }
                try session.execute("INSERT INTO \(versionTable)(version) VALUES (\(index + 1))")
            }
            try session.execute("COMMIT")
        } catch {
            _ = try? session.execute("ROLLBACK")
            throw error
        }
        return currentVersion
    }

    /// The statements an owner runs so that `role` may use the ledger in `schema` and do nothing else to
    /// its log: SELECT and INSERT on events and commands, SELECT on the migrations table, SELECT and
    /// INSERT on the token tables (`token create` and `revoke` insert; the server's lookup selects); and
    /// SELECT, INSERT and DELETE on the snapshots, a cache that closes prune (DR-40); and what the history
    /// projection needs (DR-47). Not being the owner, the role can neither disable the append-only triggers
    /// nor drop the tables.
    static func grants(role: String, schema: String) -> [String] {
        let role = quoted(role), schema = quoted(schema)
        let log = "\(schema).events, \(schema).commands"
        let tokens = "\(schema).api_tokens, \(schema).api_token_revocations"
        return [
            "GRANT USAGE ON SCHEMA \(schema) TO \(role)",
            "REVOKE ALL ON \(log), \(tokens), \(schema).\(versionTable) FROM \(role)",
            "GRANT SELECT, INSERT ON \(log) TO \(role)",
            "GRANT SELECT, INSERT ON \(tokens) TO \(role)",
            "GRANT SELECT ON \(schema).\(versionTable) TO \(role)",
        ] + PostgresSnapshots.grants(role: role, schema: schema)
            + PostgresHistorySchema.grants(role: role, schema: schema)
            + PostgresClosedIDFilterSchema.grants(role: role, schema: schema)
    }

    /// An identifier in double quotes, with embedded quotes doubled.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacing("\"", with: "\"\"") + "\""
    }
}
