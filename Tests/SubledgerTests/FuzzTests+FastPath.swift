import Foundation
import SubledgerCore
import Testing

@testable import Subledger

extension FuzzTests {
    /// Lines of the bench's workload (`subledger-bench`), the shape the fast path is for.
    static let workloadLines: [String] = [
        #"{"command":"receive","date":"2026-01-01","item":"I764","tx":"R2","qty":"11","cost":"12.25","site":"S1"}"#,
        #"{"command":"issue","date":"2026-01-01","item":"I413","tx":"S1","qty":"12","site":"S1"}"#,
        #"{"command":"invoice","date":"2026-01-14","tx":"R484038","cost":"10.25"}"#,
        #"{"command":"receive","date":"2026-01-14","item":"I850","tx":"R484330","qty":"3","cost":"8.60","site":"S1"}"#,
        #"{"command":"item","item":"I5","model":"standard","price":"10.00","standard":"10.00"}"#,
    ]

    /// The JSON line fast path (DR-58) against the general path: real workload lines and every command
    /// kind, mutated; whenever the fast path gives a command, the general path gives the same one (it
    /// never accepts a line the general path refuses, nor reads one differently). The mutations must
    /// leave some lines to the fast path, or this would test nothing.
    @Test func jsonlFastPath() throws {
        let started = Date()
        var rng = Self.generator("jsonl-fast-path")
        let common = (Self.workloadLines + JSONLineFastPathTests.accepted).map { Array($0.utf8) }
        let corpus = common + Self.jsonLines.map { Array($0.utf8) }
        var read = 0, declined = 0
        for iteration in 0..<Self.iterations {
            // Every other input with its values mutated only, so that many stay in the fast path's shape.
            let bytes =
                iteration % 2 == 0
                ? Self.mutateValues(common[Self.int(&rng, common.count)], &rng)
                : Self.mutate(corpus[Self.int(&rng, corpus.count)], &rng, corpus: corpus)
            Self.remember("jsonl-fast-path", bytes)
            let outcome = bytes.withUnsafeBytes { buffer in
                (
                    JSONLineFastPath.command(buffer),
                    Result { () throws(Rejection) in try CommandReader.generalCommand(jsonLine: buffer, line: 1) }
                )
            }
            guard let fast = outcome.0 else {
                declined += 1
                continue
            }
            read += 1
            switch outcome.1 {
            case .success(let general):
                #expect(general == fast, "the paths differ for \"\(Self.escaped(bytes))\"")
            case .failure(let rejection):
                Issue.record(
                    "the fast path read a line the general path refuses (\(rejection)): \"\(Self.escaped(bytes))\"")
            }
        }
        Self.announce("jsonl-fast-path", Self.iterations, "read=\(read) declined=\(declined)", started: started)
        #expect(read >= Self.iterations / 20 && declined > 0, "read=\(read) declined=\(declined)")
    }

    /// One or two string values replaced: by a dictionary token, an awkward number, a unicode or structural
    /// fragment, or themselves mutated.
    static func mutateValues(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = input
        for _ in 0...int(&rng, 2) {
            guard let value = stringValues(b).randomElement(using: &rng) else { return b }
            let replacement: [UInt8]
            switch int(&rng, 4) {
            case 0: replacement = Array(tokens[int(&rng, tokens.count)].utf8)
            case 1: replacement = Array(numberReplacements[int(&rng, numberReplacements.count)].utf8)
            case 2: replacement = Array(b[value]) + fragments[int(&rng, fragments.count)]
            default: replacement = mutateOnce(Array(b[value]), &rng, corpus: [])
            }
            b.replaceSubrange(value, with: replacement)
        }
        return b
    }
}
