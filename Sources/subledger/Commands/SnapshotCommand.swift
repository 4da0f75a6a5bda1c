import ArgumentParser
import Subledger
import SubledgerCore

struct SnapshotCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take, list, verify or delete period snapshots (a cache of the projection).",
        discussion: """
            A snapshot stores the whole projection after the newest event, with that event's sequence and \
            chain hash. Loading starts from the newest snapshot whose chain hash still matches the log and \
            folds only the events after it. Snapshots are a cache: deleting them loses nothing.

              subledger snapshot [DATE]   take a snapshot, labelled DATE (default: the latest business date)
              subledger snapshot list     list the snapshots
              subledger snapshot verify   check that every snapshot plus its tail equals a full replay
                                          (exit 1 if not); --timing also times both ways of loading
              subledger snapshot delete   delete every snapshot
            """)

    @Argument(help: ArgumentHelp("A business date (YYYY-MM-DD), or list, verify or delete.", valueName: "DATE|list|verify|delete"))
    var action: String?
    @Flag(help: "With verify: time a full replay and the load from the newest snapshot plus its tail.")
    var timing = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let action, !["list", "verify", "delete"].contains(action), LedgerDate(action) == nil {
            throw ValidationError("expected a date (YYYY-MM-DD), list, verify or delete; got '\(action)'")
        }
        if timing && action != "verify" { throw ValidationError("--timing goes with `snapshot verify`") }
    }

    func run() throws {
        switch action {
        case "list": try list()
        case "verify": try verify()
        case "delete": try delete()
        default: try take(action.flatMap { LedgerDate($0) })
        }
    }


    static func json(_ info: SnapshotInfo) -> JSONValue {
        ["sequence": JSONOut.int(info.sequence), "business_date": JSONOut.string(info.businessDate?.description),
         "created_at": JSONOut.int(info.createdAt), "format": JSONOut.int(info.format), "bytes": JSONOut.int(info.bytes)]
    }

    func take(_ date: LedgerDate?) throws {
        let ledger = try database.open()
        let info = try ledger.takeSnapshot(businessDate: date)
        if output.json {
            JSONOut.print(Self.json(info))
        } else {
            print("snapshot of events 1...\(info.sequence) (\(info.businessDate.map(Format.date) ?? "-")): \(info.bytes) bytes")
        }
    }

    func list() throws {
        let infos = try database.openLog().snapshots()
        if output.json {
            JSONOut.print(["snapshots": .array(infos.map(Self.json))])
            return
        }
        if infos.isEmpty { print("no snapshots"); return }
        var table = Table([("SEQUENCE", .right), ("DATE", .left), ("FORMAT", .right), ("BYTES", .right)])
        for info in infos {
            table.add([String(info.sequence), info.businessDate.map(Format.date) ?? "-", String(info.format), String(info.bytes)])
        }
        print(table.render())
    }

    func delete() throws {
        let count = try database.openLog().deleteSnapshots()
        if output.json { JSONOut.print(["deleted": JSONOut.int(count)]) } else { print("deleted \(count) snapshots") }
    }

    /// `2.3` for 2.3 times, in integer arithmetic.
    func verify() throws {
        let log = try database.openLog()
        let replayStart = Terminal.nanoseconds()
        let replayed = try log.replay(asOf: nil).state
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
                ("snapshots", .array(results.map { result in
                    ["sequence": JSONOut.int(result.sequence), "matches": .bool(result.matches),
                     "difference": JSONOut.string(result.difference)]
                })),
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
                let from = loadedFrom.map { "snapshot \($0) + \(replayed.lastSequence - $0) tail events" } ?? "no usable snapshot (full replay)"
                print("load from \(from): \(Terminal.seconds(loadNanoseconds)) (\(SnapshotTiming.comparison(replayNanoseconds: replayNanoseconds, loadNanoseconds: loadNanoseconds)))")
                if !loadMatches { print("the loaded state does not match the full replay") }
            }
        }
        if !ok { throw CheckFailed() }
    }
}
