// The conformance suite's two stores behind one harness: a fresh log, a second writer on the same log,
// an owner's hand on the raw tables (to tamper, bypassing the store), and cleanup. PostgreSQL runs when
// SUBLEDGER_TEST_POSTGRES names a reachable server; otherwise its cases say so and are skipped, except
// under CI=true, where a missing server is a failure.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import SubledgerPostgres
@testable import SubledgerStore

enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// One log under test and the means to reach around it.
final class LogHarness {
    let backend: Backend
    let sqlitePath: TemporaryDatabase?
    private let postgresURL: String?
    let schema: String
    private var opened: [any EventLog] = []

    private init(backend: Backend, sqlitePath: TemporaryDatabase?, postgresURL: String?, schema: String) {
        self.backend = backend
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
        self.schema = schema
    }

    /// A harness on an empty log, or nil (with the reason said) when the backend's server is missing.
    static func make(_ backend: Backend) -> LogHarness? {
        switch backend {
        case .sqlite:
            return LogHarness(
                backend: .sqlite, sqlitePath: TemporaryDatabase("conformance"), postgresURL: nil, schema: "")
        case .postgres:
            guard let url = PostgresTestServer.url() else { return nil }
            let schema = "conformance_" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(16)
            return LogHarness(backend: .postgres, sqlitePath: nil, postgresURL: url, schema: String(schema))
        }
    }

    deinit {
        opened.removeAll()
        sqlitePath?.remove()
        if let postgresURL, let owner = try? PostgresSession(PostgresLocation(url: postgresURL)) {
            _ = try? owner.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    /// A connection to the log (each call a new writer, as another thread or node would have).
    /// `rowsPerInsert: 1` sends every event to the server as the body appends it.
    func open(rowsPerInsert: Int = 1) throws -> any EventLog {
        let log: any EventLog
        switch backend {
        case .sqlite: log = try EventStore(path: sqlitePath!.path)
        case .postgres: log = try PostgresEventLog(url: postgresURL!, schema: schema, rowsPerInsert: rowsPerInsert)
        }
        opened.append(log)
        return log
    }

    /// Runs `sql` on the raw tables as their owner, with the append-only triggers out of the way.
    func tamper(_ sql: String) throws {
        switch backend {
        case .sqlite:
            try SubledgerStoreConformanceTests.tamperSQLite(sqlitePath!.path, sql)
        case .postgres:
            let owner = try ownerSession()
            try owner.execute("ALTER TABLE events DISABLE TRIGGER USER")
            try owner.execute("ALTER TABLE commands DISABLE TRIGGER USER")
            try owner.execute(sql)
            try owner.execute("ALTER TABLE events ENABLE TRIGGER USER")
            try owner.execute("ALTER TABLE commands ENABLE TRIGGER USER")
        }
    }

    /// Runs `sql` on the log's tables through an ordinary connection (the triggers in force).
    func runRaw(_ sql: String) throws {
        switch backend {
        case .sqlite:
            let raw = try Connection(path: sqlitePath!.path)
            try raw.execute(sql)
        case .postgres:
            try ownerSession().execute(sql)
        }
    }

    /// A PostgreSQL session on the harness's schema, as the tables' owner.
    func ownerSession() throws -> PostgresSession {
        let session = try PostgresSession(PostgresLocation(url: postgresURL!))
        try session.execute("SET search_path TO \(schema)")
        return session
    }

    /// Runs `body` with the log acting as a new role that holds exactly the GRANTs `init` prints (the
    /// ledger's own role), and the owner's session; the role is dropped afterwards.
    func asLedgerRole(
        _ prefix: String, _ body: (_ log: PostgresEventLog, _ owner: PostgresSession) throws -> Void
    ) throws {
        let log = try open() as! PostgresEventLog
        let owner = try ownerSession()
        let role = prefix + "_" + schema
        try owner.execute("CREATE ROLE \(role) NOLOGIN")
        defer {
            _ = try? owner.execute("DROP OWNED BY \(role)")
            _ = try? owner.execute("DROP ROLE \(role)")
        }
        for grant in PostgresEventLog.grants(role: role, schema: schema) { try owner.execute(grant) }
        try log.session.execute("SET ROLE \(role)")
        try body(log, owner)
    }
}

/// Drops SQLite's triggers on a raw connection and runs `sql` (tampering behind the store).
func tamperSQLite(_ path: String, _ sql: String) throws {
    let raw = try Connection(path: path)
    let names = try raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    var triggers: [String] = []
    while try names.step() { triggers.append(names.text(at: 0)) }
    for name in triggers { try raw.execute("DROP TRIGGER \(name)") }
    try raw.execute(sql)
}

// Sample content, shared by the cases.

func date(_ yyyymmdd: Int32) -> LedgerDate { LedgerDate(yyyymmdd: yyyymmdd)! }

/// Event `index` of a test command: distinct type, version, date and payload per index.
func sampleEvent(_ index: Int, payloadBytes: Int = 24) -> EventEnvelope {
    let payload = (0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
    return EventEnvelope(
        date: date(2024_01_01 + Int32(index % 28)), type: index % 2 == 0 ? "receipt.posted" : "issue.posted",
        version: 1 + index % 3, payload: payload)
}

struct BodyFailed: Error, Equatable { var note: String }

extension EventLog {
    /// Appends one command of `count` sample events (starting at sample `first`) at the log's end.
    @discardableResult
    func appendSample(
        _ id: String, count: Int, first: Int = 0, hash: SHA256.Digest? = nil, recordedAt: Int64 = 1_700_000_000_000
    ) throws -> AppendOutcome {
        try appendCommand(
            commandID: id, kind: "post", expectedLastSequence: try lastSequence(), recordedAt: recordedAt,
            actor: nil, contentHash: { hash ?? SHA256.hash(Array(id.utf8)) }
        ) { sink in
            for index in first..<(first + count) { try sink.append(sampleEvent(index)) }
            return "{\"events\":\(count)}"
        }
    }

    /// Every event in the log, read through `forEachEvent`.
    func allEvents(after: Int64 = 0) throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        try forEachEvent(after: after, through: nil) { events.append($0) }
        return events
    }
}
