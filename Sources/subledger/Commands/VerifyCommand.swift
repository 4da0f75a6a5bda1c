import ArgumentParser
import Subledger

struct VerifyCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-check the hash chain of the whole event log and every snapshot's checksum.",
        discussion: """
            Streams the events and recomputes the SHA-256 chain over every event and command record, \
            without building the projection (a damaged event cannot stop it), then checks every \
            snapshot's checksum. Exits 0 and prints "chain intact: N events", or exits 1 naming the \
            first event whose hash does not match (an edit made behind SQLite's back) or the damaged \
            snapshots.

            Example:
              subledger verify
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try database.openLog()
        let verification = try ProgressLine.showing("verifying", unit: "events") { progress in
            try log.verifyChain(progress: progress)
        }
        let snapshots = try log.snapshotChecksums()
        let damaged = snapshots.filter(\.damaged).map(\.sequence)
        let unchecked = snapshots.filter { !$0.damaged }.map(\.sequence)
        if output.json {
            JSONOut.print(VerifyJSON.document(verification, snapshots: snapshots))
        } else {
            switch verification {
            case .intact(let count, _): print("chain intact: \(count) events")
            case .broken(let sequence, let reason): print("chain broken at event \(sequence): \(reason)")
            }
            for sequence in damaged {
                print("snapshot \(sequence) is damaged: its checksum is missing or does not match (it is not used)")
            }
            for sequence in unchecked { print("snapshot \(sequence) has no checksum (older build): it is not used") }
        }
        if case .broken = verification { throw CheckFailed() }
        if !damaged.isEmpty { throw CheckFailed() }
    }
}
