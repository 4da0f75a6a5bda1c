// Verbatim appends and `LogCopy` (EventLog+Verbatim.swift, LogCopy.swift), run with each store as the
// destination (and, for the round trip, as the source): rows kept exactly, a broken chain refused at its
// sequence with nothing of its command written, a rerun resuming after a partial copy, a destination that
// is not a prefix refused at the first differing sequence.

import Foundation
import SubledgerCore
import SubledgerTestSupport
import Testing

@testable import SubledgerStore

@Suite struct VerbatimAppendTests {
    /// A SQLite source: c1 (3 events), an empty command, c2 (2 events), c3 (4 events, with an actor).
    static func makeSource() throws -> (TemporaryDatabase, EventStore) {
        let file = TemporaryDatabase("copy-source")
        let source = try EventStore(path: file.path)
        try source.appendSample("c1", count: 3)
        _ = try source.appendCommand(
            commandID: "empty", kind: "import", expectedLastSequence: 3, recordedAt: 1_700_000_000_002, actor: nil,
            contentHash: { nil }
        ) { _ in "{}" }
        try source.appendSample("c2", count: 2, first: 3, recordedAt: 1_700_000_000_003)
        _ = try source.appendCommand(
            commandID: "c3", kind: "close", expectedLastSequence: 5, recordedAt: 1_700_000_000_004, actor: "erp",
            contentHash: { SHA256.hash([9]) }
        ) { sink in
            for index in 5..<9 { try sink.append(sampleEvent(index)) }
            return "{\"events\":4}"
        }
        return (file, source)
    }

    static func commands(_ log: any EventLog) throws -> [CommandRecord] {
        try log.commands(firstSequenceIn: 1...Int64.max - 1)
    }

    @Test(arguments: Backend.allCases)
    func aCopyKeepsEveryRowAndRunsBackUnchanged(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (file, source) = try Self.makeSource()
        defer { file.remove() }
        let destination = try harness.open(rowsPerInsert: 2)
        // One command a transaction (batches of 2 events): every transaction boundary is exercised.
        let result = try LogCopy.copy(from: source, to: destination, eventsPerTransaction: 2)
        #expect(result.resumedAfter == 0 && result.events == 9 && result.commands == 4 && result.lastSequence == 9)
        #expect(try destination.allEvents() == source.allEvents())
        #expect(try Self.commands(destination) == Self.commands(source))
        #expect(try Self.commands(source).map(\.commandID) == ["c1", "empty", "c2", "c3"])
        guard case .intact(9, let hash) = try destination.verifyChain(progress: nil) else {
            Issue.record("chain not intact"); return
        }
        #expect(hash == result.lastHash.bytes)

        // And back into a new SQLite file: the destination as the source.
        let back = TemporaryDatabase("copy-back")
        defer { back.remove() }
        let copyBack = try EventStore(path: back.path)
        _ = try LogCopy.copy(from: destination, to: copyBack)
        #expect(try copyBack.allEvents() == source.allEvents())
        #expect(try Self.commands(copyBack) == Self.commands(source))
    }

    @Test(arguments: Backend.allCases)
    func aRerunResumesAfterAPartialCopy(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (file, source) = try Self.makeSource()
        defer { file.remove() }
        let destination = try harness.open()
        // A copy stopped after its first transaction: c1 and the empty command are there.
        _ = try destination.appendVerbatim(expectedLastSequence: 0) { sink in
            for event in try source.allEvents().prefix(3) { try sink.append(event) }
            for record in try Self.commands(source).prefix(2) { try sink.endCommand(record) }
        }
        let rerun = try LogCopy.copy(from: source, to: destination, eventsPerTransaction: 2)
        #expect(rerun.resumedAfter == 3 && rerun.events == 6 && rerun.commands == 2)
        #expect(try destination.allEvents() == source.allEvents())
        #expect(try Self.commands(destination) == Self.commands(source))
        let again = try LogCopy.copy(from: source, to: destination)
        #expect(again.resumedAfter == 9 && again.events == 0 && again.commands == 0)
    }

    @Test(arguments: Backend.allCases)
    func aBrokenChainIsRefusedAtItsSequenceWithNothingOfItsCommand(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (file, source) = try Self.makeSource()
        defer { file.remove() }
        let destination = try harness.open()
        var events = try source.allEvents()
        events[4].envelope.payload[0] ^= 1  // c2's second event, as a damaged source would hand it out
        #expect(
            throws: VerbatimRefusal(
                kind: .brokenChain, sequence: 5,
                message: "event 5's hash does not match its contents: the source's chain is broken there")
        ) {
            _ = try destination.appendVerbatim(expectedLastSequence: 0) { sink in
                for event in events.prefix(3) { try sink.append(event) }
                for record in try Self.commands(source).prefix(2) { try sink.endCommand(record) }
                for event in events[3...] { try sink.append(event) }
            }
        }
        #expect(try destination.lastSequence() == 0)

        // Through the copy: the source's own read stops at the damage, the commands before it stay.
        try tamperSQLite(file.path, "UPDATE events SET payload = x'00' WHERE sequence = 5")
        do {
            _ = try LogCopy.copy(from: source, to: destination, eventsPerTransaction: 1)
            Issue.record("a damaged source was copied")
        } catch let LogCopyFailure.sourceDamaged(sequence, _) {
            #expect(sequence == 5)
        }
        // c1's transaction committed; the next one (the empty command and c2) is absent.
        #expect(try destination.lastSequence() == 3)
        #expect(try Self.commands(destination).map(\.commandID) == ["c1"])
    }

    @Test(arguments: Backend.allCases)
    func aDestinationThatIsNotAPrefixIsRefusedAtTheFirstDifference(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (file, source) = try Self.makeSource()
        defer { file.remove() }
        let destination = try harness.open()
        _ = try destination.appendVerbatim(expectedLastSequence: 0) { sink in
            for event in try source.allEvents().prefix(3) { try sink.append(event) }
            try sink.endCommand(try Self.commands(source)[0])
        }
        try destination.appendSample("other", count: 4, first: 20)
        #expect(
            throws: LogCopyFailure.notAPrefix(
                sequence: 4,
                message: "the destination is not empty and is not a prefix of the source: its event 4 differs "
                    + "from the source's")
        ) {
            _ = try LogCopy.copy(from: source, to: destination)
        }
        try destination.appendSample("more", count: 3, first: 30)  // now longer than the source
        #expect(throws: LogCopyFailure.self) { _ = try LogCopy.copy(from: source, to: destination) }
        #expect(try destination.lastSequence() == 10)
    }

    @Test(arguments: Backend.allCases)
    func aCommandRowMustTileItsEvents(_ backend: Backend) throws {
        guard let harness = LogHarness.make(backend) else { return }
        let (file, source) = try Self.makeSource()
        defer { file.remove() }
        let destination = try harness.open()
        let events = try source.allEvents(), rows = try Self.commands(source)
        // c1's row after only two of its three events; then a transaction that ends inside a command.
        #expect(throws: VerbatimRefusal.self) {
            _ = try destination.appendVerbatim(expectedLastSequence: 0) { sink in
                for event in events.prefix(2) { try sink.append(event) }
                try sink.endCommand(rows[0])
            }
        }
        #expect(throws: VerbatimRefusal.self) {
            _ = try destination.appendVerbatim(expectedLastSequence: 0) { sink in
                for event in events.prefix(2) { try sink.append(event) }
            }
        }
        #expect(try destination.lastSequence() == 0)
        let stale = try destination.appendVerbatim(expectedLastSequence: 7) { _ in }
        #expect(stale == .conflict(actualLastSequence: 0))
    }
}
