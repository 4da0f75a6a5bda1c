import ArgumentParser
import Subledger
import SubledgerCore

struct VerifyCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check the hash chain of the whole event log.",
        discussion: """
            Recomputes the SHA-256 chain over every event and command record. Exits 0 and prints \
            "chain intact: N events", or exits 1 naming the first event whose hash does not match (an edit \
            made behind SQLite's back).

            Example:
              subledger verify
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ledger = try database.open()
        let progress = ProgressLine(label: "verifying", unit: "events")
        let verification = try ledger.verify(progress: progress.map { line in { line.update(Int($0), Int($1)) } })
        progress?.finish()
        switch verification {
        case .intact(let count, let lastHash):
            if output.json {
                JSONOut.print(["intact": true, "events": JSONOut.int(count), "last_hash": .string(Format.hex(lastHash))])
            } else {
                print("chain intact: \(count) events")
            }
        case .broken(let sequence, let reason):
            if output.json {
                JSONOut.print(["intact": false, "first_bad_sequence": JSONOut.int(sequence), "reason": .string(reason)])
            } else {
                print("chain broken at event \(sequence): \(reason)")
            }
            throw CheckFailed()
        }
    }
}
