// `import --group N`: a file of commands posted line by line, each line its own command (its id the file's
// id and the line number), committed N lines per transaction through `executeGroup`. The other way to
// import next to the whole-file command: a refused line is reported and the others are posted, and a
// re-run (after a crash, or with the bad lines fixed) appends only the lines not yet in the log.

import SubledgerCore
internal import SubledgerStore

/// What `importFile(bytes:format:commandID:groupSize:)` did.
public struct GroupedImport: Sendable {
    /// One line the ledger refused: nothing of it was written.
    public struct RefusedLine: Sendable {
        public var line: Int
        public var error: LedgerError
    }

    /// Lines read (each one command).
    public var lines = 0
    /// Commands appended by this run, and their events.
    public var appended = 0
    public var events = 0
    /// Lines whose command was in the log already (an earlier run): nothing appended for them.
    public var duplicates = 0
    /// Transactions committed.
    public var groups = 0
    public var refused: [RefusedLine] = []
}

extension Ledger {
    /// Posts every line of the file as its own command, `groupSize` lines per transaction (one durable
    /// commit each). Line N's command id is `<id>-N`, the id defaulting to a hash of the file's bytes as
    /// for the whole-file import, so a re-run appends only what is missing. The whole file is read first:
    /// a line that cannot be read refuses the import before anything is written. A line the ledger
    /// refuses is listed with its error and the others are posted.
    public func importFile(
        bytes: [UInt8], format: ImportFormat, commandID: String? = nil, groupSize: Int,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> GroupedImport {
        var check = ImportTextCheck(format: format)
        try bytes.withUnsafeBytes { try check.check($0) }
        let base = commandID ?? "import-" + SHA256.hash(bytes).description.prefix(32)
        var lines: [(command: LedgerCommand, line: Int)] = []
        switch format {
        case .jsonl: try CommandReader.forEachJSONLine(bytes) { lines.append(($0, $1)) }
        case .csv: try CommandReader.forEachCSVRow(String(decoding: bytes, as: UTF8.self)) { lines.append(($0, $1)) }
        }
        var outcome = GroupedImport(lines: lines.count)
        let size = max(1, groupSize)
        for start in stride(from: 0, to: lines.count, by: size) {
            let slice = lines[start..<min(start + size, lines.count)]
            let requests = slice.map { GroupedCommand.single($0.command, commandID: "\(base)-\($0.line)", actor: nil) }
            let results = try executeGroup(requests)
            outcome.groups += 1
            for (entry, result) in zip(slice, results) {
                switch result {
                case .success(let done) where done.duplicate: outcome.duplicates += 1
                case .success(let done):
                    outcome.appended += 1
                    outcome.events += done.eventCount
                case .failure(let error):
                    outcome.refused.append(.init(line: entry.line, error: error.at(line: entry.line)))
                }
            }
            progress?(start + slice.count, lines.count)
        }
        return outcome
    }
}

extension LedgerError {
    /// A rejection with the line it came from.
    func at(line: Int) -> LedgerError {
        guard case .rejected(let rejection) = self, rejection.line == nil else { return self }
        return .rejected(rejection.at(line: line))
    }
}
