import SubledgerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits that keep a wrong file from exhausting memory: an import file is text (a NUL byte means a
/// binary file, or `/dev/zero`), and a JSON Lines line is at most 1 MiB (a command is a few hundred
/// bytes; a longer line is not a command). Fed chunk by chunk while the file is read, it refuses such a
/// file at the first bad chunk instead of after reading all of it.
public struct ImportTextCheck {
    public static let maximumLineBytes = 1 << 20

    let limitsLines: Bool
    /// 1-based line of the next byte, and the bytes of that line seen so far.
    var line = 1
    var lineBytes = 0

    /// Line feeds seen so far: the whole file's count once every chunk was checked.
    public var newlines: Int { line - 1 }

    public init(format: Ledger.ImportFormat) {
        limitsLines = format == .jsonl
    }

    public mutating func check(_ chunk: UnsafeRawBufferPointer) throws(Rejection) {
        guard let base = chunk.baseAddress else { return }
        var offset = 0
        while offset < chunk.count {
            let rest = chunk.count - offset
            let newline = memchr(base + offset, 0x0A, rest).map { base.distance(to: UnsafeRawPointer($0)) }
            let end = newline ?? chunk.count
            if memchr(base + offset, 0, end - offset) != nil { throw Self.notText(line: line) }
            lineBytes += end - offset
            if limitsLines && lineBytes > Self.maximumLineBytes { throw Self.lineTooLong(line: line) }
            guard newline != nil else { return }
            line += 1
            lineBytes = 0
            offset = end + 1
        }
    }

    static func notText(line: Int) -> Rejection {
        Rejection(
            .malformed, "the file is not text: it holds a NUL byte (a binary file?); import takes JSON Lines or CSV",
            line: line)
    }

    static func lineTooLong(line: Int) -> Rejection {
        Rejection(
            .malformed,
            "the line is longer than 1 MiB (\(maximumLineBytes) bytes); a JSON Lines command is one short line",
            line: line)
    }
}
