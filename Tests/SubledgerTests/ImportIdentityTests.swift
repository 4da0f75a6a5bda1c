// What an import writes does not depend on how it is computed: the commands' content hash (hashed on the
// reading thread for a pipelined JSON Lines file, inline otherwise) is the one `CommandContentHasher` gives
// for the same commands, and the events' chain ends in the same hash as the code before the import was
// made faster (golden hashes computed with main at 29755c3 for the same text, recorded_at 0).

import Testing

@testable import Subledger
@testable import SubledgerCore
@testable import SubledgerStore

struct ImportIdentityTests {
    /// Every command kind, then `postings` receipts and issues: over `CommandReader.pipelineBytes` from
    /// about 14,000 postings on, so that the file is read on a second thread.
    static func text(postings: Int) -> String {
        var out = ImportTests.everyKind
        for index in 0..<postings {
            if index % 2 == 0 {
                out +=
                    #"{"command":"receive","date":"2026-02-01","item":"F","tx":"R\#(index)","qty":\#(index % 7 + 1),"#
                    + #""cost":"10.\#(index % 90 + 10)","site":"S1"}"# + "\n"
            } else {
                out +=
                    #"{"command":"issue","date":"2026-02-02","item":"F","tx":"Q\#(index)","qty":1,"site":"S1"}"# + "\n"
            }
        }
        return out
    }

    /// The content hash `executeBatch` would compute for the commands of `text`, hashed one by one.
    static func plainContentHash(_ text: String) throws -> String {
        var hasher = CommandContentHasher()
        try CommandReader.forEachJSONLine(Array(text.utf8), progress: nil, pipelinedFrom: Int.max) { command, _ in
            hasher.add(command)
        }
        return hasher.finalize().description
    }

    static func importing(_ text: String) throws -> (result: CommandResult, lastHash: String) {
        let ledger = try Ledger(path: ":memory:", clock: { 0 })
        let result = try ledger.importFile(bytes: Array(text.utf8), format: .jsonl, commandID: "golden")
        let (_, hash) = try ledger.store.lastEvent()
        return (result, hash.description)
    }

    /// Golden content hashes and last event hashes (recorded_at 0) from main at 29755c3 for the same text.
    @Test(arguments: [
        (
            40, "e0746ec151a96d500e838885ca31b62ecf97d05558b78b838828401ada4f1c4f",
            "9fb341309bccf5feb7bcb1442f25b20b76a730adf0c6042ecb826266077d1fec"
        ),
        (
            15_000, "0c8c0adb2e588e687acbc37a87360a138eb8d7b8c91f366000493e5f2727df70",
            "b4b8091af604eaf3aacba56eb2ebfe6874cb19a550d76adbe6d076b399381abe"
        ),
    ])
    func contentHashAndChainAreTheSameAsBefore(postings: Int, content: String, lastHash: String) throws {
        let text = Self.text(postings: postings)
        #expect((text.utf8.count >= CommandReader.pipelineBytes) == (postings > 1_000))
        let (result, hash) = try Self.importing(text)
        #expect(result.eventCount == postings + 15)
        #expect(result.contentHash == content)
        #expect(result.contentHash == (try Self.plainContentHash(text)))
        #expect(hash == lastHash)
    }
}
