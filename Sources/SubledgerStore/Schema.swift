// Schema: the event log's tables and their forward-only migrations, tracked in PRAGMA user_version.
// Migration N (1-based) is `migrations[N-1]`; a database at version V gets migrations V+1... applied in
// one BEGIN IMMEDIATE transaction, so two processes opening a fresh file cannot both migrate it.
// Never edit a shipped migration: append a new one.
//
// SQLite enforces the log's shape (architecture.md, example 4): STRICT typing, NOT NULL and CHECKs,
// triggers that abort any UPDATE or DELETE, and a trigger that admits a command row only if it tiles
// the log: it starts right after the previous command, ends at the last event, and its range holds
// exactly `event_count` events carrying its command id. With unique INTEGER PRIMARY KEY sequences that
// makes every committed append gap-free and fully attributed.
//
// Gap-free sequences are enforced per EVENT in code (EventStore.append numbers events from the last
// sequence read inside its BEGIN IMMEDIATE transaction), not by a BEFORE INSERT trigger on events:
// such a trigger ran a sub-program per row (~7,000 instructions, about 25% of append throughput on the
// benchmark), while the per-COMMAND check costs ~950 instructions per event (~3%) and still refuses
// to commit any command whose events have a gap.

enum Schema {
    static let appendOnlyMessage = "subledger: the event log is append-only"
    static let tilingMessage = "subledger: a command must cover exactly the events appended since the previous command"

    static let migrations: [String] = [
        // 1: events, commands, the tiling and append-only triggers.
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

        CREATE TRIGGER commands_tile_the_log BEFORE INSERT ON commands
        WHEN NEW.event_count IS NOT NEW.last_sequence - NEW.first_sequence + 1
          OR NEW.first_sequence IS NOT coalesce((SELECT last_sequence FROM commands
                                                 ORDER BY first_sequence DESC, last_sequence DESC LIMIT 1), 0) + 1
          OR NEW.last_sequence IS NOT coalesce((SELECT max(sequence) FROM events), 0)
          OR NEW.event_count IS NOT (SELECT count(*) FROM events
                                     WHERE sequence BETWEEN NEW.first_sequence AND NEW.last_sequence
                                       AND command_id = NEW.command_id)
        BEGIN SELECT RAISE(ABORT, '\(tilingMessage)'); END;

        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;

        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;

        CREATE TRIGGER commands_no_update BEFORE UPDATE ON commands
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;

        CREATE TRIGGER commands_no_delete BEFORE DELETE ON commands
        BEGIN SELECT RAISE(ABORT, '\(appendOnlyMessage)'); END;
        """,
        // 2: period snapshots, a deletable cache (Snapshots.swift).
        SnapshotSchema.migration,
        // 3: the hash of each command's canonical content, binding its id to one command (CommandRecord).
        commandContentHash,
        // 4: each snapshot's checksum of its own row (Snapshots.swift); older rows stay NULL, untrusted.
        SnapshotSchema.checksumMigration,
        // 5: an index of the close events, which `closes`, `settlements` and reversals read (CloseLog.swift).
        CloseLogSchema.migration,
        // 6: the history tables and their views (History/HistorySchema.swift).
        HistorySchema.migration,
        // 7: transactions a close moved out of the open state (HistoryTransactions.swift, DR-22).
        HistoryTransactionSchema.migration,
        // 8: the name of the API token whose request appended each command (DR-25); NULL for the CLI.
        commandActor,
        // 9: API tokens and their revocations, insert-only (Tokens.swift, DR-26).
        TokenSchema.migration,
        // 10: the close events' index filtered by comparisons, not `IN` (a temporary b-tree per insert).
        CloseLogSchema.comparisonMigration,
        // 11: the voucher lines' account index goes (HistorySchema.indexes).
        HistorySchema.dropAccountIndex,
        // 12: history transactions keyed in listing order, (sequence, tx), looked up by id through an index.
        HistoryTransactionSchema.sequenceOrder,
        // 13: per-close summaries: totals, adjustments by item and by account (CloseSummarySchema.swift).
        CloseSummarySchema.migration,
        // 14: the subledger sums of what each close moved out of the open state (History/EvictedSums.swift).
        EvictedSumsSchema.migration,
        // 15: the subledger side per day as of a closed date, and the settlement days (AsOfDaySums.swift).
        AsOfDaySumsSchema.migration,
        // 16: voucher lines and settlement entries looked up by id through key tables, not indexes (DR-48).
        HistoryRefsSchema.migration,
        // 17: a Bloom filter of the closed transactions' ids, asked before the id lookup (DR-52).
        ClosedIDFilterSchema.migration,
    ]

    /// The first schema version whose `commands` rows have an `actor` column.
    static let actorVersion = Int64((migrations.firstIndex(of: commandActor) ?? Int(Int32.max) - 1) + 1)

    /// Commands recorded before this migration keep a NULL hash: their content cannot be compared.
    static let commandContentHash = """
        ALTER TABLE commands ADD COLUMN content_hash BLOB
            CHECK(content_hash IS NULL OR length(content_hash) = 32);
        """

    /// A column added to `commands` keeps the append-only triggers (they fire on any UPDATE or DELETE of
    /// the row, whatever the columns) and the tiling trigger (it reads only the sequences).
    static let commandActor = """
        ALTER TABLE commands ADD COLUMN actor TEXT CHECK(actor IS NULL OR length(actor) BETWEEN 1 AND 200);
        """

    static var currentVersion: Int64 { Int64(migrations.count) }

    /// Brings a ledger (or, when `create`, an empty file) up to `currentVersion` and stamps its
    /// application id; returns the schema version it is at. A file that is not a ledger is refused before
    /// anything is written (LedgerFile.swift). Read-only: nothing is migrated, the version is as found.
    static func migrate(_ connection: Connection, create: Bool, readOnly: Bool) throws(StoreError) -> Int64 {
        let found = try LedgerFile.inspect(connection)
        if case .ledger(let version, let stamped) = found, (version == currentVersion && stamped) || readOnly {
            return version
        }
        if found == .empty && !create {
            throw .notALedger(connection.path, "the file is empty; create a ledger with `subledger init`")
        }
        if readOnly { throw .readOnly(connection.path) }  // an empty file cannot be initialized read-only
        try connection.enableWAL()
        try connection.execute("BEGIN IMMEDIATE")
        do {
            // Another process may have created or migrated it meanwhile.
            let version: Int64
            switch try LedgerFile.inspect(connection) {
            case .empty: version = 0
            case .ledger(let found, _): version = found
            }
            for index in Int(version)..<migrations.count {
                try connection.execute(migrations[index])
            }
            try connection.execute("PRAGMA user_version = \(currentVersion)")
            try connection.execute("PRAGMA application_id = \(LedgerFile.applicationID)")
            try connection.execute("COMMIT")
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            throw error
        }
        return currentVersion
    }

    static func userVersion(_ connection: Connection) throws(StoreError) -> Int64 {
        try connection.scalarInt64("PRAGMA user_version") ?? 0
    }

}
