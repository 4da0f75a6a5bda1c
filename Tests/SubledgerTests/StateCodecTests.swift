import Foundation
import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

/// One description of the state (issue 11 item 6): the codec's bytes are the snapshot and, hashed, the
/// digest; `==` compares the same fields; the first difference is found by comparing records.
struct StateCodecTests {
    static let cent = Money(cents: 1)

    @Test func aStateDecodesToItselfInCanonicalBytes() throws {
        let state = try SnapshotTests.closedDemo().state
        let bytes = state.encoded()
        let decoded = try LedgerState(decoding: bytes)
        #expect(decoded == state)
        #expect(StateDigest.firstDifference(decoded, state) == nil)
        #expect(state.encoded() == bytes)
        // Dictionaries of another capacity (the decoder reserves room for a tail) iterate in another order;
        // the bytes stay the same.
        let roomy = try LedgerState(decoding: bytes, reservingTransactions: 5_000)
        #expect(roomy == state)
        #expect(roomy.encoded() == bytes)
    }

    @Test func aRecordAloneDecodesToItself() throws {
        let state = try SnapshotTests.closedDemo().state
        for record in state.transactions.values {
            #expect(try TransactionRecord(decoding: record.encoded()) == record, "\(record.id)")
        }
        #expect(throws: PayloadDecodingError.self) { _ = try TransactionRecord(decoding: [0x02, 0x41]) }
    }

    @Test func theLiveAndTheReplayedStateHaveTheSameBytes() throws {
        let path = SnapshotTests.tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let live = try SnapshotTests.closedDemo(path: path).state
        let replayed = try Ledger(path: path, useSnapshots: false).state
        #expect(replayed == live)
        #expect(replayed.encoded() == live.encoded())
        #expect(StateDigest(replayed) == StateDigest(live))
    }

    /// A figure of one transaction changed: a named field, with its value before and after.
    struct Mutation: Sendable {
        var field: String
        var change: @Sendable (inout TransactionRecord) -> Void
    }

    static let mutations: [Mutation] = [
        Mutation(field: "sequence") { $0.sequence += 1 },
        Mutation(field: "financial sequence") { $0.financialSequence += 1 },
        Mutation(field: "unit price") { $0.unitPrice = $0.unitPrice + UnitPrice(units: 1) },
        Mutation(field: "physical open offset") { $0.physicalOpenOffset += cent },
        Mutation(field: "financial value") { $0.financialValue += cent },
        Mutation(field: "adjustment") { $0.adjustment += cent },
        Mutation(field: "physical adjustment") { $0.physicalAdjustment += cent },
        Mutation(field: "settled quantity") { $0.settledQuantity += Quantity(units: 1) },
        Mutation(field: "settled value") { $0.settledValue += cent },
        Mutation(field: "invoice accounts") { $0.invoiceAccounts += 1 },
    ]

    @Test func anyFieldOfAnyRecordChangesTheDigestAndIsNamed() throws {
        let base = try SnapshotTests.closedDemo().state
        let digest = StateDigest(base)
        let ids = base.transactions.keys.sorted()
        var random = SplitMix64(seed: 0x5eed_c0de)
        for _ in 0..<40 {
            let id = ids[Int(random.next() % UInt64(ids.count))]
            let mutation = Self.mutations[Int(random.next() % UInt64(Self.mutations.count))]
            var changed = base
            mutation.change(&changed.transactions[id]!)
            #expect(changed != base, "\(id) \(mutation.field)")
            #expect(StateDigest(changed) != digest, "\(id) \(mutation.field)")
            let difference = StateDigest.firstDifference(base, changed) ?? ""
            #expect(difference.hasPrefix("transaction \(id): \(mutation.field) "), "\(difference)")
        }
    }

    @Test func fieldsOutsideTheRecordsChangeTheDigestToo() throws {
        let base = try SnapshotTests.closedDemo().state
        var later = base
        later.latestBusinessDate = LedgerDate(year: 2027, month: 1, day: 1)!
        var pending = base
        pending.pendingCloseStart = 7
        var marked = base
        marked.markedSettled["S9", default: [:]]["R9"] = Quantity(whole: 1)
        for (changed, name) in [(later, "latest business date"), (pending, "pending close start"), (marked, "S9")] {
            #expect(changed != base, "\(name)")
            #expect(StateDigest(changed) != StateDigest(base), "\(name)")
            #expect(StateDigest.firstDifference(base, changed)?.contains(name) == true, "\(name)")
        }
    }

    @Test func eventsJSONShowsWhichPartsAnEntrySettled() throws {
        let entry = SettlementEntry(
            kind: .settlement, model: .fifo, transaction: "S1", counterpart: "R1", part: 2, issuePart: 1,
            quantity: Quantity(whole: 1), settledAmount: Money(cents: 250), adjustment: .zero, physical: false)
        let event = LedgerEvent.settlementPosted(
            SettlementPosted(
                mode: .close, item: "A", dimensions: DimensionValues(), closingReceipts: [], entries: [entry],
                lines: []))
        guard case .object(let members) = EventRendering.json(event),
            case .array(let entries)? = members.first(where: { $0.key == "entries" })?.value,
            case .object(let fields)? = entries.first
        else {
            Issue.record("no entries in \(EventRendering.json(event))")
            return
        }
        #expect(fields.map(\.key).suffix(2) == ["part", "issue_part"])
        #expect(fields.first { $0.key == "part" }?.value == .number("2"))
        #expect(fields.first { $0.key == "issue_part" }?.value == .number("1"))
        // The shape `settlements --json` shares stays as it was.
        #expect(!EventRendering.entryMembers(entry).contains { $0.key == "issue_part" })
    }

    /// `closes` and `settlements` read the close events only: a damaged posting, which stops every command
    /// that folds the log, does not stop them.
    @Test func closesAndSettlementsDoNotFoldTheLog() throws {
        let box = try CLITests.Sandbox()
        try box.ok(["demo"])
        try box.ok(["snapshot", "delete"])
        let closes = try #require(try box.ok(["closes", "--json"]).json()["closes"] as? [[String: Any]])
        let rows = try CLICloseTests.settlements(box)
        #expect(!closes.isEmpty && !rows.isEmpty)
        try rawEventEdit(box.db, "UPDATE events SET payload = x'00' WHERE sequence = 20")
        #expect(try box.run(["onhand"]).status != 0, "a fold of the damaged log must fail")
        #expect(try box.ok(["closes", "--json"]).json()["closes"] as? [[String: Any]] != nil)
        #expect(try CLICloseTests.settlements(box).count == rows.count)
        let tx = try #require(rows.first?["tx"] as? String)
        #expect(try !CLICloseTests.settlements(box, ["--tx", tx]).isEmpty)
    }
}
