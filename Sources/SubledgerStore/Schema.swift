// Schema: the event log's tables and their forward-only migrations, tracked in PRAGMA user_version.
// Migration N (1-based) is `migrations[N-1]`; a database at version V gets migrations V+1... applied in
// one BEGIN IMMEDIATE transaction, so two processes opening a fresh file cannot both migrate it.
// Never edit a shipped migration: append a new one (period snapshots will be migration 2).
//
// SQLite enforces the log's shape (architecture.md, example 4): STRICT typing, NOT NULL and CHECKs,
// triggers that abort any UPDATE or DELETE, and a trigger that only admits sequence = last + 1. The
// gap-free trigger costs one B-tree descent to the table's last row per insert (MAX over an INTEGER
// PRIMARY KEY); it measured within run-to-run noise on the append benchmark, so it stays in SQLite.

enum Schema {
    static let appendOnlyMessage = "subledger: the event log is append-only"

    static let migrations: [String] = [
        // 1: events, commands, append-only triggers.
        """
        CREATE TABLE events(
            sequence INTEGER PRIMARY KEY,
            business_date INTEGER NOT NULL CHECK(business_date BETWEEN 10101 AND 99991231),
            type TEXT NOT NULL CHECK(length(type) > 0),
            version INTEGER NOT NULL CHECK(version >= 1),
            payload BLOB NOT NULL,
            command_id TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            hash BLOB NOT NULL CHECK(length(hash) = 32)
        ) STRICT;

        CREATE TABLE commands(
            command_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            first_sequence INTEGER NOT NULL,
            last_sequence INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            recorded_at INTEGER NOT NULL,
            result TEXT NOT NULL
        ) STRICT;

        CREATE INDEX commands_by_sequence ON commands(first_sequence, last_sequence);

        CREATE TRIGGER events_gap_free BEFORE INSERT ON events
        WHEN NEW.sequence IS NOT (SELECT coalesce(max(sequence), 0) + 1 FROM events)
        BEGIN SELECT RAISE(ABORT, 'subledger: event sequence must be the last sequence plus one'); END;

        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;

        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;

        CREATE TRIGGER commands_no_update BEFORE UPDATE ON commands
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;

        CREATE TRIGGER commands_no_delete BEFORE DELETE ON commands
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;
        """,
    ]

    static var currentVersion: Int64 { Int64(migrations.count) }

    /// Brings the database up to `currentVersion`; refuses a database written by a newer build.
    static func migrate(_ connection: Connection) throws(StoreError) {
        let seen = try userVersion(connection)
        if seen == currentVersion { return }
        try checkNotNewer(seen)

        try connection.execute("BEGIN IMMEDIATE")
        do {
            let version = try userVersion(connection)  // another process may have migrated meanwhile
            try checkNotNewer(version)
            if version < currentVersion {
                for index in Int(version)..<migrations.count {
                    try connection.execute(migrations[index])
                }
                try connection.execute("PRAGMA user_version = \(currentVersion)")
            }
            try connection.execute("COMMIT")
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
    }

    static func userVersion(_ connection: Connection) throws(StoreError) -> Int64 {
        try connection.scalarInt64("PRAGMA user_version") ?? 0
    }

    private static func checkNotNewer(_ version: Int64) throws(StoreError) {
        if version > currentVersion {
            throw StoreError.misuse("database schema version \(version) is newer than this build supports (\(currentVersion))")
        }
    }
}
