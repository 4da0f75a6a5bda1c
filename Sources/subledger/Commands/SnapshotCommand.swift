import ArgumentParser
import Subledger

/// `snapshot take|list|verify|delete`; `take` is the default, so `subledger snapshot [DATE]` still takes one.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take, list, verify or delete period snapshots (a cache of the projection).",
        discussion: """
            A snapshot stores the whole projection after the newest event, with that event's sequence and \
            chain hash. Loading starts from the newest snapshot whose chain hash still matches the log and \
            folds only the events after it. Snapshots are a cache: deleting them loses nothing.

            `take` is the default: `subledger snapshot [DATE]` is `subledger snapshot take [DATE]`.

            Examples:
              subledger snapshot take 2026-01-31
              subledger snapshot verify --timing
            """,
        subcommands: [SnapshotTake.self, SnapshotList.self, SnapshotVerify.self, SnapshotDelete.self],
        defaultSubcommand: SnapshotTake.self)

    static func json(_ info: SnapshotInfo) -> JSONValue { SnapshotJSON.info(info) }
}

struct SnapshotTake: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "take", abstract: "Store a snapshot of the current state.")

    @Argument(help: ArgumentHelp("The label (default: the latest business date).", valueName: "YYYY-MM-DD"))
    var date: DateArgument?
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let info = try database.open().takeSnapshot(businessDate: date?.date)
        if output.json {
            JSONOut.print(SnapshotCommand.json(info))
        } else {
            print(
                "snapshot of events 1...\(info.sequence) (\(info.businessDate.map(Format.date) ?? "-")): \(info.bytes) bytes"
            )
        }
    }
}

struct SnapshotList: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the snapshots.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let infos = try database.openLog().snapshots()
        if output.json {
            JSONOut.print(SnapshotJSON.document(infos))
            return
        }
        if infos.isEmpty { print("no snapshots"); return }
        var table = Table([("SEQUENCE", .right), ("DATE", .left), ("FORMAT", .right), ("BYTES", .right)])
        for info in infos {
            table.add([
                String(info.sequence), info.businessDate.map(Format.date) ?? "-", String(info.format),
                String(info.bytes),
            ])
        }
        print(table.render())
    }
}

struct SnapshotDelete: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete every snapshot.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let count = try database.openLog().deleteSnapshots()
        if output.json { JSONOut.print(["deleted": JSONOut.int(count)]) } else { print("deleted \(count) snapshots") }
    }
}
