import Foundation
import SubledgerCore
import Testing

@testable import Subledger

/// Properties the fuzz targets check beyond "no crash": what the readers accept is never ambiguous, what
/// they refuse is said in a short message that names the real problem, and limits hold.
extension FuzzTests {
    static let flagKeys: Set<String> = ["physical", "include-physical", "negative", "fixed-receipt-price"]

    /// An accepted JSON Lines document: every line read unambiguously.
    static func expectUnambiguous(_ document: [UInt8]) {
        for line in document.split(separator: 0x0A) {
            let bytes = Array(line)
            let parsed: (String?, CommandFields)? = bytes.withUnsafeBytes { try? CommandReader.jsonFields($0, line: 1) }
            guard let (name, fields) = parsed else { continue }
            for (key, value) in fields.entries where flagKeys.contains(key) {
                #expect(
                    ["yes", "no", "true", "false"].contains(value),
                    "accepted '\(value)' as a yes/no \(key): \"\(escaped(bytes))\"")
            }
            guard name == "transfer", let from = fields["from"], let to = fields["to"] else { continue }
            let fromPairs = dimensionPairs(from), toPairs = dimensionPairs(to)
            #expect(
                Set(fromPairs.map(\.0)).count == fromPairs.count && Set(toPairs.map(\.0)).count == toPairs.count,
                "accepted a dimension named twice: \"\(escaped(bytes))\"")
            #expect(
                Dictionary(fromPairs, uniquingKeysWith: { $1 }) != Dictionary(toPairs, uniquingKeysWith: { $1 }),
                "accepted a transfer to where it comes from: \"\(escaped(bytes))\"")
        }
    }

    static func dimensionPairs(_ text: String) -> [(String, String)] {
        text.split(separator: ",").map { part in
            let pair = part.split(separator: ":", maxSplits: 1)
            return (String(pair.first ?? ""), pair.count > 1 ? String(pair[1]) : "")
        }
    }

    /// A refusal is short (input quoted in it is cut to 80 characters; the longest fixed text, the list of
    /// posting types, is about 300) and names exponent notation for what it is.
    static func expectClearMessage(_ rejection: Rejection, _ input: [UInt8]) {
        #expect(
            rejection.message.count <= 640 && (rejection.field?.count ?? 0) <= 80,
            "a \(rejection.message.count)-character message: \(rejection.code.rawValue) for \"\(escaped(Array(input.prefix(200))))\""
        )
        if rejection.message.contains("decimals"),
            let quoted = rejection.message.split(separator: "'", omittingEmptySubsequences: false).dropFirst().first
        {
            #expect(
                !quoted.contains("e") && !quoted.contains("E"),
                "exponent notation reported as decimals: \(rejection.message)")
        }
    }

    /// After an accepted import: no cost pool of an item tracking more than site has a blank dimension.
    static func expectNoBlankTrackedDimension(_ state: LedgerState, _ input: [UInt8]) {
        for key in state.pools.keys {
            guard let setup = state.items[key.item], setup.dimensions != .siteOnly else { continue }
            for dimension in setup.dimensions.dimensions {
                #expect(
                    !key.dimensions[dimension].isEmpty,
                    "a pool of \(key.item) with a blank \(dimension.rawValue) after \"\(escaped(Array(input.prefix(400))))\""
                )
            }
        }
    }

    /// The same CSV with its header in capitals and padded with spaces must read the same: column names
    /// are case-insensitive and trimmed. A header naming a column twice is refused on its own line.
    static func expectCSVHeaderRules(_ bytes: [UInt8], outcome: Result<Void, Rejection>) {
        guard let lineFeed = bytes.firstIndex(of: 0x0A), !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return }
        let end = lineFeed > 0 && bytes[lineFeed - 1] == 0x0D ? lineFeed - 1 : lineFeed
        let header = bytes[..<end]
        guard !header.isEmpty, header.allSatisfy({ $0 < 0x80 && $0 != 0x22 && $0 != 0x0D }),
            (try? CSV.parse(String(decoding: bytes, as: UTF8.self))) != nil
        else { return }
        let columns = String(decoding: header, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
        let names = columns.map { $0.trimmingCharacters(in: [" ", "\t"]).lowercased() }
        if Set(names).count < names.count, names.allSatisfy(CommandReader.csvColumnNames.contains) {
            guard case .failure(let rejection) = outcome else {
                Issue.record("accepted a header naming a column twice: \"\(escaped(bytes))\"")
                return
            }
            #expect(rejection.line == 1, "a repeated column refused on line \(rejection.line ?? 0), not 1")
        }
        let shouted = Array(columns.map { " \($0.uppercased()) " }.joined(separator: ",").utf8) + bytes[end...]
        let variant = Result<Void, Rejection> { () throws(Rejection) in
            do { try CommandReader.forEachCSVRow(String(decoding: shouted, as: UTF8.self)) { _, _ in } } catch let
                rejection as Rejection
            {
                throw rejection
            } catch { throw Rejection(.malformed, "\(error)") }
        }
        switch (outcome, variant) {
        case (.success, .success): break
        case (.failure(let a), .failure(let b)):
            #expect(
                a.code == b.code && a.line == b.line,
                "a capitalized, padded header reads differently (\(a) vs \(b)): \"\(escaped(bytes))\"")
        default:
            Issue.record(
                "a capitalized, padded header reads differently (\(outcome) vs \(variant)): \"\(escaped(bytes))\"")
        }
    }

    /// A JSON Lines file with one line padded past 1 MiB is refused as malformed, naming that line.
    static func expectLongLineRefused(_ lines: [[UInt8]], _ rng: inout SplitMix64) throws {
        let index = int(&rng, lines.count)
        var padded = lines
        padded[index] = [UInt8](repeating: 0x20, count: ImportTextCheck.maximumLineBytes) + lines[index]
        let bytes = Array(padded.joined(separator: [0x0A]))
        let ledger = try Ledger(path: ":memory:")
        do {
            try ledger.importFile(bytes: bytes, format: .jsonl)
            Issue.record("accepted a line of \(padded[index].count) bytes")
        } catch let rejection as Rejection {
            #expect(rejection.code == .malformed && rejection.line == index + 1, "\(rejection)")
        }
        #expect(try ledger.store.lastSequence() == 0)
    }

    /// Field-level mutations, which make the ambiguous inputs byte mutations rarely reach: an empty string
    /// value (`"physical":""`), one value copied over another of the same line (`"to"` equal to
    /// `"from"`), a `"key":value` pair dropped (a tracked dimension left out).
    static func mutateField(_ b: [UInt8], _ rng: inout SplitMix64, _ kind: Int) -> [UInt8] {
        let values = stringValues(b)
        guard let value = values.randomElement(using: &rng) else { return b }
        var out = b
        switch kind {
        case 0:
            out.removeSubrange(value)
        case 1:
            let sameLine = values.filter { other in
                other != value
                    && !b[min(other.lowerBound, value.lowerBound)..<max(other.upperBound, value.upperBound)].contains(
                        0x0A)
            }
            guard let target = sameLine.randomElement(using: &rng) else { return b }
            out.replaceSubrange(target, with: b[value])
        default:
            // From the comma before the key's opening quote through the value's closing quote.
            guard let keyQuote = b[..<(value.lowerBound - 3)].lastIndex(of: 0x22),
                let comma = b[..<keyQuote].lastIndex(of: 0x2C), value.upperBound < b.count
            else { return b }
            out.removeSubrange(comma...value.upperBound)
        }
        return out
    }

    /// The ranges of `"key":"value"` string values (between the value's quotes, without escapes).
    static func stringValues(_ b: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i + 2 < b.count {
            guard b[i] == 0x22, b[i + 1] == 0x3A, b[i + 2] == 0x22 else { i += 1; continue }
            var end = i + 3
            while end < b.count && b[end] != 0x22 && b[end] != 0x0A && b[end] != 0x5C { end += 1 }
            if end < b.count && b[end] == 0x22 { ranges.append((i + 3)..<end) }
            i = end
        }
        return ranges
    }
}
