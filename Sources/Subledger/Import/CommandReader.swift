import SubledgerCodec
import SubledgerCore

/// Reads commands from the import formats. Every command goes through `CommandDecoder`, so a JSON Lines
/// line, a CSV row, a CLI flag set and a scenario statement are validated the same way.
public enum CommandReader {
    /// Decodes one JSON Lines line: an object with "command" and the command's fields. Numbers may be
    /// JSON numbers or strings (both are read exactly from their text); `physical` may be a boolean.
    public static func command(jsonLine bytes: UnsafeRawBufferPointer, line: Int) throws(Rejection) -> LedgerCommand {
        if let command = JSONLineFastPath.command(bytes) { return command }
        return try generalCommand(jsonLine: bytes, line: line)
    }

    /// `command(jsonLine:line:)` without the fast path: the JSON tree, then `CommandDecoder`.
    static func generalCommand(jsonLine bytes: UnsafeRawBufferPointer, line: Int) throws(Rejection) -> LedgerCommand {
        let (name, fields) = try jsonFields(bytes, line: line)
        guard let name else {
            throw Rejection(
                .missingField, field: "command",
                "each line needs \"command\": one of \(CommandDecoder.commandNames.joined(separator: ", "))", line: line
            )
        }
        do { return try CommandDecoder.decode(command: name, fields) } catch { throw error.at(line: line) }
    }

    /// The line's command name and fields, read by the strict JSON parser: any valid JSON is read, anything
    /// else is refused with the parser's exact error.
    static func jsonFields(_ bytes: UnsafeRawBufferPointer, line: Int) throws(Rejection) -> (String?, CommandFields) {
        let value: JSONValue
        do { value = try JSON.parse(bytes) } catch {
            throw Rejection(.malformed, error.description, line: line)
        }
        guard case .object(let members) = value else {
            throw Rejection(
                .malformed, "each line must be a JSON object like {\"command\":\"receive\",...}", line: line)
        }
        var name: String?
        var fields = CommandFields()
        for member in members {
            let text: String
            switch member.value {
            case .string(let s): text = s
            case .number(let n): text = n
            case .bool(let b): text = b ? "yes" : "no"
            default:
                throw Rejection(
                    .malformed, field: member.key, "'\(Echo.cut(member.key))' must be a string, number or boolean",
                    line: line)
            }
            if member.key == "command" {
                guard name == nil else {
                    throw Rejection(.malformed, field: "command", "\"command\" given twice", line: line)
                }
                name = text
            } else {
                fields.set(member.key, text)
            }
        }
        return (name, fields)
    }

    /// Calls `body` with each command of a JSON Lines text, in order; blank lines are skipped, and a line
    /// over `ImportTextCheck.maximumLineBytes` is refused.
    public static func forEachJSONLine(
        _ bytes: [UInt8], progress: ((Int, Int) -> Void)? = nil,
        _ body: (LedgerCommand, _ line: Int) throws -> Void
    ) throws {
        try forEachJSONLine(bytes, progress: progress, pipelinedFrom: pipelineBytes, body)
    }

    /// From this size on, the lines are read on a second thread (`JSONLinePipeline`) while `body` runs:
    /// a file of a few thousand lines is done before a thread would pay.
    static let pipelineBytes = 1 << 20

    /// `forEachJSONLine` that also hashes the content of every command it reads into `content` (on the
    /// reading thread when the text is pipelined), for a caller that would hash them after `body`.
    static func forEachJSONLine(
        _ bytes: [UInt8], progress: ((Int, Int) -> Void)?, hashingInto content: inout CommandContentHasher,
        _ body: (LedgerCommand, _ line: Int) throws -> Void
    ) throws {
        guard bytes.count < pipelineBytes else {
            let hashed = try bytes.withUnsafeBytes {
                try JSONLinePipeline.forEach($0, progress: progress, hashingContent: true, body)
            }
            if let hashed { content = hashed }
            return
        }
        var hasher = CommandContentHasher()
        try forEachJSONLine(bytes, progress: progress, pipelinedFrom: Int.max) { command, line in
            hasher.add(command)
            try body(command, line)
        }
        content = hasher
    }

    /// `forEachJSONLine`, pipelined for a text of `pipelinedFrom` bytes or more.
    static func forEachJSONLine(
        _ bytes: [UInt8], progress: ((Int, Int) -> Void)?, pipelinedFrom threshold: Int,
        _ body: (LedgerCommand, _ line: Int) throws -> Void
    ) throws {
        if bytes.count >= threshold {
            try bytes.withUnsafeBytes { try JSONLinePipeline.forEach($0, progress: progress, body) }
            return
        }
        try bytes.withUnsafeBytes { buffer in
            var start = 0, line = 0
            while start < buffer.count {
                line += 1
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                guard end - start <= ImportTextCheck.maximumLineBytes else {
                    throw ImportTextCheck.lineTooLong(line: line)
                }
                var stop = end
                if stop > start && buffer[stop - 1] == 0x0D { stop -= 1 }
                let slice = UnsafeRawBufferPointer(rebasing: buffer[start..<stop])
                if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    try body(try command(jsonLine: slice, line: line), line)
                }
                if let progress, line % 16_384 == 0 { progress(end, buffer.count) }
                start = end + 1
            }
            progress?(buffer.count, buffer.count)
        }
    }

    /// CSV of receipts and issues with a header row. Columns: `command` (receive or issue), `date`, `item`,
    /// `tx`, `qty`, `cost` (receipts), and optionally `physical` (yes/no), `kind`, `site`, `warehouse`,
    /// `batch`, `serial`. Column names are matched case-insensitively and cells are trimmed of spaces and
    /// tabs, as in the `--gl` trial balance; an empty cell means "not given".
    public static func forEachCSVRow(_ text: String, _ body: (LedgerCommand, _ line: Int) throws -> Void) throws {
        let records: [CSVRecord]
        do { records = try CSV.parse(text) } catch {
            throw Rejection(.malformed, error.message, line: error.line)
        }
        guard let header = records.first else { return }
        let columns = try csvColumns(header)
        for record in records.dropFirst() {
            guard record.fields.count == columns.count else {
                throw Rejection(
                    .malformed, "row has \(record.fields.count) cells, the header has \(columns.count)",
                    line: record.line)
            }
            var name = ""
            var fields = CommandFields()
            for (column, raw) in zip(columns, record.fields) {
                let cell = ExternalTrialBalance.trimmed(raw)
                if cell.isEmpty { continue }
                if column == "command" { name = cell } else { fields.set(column, cell) }
            }
            guard name == "receive" || name == "issue" else {
                throw Rejection(
                    .malformed, field: "command", "CSV rows are receive or issue, not '\(Echo.cut(name))'",
                    line: record.line)
            }
            let command: LedgerCommand
            do { command = try CommandDecoder.decode(command: name, fields) } catch {
                throw error.at(line: record.line)
            }
            try body(command, record.line)
        }
    }

    static let csvColumnNames: Set<String> = [
        "command", "date", "item", "tx", "qty", "cost", "physical", "kind",
        "site", "warehouse", "batch", "serial",
    ]

    /// The header's column names, normalized. A column named twice is refused: which cell counts would be
    /// a guess.
    static func csvColumns(_ header: CSVRecord) throws(Rejection) -> [String] {
        let columns = header.fields.map { ExternalTrialBalance.trimmed($0).lowercased() }
        for (position, column) in columns.enumerated() {
            guard csvColumnNames.contains(column) else {
                throw Rejection(
                    .malformed, field: Echo.cut(column),
                    "unknown CSV column '\(Echo.cut(column))'; valid: \(csvColumnNames.sorted().joined(separator: ", "))",
                    line: header.line)
            }
            guard !columns[..<position].contains(column) else {
                throw Rejection(
                    .malformed, field: column, "the header names column '\(column)' twice", line: header.line)
            }
        }
        guard columns.contains("command") else {
            throw Rejection(
                .missingField, field: "command", "the header needs a 'command' column (receive or issue)",
                line: header.line)
        }
        return columns
    }
}
