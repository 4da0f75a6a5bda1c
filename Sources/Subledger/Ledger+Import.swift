import SubledgerCore
internal import SubledgerStore

extension Ledger {
    public enum ImportFormat: String, Sendable, CaseIterable { case jsonl, csv }

    /// Imports a whole file as ONE command (one transaction: every event or none). The command id defaults
    /// to a hash of the file's bytes, so importing the same file again appends nothing (idempotent). The
    /// id is bound to the decoded commands, not the bytes: the same commands from another file are the
    /// same content, other commands under the id are refused (`command-id-conflict`).
    /// A rejection names its line; nothing is written then.
    @discardableResult
    public func importFile(
        bytes: [UInt8], format: ImportFormat, commandID: String? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> CommandResult {
        // The default id hashes every byte: a large file's hash runs on a thread of its own while this one
        // checks the text (one pass that also counts the lines), instead of three passes in turn (DR-66).
        let hash = commandID == nil ? FileHash(bytes) : nil
        // A file that is not text, or (JSON Lines) has a line over 1 MiB, is refused before anything else.
        var check = ImportTextCheck(format: format)
        try bytes.withUnsafeBytes { try check.check($0) }
        let id = commandID ?? "import-" + hash!.digest().description.prefix(32)
        // One transaction per line, about: room for them up front instead of growing the table 20 times.
        let lines = check.newlines
        // The commands' content is hashed as they are read (JSON Lines: on the reading thread), not by the
        // deciding thread.
        var content = CommandContentHasher()
        return try executeBatch(
            commandID: id, kind: "import", actor: nil, expectedTransactions: lines, contentHashedApart: { content }
        ) { submit in
            // Rejections from deciding a command get the line the command came from.
            func submitting(_ command: LedgerCommand, _ line: Int) throws {
                do { try submit(command) } catch let rejection as Rejection where rejection.line == nil {
                    throw rejection.at(line: line)
                }
            }
            switch format {
            case .jsonl: try CommandReader.forEachJSONLine(bytes, progress: progress, hashingInto: &content, submitting)
            case .csv:
                var hasher = CommandContentHasher()
                try CommandReader.forEachCSVRow(String(decoding: bytes, as: UTF8.self)) { command, line in
                    hasher.add(command)
                    try submitting(command, line)
                }
                content = hasher
            }
        }
    }
}

/// SHA-256 of an import's bytes: a file of at least `concurrentBytes` is hashed on a thread of its own
/// (`BackgroundResult`) from the start; a smaller one when asked for, where a thread would cost more than
/// it saves. A file refused meanwhile lets its thread finish on its own: it writes nothing.
private enum FileHash {
    static let concurrentBytes = 1 << 20

    case inline([UInt8])
    case background(BackgroundResult<SHA256.Digest>)

    init(_ bytes: [UInt8]) {
        guard bytes.count >= Self.concurrentBytes else {
            self = .inline(bytes)
            return
        }
        self = .background(BackgroundResult { SHA256.hash(bytes) })
    }

    func digest() -> SHA256.Digest {
        switch self {
        case .inline(let bytes): SHA256.hash(bytes)
        case .background(let result): result.wait()
        }
    }
}
