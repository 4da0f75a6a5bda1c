import Foundation
import SubledgerCore
import Testing

@testable import Subledger

/// A seeded mutation fuzzer for every untrusted-input entry point: the JSON Lines and CSV readers, a
/// whole-file import, the scenario parser and runner, and the event payload decoder. Valid inputs are
/// mutated (bytes flipped, inserted, deleted, duplicated, truncated, spliced; numbers replaced by huge,
/// negative or many-decimal values; unicode and invalid UTF-8 inserted; quotes and braces unbalanced;
/// lines shuffled) and every outcome must be a value or a thrown, well-formed error, never a crash.
///
/// Environment:
/// - `SUBLEDGER_FUZZ_ITERATIONS` iterations per target (default 500: a second or two in `swift test`).
/// - `SUBLEDGER_FUZZ_SEED` the seed (decimal or 0x-hex); the default is fixed so `swift test` is stable.
///   Each target derives its own stream from it, so one target can be replayed alone with `--filter`.
/// - `SUBLEDGER_FUZZ_CRASH_DIR` when set, each input is written to `<dir>/<target>.last` before it is
///   fed, so a crash (which kills the process) leaves its input behind. `tools/fuzz.sh` sets it.
///
/// A crash is a defect: keep its input below as a disabled regression test.
@Suite(.serialized)
struct FuzzTests {
    // MARK: - Configuration

    static let environment = ProcessInfo.processInfo.environment

    static let iterations: Int = {
        if let text = environment["SUBLEDGER_FUZZ_ITERATIONS"], let n = Int(text), n > 0 { return n }
        return 500
    }()

    static let seed: UInt64 = {
        guard let text = environment["SUBLEDGER_FUZZ_SEED"] else { return 0x5EED_2026_0001 }
        if text.lowercased().hasPrefix("0x"), let n = UInt64(text.dropFirst(2), radix: 16) { return n }
        return UInt64(text) ?? 0x5EED_2026_0001
    }()

    static let crashDirectory: String? = environment["SUBLEDGER_FUZZ_CRASH_DIR"]

    /// A per-target stream, so each target's inputs do not depend on the order tests run in.
    static func generator(_ target: String) -> SplitMix64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in target.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return SplitMix64(seed: seed ^ h)
    }

    static func announce(_ target: String, _ iterations: Int, _ extra: String = "", started: Date) {
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        print("[fuzz] \(target): seed=0x\(String(seed, radix: 16)) iterations=\(iterations) \(extra) time=\(ms)ms")
    }

    /// Leaves the input on disk before it is fed, so a crash can be reproduced (see `tools/fuzz.sh`).
    static func remember(_ target: String, _ bytes: [UInt8]) {
        guard let crashDirectory else { return }
        // Not atomic: a plain overwrite is cheap enough to do on every iteration.
        try? Data(bytes).write(to: URL(fileURLWithPath: crashDirectory + "/" + target + ".last"))
    }

    /// The input as a Swift string literal body: printable ASCII kept, everything else escaped.
    static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            switch b {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(b))
            default: out += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    // MARK: - Seeds

    /// Every command kind as JSON Lines, in an order that imports cleanly (numbers as JSON numbers and as
    /// strings, booleans, dimensions), ending with a close, a recalculation and a reversed close.
    static let jsonLines: [String] = [
        #"{"command":"item","item":"F","model":"fifo","dimensions":"site"}"#,
        #"{"command":"item","item":"L","model":"lifo","negative":false}"#,
        #"{"command":"item","item":"STD","model":"standard","standard":"10"}"#,
        #"{"command":"item","item":"MA","model":"moving-average","group":"G1"}"#,
        #"{"command":"item","item":"WA","model":"weighted-average","price":"7.5","fixed-receipt-price":true}"#,
        #"{"command":"item","item":"NV","model":"non-valuated","include-physical":"yes"}"#,
        #"{"command":"accounts","group":"G1","inventory":"1401","cogs":"5001"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P1","qty":10,"cost":12.50,"site":"S1"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P2","qty":"5","cost":"10","physical":true,"site":"S1"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"L","tx":"PL","qty":3,"cost":4,"kind":"journal"}"#,
        #"{"command":"issue","date":"2026-01-03","item":"F","tx":"S1","qty":2,"site":"S1","physical":false}"#,
        #"{"command":"issue","date":"2026-01-03","item":"L","tx":"SL","qty":1,"kind":"production"}"#,
        #"{"command":"invoice","date":"2026-01-04","tx":"P2","qty":2,"cost":"11"}"#,
        #"{"command":"mark","date":"2026-01-04","issue":"S1","receipt":"P1"}"#,
        #"{"command":"transfer","date":"2026-01-05","item":"F","tx":"T1","qty":1,"from":"site:S1","to":"site:S2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"STD","tx":"P3","qty":3,"cost":"11"}"#,
        #"{"command":"standard-cost","date":"2026-01-06","item":"STD","price":"12"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"MA","tx":"P4","qty":4,"cost":"5"}"#,
        #"{"command":"revalue","date":"2026-01-06","item":"MA","price":"6"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"WA","tx":"P5","qty":2,"cost":"8"}"#,
        #"{"command":"adjust","date":"2026-01-07","tx":"P1","amount":"-1.25"}"#,
        #"{"command":"item","item":"W","model":"fifo","dimensions":"site,warehouse"}"#,
        #"{"command":"receive","date":"2026-01-07","item":"W","tx":"PW","qty":3,"cost":"2","site":"S1","warehouse":"W1"}"#,
        #"{"command":"transfer","date":"2026-01-07","item":"W","tx":"TW","qty":1,"from":"site:S1,warehouse:W1","to":"site:S1,warehouse:W2"}"#,
        #"{"command":"issue","date":"2026-01-07","item":"W","tx":"SW","qty":1,"site":"S1","warehouse":"W2"}"#,
        #"  { "command" : "issue" , "date" : "2026-01-08" , "item" : "F" , "tx" : "S\u0032" , "qty" : 1.0 , "site" : "S1" }  "#,
        #"{"command":"close","date":"2026-01-31"}"#,
        #"{"command":"reverse-close","date":"2026-01-31"}"#,
        #"{"command":"recalculate","date":"2026-02-15"}"#,
    ]

    static var jsonDocument: String { jsonLines.joined(separator: "\n") + "\n" }

    static let csvDocument =
        [
            "command,date,item,tx,qty,cost,physical,kind,site,warehouse,batch,serial",
            "receive,2026-01-02,F,P1,10,12.50,,,S1,,,",
            "receive,2026-01-02,F,P2,5,10,yes,purchase,S1,,,",
            "\"issue\",2026-01-03,F,S1,2,,no,sale,S1,,,",
            "issue,2026-01-04,F,\"S2\",1.5,,,journal,S1,,,",
            "receive,2026-01-05,F,P3,1,\"1.5\",,,S1,,,",
            "receive,2026-01-05,F,P4,1,3,,return,S1,,,",
        ].joined(separator: "\r\n") + "\r\n"

    /// Setup the CSV rows need (CSV carries receipts and issues only).
    static let csvSetup = #"{"command":"item","item":"F","model":"fifo","dimensions":"site"}"# + "\n"

    static let scenariosRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    static let scenarioTexts: [(name: String, text: String)] = {
        var out: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(at: scenariosRoot, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "scenario", let text = try? String(contentsOf: url, encoding: .utf8) else {
                continue
            }
            out.append((url.path.replacingOccurrences(of: scenariosRoot.path + "/", with: ""), text))
        }
        return out.sorted { $0.0 < $1.0 }
    }()

    /// Envelopes of real events: the JSON Lines seed imported into a fresh ledger, read back.
    static func sampleEnvelopes() throws -> [EventEnvelope] {
        let ledger = try Ledger(path: ":memory:")
        try ledger.importFile(bytes: Array(jsonDocument.utf8), format: .jsonl)
        // The reversed close re-posts as a second close, so close.posted and close.reversed are both present.
        try ledger.importFile(bytes: Array(#"{"command":"close","date":"2026-02-28"}"#.utf8), format: .jsonl)
        var out: [EventEnvelope] = []
        try ledger.store.forEachEvent(after: 0) { out.append($0.envelope) }
        return out
    }

    // MARK: - Mutations

    static let numberReplacements = [
        "99999999999999999999999999999999", "-99999999999999999999", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "18446744073709551616", "-1", "-0", "0", "0.0", "-0.001", "1.123456789012345678901",
        "0.00000000000000000001", "1e400", "1E-400", "-1e9", "1e18", "00012", ".5", "5.", "1_000", "NaN", "Infinity",
        "0x10", "+3", "1.", "922337203685.4775807", "7.0485e2", "1.23456E3", "1" + String(repeating: "0", count: 300),
        "4.9e-324", "١٢",
        // The edges of the ranges (DR-17): at, just inside and just over each limit, and the issue's examples.
        "1000000000000", "1000000000000.0001", "999999999999.9999", "1000000000000000", "1000000000000000.01",
        "92233720368547758.07", "922337203685477", "900000000000000", "-1000000000000000",
    ]

    static let tokens = [
        "command", "item", "model", "date", "tx", "qty", "cost", "price", "amount", "issue", "receipt", "from",
        "to", "site", "warehouse", "batch", "serial", "physical", "kind", "group", "dimensions", "standard",
        "negative", "through", "include-physical", "fixed-receipt-price", "inventory", "cogs", "receive", "invoice",
        "mark", "transfer", "standard-cost", "revalue", "adjust", "close", "recalculate", "reverse-close",
        "accounts", "fifo", "lifo", "lifo-date", "weighted-average", "weighted-average-date", "moving-average",
        "standard", "non-valuated", "2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2024-02-29",
        "1900-02-29", "2026-1-1", "yes", "no", "true", "false", "site:", ":S1", "site:S1,site:S2", "bogus:1", "",
        String(repeating: "A", count: 65), "P1", "S1", "F", "STD", "MA", "é", "a b", "return", "journal",
        "production", "sale", "purchase", "expect", "rejected", "onhand", "posted", "gl", "reconciled", "average",
    ]

    static let fragments: [[UInt8]] = [
        Array("é".utf8), Array("𝄞".utf8), Array("\u{202E}".utf8), Array("\u{FEFF}".utf8), Array("\u{0}".utf8),
        Array("\u{2028}".utf8), Array("Ａ".utf8), Array("e\u{301}".utf8),
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80], [0x80], [0xF0, 0x9F],
        Array("\"".utf8), Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array("\\".utf8),
        Array(",".utf8), Array(":".utf8), Array("\n".utf8), Array("\r".utf8), Array("\r\n".utf8), Array("\t".utf8),
        Array("\"\"".utf8), Array("\\u".utf8), Array("\\uD800".utf8), Array("\\uDC00\\uD800".utf8),
        Array("\\u0000".utf8),
        Array("null".utf8), Array("[]".utf8), Array("{}".utf8), Array(#""x":1,"#.utf8),
        Array(#""command":"item","#.utf8),
        Array(String(repeating: "[", count: 70).utf8), Array(String(repeating: "{\"a\":", count: 70).utf8),
        Array(" # ".utf8), Array("=".utf8), Array(" qty=".utf8), Array(" cost=".utf8),
    ]

    static func int(_ rng: inout SplitMix64, _ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(rng.next(upTo: UInt64(bound)))
    }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64, corpus: [[UInt8]]) -> [UInt8] {
        var b = input
        let rounds = 1 + int(&rng, 4)
        for _ in 0..<rounds { b = mutateOnce(b, &rng, corpus: corpus) }
        return b
    }

    static func mutateOnce(_ input: [UInt8], _ rng: inout SplitMix64, corpus: [[UInt8]]) -> [UInt8] {
        var b = input
        let position = int(&rng, b.count + 1)
        switch int(&rng, 19) {
        case 0 where !b.isEmpty:  // flip a bit
            let i = int(&rng, b.count); b[i] ^= UInt8(1 << int(&rng, 8))
        case 1:  // insert a random byte
            b.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
        case 2 where !b.isEmpty:  // delete a run
            let i = int(&rng, b.count); b.removeSubrange(i..<min(b.count, i + 1 + int(&rng, 8)))
        case 3 where !b.isEmpty:  // duplicate a run
            let i = int(&rng, b.count); let run = Array(b[i..<min(b.count, i + 1 + int(&rng, 64))])
            b.insert(contentsOf: run, at: int(&rng, b.count + 1))
        case 4:  // truncate
            b.removeSubrange(position..<b.count)
        case 5 where !corpus.isEmpty:  // splice with another input
            let other = corpus[int(&rng, corpus.count)]
            let cut = int(&rng, other.count + 1)
            b = Array(b[..<position]) + Array(other[cut...])
        case 6, 7:  // replace a number
            b = replaceNumber(b, &rng)
        case 8, 9:  // insert a unicode / structural fragment
            b.insert(contentsOf: fragments[int(&rng, fragments.count)], at: position)
        case 10:  // replace a word (between quotes or spaces) with a dictionary token
            b = replaceWord(b, &rng)
        case 11:  // line-level: delete, duplicate or swap lines
            b = mutateLines(b, &rng)
        case 12 where !b.isEmpty:  // overwrite with an interesting byte
            let i = int(&rng, b.count)
            b[i] =
                [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x2C, 0x0A, 0x0D, 0x3A, 0x2D, 0x2E, 0x30, 0x39, 0x65, 0x7F, 0xFF][
                    int(&rng, 16)]
        case 13:  // insert a dictionary token
            b.insert(contentsOf: Array(tokens[int(&rng, tokens.count)].utf8), at: position)
        case 14 where !b.isEmpty:  // repeat the input
            b += b
        case 15, 16, 17:  // field-level: empty a value, copy a value over another, drop a key
            b = mutateField(b, &rng, int(&rng, 3))
        default:  // remove a closing bracket or quote to unbalance
            if let i = b.indices.filter({ b[$0] == 0x7D || b[$0] == 0x22 }).randomElement(using: &rng) {
                b.remove(at: i)
            }
        }
        return b
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func replaceNumber(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        let starts = b.indices.filter { isDigit(b[$0]) && ($0 == 0 || !isDigit(b[$0 - 1]) && b[$0 - 1] != 0x2E) }
        guard let start = starts.randomElement(using: &rng) else { return b }
        var end = start
        while end < b.count && (isDigit(b[end]) || b[end] == 0x2E || b[end] == 0x2D && end > start) { end += 1 }
        var out = b
        out.replaceSubrange(start..<end, with: Array(numberReplacements[int(&rng, numberReplacements.count)].utf8))
        return out
    }

    static func replaceWord(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        let separators: Set<UInt8> = [0x22, 0x20, 0x2C, 0x0A, 0x3D, 0x3A]
        let starts = b.indices.filter { $0 > 0 && separators.contains(b[$0 - 1]) && !separators.contains(b[$0]) }
        guard let start = starts.randomElement(using: &rng) else { return b }
        var end = start
        while end < b.count && !separators.contains(b[end]) { end += 1 }
        var out = b
        out.replaceSubrange(start..<end, with: Array(tokens[int(&rng, tokens.count)].utf8))
        return out
    }

    static func mutateLines(_ b: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var lines = b.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        guard !lines.isEmpty else { return b }
        let i = int(&rng, lines.count), j = int(&rng, lines.count)
        switch int(&rng, 3) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: j)
        default: lines.swapAt(i, j)
        }
        return Array(lines.joined(separator: [0x0A]))
    }

    // MARK: - Targets

    /// The JSON Lines reader alone: each line yields a command or a Rejection naming a line of the input.
    @Test func jsonLinesReader() throws {
        let started = Date()
        var rng = Self.generator("jsonl-reader")
        let corpus = Self.jsonLines.map { Array($0.utf8) } + [Array(Self.jsonDocument.utf8)]
        var codes: Set<Rejection.Code> = [], accepted = 0, rejected = 0
        for iteration in 0..<Self.iterations {
            let bytes: [UInt8]
            if iteration % 4 == 0 {
                bytes = Self.mutate(Array(Self.jsonDocument.utf8), &rng, corpus: corpus)
            } else {
                bytes = Self.mutate(corpus[Self.int(&rng, corpus.count)], &rng, corpus: corpus)
            }
            Self.remember("jsonl-reader", bytes)
            let lineCount = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            var lastLine = 0
            do {
                try CommandReader.forEachJSONLine(bytes) { _, line in
                    #expect(line > lastLine && line <= lineCount)
                    lastLine = line
                }
                accepted += 1
                Self.expectUnambiguous(bytes)
            } catch let rejection as Rejection {
                rejected += 1
                codes.insert(rejection.code)
                Self.expectClearMessage(rejection, bytes)
                #expect(
                    rejection.line.map { $0 >= 1 && $0 <= lineCount } == true,
                    "rejection without a valid line (\(rejection)) for \"\(Self.escaped(bytes))\"")
            } catch {
                Issue.record("non-Rejection error \(error) for \"\(Self.escaped(bytes))\"")
            }
        }
        Self.announce(
            "jsonl-reader", Self.iterations,
            "accepted=\(accepted) rejected=\(rejected) codes=\(codes.map(\.rawValue).sorted())",
            started: started)
        #expect(codes.count >= 5, "the fuzzer reached too few rejection codes: \(codes)")
        #expect(accepted > 0 && rejected > 0)
    }

    /// The CSV reader alone.
    @Test func csvReader() throws {
        let started = Date()
        var rng = Self.generator("csv-reader")
        let seed = Array(Self.csvDocument.utf8)
        let corpus = [seed] + seed.split(separator: 0x0A).map(Array.init)
        var codes: Set<Rejection.Code> = [], accepted = 0, rejected = 0
        for _ in 0..<Self.iterations {
            let bytes = Self.mutate(seed, &rng, corpus: corpus)
            Self.remember("csv-reader", bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            let lineCount = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            do {
                try CommandReader.forEachCSVRow(text) { _, line in #expect(line >= 2 && line <= lineCount) }
                accepted += 1
                Self.expectCSVHeaderRules(bytes, outcome: .success(()))
            } catch let rejection as Rejection {
                rejected += 1
                codes.insert(rejection.code)
                Self.expectClearMessage(rejection, bytes)
                Self.expectCSVHeaderRules(bytes, outcome: .failure(rejection))
                #expect(
                    rejection.line.map { $0 >= 1 && $0 <= lineCount } == true,
                    "rejection without a valid line (\(rejection)) for \"\(Self.escaped(bytes))\"")
            } catch {
                Issue.record("non-Rejection error \(error) for \"\(Self.escaped(bytes))\"")
            }
        }
        Self.announce(
            "csv-reader", Self.iterations,
            "accepted=\(accepted) rejected=\(rejected) codes=\(codes.map(\.rawValue).sorted())", started: started)
        #expect(codes.count >= 4, "the fuzzer reached too few rejection codes: \(codes)")
        #expect(accepted > 0 && rejected > 0)
    }

    /// The whole import on an in-memory ledger: success, or a Rejection with a line and nothing written.
    /// Half the runs start from a ledger that already holds the seed history, so state-dependent rules
    /// (duplicates, closed periods, unknown items and transactions) are reached too.
    @Test func fullImport() throws {
        let started = Date()
        var rng = Self.generator("import")
        let jsonSeed = Array(Self.jsonDocument.utf8), csvSeed = Array(Self.csvDocument.utf8)
        let jsonCorpus = Self.jsonLines.map { Array($0.utf8) } + [jsonSeed]
        let csvCorpus = [csvSeed] + csvSeed.split(separator: 0x0A).map(Array.init)
        var codes: Set<Rejection.Code> = [], accepted = 0, rejected = 0, duplicates = 0

        var ledger = try Ledger(path: ":memory:")
        for iteration in 0..<Self.iterations {
            // Now and then a line padded past the 1 MiB limit, which must be refused naming that line.
            if iteration % 256 == 255 { try Self.expectLongLineRefused(Self.jsonLines.map { Array($0.utf8) }, &rng) }
            // A fresh ledger now and then; otherwise successful imports pile up, like in real use.
            if iteration % 16 == 0 {
                ledger = try Ledger(path: ":memory:")
                try ledger.importFile(
                    bytes: rng.next(upTo: 2) == 0 ? jsonSeed : Array(Self.csvSetup.utf8), format: .jsonl)
            }
            let format: Ledger.ImportFormat = rng.next(upTo: 3) == 0 ? .csv : .jsonl
            // The whole seed file, or a few of its lines in order (short files reach state-dependent rules).
            let source = format == .csv ? csvCorpus : jsonCorpus
            var base = format == .csv ? csvSeed : jsonSeed
            if rng.next(upTo: 2) == 0 {
                let lines = format == .csv ? Array(source.dropFirst()) : Array(source.dropLast())
                let picked = (0..<(1 + Self.int(&rng, 5))).map { _ in Self.int(&rng, lines.count) }.sorted()
                base = (format == .csv ? csvCorpus[1] + [0x0A] : []) + picked.flatMap { lines[$0] + [0x0A] }
            }
            let bytes = rng.next(upTo: 5) == 0 ? base : Self.mutate(base, &rng, corpus: source)
            Self.remember("import-" + format.rawValue, bytes)
            let lineCount = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let sequence = try ledger.store.lastSequence()
            let commandCount = try ledger.commands().count
            do {
                let result = try ledger.importFile(bytes: bytes, format: format)
                accepted += 1
                if result.duplicate { duplicates += 1 }
                #expect(try ledger.store.lastSequence() == sequence + Int64(result.duplicate ? 0 : result.eventCount))
                #expect(ledger.state.lastSequence == (try ledger.store.lastSequence()))
                #expect(
                    ledger.trialBalance().total(\.balance).isZero,
                    "books do not balance after importing \"\(Self.escaped(bytes))\"")
                Self.expectNoBlankTrackedDimension(ledger.state, bytes)
            } catch {
                rejected += 1
                if let rejection = error as? Rejection {
                    codes.insert(rejection.code)
                    Self.expectClearMessage(rejection, bytes)
                    #expect(
                        rejection.line.map { $0 >= 1 && $0 <= lineCount } == true,
                        "rejection without a valid line (\(rejection)) for \(format) \"\(Self.escaped(bytes))\"")
                } else {
                    Issue.record("non-Rejection error \(error) for \(format) \"\(Self.escaped(bytes))\"")
                }
                #expect(
                    try ledger.store.lastSequence() == sequence,
                    "a failed import wrote events: \(format) \"\(Self.escaped(bytes))\"")
                #expect(ledger.state.lastSequence == sequence)
                #expect(try ledger.commands().count == commandCount)
            }
        }
        Self.announce(
            "import", Self.iterations,
            "accepted=\(accepted) (duplicates=\(duplicates)) rejected=\(rejected) codes(\(codes.count))=\(codes.map(\.rawValue).sorted())",
            started: started)
        #expect(codes.count >= 10, "the fuzzer reached too few rejection codes: \(codes)")
        #expect(accepted > 0 && rejected > 0)
    }

    /// The scenario parser and runner on mutated scenario files: a report (or a parse error), never a crash.
    @Test func scenarioParserAndRunner() throws {
        let started = Date()
        var rng = Self.generator("scenario")
        let corpus = Self.scenarioTexts.map { Array($0.text.utf8) }
        try #require(corpus.count >= 20, "Scenarios/ not found at \(Self.scenariosRoot.path)")
        var parsed = 0, parseErrors = 0, passed = 0, failed = 0
        var runs = 0
        for iteration in 0..<Self.iterations {
            let bytes = Self.mutate(corpus[Self.int(&rng, corpus.count)], &rng, corpus: corpus)
            Self.remember("scenario", bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            let lineCount = text.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            do {
                let statements = try ScenarioParser.parse(text)
                parsed += 1
                for statement in statements { #expect(statement.line >= 1 && statement.line <= lineCount) }
            } catch {
                parseErrors += 1
                #expect(
                    error.line >= 0 && error.line <= lineCount,
                    "parse error line \(error.line) for \"\(Self.escaped(bytes))\"")
            }
            // The runner (a fresh ledger per file) costs ~20x the parser: every other input is run.
            guard iteration % 2 == 0 else { continue }
            runs += 1
            let report = ScenarioRunner.run(file: "fuzz.scenario", text: text)
            if report.passed { passed += 1 } else { failed += 1 }
        }
        Self.announce(
            "scenario", Self.iterations,
            "parsed=\(parsed) parseErrors=\(parseErrors) runs=\(runs) runPassed=\(passed) runFailed=\(failed) seeds=\(corpus.count)",
            started: started)
        #expect(parsed > 0 && parseErrors > 0 && failed > 0)
    }

    /// The event payload decoder on mutated payloads (and payloads under the wrong type or version):
    /// an event or a PayloadDecodingError, never a crash. A decoded event re-encodes and decodes again.
    @Test func eventPayloadDecoder() throws {
        let started = Date()
        var rng = Self.generator("event-decode")
        let samples = try Self.sampleEnvelopes()
        let kinds = Set(samples.map(\.type))
        #expect(
            kinds.count == EventCatalog.Kind.allCases.count,
            "seed events miss kinds: \(Set(EventCatalog.Kind.allCases.map(\.rawValue)).subtracting(kinds))")
        let corpus = samples.map(\.payload)
        var decoded = 0, errors = 0
        // A long replay's decode: names through one table, voucher lines refilled in its one buffer. The
        // last few events stay alive, so the buffer is both refilled in place and copied while shared.
        let table = StringTable()
        var kept: [Result<LedgerEvent, PayloadDecodingError>] = []
        for iteration in 0..<Self.iterations {
            var envelope = samples[Self.int(&rng, samples.count)]
            envelope.payload = Self.mutate(envelope.payload, &rng, corpus: corpus)
            switch iteration % 10 {
            case 0:
                envelope.type = EventCatalog.Kind.allCases[Self.int(&rng, EventCatalog.Kind.allCases.count)].rawValue
            case 1: envelope.version = [0, 2, -1, Int.max, Int.min][Self.int(&rng, 5)]
            case 2: envelope.type = Self.escaped(Self.mutate(Array(envelope.type.utf8), &rng, corpus: []))
            default: break
            }
            Self.remember("event-decode", Array(envelope.type.utf8) + [0] + envelope.payload)
            let plain = Result { () throws(PayloadDecodingError) in try EventCatalog.decode(envelope) }
            let viaTable = Self.decoded(envelope, table)
            #expect(
                viaTable == plain, "a StringTable's decode differs: \(envelope.type) \(Self.escaped(envelope.payload))")
            kept.append(viaTable)
            if kept.count > 3 { kept.removeFirst() }
            do {
                let event = try EventCatalog.decode(envelope)
                decoded += 1
                let again = EventCatalog.envelope(event, date: envelope.date)
                #expect(
                    (try? EventCatalog.decode(again)) == event,
                    "decoded event does not survive a round trip: \(envelope.type) \(Self.escaped(envelope.payload))")
            } catch {
                errors += 1
                #expect(
                    error.offset >= 0 && error.offset <= envelope.payload.count,
                    "error offset \(error.offset) outside the payload (\(envelope.payload.count) bytes)")
            }
        }
        Self.announce(
            "event-decode", Self.iterations, "decoded=\(decoded) errors=\(errors) seedEvents=\(samples.count)",
            started: started)
        #expect(decoded > 0 && errors > 0)
    }
}

extension FuzzTests {
    /// `EventCatalog.decode` as replay calls it, with a `StringTable`.
    static func decoded(_ envelope: EventEnvelope, _ table: StringTable) -> Result<LedgerEvent, PayloadDecodingError> {
        guard let kind = EventCatalog.Kind(rawValue: envelope.type) else {
            return Result { () throws(PayloadDecodingError) in try EventCatalog.decode(envelope) }
        }
        return envelope.payload.withUnsafeBytes { bytes in
            Result { () throws(PayloadDecodingError) in
                try EventCatalog.decode(kind, version: envelope.version, payload: bytes, strings: table)
            }
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
