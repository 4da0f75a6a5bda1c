// Shared helpers for the store tests: temporary database files that clean up after themselves,
// sample events, and raw-SQL tampering that bypasses the store (the way an attacker would).

import Foundation
import SubledgerCore
import SubledgerTestSupport

@testable import SubledgerStore

/// A database path under the temporary directory; `remove()` deletes it with its WAL and SHM files.
typealias TempDatabase = TemporaryDatabase

struct BodyFailed: Error, Equatable { var note: String }

func date(_ yyyymmdd: Int32) -> LedgerDate { LedgerDate(yyyymmdd: yyyymmdd)! }

/// Event `index` of a test command: distinct type, version, date and payload per index.
func sampleEvent(_ index: Int, payloadBytes: Int = 24) -> EventEnvelope {
    let payload = (0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) }
    return EventEnvelope(
        date: date(2024_01_01 + Int32(index % 28)), type: index % 2 == 0 ? "receipt.posted" : "issue.posted",
        version: 1 + index % 3, payload: payload)
}

/// Appends commands of the given sizes ("\(prefix)-1", "\(prefix)-2", ...) and returns their records.
@discardableResult
func appendCommands(
    _ store: EventStore, sizes: [Int], prefix: String = "cmd",
    recordedAt: Int64 = 1_700_000_000_000
) throws -> [CommandRecord] {
    var records: [CommandRecord] = []
    var next = 0
    for (offset, size) in sizes.enumerated() {
        let outcome = try store.append(
            commandID: "\(prefix)-\(offset + 1)", kind: "post", expectedLastSequence: try store.lastSequence(),
            recordedAt: recordedAt + Int64(offset)
        ) { batch in
            for _ in 0..<size { try batch.append(sampleEvent(next)); next += 1 }
            return "ok \(offset + 1)"
        }
        guard case .appended(let record) = outcome else { throw BodyFailed(note: "unexpected \(outcome)") }
        records.append(record)
    }
    return records
}

/// Opens `path` with a raw connection, drops every trigger, and runs `sql` (tampering behind the store).
func tamper(_ path: String, _ sql: String, bind: (Statement) throws -> Void = { _ in }) throws {
    let raw = try Connection(path: path)
    let names = try raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    var triggers: [String] = []
    while try names.step() { triggers.append(names.text(at: 0)) }
    for name in triggers { try raw.execute("DROP TRIGGER \(name)") }
    for statementSQL in sql.split(separator: ";").map(String.init) where !statementSQL.allSatisfy(\.isWhitespace) {
        let statement = try raw.prepare(statementSQL)
        try bind(statement)
        try statement.run()
    }
}

/// Reads one event's payload through a raw connection.
func rawPayload(_ path: String, sequence: Int64) throws -> [UInt8] {
    let raw = try Connection(path: path)
    let statement = try raw.prepare("SELECT payload FROM events WHERE sequence = ?1")
    try statement.bind(sequence, at: 1)
    guard try statement.step() else { return [] }
    return statement.blob(at: 0)
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
