import SubledgerCore
import Testing

@testable import Subledger

/// A settlement event's entries take the place of an id or a pool equal to the previous entry's without a
/// hash (DR-59, `SettlementPlaces`): the fold must come out the same whatever the names' representation,
/// and an entry naming an unknown transaction after entries whose places were remembered is still refused.
struct SettlementFoldTests {
    /// The same characters on the heap: compared by `==`, not by their words.
    static func heap(_ text: String) -> String {
        var copy = String(decoding: Array(text.utf8), as: UTF8.self)
        copy.reserveCapacity(64)
        return copy
    }

    @Test func remembersPlacesWhateverTheNamesRepresentation() throws {
        let ledger = try ReplayTests.ledger()
        var base = LedgerState(), heaped = LedgerState()
        var entries = 0
        try ledger.store.scan(after: 0) { view in
            let event = try Replay.decode(view)
            try base.apply(event, date: view.date, sequence: view.sequence)
            guard case .settlementPosted(var posted) = event else {
                try heaped.apply(event, date: view.date, sequence: view.sequence)
                return
            }
            for index in posted.entries.indices {
                posted.entries[index].transaction = Self.heap(posted.entries[index].transaction)
                posted.entries[index].counterpart = Self.heap(posted.entries[index].counterpart)
            }
            posted.item = Self.heap(posted.item)
            entries += posted.entries.count
            try heaped.apply(.settlementPosted(posted), date: view.date, sequence: view.sequence)
        }
        #expect(entries >= 2)
        #expect(StateDigest(base) == StateDigest(heaped))
    }

    @Test func anUnknownCounterpartAfterRememberedOnesIsRefused() throws {
        let ledger = try ReplayTests.ledger()
        var state = LedgerState()
        var refusal: ProjectionError?
        try ledger.store.scan(after: 0) { view in
            let event = try Replay.decode(view)
            // The last settlement of an event with at least two: the ones before it set the remembered places.
            if refusal == nil, case .settlementPosted(var posted) = event,
                posted.entries.filter({ $0.kind == .settlement }).count >= 2,
                let last = posted.entries.lastIndex(where: { $0.kind == .settlement })
            {
                posted.entries[last].counterpart = "NO-SUCH-TX"
                var copy = state
                do {
                    try copy.apply(.settlementPosted(posted), date: view.date, sequence: view.sequence)
                    Issue.record("a settlement naming an unknown counterpart was folded")
                } catch let error as ProjectionError {
                    refusal = error
                } catch {
                    Issue.record("not a ProjectionError: \(error)")
                }
            }
            try state.apply(event, date: view.date, sequence: view.sequence)
        }
        let message = try #require(refusal?.message)
        #expect(message.contains("unknown transaction 'NO-SUCH-TX'"))
    }
}
