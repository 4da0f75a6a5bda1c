// ImportFileReader (DR-66): an import file is read into one array sized by the file's size, but the size
// is only a hint: a file that grew or shrank after it was measured, a pipe (standard input) with no size,
// and a file across many chunks all read exactly their bytes; refusals keep their line and message; the
// fused text check counts the same lines as a count of line feeds; the default command id is the same.

import Foundation
import Subledger
import SubledgerCore
import SubledgerStore
import SubledgerTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct ImportFileReaderTests {
    /// `count` bytes of short lines, with a line feed every 61 bytes and none at the end.
    static func lines(_ count: Int) -> [UInt8] {
        (0..<count).map { $0 % 61 == 60 ? 0x0A : UInt8(0x61 + $0 % 26) }
    }

    /// Writes `bytes` to a fresh file, then runs `body` on it opened read-only.
    static func withFile<T>(_ bytes: [UInt8], _ body: (Int32, String) throws -> T) throws -> T {
        let path = TemporaryFiles.unique("import-input", suffix: ".jsonl").path
        defer { unlink(path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        return try body(descriptor, path)
    }

    static func read(
        _ descriptor: Int32, hint: Int? = nil, _ format: Ledger.ImportFormat = .jsonl
    ) throws -> [UInt8] {
        try ImportFileReader.readAll(
            descriptor, expectedBytes: hint ?? ImportFileReader.sizeHint(descriptor), format: format)
    }

    @Test(arguments: [0, 1, 100, ImportFileReader.chunkBytes, 3 * ImportFileReader.chunkBytes + 17])
    func aRegularFileReadsItsBytesWhateverTheHint(size: Int) throws {
        let bytes = Self.lines(size)
        try Self.withFile(bytes) { descriptor, _ in
            #expect(ImportFileReader.sizeHint(descriptor) == size)
            for hint in [nil, 0, size / 2, size - 1, size + 1, 2 * size + 5] {
                #expect(lseek(descriptor, 0, SEEK_SET) == 0)
                let read = try Self.read(descriptor, hint: hint)
                #expect(read == bytes, "size \(size), hint \(String(describing: hint))")
            }
        }
    }

    @Test func aFileThatGrowsOrShrinksAfterItWasMeasuredReadsWhatItHoldsWhenRead() throws {
        let bytes = Self.lines(2 * ImportFileReader.chunkBytes + 5)
        try Self.withFile(bytes) { descriptor, path in
            let measured = ImportFileReader.sizeHint(descriptor)
            // It grows by a chunk and a half after the size was taken: the tail is read too.
            let tail = Self.lines(ImportFileReader.chunkBytes * 3 / 2)
            let appending = open(path, O_WRONLY | O_APPEND)
            try #require(appending >= 0)
            _ = tail.withUnsafeBytes { write(appending, $0.baseAddress, $0.count) }
            close(appending)
            #expect(try Self.read(descriptor, hint: measured) == bytes + tail)
            // It shrinks to 1,000 bytes: those are read, nothing past them.
            #expect(truncate(path, 1_000) == 0 && lseek(descriptor, 0, SEEK_SET) == 0)
            #expect(try Self.read(descriptor, hint: measured) == Array(bytes.prefix(1_000)))
        }
    }

    @Test func aPipeHasNoSizeAndIsReadToItsEnd() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        // More than a pipe holds, so the reader takes it in several reads while the writer writes.
        let bytes = Self.lines(ImportFileReader.chunkBytes + 300_000)
        let writer = Thread { [ends] in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let wrote = write(ends[1], buffer.baseAddress! + offset, buffer.count - offset)
                    if wrote <= 0 { break }
                    offset += wrote
                }
            }
            close(ends[1])
        }
        writer.start()
        #expect(ImportFileReader.sizeHint(ends[0]) == 0)
        #expect(try Self.read(ends[0]) == bytes)
    }

    @Test func refusalsKeepTheirLineAndMessageAcrossTheReadsChunks() throws {
        // A NUL byte in the second chunk: refused with the line it is on, as the whole-file check says.
        var binary = Self.lines(2 * ImportFileReader.chunkBytes)
        binary[ImportFileReader.chunkBytes + 100] = 0
        var check = ImportTextCheck(format: .csv)
        let expected = #expect(throws: Rejection.self) { try binary.withUnsafeBytes { try check.check($0) } }
        try Self.withFile(binary) { descriptor, _ in
            let refused = #expect(throws: Rejection.self) { try Self.read(descriptor, .csv) }
            #expect(refused?.message == expected?.message && refused?.line == expected?.line)
            #expect(refused?.line == (ImportFileReader.chunkBytes + 100) / 61 + 1)
        }
        // A line over 1 MiB (JSON Lines only): refused at its line; CSV takes it.
        let long = Self.lines(200) + [UInt8](repeating: 0x78, count: ImportTextCheck.maximumLineBytes + 1) + [0x0A]
        try Self.withFile(long) { descriptor, _ in
            let refused = #expect(throws: Rejection.self) { try Self.read(descriptor, hint: 10) }
            #expect(refused?.line == 4 && refused?.message.contains("longer than 1 MiB") == true)
            #expect(lseek(descriptor, 0, SEEK_SET) == 0)
            let asCSV = try Self.read(descriptor, .csv)
            #expect(asCSV == long)
        }
        // A descriptor that cannot be read (a directory): the errno, for the command line's message.
        let directory = open(TemporaryFiles.root.path, O_RDONLY)
        try #require(directory >= 0)
        defer { close(directory) }
        let failed = #expect(throws: ImportFileReader.ReadError.self) { try Self.read(directory) }
        #expect(failed?.code == EISDIR)
    }

    @Test func theFusedCheckCountsTheLineFeeds() throws {
        for bytes in [Self.lines(0), Self.lines(60), Self.lines(61), Self.lines(5_000_000), [0x0A, 0x0A]] {
            var check = ImportTextCheck(format: .jsonl)
            try bytes.withUnsafeBytes { try check.check($0) }
            #expect(check.newlines == bytes.filter { $0 == 0x0A }.count)
        }
    }

    /// Receipts of item F: `count` lines of about 100 bytes.
    static func receipts(_ count: Int) -> [UInt8] {
        var text = #"{"command":"item","item":"F","model":"fifo"}"# + "\n"
        for index in 0..<count {
            text += #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P\#(index)","qty":1,"cost":"1.25"}"#
            text += "\n"
        }
        return Array(text.utf8)
    }

    @Test(arguments: [10, 12_000])
    func theDefaultIdIsTheHashOfTheBytesHashedInlineOrOnAThread(lines: Int) throws {
        let bytes = Self.receipts(lines)
        #expect((bytes.count >= 1 << 20) == (lines > 10), "one input on each side of the threshold")
        let ledger = try Ledger(path: ":memory:")
        let result = try ledger.importFile(bytes: bytes, format: .jsonl)
        #expect(result.commandID == "import-" + SHA256.hash(bytes).description.prefix(32))
        #expect(result.eventCount == lines + 1)
        #expect(try ledger.importFile(bytes: bytes, format: .jsonl).duplicate)
    }

    @Test func aLargeFileThatIsNotTextIsRefusedWhileItsHashRunsAndNothingIsWritten() throws {
        var bytes = Self.receipts(12_000)
        bytes[bytes.count - 50] = 0
        let ledger = try Ledger(path: ":memory:")
        let refused = #expect(throws: Rejection.self) { try ledger.importFile(bytes: bytes, format: .jsonl) }
        #expect(refused?.line == 12_001 && refused?.message.contains("NUL byte") == true)
        #expect(try ledger.store.lastSequence() == 0 && ledger.state.lastSequence == 0)
    }
}
