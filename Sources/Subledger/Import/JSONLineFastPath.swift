import SubledgerCore

/// The import's common line read straight into its command, without the JSON tree (DR-58): receipts,
/// issues and invoices written as one flat object of string members, `{"command":"receive","date":...}`,
/// no whitespace, printable ASCII without escapes, each key known to the command and given once, every
/// value valid. Anything else, valid or not, gives nil and `CommandReader` reads the line the general way,
/// which alone decides what an unusual line means and words every error. So this path adds no language:
/// what it accepts the general path accepts as the same command (`JSONLineFastPathTests` and the fuzz
/// target `jsonlFastPath` compare the two).
enum JSONLineFastPath {
    /// The keys this path knows, in `Key` order.
    static let keys: [StaticString] = [
        "command", "date", "item", "tx", "qty", "cost", "physical", "kind", "site", "warehouse", "batch", "serial",
    ]

    enum Key: Int {
        case command, date, item, tx, qty, cost, physical, kind, site, warehouse, batch, serial
        var bit: UInt16 { 1 << UInt16(rawValue) }
    }

    /// Each known key's value as a byte range of the line, and which keys were given.
    struct Members {
        var values = InlineArray<12, Range<Int>>(repeating: 0..<0)
        var given: UInt16 = 0

        func has(_ key: Key) -> Bool { given & key.bit != 0 }
        subscript(key: Key) -> Range<Int> { values[key.rawValue] }
    }

    /// The command of `bytes`, or nil when the line is not of the common shape or not valid.
    static func command(_ bytes: UnsafeRawBufferPointer) -> LedgerCommand? {
        // Filled in place: an optional `Members` (194 bytes) was copied twice to be unwrapped (DR-70).
        var members = Members()
        guard scan(bytes, into: &members), members.has(.command) else { return nil }
        let name = members[.command]
        if equals(bytes, name, "receive") { return receive(bytes, members) }
        if equals(bytes, name, "issue") { return issue(bytes, members) }
        if equals(bytes, name, "invoice") { return invoice(bytes, members) }
        return nil
    }

    /// `{"key":"value",...}` with nothing between the tokens, keys from `keys`, none twice, read into
    /// `members` (empty when called); false when the line is not of that shape.
    static func scan(_ bytes: UnsafeRawBufferPointer, into members: inout Members) -> Bool {
        let count = bytes.count
        guard count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[count - 1] == UInt8(ascii: "}") else { return false }
        var at = 1
        while true {
            guard let key = string(bytes, from: at), key.upperBound + 2 < count,
                bytes[key.upperBound + 1] == UInt8(ascii: ":"),
                let value = string(bytes, from: key.upperBound + 2), value.upperBound + 1 < count,
                let known = match(bytes, key), members.given & known.bit == 0
            else { return false }
            members.values[known.rawValue] = value
            members.given |= known.bit
            let next = value.upperBound + 1
            if next == count - 1 { return true }
            guard bytes[next] == UInt8(ascii: ",") else { return false }
            at = next + 1
        }
    }

    /// The content of the string that opens at `start`: printable ASCII, no backslash, closed by a quote.
    static func string(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Range<Int>? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var at = start + 1
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") { return (start + 1)..<at }
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            at += 1
        }
        return nil
    }

    /// The key by its length and first byte, then compared whole (a loop over `keys` was a third of `scan`).
    static func match(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Key? {
        guard !range.isEmpty else { return nil }
        let key: Key
        switch (range.count, bytes[range.lowerBound]) {
        case (7, UInt8(ascii: "c")): key = .command
        case (4, UInt8(ascii: "d")): key = .date
        case (4, UInt8(ascii: "i")): key = .item
        case (2, UInt8(ascii: "t")): key = .tx
        case (3, UInt8(ascii: "q")): key = .qty
        case (4, UInt8(ascii: "c")): key = .cost
        case (8, UInt8(ascii: "p")): key = .physical
        case (4, UInt8(ascii: "k")): key = .kind
        case (4, UInt8(ascii: "s")): key = .site
        case (9, UInt8(ascii: "w")): key = .warehouse
        case (5, UInt8(ascii: "b")): key = .batch
        case (6, UInt8(ascii: "s")): key = .serial
        default: return nil
        }
        return equals(bytes, range, keys[key.rawValue]) ? key : nil
    }

    static func equals(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != expected[offset] { return false }
        return true
    }
}
