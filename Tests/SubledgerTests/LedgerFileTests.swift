// Files that are not ours are left alone: a SQLite file that is not a ledger is refused byte for byte
// untouched, only `init` and `demo` create a ledger, a read-only ledger answers every query, and a bad
// `--db` (a directory, a missing folder) says what is wrong with exit 66.

import Foundation
import Testing

@testable import Subledger
@testable import SubledgerStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct LedgerFileTests {
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A SQLite file made through a raw connection (no Subledger code touches it).
    static func foreignDatabase(_ path: String, _ sql: String) throws {
        let raw = try Connection(path: path)
        try raw.execute(sql)
    }

    static func expectRefusedUntouched(
        _ box: CLITests.Sandbox, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try Self.bytes(box.db)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: box.directory.path).sorted()
        for arguments in [
            ["onhand"], ["verify"], ["init"], ["demo"], ["post", "item", "--item", "A", "--model", "fifo"],
            ["snapshot", "list"], ["replay"],
        ] {
            let outcome = try CLIOutcome.run(arguments + ["--db", box.db], in: box.directory)
            #expect(
                outcome.exited && outcome.status == 66, "\(arguments): \(outcome.summary)",
                sourceLocation: sourceLocation)
            #expect(
                outcome.stderr.contains("not-a-ledger"), "\(arguments): \(outcome.stderr)",
                sourceLocation: sourceLocation)
        }
        #expect(
            try Self.bytes(box.db) == before, "the file must be left byte-identical", sourceLocation: sourceLocation)
        let after = try FileManager.default.contentsOfDirectory(atPath: box.directory.path).sorted()
        #expect(after == siblings, "no -wal or -shm file may appear next to it", sourceLocation: sourceLocation)
    }

    @Test func anotherApplicationsDatabaseIsRefusedUntouched() throws {
        let box = try CLITests.Sandbox()
        try Self.foreignDatabase(
            box.db, "PRAGMA journal_mode = DELETE; CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT)")
        try Self.expectRefusedUntouched(box)
    }

    @Test func unknownApplicationIDIsRefusedUntouched() throws {
        let box = try CLITests.Sandbox()
        try Self.foreignDatabase(
            box.db, "PRAGMA journal_mode = DELETE; PRAGMA application_id = 1234; CREATE TABLE t(x)")
        try Self.expectRefusedUntouched(box)
    }

    @Test func newerSchemaVersionIsRefusedUntouched() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try Self.foreignDatabase(box.db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99")
        try Self.expectRefusedUntouched(box)
        let outcome = try CLIOutcome.run(["onhand", "--db", box.db], in: box.directory)
        #expect(outcome.stderr.contains("newer than this build"), "\(outcome.stderr)")
    }

    /// A damaged header (a flipped sign bit of user_version) once indexed the migrations with it: a trap.
    @Test func negativeSchemaVersionIsRefusedUntouched() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try Self.foreignDatabase(box.db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = -2147483644")
        try Self.expectRefusedUntouched(box)
        let outcome = try CLIOutcome.run(["onhand", "--db", box.db], in: box.directory)
        #expect(outcome.stderr.contains("is not a schema version"), "\(outcome.stderr)")
    }

    @Test func aFileThatIsNotSQLiteIsRefusedUntouched() throws {
        let box = try CLITests.Sandbox()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: box.db))
        try Self.expectRefusedUntouched(box)
    }

    @Test func onlyInitAndDemoInitializeAnEmptyFile() throws {
        let box = try CLITests.Sandbox()
        _ = FileManager.default.createFile(atPath: box.db, contents: Data())
        for arguments in [["onhand"], ["verify"], ["post", "item", "--item", "A", "--model", "fifo"]] {
            let outcome = try CLIOutcome.run(arguments + ["--db", box.db], in: box.directory)
            #expect(outcome.exited && outcome.status == 66, "\(arguments): \(outcome.summary)")
        }
        #expect(try Self.bytes(box.db).isEmpty)
        try box.ok(["init"])
        let raw = try Connection(path: box.db)
        #expect(try raw.scalarInt64("PRAGMA application_id") == Int64(LedgerFile.applicationID))
    }

    @Test func ledgerFromBeforeTheStampIsAcceptedAndStamped() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])
        let figures = try box.ok(["gl", "--json"]).stdout
        // What a build before the stamp and the snapshot checksums left: no application id, the version before.
        let before = SnapshotSchema.checksumVersion - 1
        try Self.foreignDatabase(
            box.db,
            "PRAGMA application_id = 0; PRAGMA user_version = \(before); ALTER TABLE snapshots DROP COLUMN checksum; "
                + "ALTER TABLE commands DROP COLUMN actor; DROP TABLE api_token_revocations; DROP TABLE api_tokens")
        let readOnly = try CLIOutcome.run(["gl", "--json", "--read-only", "--db", box.db], in: box.directory)
        #expect(readOnly.status == 0 && readOnly.stdout == figures, "\(readOnly.summary)")
        #expect(try Connection(path: box.db).scalarInt64("PRAGMA user_version") == before, "read-only must not migrate")
        #expect(try box.ok(["gl", "--json"]).stdout == figures)
        let raw = try Connection(path: box.db)
        #expect(try raw.scalarInt64("PRAGMA application_id") == Int64(LedgerFile.applicationID))
        #expect(try raw.scalarInt64("PRAGMA user_version") == Schema.currentVersion)
    }

    @Test func demoRefusesALedgerHoldingOtherEvents() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "A", "--model", "fifo", "--price", "1"])
        let outcome = try CLIOutcome.run(["demo", "--db", box.db], in: box.directory)
        #expect(outcome.exited && outcome.status == 2, "\(outcome.summary)")
        #expect(outcome.stderr.contains("not-empty"), "\(outcome.stderr)")
        #expect(try box.eventCount() == 1)
    }

    @Test func readOnlyLedgerAnswersQueriesAndRefusesWrites() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])  // the history and a close, with its snapshot
        var expected: [String: String] = [:]
        let queries = [
            ["onhand", "--json"], ["gl", "--json"], ["transactions", "--json"], ["verify"], ["snapshot", "list"],
        ]
        for query in queries { expected[query[0]] = try box.ok(query).stdout }
        let before = try Self.bytes(box.db)
        for query in queries {
            let outcome = try CLIOutcome.run(query + ["--read-only", "--db", box.db], in: box.directory)
            #expect(
                outcome.exited && outcome.status == 0 && outcome.stdout == expected[query[0]],
                "\(query): \(outcome.summary)")
        }
        for write in [
            ["post", "item", "--item", "Z", "--model", "fifo"], ["close", "2026-02-28"], ["snapshot", "delete"],
        ] {
            let outcome = try CLIOutcome.run(write + ["--read-only", "--db", box.db], in: box.directory)
            #expect(outcome.exited && outcome.status == 3, "\(write): \(outcome.summary)")
            #expect(outcome.stderr.contains("read-only"), "\(write): \(outcome.stderr)")
        }
        #expect(try Self.bytes(box.db) == before)
        let store = try EventStore(path: box.db, access: .readOnly)
        #expect(store.isReadOnly)
    }

    @Test func badDatabasePathsSayWhatIsWrong() throws {
        let box = try CLITests.Sandbox()
        let directory = try CLIOutcome.run(["onhand", "--db", box.directory.path], in: box.directory)
        #expect(directory.status == 66 && directory.stderr.contains("is a directory"), "\(directory.summary)")
        let missing = box.directory.appendingPathComponent("nowhere/ledger.db").path
        for arguments in [["onhand"], ["init"], ["demo"]] {
            let outcome = try CLIOutcome.run(arguments + ["--db", missing], in: box.directory)
            #expect(
                outcome.status == 66 && outcome.stderr.contains("folder") && outcome.stderr.contains("nowhere"),
                "\(arguments): \(outcome.summary)")
        }
        try box.ok(["init"])
        // Root reads any file whatever its mode: the unreadable case can only be seen as another user.
        if getuid() != 0 {
            chmod(box.db, 0)
            let unreadable = try CLIOutcome.run(["onhand", "--db", box.db], in: box.directory)
            #expect(unreadable.status == 66 && unreadable.stderr.contains("cannot read"), "\(unreadable.summary)")
        }
    }
}
