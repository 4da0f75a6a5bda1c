import Foundation
import Subledger
import SubledgerCore
import Testing

/// Errors are safe to print: text errors escape control characters and quote at most 80 characters of
/// input; an import file that is not text, or has a JSON Lines line over 1 MiB, is refused at once.
struct SafeErrorTests {
    typealias Sandbox = CLITests.Sandbox

    /// An item name with ESC, CR, NUL, DEL and LF (as JSON escapes), then 200 more characters.
    static let hostileLine =
        #"{"command":"item","item":"\u001b[2J\rX\u0000\u007f\nY"#
        + String(repeating: "a", count: 200) + #"","model":"fifo"}"# + "\n"

    @Test func textErrorsEscapeControlCharactersAndCutEchoedInput() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        let file = try box.write("hostile.jsonl", Self.hostileLine)
        let text = try box.run(["import", file])
        #expect(text.status == 2)
        let message = text.stderr
        #expect(
            !message.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } && !message.contains("\u{7F}"),
            "raw control characters in \(message.debugDescription)")
        #expect(message.hasSuffix("\n") && message.dropLast().firstIndex(of: "\n") == nil, "one line: \(message)")
        #expect(message.contains(#"'\u{1B}[2J\u{0D}X\u{00}\u{7F}\u{0A}Yaaa"#), "\(message)")
        let quoted = try #require(message.split(separator: "'").dropFirst(3).first)
        #expect(quoted.count == 80 + 5 * 5, "80 characters quoted, 5 escaped to 6 each: \(quoted)")
        #expect(quoted.hasSuffix("…"))

        // JSON errors escape by JSON's rules and keep the same (cut) message.
        let json = try box.run(["import", file, "--json"])
        let error = try json.errorJSON()
        let jsonMessage = try #require(error["message"] as? String)
        #expect(jsonMessage.hasPrefix("'\u{1B}[2J\rX\u{0}\u{7F}\nYaaa"), "\(jsonMessage.debugDescription)")
        #expect(jsonMessage.split(separator: "'")[0].count == 80)
    }

    @Test func importingDevZeroIsRefusedAtOnce() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        let start = Date()
        let run = try box.run(["import", "/dev/zero", "--format", "jsonl"])
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(run.status == 2)
        #expect(
            run.stderr == "error[malformed] line 1: the file is not text: it holds a NUL byte (a binary file?); "
                + "import takes JSON Lines or CSV\n", "\(run.stderr)")
        let csv = try box.run(["import", "/dev/zero", "--format", "csv"])
        #expect(csv.status == 2)
    }

    @Test func aHugeJSONLinesLineIsRefusedWithItsLineNumber() throws {
        let box = try Sandbox()
        try box.ok(["init"])
        let long =
            #"{"command":"item","item":"A","model":"fifo"}"# + "\n\n"
            + String(repeating: " ", count: ImportTextCheck.maximumLineBytes) + "{}\n"
        let file = try box.write("long.jsonl", long)
        let run = try box.run(["import", file])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("error[malformed] line 3: the line is longer than 1 MiB"), "\(run.stderr)")
        #expect(try box.eventCount() == 0)
    }

    @Test func theLibraryRefusesTheSameFiles() throws {
        let setup = #"{"command":"item","item":"A","model":"fifo"}"# + "\n"
        let long = setup + String(repeating: "x", count: ImportTextCheck.maximumLineBytes + 1) + "\n"
        try ImportTests.expectRejected(long, format: .jsonl, code: .malformed, line: 2)
        try ImportTests.expectRejected(setup + "{\"command\":\u{0}}\n", format: .jsonl, code: .malformed, line: 2)
        try ImportTests.expectRejected("command,date\nreceive,\u{0}\n", format: .csv, code: .malformed, line: 2)
        // A line of exactly the limit is read (and refused for what it says, not for its length).
        let exact = setup + "{}" + String(repeating: " ", count: ImportTextCheck.maximumLineBytes - 2) + "\n"
        try ImportTests.expectRejected(exact, format: .jsonl, code: .missingField, line: 2, field: "command")
        // Directly through the JSON Lines reader, too.
        let bytes = Array((String(repeating: " ", count: ImportTextCheck.maximumLineBytes + 1) + "\n").utf8)
        #expect(throws: Rejection.self) { try CommandReader.forEachJSONLine(bytes) { _, _ in } }
    }

    @Test func checkingChunkByChunkCountsLinesAcrossChunks() throws {
        var check = ImportTextCheck(format: .jsonl)
        let half = [UInt8](repeating: 0x20, count: ImportTextCheck.maximumLineBytes / 2)
        try half.withUnsafeBytes { try check.check($0) }
        try Array("\n".utf8).withUnsafeBytes { try check.check($0) }
        try half.withUnsafeBytes { try check.check($0) }
        try half.withUnsafeBytes { try check.check($0) }
        do {
            try [UInt8(0x20)].withUnsafeBytes { try check.check($0) }
            Issue.record("a line over the limit across chunks was accepted")
        } catch let rejection as Rejection {
            #expect(rejection.line == 2)
        }
    }
}
