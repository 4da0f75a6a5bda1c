// LedgerFile: whether a SQLite file is a Subledger ledger, decided before anything is written to it.
//
// A ledger is stamped with `PRAGMA application_id` = 0x53424C47 (ASCII "SBLG") when it is created or
// migrated, and tracks its schema in `PRAGMA user_version` (Schema.swift). Ledgers created by builds
// before the stamp have application_id 0 and the `events` and `commands` tables at a user_version this
// build knows: they are accepted, and stamped by the next migration when the file is writable. A file with no
// schema at all (a 0-byte file, or a SQLite file with no tables and no stamps) is empty: only a caller
// that asked to create a ledger may initialize it. Anything else (another application's database, an
// unknown application_id, a user_version newer than this build) is refused as not a ledger, and the
// file is left exactly as it was: no tables, no journal-mode switch.

import CSQLite

public enum LedgerFile {
    /// `PRAGMA application_id` of every ledger: the ASCII bytes "SBLG".
    public static let applicationID: Int32 = 0x5342_4C47

    /// What an opened file holds.
    enum Contents: Equatable {
        /// No schema at all: may be initialized by a caller that creates ledgers.
        case empty
        /// A ledger at this schema version (stamped or from before the stamp).
        case ledger(version: Int64, stamped: Bool)
    }

    /// Reads the file's stamps and schema (reads only), or throws `StoreError.notALedger`.
    static func inspect(_ connection: Connection) throws(StoreError) -> Contents {
        let applicationID: Int64, version: Int64, objects: Int64, tables: Int64
        do throws(StoreError) {
            applicationID = try connection.scalarInt64("PRAGMA application_id") ?? 0
            version = try connection.scalarInt64("PRAGMA user_version") ?? 0
            objects = try connection.scalarInt64("SELECT count(*) FROM sqlite_master") ?? 0
            tables =
                try connection.scalarInt64(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'commands')") ?? 0
        } catch  where error.primaryCode == SQLITE_NOTADB {
            throw .notALedger(connection.path, "it is not a SQLite database")
        }
        let current = Schema.currentVersion
        if applicationID == Int64(Self.applicationID) {
            // A damaged header can hold any 32-bit value, a negative one too: never index migrations with it.
            guard version >= 0 else {
                throw .notALedger(connection.path, "its schema version \(version) is not a schema version")
            }
            guard version <= current else {
                throw .notALedger(
                    connection.path, "its schema version \(version) is newer than this build supports (\(current))")
            }
            return .ledger(version: version, stamped: true)
        }
        guard applicationID == 0 else {
            throw .notALedger(
                connection.path, "its application_id \(applicationID) is not Subledger's (\(Self.applicationID))")
        }
        if objects == 0 && version == 0 { return .empty }
        // A ledger from before the stamp: our tables at a schema version this build knows.
        guard tables == 2, (1...current).contains(version) else {
            throw .notALedger(
                connection.path,
                version > current
                    ? "its schema version \(version) is newer than this build supports (\(current))"
                    : "it has no Subledger schema")
        }
        return .ledger(version: version, stamped: false)
    }
}

extension StoreError {
    /// The file is not a ledger this build can open; nothing was written to it.
    static func notALedger(_ path: String, _ reason: String) -> StoreError {
        StoreError(
            code: SQLITE_NOTADB,
            message: "subledger: \(path) is not a Subledger ledger: \(reason); it was left unchanged")
    }

    /// A write to a ledger opened read-only.
    static func readOnly(_ path: String) -> StoreError {
        StoreError(code: SQLITE_READONLY, message: "subledger: \(path) is open read-only; nothing was written")
    }

    /// The file is not a ledger (`notALedger`, or SQLite's own "file is not a database").
    public var isNotALedger: Bool { primaryCode == SQLITE_NOTADB }
    /// A write was refused because the ledger is read-only.
    public var isReadOnly: Bool { primaryCode == SQLITE_READONLY }
}
