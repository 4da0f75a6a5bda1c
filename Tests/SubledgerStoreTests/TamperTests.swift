// Tampering behind SQLite's back (triggers dropped through a raw connection): verifyChain must report
// broken at the first affected sequence for every kind of edit it promises to catch, and we pin the one
// it documents it cannot catch (truncating whole trailing commands).

import Testing

@testable import SubledgerStore

@Suite struct TamperTests {
    /// Three commands: events 1-4, 5-7, 8-10.
    func makeLog() throws -> (TempDatabase, EventStore) {
        let db = TempDatabase("tamper")
        let store = try EventStore(path: db.path)
        try appendCommands(store, sizes: [4, 3, 3])
        #expect(try store.verifyChain() == .intact(eventCount: 10, lastHash: lastHash(store)))
        return (db, store)
    }

    func expectBroken(_ store: EventStore, at sequence: Int64, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let result = try store.verifyChain()
        guard case .broken(let first, let reason) = result else {
            Issue.record("expected broken at \(sequence), got \(result)", sourceLocation: sourceLocation); return
        }
        #expect(first == sequence, "\(reason)", sourceLocation: sourceLocation)
        #expect(
            !store.connection.isInTransaction, "verifyChain must end its read transaction",
            sourceLocation: sourceLocation)
    }

    @Test func oneChangedPayloadByte() throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        var payload = try rawPayload(db.path, sequence: 5)
        payload[3] ^= 0x01
        try tamper(db.path, "UPDATE events SET payload = ?1 WHERE sequence = 5") { try $0.bind(payload, at: 1) }
        try expectBroken(store, at: 5)
    }

    @Test(arguments: [
        "UPDATE events SET type = 'receipt.postee' WHERE sequence = 6",
        "UPDATE events SET version = version + 1 WHERE sequence = 6",
        "UPDATE events SET business_date = business_date + 1 WHERE sequence = 6",
        "UPDATE events SET recorded_at = recorded_at + 1 WHERE sequence = 6",
        "UPDATE events SET command_id = 'cmd-3' WHERE sequence = 6",
        "UPDATE events SET hash = zeroblob(32) WHERE sequence = 6",
        "UPDATE events SET sequence = 60 WHERE sequence = 6",
    ])
    func anyOtherColumnChanged(sql: String) throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        try tamper(db.path, sql)
        try expectBroken(store, at: 6)
    }

    @Test func middleRowDeleted() throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        try tamper(db.path, "DELETE FROM events WHERE sequence = 5")
        try expectBroken(store, at: 5)
    }

    @Test func lastRowDeleted() throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        try tamper(db.path, "DELETE FROM events WHERE sequence = 10")
        try expectBroken(store, at: 10)
    }

    @Test func twoPayloadsSwapped() throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        let third = try rawPayload(db.path, sequence: 3), seventh = try rawPayload(db.path, sequence: 7)
        try tamper(db.path, "UPDATE events SET payload = ?1 WHERE sequence = 3") { try $0.bind(seventh, at: 1) }
        try tamper(db.path, "UPDATE events SET payload = ?1 WHERE sequence = 7") { try $0.bind(third, at: 1) }
        try expectBroken(store, at: 3)
    }

    @Test func commandRowMissing() throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        try tamper(db.path, "DELETE FROM commands WHERE command_id = 'cmd-2'")
        try expectBroken(store, at: 5)
    }

    @Test func commandRangeForged() throws {
        let (db, store) = try makeLog(); defer { db.remove() }
        try tamper(db.path, "UPDATE commands SET last_sequence = 8, event_count = 4 WHERE command_id = 'cmd-2'")
        try expectBroken(store, at: 8)
    }

    @Test func trailingCommandTruncatedWholeIsUndetectable() throws {
        // Documented limitation: with the last command's events AND its row gone, the file is a valid
        // shorter log. Callers that need to catch this keep the last hash outside the file.
        let (db, store) = try makeLog(); defer { db.remove() }
        try tamper(db.path, "DELETE FROM events WHERE sequence > 7; DELETE FROM commands WHERE command_id = 'cmd-3'")
        guard case .intact(7, _) = try store.verifyChain() else {
            Issue.record("expected a shorter intact log"); return
        }
    }
}
