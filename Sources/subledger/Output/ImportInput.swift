import Subledger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens a file to import (`-` is standard input) and reads it whole with `ImportFileReader`, which checks
/// each chunk as it arrives: a binary file or `/dev/zero` is refused at its first chunk, a JSON Lines line
/// over 1 MiB as soon as it passes the limit, instead of after reading everything into memory.
enum ImportInput {
    /// The name `-` stands for in messages.
    static let standardInputName = "standard input"

    static func read(_ path: String, format: Ledger.ImportFormat) throws -> [UInt8] {
        let name = path == "-" ? standardInputName : path
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CLIError.noInput("cannot read \(name): \(String(cString: strerror(errno)))")
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        do {
            return try ImportFileReader.readAll(
                descriptor, expectedBytes: ImportFileReader.sizeHint(descriptor), format: format)
        } catch let failure as ImportFileReader.ReadError {
            throw CLIError.noInput("cannot read \(name): \(failure.message)")
        }
    }
}
