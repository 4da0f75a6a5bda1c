// Request bodies read as the JSON Lines format reads them: every command goes through
// `CommandReader.command(jsonLine:line:)`, so the codes, fields and lines of a refusal are those of
// `subledger import`.

import Subledger

enum CommandBodies {
    /// `POST /v1/commands`: exactly one JSON Lines command (a trailing newline is fine).
    static func single(_ bytes: [UInt8]) throws -> LedgerCommand {
        let commands = try jsonLines(bytes)
        guard commands.count == 1 else {
            throw Rejection(
                .malformed,
                commands.isEmpty
                    ? "the body is empty: send one JSON object like {\"command\":\"receive\",...}"
                    : "the body holds \(commands.count) commands; POST /v1/batches takes several",
                line: commands.isEmpty ? nil : commands[1].line)
        }
        return commands[0].command
    }

    /// `POST /v1/batches`: a JSON array of command objects (an element's position is its `line`), or JSON
    /// Lines (blank lines skipped, as in an import).
    static func batch(_ bytes: [UInt8]) throws -> [(command: LedgerCommand, line: Int)] {
        let commands = try isArray(bytes) ? jsonArray(bytes) : jsonLines(bytes)
        guard !commands.isEmpty else {
            throw Rejection(.malformed, "the batch is empty: send a JSON array or JSON Lines of commands")
        }
        return commands
    }

    static func jsonLines(_ bytes: [UInt8]) throws -> [(command: LedgerCommand, line: Int)] {
        var check = ImportTextCheck(format: .jsonl)
        try bytes.withUnsafeBytes { try check.check($0) }
        var commands: [(command: LedgerCommand, line: Int)] = []
        try CommandReader.forEachJSONLine(bytes) { command, line in commands.append((command, line)) }
        return commands
    }

    static func jsonArray(_ bytes: [UInt8]) throws -> [(command: LedgerCommand, line: Int)] {
        guard case .array(let elements) = try parse(bytes) else {
            throw Rejection(.malformed, "a batch is a JSON array of command objects or JSON Lines")
        }
        return try elements.enumerated().map { index, element in
            // Each element read as the JSON Lines line it would be: one reader, one set of codes.
            let line = Array(element.serialized().utf8)
            let command = try line.withUnsafeBytes { try CommandReader.command(jsonLine: $0, line: index + 1) }
            return (command, index + 1)
        }
    }

    /// `POST /v1/closes` and the like: a JSON object of the command's fields (`{"date":"2026-01-31"}`),
    /// decoded as the JSON Lines command `name` with those fields.
    static func named(_ name: CommandName, _ bytes: [UInt8]) throws -> LedgerCommand {
        let members: [JSONMember]
        if bytes.allSatisfy(isSpace) {
            members = []  // an empty body: no fields (a reversal of the latest close)
        } else {
            guard case .object(let given) = try parse(bytes) else {
                throw Rejection(.malformed, "the body must be a JSON object like {\"date\":\"2026-01-31\"}")
            }
            if given.contains(where: { $0.key == "command" }) {
                throw Rejection(.malformed, field: "command", "the route names the command; leave \"command\" out")
            }
            members = given
        }
        let line = Array(
            JSONValue.object([JSONMember(key: "command", value: .string(name.rawValue))] + members)
                .serialized().utf8)
        do {
            return try line.withUnsafeBytes { try CommandReader.command(jsonLine: $0, line: 1) }
        } catch var rejection as Rejection {
            rejection.line = nil  // one object, not a file: no line to name
            throw rejection
        }
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do { return try bytes.withUnsafeBytes { try JSON.parse($0) } } catch let error as JSONSyntaxError {
            throw Rejection(.malformed, error.description)
        }
    }

    static func isArray(_ bytes: [UInt8]) -> Bool { bytes.first { !isSpace($0) } == UInt8(ascii: "[") }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
