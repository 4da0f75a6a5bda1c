// A pipelined import (DR-55: the events' inserts and hashes on a writer thread) writes the events an
// inline one writes, byte for byte, also when commands in the middle of it read and write the store on
// the deciding thread (a close and its history rows, ids looked up in the history, a recalculation, a
// reversal that rebuilds the state from the log), and a refused line late in the file still writes
// nothing and names its line.

import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

struct ImportPipelineTests {
    /// January's receipts and issues, a close, February's (new ids, each looked up in the history; one
    /// reused id refused when `reusing`), a recalculation, and a reversal of the close.
    static func text(postings: Int, reusing: Int? = nil) -> String {
        var out = ImportTests.everyKind
        func post(_ index: Int, day: String, prefix: String) {
            let tx = prefix == "F" && index == reusing ? "J0" : "\(prefix)\(index)"
            out +=
                index % 2 == 0
                ? #"{"command":"receive","date":"2026-\#(day)","item":"F","tx":"\#(tx)","qty":3,"#
                    + #""cost":"10.\#(index % 90 + 10)","site":"S1"}"#
                : #"{"command":"issue","date":"2026-\#(day)","item":"F","tx":"\#(tx)","qty":1,"site":"S1"}"#
            out += "\n"
        }
        for index in 0..<postings { post(index, day: "01-20", prefix: "J") }
        out += #"{"command":"close","date":"2026-01-31"}"# + "\n"
        for index in 0..<postings { post(index, day: "02-03", prefix: "F") }
        out += #"{"command":"recalculate","date":"2026-02-10"}"# + "\n"
        out += #"{"command":"reverse-close"}"# + "\n"
        return out
    }

    /// Imports `text` with every batch pipelined (`pipelined`) or none; returns the ledger.
    static func importing(_ text: String, pipelined: Bool) throws -> Ledger {
        let ledger = try Ledger(path: ":memory:", clock: { 0 })
        ledger.pipelinedAppendMinimum = pipelined ? 0 : .max
        ledger.closedIDLookupsBeforeLoading = 200  // the filter is read part-way through February
        _ = try ledger.importFile(bytes: Array(text.utf8), format: .jsonl, commandID: "same")
        return ledger
    }

    static func rows(_ ledger: Ledger) throws -> [StoredEvent] {
        var rows: [StoredEvent] = []
        try ledger.store.forEachEvent(after: 0) { rows.append($0) }
        return rows
    }

    @Test func writesTheEventsAnInlineImportWrites() throws {
        let text = Self.text(postings: 1_500)
        let inline = try Self.importing(text, pipelined: false)
        let piped = try Self.importing(text, pipelined: true)
        let expected = try Self.rows(inline)
        #expect(expected.contains { $0.envelope.type == "close.reversed" })
        #expect(inline.pipelinedBatches == 0)
        #expect(piped.pipelinedBatches >= expected.count / AppendPipeline.batchEvents - 1)
        #expect(try Self.rows(piped) == expected)
        #expect(StateDigest(piped.state) == StateDigest(inline.state))
        #expect(try piped.commands() == inline.commands())
    }

    @Test func aRefusedLateLineWritesNothingAndIsNamed() throws {
        // February's posting 1,201 reuses January's first id: a history lookup refuses it, after more than
        // four thousand events went to the writer.
        let text = Self.text(postings: 1_500, reusing: 1_200)
        let line = ImportTests.everyKind.split(separator: "\n").count + 1_500 + 1 + 1_201
        let ledger = try Ledger(path: ":memory:", clock: { 0 })
        ledger.pipelinedAppendMinimum = 0
        #expect {
            try ledger.importFile(bytes: Array(text.utf8), format: .jsonl, commandID: "same")
        } throws: { error in
            guard let rejection = error as? Rejection else { return false }
            return rejection.code == .duplicateTransaction && rejection.line == line
        }
        #expect(try ledger.store.lastSequence() == 0)
        #expect(try ledger.commands().isEmpty)
        #expect(ledger.state.eventCount == 0)
    }
}
