import Subledger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file to import chunk by chunk, checking each chunk as it arrives (`ImportTextCheck`): a
/// binary file or `/dev/zero` is refused at its first chunk, a JSON Lines line over 1 MiB as soon as it
/// passes the limit, instead of after reading everything into memory. `-` is standard input, read and
/// checked the same way.
enum ImportInput {
    static let chunkBytes = 1 << 20

    /// The name `-` stands for in messages.
    static let standardInputName = "standard input"

    static func read(_ path: String, format: Ledger.ImportFormat) throws -> [UInt8] {
        let name = path == "-" ? standardInputName : path
        guard let file = path == "-" ? fdopen(STDIN_FILENO, "rb") : fopen(path, "rb") else {
            throw CLIError.noInput("cannot read \(name): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var check = ImportTextCheck(format: format)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            try chunk.withUnsafeBytes { try check.check(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count {
                if ferror(file) != 0 {
                    throw CLIError.noInput("cannot read \(name): \(String(cString: strerror(errno)))")
                }
                return bytes
            }
        }
    }
}
