// A group's INSERTs in ONE statement (DR-51): postgres-nio sends a statement only once the one before is
// answered, so a group of n commands sent as 2n INSERTs was 2n round trips while it held the ledger's
// lock, most of its hold on a loaded machine. The tiling trigger wants each command row after its own
// events, so the rows cannot be two multi-row INSERTs; instead the group's statements, in the same order,
// run server-side in one anonymous PL/pgSQL block (`DO`), whose values are inlined: every text and byte
// value as hexadecimal digits (`decode('..', 'hex')`), every number as its decimal digits, so no value can
// end a literal or the block. A failing INSERT (the trigger, a key) fails the block with the same SQLSTATE
// and aborts the transaction, as before.

import SubledgerCore
import SubledgerStore

enum PostgresGroupSQL {
    /// The statements as one `DO` block.
    static func block(_ statements: [String]) -> String {
        "DO $subledger_group$ BEGIN\n" + statements.map { $0 + ";\n" }.joined() + "END $subledger_group$"
    }

    /// A bytea literal.
    static func bytes(_ bytes: some Sequence<UInt8>) -> String {
        var text = "decode('"
        for byte in bytes {
            text.unicodeScalars.append(hexDigits[Int(byte >> 4)])
            text.unicodeScalars.append(hexDigits[Int(byte & 0x0F)])
        }
        return text + "', 'hex')"
    }

    /// A text literal: its UTF-8 bytes, converted on the server.
    static func text(_ value: String) -> String { "convert_from(" + bytes(value.utf8) + ", 'UTF8')" }

    static func text(_ value: String?) -> String { value.map(text) ?? "NULL" }

    private static let hexDigits: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)

    /// One events row, in `PostgresEventLog.eventColumns`' order.
    static func eventRow(
        sequence: Int64, date: Int32, type: String, version: Int32, payload: [UInt8], commandID: String,
        recordedAt: Int64, hash: SHA256.Digest
    ) -> String {
        "(\(sequence), \(date), \(text(type)), \(version), \(bytes(payload)), \(text(commandID)), \(recordedAt), "
            + "\(bytes(hash.bytes)))"
    }

    /// `rows` into the events table.
    static func insertEvents(_ rows: [String]) -> String {
        "INSERT INTO events(\(PostgresEventLog.eventColumns)) VALUES " + rows.joined(separator: ", ")
    }

    /// A command row, in `PostgresEventLog.commandColumns`' order.
    static func insertCommand(_ record: CommandRecord) -> String {
        "INSERT INTO commands(\(PostgresEventLog.commandColumns)) VALUES (\(text(record.commandID)), "
            + "\(text(record.kind)), \(record.firstSequence), \(record.lastSequence), \(record.eventCount), "
            + "\(record.recordedAt), \(text(record.result)), \(record.contentHash.map { bytes($0.bytes) } ?? "NULL"), "
            + "\(text(record.actor)))"
    }
}
