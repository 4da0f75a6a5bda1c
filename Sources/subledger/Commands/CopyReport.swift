import Subledger

/// What `subledger copy` did and found, as text and as JSON.
struct CopyReport {
    var source: String
    var destination: String
    var copied: LedgerCopyResult
    var nanoseconds: Int64
    var verification: ChainReport?
    var sourceDigest: StateDigest?
    var destinationDigest: StateDigest?
    /// Events projected into the destination's history tables; nil when not filled.
    var historyProjected: Int64?

    init(source: String, destination: String, copied: LedgerCopyResult, nanoseconds: Int64) {
        self.source = source
        self.destination = destination
        self.copied = copied
        self.nanoseconds = nanoseconds
    }

    var chainIntact: Bool {
        if case .intact = verification { return true }
        return false
    }

    var digestsMatch: Bool? {
        guard let sourceDigest, let destinationDigest else { return nil }
        return sourceDigest == destinationDigest
    }

    var passed: Bool { chainIntact && digestsMatch != false }

    var eventsPerSecond: Int64? { Terminal.perSecond(Int(copied.events), nanoseconds) }

    var text: String {
        let resumed = copied.resumedAfter > 0 ? ", resumed after event \(copied.resumedAfter)" : ""
        let rate = eventsPerSecond.map { ", \($0) events/s" } ?? ""
        var lines = [
            "copied \(copied.events) events (\(copied.commands) commands) from \(source) to \(destination) "
                + "in \(Terminal.seconds(nanoseconds))\(rate)\(resumed)", "",
        ]
        var table = Table([("", .left), ("SOURCE", .left), ("DESTINATION", .left)])
        table.add(["ledger", source, destination])
        table.add([
            "copied", "-",
            copied.firstSequence.map { "events \($0)-\(copied.lastSequence)" } ?? "nothing (already there)",
        ])
        table.add(["last sequence", "-", String(copied.lastSequence)])
        table.add(["last hash", "-", copied.lastHash])
        table.add(["chain", "-", chainText])
        if let sourceDigest, let destinationDigest {
            table.add(["state digest", sourceDigest.description, destinationDigest.description])
        }
        lines.append(table.render())
        lines.append("")
        switch digestsMatch {
        case true?: lines.append("state digests match")
        case false?: lines.append("state digests DIFFER")
        case nil: lines.append("state digests not compared (--no-digest)")
        }
        if let historyProjected {
            lines.append(
                "history tables filled: \(historyProjected) events projected; snapshots: none until the next close")
        }
        return lines.joined(separator: "\n")
    }

    var chainText: String {
        switch verification {
        case .intact(let count, _)?: "intact: \(count) events"
        case .broken(let sequence, let reason)?: "broken at event \(sequence): \(reason)"
        case nil: "not verified"
        }
    }

    var json: JSONValue {
        var chain: JSONValue = .null
        switch verification {
        case .intact(let count, _)?: chain = ["intact": .bool(true), "events": JSONOut.int(count)]
        case .broken(let sequence, let reason)?:
            chain = ["intact": .bool(false), "first_bad_sequence": JSONOut.int(sequence), "reason": .string(reason)]
        case nil: break
        }
        return [
            "source": .string(source),
            "destination": .string(destination),
            "resumed_after": JSONOut.int(copied.resumedAfter),
            "events": JSONOut.int(copied.events),
            "commands": JSONOut.int(Int64(copied.commands)),
            "first_sequence": copied.firstSequence.map { JSONOut.int($0) } ?? .null,
            "last_sequence": JSONOut.int(copied.lastSequence),
            "last_hash": .string(copied.lastHash),
            "seconds": .number(Terminal.seconds(nanoseconds).replacing(" s", with: "")),
            "events_per_second": eventsPerSecond.map { JSONOut.int($0) } ?? .null,
            "destination_chain": chain,
            "source_digest": sourceDigest.map { .string($0.description) } ?? .null,
            "destination_digest": destinationDigest.map { .string($0.description) } ?? .null,
            "digests_match": digestsMatch.map { .bool($0) } ?? .null,
            "history_events_projected": historyProjected.map { JSONOut.int($0) } ?? .null,
        ]
    }
}
