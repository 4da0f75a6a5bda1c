// Cells of PostgreSQL rows as the text SQLite would give them, and the integers parsed from that text: the
// one reading of every history read's cells on this store (a `numeric` sum comes as text, exact at any size).

import PostgresNIO
import SubledgerStore

/// A row's cells as the text SQLite would give them: integers in decimal, text as it is, NULL as nil.
enum PostgresText {
    static func cells(_ row: PostgresRow, _ session: PostgresSession) throws(StoreError) -> [String?] {
        var cells: [String?] = []
        for cell in row {
            do {
                cells.append(try text(cell))
            } catch {
                throw session.storeError(error, sql: nil)
            }
        }
        return cells
    }

    static func text(_ cell: PostgresCell) throws -> String? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int8: return String(try cell.decode(Int64.self))
        case .int4: return String(try cell.decode(Int32.self))
        case .int2: return String(try cell.decode(Int16.self))
        case .bytea:  // a history record: as hex, as SQLite's hex() prints a blob
            let hex = try cell.decode(ByteBuffer.self).readableBytesView.map { byte in
                let digits = String(byte, radix: 16, uppercase: true)
                return byte < 16 ? "0" + digits : digits
            }
            return hex.joined()
        default: return try cell.decode(String.self)
        }
    }

    /// An integer cell: a column, or a sum as `numeric` text. Parsed strictly: text that is no integer
    /// (or NULL) is a row the store cannot read, never a zero.
    static func int128(_ cell: String?, _ table: String) throws(StoreError) -> Int128 {
        guard let value = cell.flatMap({ Int128($0) }) else {
            throw StoreError.damagedLog("\(table): a row holds no integer where one belongs; run `subledger rebuild`")
        }
        return value
    }

    /// An integer cell read as the file reads its 64-bit columns. A sum past 64 bits is refused as the
    /// file's `sum` refuses it (SQLite's "integer overflow"), never wrapped or zeroed.
    static func int64(_ cell: String?, _ table: String) throws(StoreError) -> Int64 {
        guard let value = Int64(exactly: try int128(cell, table)) else {
            throw StoreError.logFailure(.other, "subledger: \(table): a sum leaves 64 bits (integer overflow)")
        }
        return value
    }
}
