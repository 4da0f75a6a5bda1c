import ArgumentParser
import Subledger

struct SnapshotVerify: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every snapshot plus its tail equals a full replay (exit 1 if not).")

    @Flag(help: "Also time a full replay and the load from the newest snapshot plus its tail.")
    var timing = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try database.openLog()
        let replayStart = Terminal.nanoseconds()
        let replayed = try log.replayAsOpened()
        let replayNanoseconds = Terminal.nanoseconds() - replayStart
        var loadNanoseconds: Int64?
        var loadedFrom: Int64?
        var loadMatches = true
        if timing {
            let loadStart = Terminal.nanoseconds()
            let (loaded, snapshot) = try log.loadFromSnapshots()
            loadNanoseconds = Terminal.nanoseconds() - loadStart
            loadedFrom = snapshot
            loadMatches = StateDigest(loaded) == StateDigest(replayed)
        }
        let results = try log.verifySnapshots(against: replayed)
        let ok = loadMatches && results.allSatisfy(\.matches)
        if output.json {
            var object: [(String, JSONValue)] = [
                ("matches", .bool(ok)),
                ("events", JSONOut.int(replayed.lastSequence)),
                (
                    "snapshots",
                    .array(
                        results.map { result in
                            [
                                "sequence": JSONOut.int(result.sequence), "matches": .bool(result.matches),
                                "difference": JSONOut.string(result.difference),
                            ]
                        })
                ),
            ]
            if let loadNanoseconds {
                object.append(("replay_milliseconds", JSONOut.int(replayNanoseconds / 1_000_000)))
                object.append(("snapshot_load_milliseconds", JSONOut.int(loadNanoseconds / 1_000_000)))
                object.append(("loaded_from", loadedFrom.map { JSONOut.int($0) } ?? .null))
            }
            JSONOut.print(.object(object.map { JSONMember(key: $0.0, value: $0.1) }))
        } else {
            if results.isEmpty { print("no snapshots") }
            for result in results {
                if result.matches {
                    print("snapshot \(result.sequence) + tail matches a full replay of \(replayed.lastSequence) events")
                } else {
                    print("snapshot \(result.sequence): \(result.difference ?? "differs")")
                }
            }
            if let loadNanoseconds {
                print("full replay: \(Terminal.seconds(replayNanoseconds))")
                let from =
                    loadedFrom.map { "snapshot \($0) + \(replayed.lastSequence - $0) tail events" }
                    ?? "no usable snapshot (full replay)"
                let ratio = SnapshotTiming.comparison(
                    replayNanoseconds: replayNanoseconds,
                    loadNanoseconds: loadNanoseconds)
                print("load from \(from): \(Terminal.seconds(loadNanoseconds)) (\(ratio))")
                if !loadMatches { print("the loaded state does not match the full replay") }
            }
        }
        if !ok { throw CheckFailed() }
    }
}
