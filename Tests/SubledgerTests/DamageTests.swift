// A damaged log or snapshot gives an error, never a crash or a wrong answer: events that decode but
// contradict the state, snapshots whose bytes changed, snapshots that do not fit the log. Each case runs
// the built binary (a trap would show as a signal) or the library on a real file.

import Foundation
import SubledgerTestSupport
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// The built `subledger` run on a path, telling an exit from a signal.
typealias CLIOutcome = ProcessOutcome

struct DamageTests {
    /// A receipt of an item no event defined, appended through the store: its hash chain is valid.
    static func appendGhostReceipt(_ path: String) throws {
        let store = try EventStore(path: path)
        let receipt = ReceiptPosted(
            transaction: "PX", item: "GHOST", kind: .purchase, dimensions: DimensionValues(),
            quantity: Quantity(whole: 1), unitPrice: UnitPrice(units: 10_000), physicalOnly: false,
            inventoryValue: Money(cents: 100), offsetValue: Money(cents: 100), lines: [])
        _ = try store.append(
            commandID: "forged", kind: "receive", expectedLastSequence: try store.lastSequence(),
            recordedAt: 1_700_000_000_000
        ) { batch in
            try batch.append(EventCatalog.envelope(.receiptPosted(receipt), date: LedgerDate("2026-01-05")!))
            return "{}"
        }
    }

    @Test func eventNamingAnUnknownItemIsAStorageErrorNamingItsSequence() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["init"])
        try box.ok(["post", "item", "--item", "A", "--model", "fifo", "--price", "11.00"])
        try box.ok([
            "post", "receive", "--date", "2026-01-02", "--item", "A", "--tx", "P1", "--qty", "2", "--cost", "10",
        ])
        try Self.appendGhostReceipt(box.db)  // event 3

        let verify = try CLIOutcome.run(["verify", "--db", box.db], in: box.directory)
        #expect(verify.exited && verify.status == 0, "verify streams the chain, it does not fold: \(verify.summary)")
        for query in [["onhand"], ["gl"], ["transactions", "--json"]] {
            let outcome = try CLIOutcome.run(query + ["--db", box.db], in: box.directory)
            #expect(outcome.exited && outcome.status == 3, "\(query): \(outcome.summary)")
            #expect(
                outcome.stderr.contains("event 3") && outcome.stderr.contains("GHOST"), "\(query): \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty, "\(query) must show no figures: \(outcome.stdout)")
        }
    }

    @Test func applyThrowsForEveryKindOfContradiction() throws {
        var state = LedgerState()
        let day = LedgerDate("2026-01-05")!
        let invoice = InvoicePosted(
            transaction: "NOPE", quantity: Quantity(whole: 1), unitPrice: .zero,
            physicalValueReversed: .zero, physicalOffsetReversed: .zero, financialValue: .zero,
            costSource: .receiptPrice, lines: [])
        #expect(throws: ProjectionError.self) { try state.apply(.invoicePosted(invoice), date: day, sequence: 1) }
        var fresh = LedgerState()
        #expect(throws: ProjectionError.self) {
            try fresh.apply(.closeReversed(CloseReversed(closeSequence: 7)), date: day, sequence: 1)
        }
        var ordered = LedgerState()
        try ordered.apply(.closePosted(ClosePosted(mode: .close, log: [])), date: day, sequence: 5)
        #expect(throws: ProjectionError.self) {
            try ordered.apply(.closePosted(ClosePosted(mode: .close, log: [])), date: day, sequence: 5)
        }
    }

    @Test func overflowInTheFoldIsAnErrorNotATrap() throws {
        var state = LedgerState()
        try state.apply(.itemDefined(ItemSetup(id: "A", model: .fifo)), date: EventCatalog.setupDate, sequence: 1)
        let huge = ReceiptPosted(
            transaction: "P1", item: "A", kind: .purchase, dimensions: DimensionValues(),
            quantity: Quantity(units: .max), unitPrice: .zero, physicalOnly: false,
            inventoryValue: Money(units: .max), offsetValue: .zero, lines: [])
        try state.apply(.receiptPosted(huge), date: LedgerDate("2026-01-02")!, sequence: 2)
        var again = huge
        again.transaction = "P2"
        #expect(throws: ProjectionError(sequence: 3, message: "a figure overflows when added up")) {
            try state.apply(.receiptPosted(again), date: LedgerDate("2026-01-03")!, sequence: 3)
        }
    }

    // MARK: - Snapshots

    /// The demo: its history and the close of its first month, which stores a snapshot of event `sequence`.
    static func closedDemo(_ box: CLITests.Sandbox) throws -> Int64 {
        try box.ok(["demo"])
        let store = try EventStore(path: box.db)
        return try #require(try store.snapshots().last?.sequence)
    }

    /// Rewrites the snapshot's state to one that decodes fine but holds a wrong amount, keeping its row
    /// (and checksum) otherwise: what a flipped byte inside a varint does.
    static func corruptSnapshotAmount(_ path: String, sequence: Int64) throws -> String {
        let store = try EventStore(path: path)
        let record = try #require(try store.snapshot(sequence: sequence))
        var state = try LedgerState(decoding: record.state)
        let id = try #require(
            state.transactions.keys.sorted().first { state.transactions[$0]!.financialValue.isPositive })
        state.transactions[id]!.financialValue += Money(cents: 100_000)
        try rawSnapshotEdit(path, "UPDATE snapshots SET state = ?1 WHERE sequence = ?2") { statement in
            try statement.bind(state.encoded(), at: 1)
            try statement.bind(sequence, at: 2)
        }
        return id
    }

    @Test func snapshotWhoseBytesChangedIsSkippedWithAWarning() throws {
        let box = try CLITests.Sandbox()
        let sequence = try Self.closedDemo(box)
        let before = try box.ok(["transactions", "--json"]).stdout
        _ = try Self.corruptSnapshotAmount(box.db, sequence: sequence)

        let after = try CLIOutcome.run(["transactions", "--json", "--db", box.db], in: box.directory)
        #expect(after.exited && after.status == 0, "\(after.summary)")
        #expect(after.stdout == before, "a damaged snapshot must not change a figure")
        #expect(
            after.stderr.contains("warning: snapshot \(sequence) skipped") && after.stderr.contains("checksum"),
            "\(after.stderr)")

        let verify = try CLIOutcome.run(["verify", "--db", box.db], in: box.directory)
        #expect(verify.exited && verify.status == 1, "\(verify.summary)")
        #expect(verify.stdout.contains("snapshot \(sequence) is damaged"), "\(verify.stdout)")
        let json = try CLIOutcome.run(["verify", "--json", "--db", box.db], in: box.directory)
        #expect(json.status == 1 && json.stdout.contains("\"damaged_snapshots\":[\(sequence)]"), "\(json.stdout)")
    }

    @Test func checkedSnapshotsThatDoNotFitTheLogAreSkippedWithAWarning() throws {
        let path = SnapshotTests.tempPath()
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        let expected = StateDigest(ledger.state)
        let last = ledger.state.lastSequence
        let hash = try #require(try ledger.store.hash(at: last))
        let mid = try #require(try ledger.store.hash(at: 10))
        // Checksums valid, contents wrong: a state beyond the log, and bytes that do not decode.
        try ledger.store.saveSnapshot(
            sequence: last + 5, chainHash: hash, businessDate: 20_260_131, createdAt: 1,
            format: LedgerState.snapshotFormat, state: ledger.state.encoded())
        try ledger.store.deleteSnapshots(through: last)  // the close's own, good snapshot
        try ledger.store.saveSnapshot(
            sequence: 10, chainHash: mid, businessDate: 20_260_101, createdAt: 1,
            format: LedgerState.snapshotFormat, state: [1, 2, 3])

        let reopened = try Ledger(path: path)
        #expect(StateDigest(reopened.state) == expected)
        #expect(reopened.snapshotWarnings.count == 2, "\(reopened.snapshotWarnings)")
        #expect(
            reopened.snapshotWarnings.first?.contains("snapshot \(last + 5) skipped: the log ends at event \(last)")
                == true)
        #expect(reopened.snapshotWarnings.last?.contains("snapshot 10 skipped: snapshot state cannot be read") == true)
    }

    @Test func snapshotWithoutAChecksumIsNotTrusted() throws {
        let path = SnapshotTests.tempPath()
        let ledger = try Ledger(path: path)
        try ledger.loadDemo()
        try ledger.execute(.close(LedgerDate("2026-01-31")!))
        let expected = StateDigest(ledger.state)
        try rawSnapshotEdit(path, "UPDATE snapshots SET checksum = NULL")
        let reopened = try Ledger(path: path)
        #expect(StateDigest(reopened.state) == expected)
        #expect(
            reopened.snapshotWarnings.count == 1 && reopened.snapshotWarnings[0].contains("no checksum"),
            "\(reopened.snapshotWarnings)")
    }
}

extension EventStore {
    /// Test helper: drops the snapshots at or before `sequence`.
    func deleteSnapshots(through sequence: Int64) throws {
        try connection.execute("DELETE FROM snapshots WHERE sequence <= \(sequence)")
    }
}

/// Runs `sql` on the snapshots table through a raw connection (the table has no triggers: a cache).
func rawSnapshotEdit(_ path: String, _ sql: String, bind: (Statement) throws -> Void = { _ in }) throws {
    let raw = try Connection(path: path)
    let statement = try raw.prepare(sql)
    try bind(statement)
    try statement.run()
}

/// Recomputes the stored hash of event `sequence` from its row and the previous hash, as a forger who
/// rewrote the row would (triggers must already be dropped). Later events keep their old hashes.
func rehashEvent(_ path: String, sequence: Int64) throws {
    let raw = try Connection(path: path)
    let previous = try raw.prepare("SELECT hash FROM events WHERE sequence = ?1")
    try previous.bind(sequence - 1, at: 1)
    let previousHash = try previous.step() ? SHA256.Digest(previous.blob(at: 0))! : SHA256.Digest.zero
    let row = try raw.prepare(
        "SELECT business_date, type, version, command_id, recorded_at, payload FROM events WHERE sequence = ?1")
    try row.bind(sequence, at: 1)
    guard try row.step() else { return }
    let digest = EventHash.compute(
        previous: previousHash, sequence: sequence, businessDate: Int32(row.int64(at: 0)),
        type: row.textBuffer(at: 1), version: Int32(row.int64(at: 2)),
        commandID: row.textBuffer(at: 3), recordedAt: row.int64(at: 4),
        payload: row.blobBuffer(at: 5))
    row.reset()
    let update = try raw.prepare("UPDATE events SET hash = ?1 WHERE sequence = ?2")
    try update.bind(digest.bytes, at: 1)
    try update.bind(sequence, at: 2)
    try update.run()
}

/// Rewrites a snapshot row's chain hash and state with a checksum that matches them: a snapshot this
/// build could have written for another log, or with a wrong state.
func forgeSnapshot(_ path: String, sequence: Int64, chainHash: [UInt8]? = nil, state: [UInt8]? = nil) throws {
    let store = try EventStore(path: path)
    guard var record = try store.snapshot(sequence: sequence) else { return }
    record.chainHash = chainHash ?? record.chainHash
    record.state = state ?? record.state
    let checksum = SnapshotRecord.checksum(
        sequence: record.sequence, chainHash: record.chainHash, businessDate: record.businessDate,
        createdAt: record.createdAt, format: record.format, state: record.state)
    try rawSnapshotEdit(path, "UPDATE snapshots SET chain_hash = ?1, state = ?2, checksum = ?3 WHERE sequence = ?4") {
        statement in
        try statement.bind(record.chainHash, at: 1)
        try statement.bind(record.state, at: 2)
        try statement.bind(checksum, at: 3)
        try statement.bind(sequence, at: 4)
    }
}

/// Long scans hash on a second thread (`BackgroundChainCheck`): the same verdicts as inline hashing.
struct LongScanDamageTests {
    static func longLedger(_ path: String, receipts: Int = 9_000) throws -> Ledger {
        let ledger = try Ledger(path: path)
        try ledger.executeBatch(kind: "bulk") { submit in
            try submit(.defineItem(ItemSetup(id: "A", model: .fifo)))
            for index in 0..<receipts {
                try submit(
                    .receive(
                        .init(
                            date: LedgerDate("2026-01-02")!, item: "A", transaction: "R\(index)",
                            quantity: Quantity(whole: 1), unitPrice: UnitPrice(units: 10_000))))
            }
        }
        return ledger
    }

    @Test func aChangedPayloadDeepInALongLogFailsTheOpen() throws {
        let path = SnapshotTests.tempPath()
        let expected = StateDigest(try Self.longLedger(path).state)
        #expect(StateDigest(try Ledger(path: path).state) == expected, "an intact long log opens")
        var payload = try #require(try EventStore(path: path).forEachEventPayload(sequence: 5_000))
        payload[payload.count - 1] ^= 0x01
        try rawEventEdit(path, "UPDATE events SET payload = ?1 WHERE sequence = 5000") { try $0.bind(payload, at: 1) }
        #expect { _ = try Ledger(path: path) } throws: { error in
            guard case LedgerError.storage(let message) = error else { return false }
            return message.contains("event 5000's hash does not match")
        }
        #expect { _ = try Replay.state(of: EventStore(path: path), asOf: nil) } throws: { error in
            (error as? StoreError)?.message.contains("event 5000's hash does not match") == true
        }
    }
}

extension EventStore {
    /// Test helper: the stored payload of one event (read without the chain check).
    func forEachEventPayload(sequence: Int64) throws -> [UInt8]? {
        let statement = try connection.prepare("SELECT payload FROM events WHERE sequence = ?1")
        try statement.bind(sequence, at: 1)
        return try statement.step() ? statement.blob(at: 0) : nil
    }
}

/// Runs `sql` on the events table behind the store's back (its triggers dropped first).
func rawEventEdit(_ path: String, _ sql: String, bind: (Statement) throws -> Void = { _ in }) throws {
    let raw = try Connection(path: path)
    for trigger in ["events_no_update", "events_no_delete"] { try raw.execute("DROP TRIGGER IF EXISTS \(trigger)") }
    let statement = try raw.prepare(sql)
    try bind(statement)
    try statement.run()
}
