// The pipelined JSON Lines reader (a second thread decodes lines while the caller's body runs) gives
// exactly what the sequential reader gives: the same commands and lines, the same first failure, the
// same progress calls, and it returns (its reader stopped) when the body throws part-way.

import Testing

@testable import Subledger
@testable import SubledgerCore

struct JSONLinePipelineTests {
    /// `count` lines over several chunks, with blank and CRLF lines, and `bad` (when given) at line `badLine`.
    static func text(lines count: Int, bad: String? = nil, at badLine: Int = 0) -> [UInt8] {
        var out = #"{"command":"item","item":"A","model":"fifo"}"# + "\n"
        for line in 2...count {
            if line == badLine, let bad {
                out += bad + "\n"
            } else if line % 97 == 0 {
                out += "  \n"
            } else if line % 89 == 0 {
                out +=
                    #"{"command":"receive","date":"2026-01-02","item":"A","tx":"R\#(line)","qty":1,"cost":"2"}"#
                    + "\r\n"
            } else {
                out += #"{"command":"issue","date":"2026-01-03","item":"A","tx":"S\#(line)","qty":"1"}"# + "\n"
            }
        }
        return Array(out.utf8)
    }

    struct Run: Equatable {
        var commands: [LedgerCommand] = []
        var lines: [Int] = []
        var progress: [[Int]] = []
        var failure: Rejection?
    }

    static func run(_ bytes: [UInt8], pipelined: Bool, stopAt stopLine: Int? = nil) -> Run {
        var run = Run()
        do {
            try CommandReader.forEachJSONLine(
                bytes, progress: { run.progress.append([$0, $1]) }, pipelinedFrom: pipelined ? 0 : Int.max
            ) { command, line in
                if line == stopLine { throw Rejection(.malformed, "stopped by the body", line: line) }
                run.commands.append(command)
                run.lines.append(line)
            }
        } catch let rejection as Rejection {
            run.failure = rejection
        } catch {
            Issue.record("unexpected \(error)")
        }
        return run
    }

    @Test func sameCommandsLinesAndProgressAsTheSequentialReader() {
        for count in [1_000, 2_049, 16_384, 20_000] {
            let bytes = Self.text(lines: count)
            let sequential = Self.run(bytes, pipelined: false)
            #expect(sequential.failure == nil && sequential.commands.count > count * 9 / 10)
            #expect(Self.run(bytes, pipelined: true) == sequential, "\(count) lines")
        }
    }

    @Test func sameFirstFailureAsTheSequentialReader() {
        let tooLong = #"{"command":"issue","tx":""# + String(repeating: "x", count: 1 << 20) + #""}"#
        for (bad, line) in [("{\"command\":", 5_000), ("[1]", 2_048), (tooLong, 9_000), ("{}", 3)] {
            let bytes = Self.text(lines: 12_000, bad: bad, at: line)
            let sequential = Self.run(bytes, pipelined: false)
            #expect(sequential.failure?.line == line)
            #expect(Self.run(bytes, pipelined: true) == sequential, "line \(line)")
        }
    }

    /// The body fails before the reader's failure: the body's error wins, as it would sequentially.
    @Test func theBodysEarlierFailureWinsAndTheReaderStops() {
        let bytes = Self.text(lines: 30_000, bad: "nonsense", at: 20_000)
        for stop in [2, 3_000, 19_999] {
            let pipelined = Self.run(bytes, pipelined: true, stopAt: stop)
            #expect(pipelined == Self.run(bytes, pipelined: false, stopAt: stop))
            #expect(pipelined.failure?.message == "stopped by the body", "\(stop)")
        }
    }

    /// DR-69: a line ends at the first line feed at or after its start, found by `memchr`; without one, at
    /// the end of the text (also for an empty text or a start at its end).
    @Test func aLineEndsAtTheNextLineFeedOrTheEnd() {
        let text: [UInt8] = Array(("ab\n\nc\r\n" + String(repeating: "x", count: 70) + "\nlast").utf8)
        text.withUnsafeBytes { bytes in
            for start in 0...bytes.count {
                let expected = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                #expect(JSONLinePipeline.lineEnd(bytes, from: start) == expected, "from \(start)")
            }
        }
        [UInt8]().withUnsafeBytes { #expect(JSONLinePipeline.lineEnd($0, from: 0) == 0) }
    }
}
