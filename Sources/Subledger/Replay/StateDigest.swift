// A fingerprint of a projection: SHA-256 over a canonical serialization of a `LedgerState`, so that two
// states built in different ways (the live one, kept up to date command by command, and one replayed from
// the log) can be compared in one line, and, when they differ, the first difference named in words.
//
// Canonical means order-independent: dictionaries are walked by sorted key, interned account sets are
// resolved to their accounts, and the GL is taken account by account (sorted) and day by day. Lists whose
// order is part of the state (settlements, closes, warnings, the receipts an issue is marked to) are
// taken in their order. The digest and the difference report walk the same sections with the same code
// (`CanonicalWriter` either hashes the fields or records them), so they cannot disagree.

import SubledgerCore
package import SubledgerStore

/// SHA-256 of the canonical serialization of a `LedgerState`. Equal digests mean equal projections
/// (every figure of every item, pool, transaction, mark, settlement, close, warning and GL account).
public struct StateDigest: Sendable, Equatable, Hashable, CustomStringConvertible {
    package let digest: SHA256.Digest

    /// Version of the serialization, hashed first: a new field changes every digest, on purpose.
    public static let formatVersion: UInt32 = 4  // 3: typed notes; 4: settlements left for the log

    public init(_ state: LedgerState) {
        var writer = CanonicalWriter(recording: false)
        writer.header()
        let canonical = CanonicalState(state)
        for section in CanonicalState.sections {
            section.write(canonical, &writer)
        }
        digest = writer.finalize()
    }

    /// Lowercase hex of the 32 bytes.
    public var description: String { digest.description }

    /// The first difference between two states, in words (`pool A site:S1: financial value 41.33 vs
    /// 41.34`), `lhs`'s figure first; nil when they are equal. Sections are compared in the digest's
    /// canonical order (log counters, items, posting profiles, pools, transactions, marks, settlements,
    /// closes, warnings, GL accounts), records by sorted key (or position, for ordered lists), fields in
    /// the order they are hashed.
    public static func firstDifference(
        _ lhs: LedgerState, _ rhs: LedgerState,
        labels: (String, String) = ("live", "replayed")
    ) -> String? {
        let left = CanonicalState(lhs), right = CanonicalState(rhs)
        for section in CanonicalState.sections {
            if let difference = section.compare(left, right, labels) { return difference }
        }
        return nil
    }

    /// The GL accounts with their per-day amounts.
    static func ledgerAccounts(_ ledger: GeneralLedger) -> [GeneralLedger.Account]? { ledger.accountEntries }
}

// MARK: - The writer

/// Receives the canonical fields of a state. Hashing mode feeds bytes to SHA-256; recording mode keeps the
/// fields of one record with their names and exact text, for the difference report. Names and texts are
/// autoclosures: hashing never builds them.
///
/// The byte stream is uniquely decodable given the fixed order of sections and fields: each section is a
/// tag, its name and its record count; integers are zigzag LEB128 varints; optional integers are a
/// presence byte then the varint; strings are a varint length then their UTF-8; every variable-length
/// list inside a record is preceded by its count.
struct CanonicalWriter {
    enum Value: Equatable {
        case integer(Int64?)
        case string(String)
    }

    struct Field {
        var name: String
        var value: Value
        var text: String
    }

    private let recording: Bool
    private(set) var fields: [Field] = []
    private let sink: HashSink?

    init(recording: Bool) {
        self.recording = recording
        sink = recording ? nil : HashSink()
    }

    mutating func header() {
        sink?.byte(0x53)  // "S"
        sink?.varint(UInt64(StateDigest.formatVersion))
    }

    mutating func section(_ name: StaticString, count: Int) {
        guard let sink else { return }
        sink.byte(0x01)
        name.withUTF8Buffer { sink.string(UnsafeRawBufferPointer($0)) }
        sink.varint(UInt64(count))
    }

    mutating func record() {
        if recording { fields.removeAll(keepingCapacity: true) }
    }

    mutating func integer(_ name: @autoclosure () -> String, _ value: Int64, _ text: @autoclosure () -> String) {
        if let sink {
            sink.varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        } else {
            fields.append(Field(name: name(), value: .integer(value), text: text()))
        }
    }

    mutating func optional(_ name: @autoclosure () -> String, _ value: Int64?, _ text: @autoclosure () -> String) {
        if let sink {
            if let value {
                sink.byte(1)
                sink.varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
            } else {
                sink.byte(0)
            }
        } else {
            fields.append(Field(name: name(), value: .integer(value), text: value == nil ? "none" : text()))
        }
    }

    mutating func string(_ name: @autoclosure () -> String, _ value: String) {
        if let sink {
            var value = value
            value.withUTF8 { sink.string(UnsafeRawBufferPointer($0)) }
        } else {
            fields.append(Field(name: name(), value: .string(value), text: value.isEmpty ? "\"\"" : value))
        }
    }

    // Typed helpers over the primitives.

    mutating func number<T: FixedPoint>(_ name: @autoclosure () -> String, _ value: T) {
        integer(name(), value.units, value.description)
    }

    mutating func number<T: FixedPoint>(_ name: @autoclosure () -> String, _ value: T?) {
        optional(name(), value?.units, value!.description)
    }

    mutating func date(_ name: @autoclosure () -> String, _ value: LedgerDate) {
        integer(name(), Int64(value.yyyymmdd), value.description)
    }

    mutating func date(_ name: @autoclosure () -> String, _ value: LedgerDate?) {
        optional(name(), value.map { Int64($0.yyyymmdd) }, value!.description)
    }

    mutating func flag(_ name: @autoclosure () -> String, _ value: Bool) {
        integer(name(), value ? 1 : 0, value ? "yes" : "no")
    }

    mutating func count(_ name: @autoclosure () -> String, _ value: Int) {
        integer(name(), Int64(value), String(value))
    }

    mutating func dimensions(_ values: DimensionValues) {
        string("site", values.site)
        string("warehouse", values.warehouse)
        string("batch", values.batch)
        string("serial", values.serial)
    }

    mutating func lines(_ lines: [VoucherLine]) {
        count("GL lines", lines.count)
        for (index, line) in lines.enumerated() {
            integer("GL line \(index + 1) posting type", Int64(line.postingType.code), line.postingType.rawValue)
            string("GL line \(index + 1) account", line.account)
            number("GL line \(index + 1) amount", line.amount)
        }
    }

    mutating func finalize() -> SHA256.Digest {
        sink!.finalize()
    }
}

/// The hashing end of `CanonicalWriter`: bytes gathered in a fixed 64 KiB buffer and hashed a buffer at a
/// time (a per-byte `Array.append` showed up in the profile of a million-transaction digest).
final class HashSink {
    private static let capacity = 1 << 16
    private var hasher = SHA256()
    private let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: HashSink.capacity)
    private var count = 0

    deinit { buffer.deallocate() }

    @inline(__always)
    func byte(_ value: UInt8) {
        if count == HashSink.capacity { flush() }
        buffer[count] = value
        count += 1
    }

    @inline(__always)
    func varint(_ value: UInt64) {
        if count > HashSink.capacity - 10 { flush() }
        var value = value
        while value >= 0x80 {
            buffer[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count += 1
            value >>= 7
        }
        buffer[count] = UInt8(value)
        count += 1
    }

    /// A varint length, then the bytes.
    func string(_ bytes: UnsafeRawBufferPointer) {
        varint(UInt64(bytes.count))
        if bytes.count > HashSink.capacity - count {
            flush()
            if bytes.count > HashSink.capacity {
                hasher.update(bytes)
                return
            }
        }
        if let base = bytes.baseAddress {
            (buffer + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        count += bytes.count
    }

    func finalize() -> SHA256.Digest {
        flush()
        return hasher.finalize()
    }

    private func flush() {
        guard count > 0 else { return }
        hasher.update(UnsafeRawBufferPointer(start: buffer, count: count))
        count = 0
    }
}

// MARK: - The sections

/// A state prepared for canonical walks: the sorted keys of its dictionaries, its GL accounts, and a
/// cache of resolved account sets (a million transactions share a handful).
final class CanonicalState {
    let state: LedgerState
    private(set) lazy var items: [String] = state.items.keys.sorted()
    private(set) lazy var profileGroups: [String] = state.profiles.accounts.keys.sorted()
    private(set) lazy var pools: [PoolKey] = state.pools.keys.sorted()
    /// Transaction ids sorted, each with its dictionary index (so the walk does not hash a million ids again).
    private(set) lazy var transactions: [TransactionKey] = {
        let all = state.transactions
        var keys: [TransactionKey] = []
        keys.reserveCapacity(all.count)
        var index = all.startIndex
        while index != all.endIndex {
            keys.append(TransactionKey(id: all[index].key, index: index))
            all.formIndex(after: &index)
        }
        keys.sort()
        return keys
    }()
    private(set) lazy var marks: [String] = state.marks.keys.sorted()
    private(set) lazy var markedSettled: [String] = state.markedSettled.keys.sorted()
    private(set) lazy var accounts: [String: GeneralLedger.Account] = {
        guard let accounts = StateDigest.ledgerAccounts(state.ledger) else { return [:] }
        return Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }()
    private(set) lazy var accountNames: [String] = state.ledger.accountNames
    private var accountSets: [Int32: [(type: PostingType, account: String)]] = [:]

    init(_ state: LedgerState) { self.state = state }

    struct TransactionKey: Comparable {
        var id: String
        var index: Dictionary<String, TransactionRecord>.Index

        static func < (lhs: TransactionKey, rhs: TransactionKey) -> Bool { lhs.id < rhs.id }
        static func == (lhs: TransactionKey, rhs: TransactionKey) -> Bool { lhs.id == rhs.id }
    }

    /// An interned account set as (posting type, account) sorted by posting type.
    func accountSet(_ id: Int32) -> [(type: PostingType, account: String)] {
        if let cached = accountSets[id] { return cached }
        let resolved = state.accountSets[id].sorted { $0.key.code < $1.key.code }.map {
            (type: $0.key, account: $0.value)
        }
        accountSets[id] = resolved
        return resolved
    }

    /// One section: how to list its record keys, name a record, and write it.
    struct Section {
        var name: StaticString
        var write: (CanonicalState, inout CanonicalWriter) -> Void
        var compare: (CanonicalState, CanonicalState, (String, String)) -> String?
    }

    /// A section of records identified by sorted, unique keys (dictionaries).
    static func keyed<Key: Comparable>(
        _ name: StaticString, keys: @escaping (CanonicalState) -> [Key],
        describe: @escaping (Key) -> String,
        write: @escaping (CanonicalState, Key, inout CanonicalWriter) -> Void
    ) -> Section {
        Section(
            name: name,
            write: { canonical, writer in
                let list = keys(canonical)
                writer.section(name, count: list.count)
                for key in list {
                    writer.record()
                    write(canonical, key, &writer)
                }
            },
            compare: { left, right, labels in
                let lhs = keys(left), rhs = keys(right)
                var i = 0, j = 0
                var a = CanonicalWriter(recording: true), b = CanonicalWriter(recording: true)
                while i < lhs.count || j < rhs.count {
                    if j == rhs.count || (i < lhs.count && lhs[i] < rhs[j]) {
                        return "\(describe(lhs[i])): only in \(labels.0)"
                    }
                    if i == lhs.count || rhs[j] < lhs[i] {
                        return "\(describe(rhs[j])): only in \(labels.1)"
                    }
                    a.record(); write(left, lhs[i], &a)
                    b.record(); write(right, rhs[j], &b)
                    if let field = firstDifference(a.fields, b.fields) { return "\(describe(lhs[i])): \(field)" }
                    i += 1
                    j += 1
                }
                return nil
            })
    }

    /// A section of records in an order that is part of the state (lists), compared position by position.
    static func ordered(
        _ name: StaticString, count: @escaping (LedgerState) -> Int,
        describe: @escaping (LedgerState, Int) -> String,
        write: @escaping (LedgerState, Int, inout CanonicalWriter) -> Void
    ) -> Section {
        Section(
            name: name,
            write: { canonical, writer in
                let total = count(canonical.state)
                writer.section(name, count: total)
                for index in 0..<total {
                    writer.record()
                    write(canonical.state, index, &writer)
                }
            },
            compare: { left, right, labels in
                let lhs = count(left.state), rhs = count(right.state)
                var a = CanonicalWriter(recording: true), b = CanonicalWriter(recording: true)
                for index in 0..<max(lhs, rhs) {
                    if index == rhs { return "\(describe(left.state, index)): only in \(labels.0)" }
                    if index == lhs { return "\(describe(right.state, index)): only in \(labels.1)" }
                    a.record(); write(left.state, index, &a)
                    b.record(); write(right.state, index, &b)
                    if let field = firstDifference(a.fields, b.fields) {
                        return "\(describe(left.state, index)): \(field)"
                    }
                }
                return nil
            })
    }

    /// `adjustment 1.00 vs 2.00`: the first field whose value differs.
    static func firstDifference(_ lhs: [CanonicalWriter.Field], _ rhs: [CanonicalWriter.Field]) -> String? {
        for (a, b) in zip(lhs, rhs) where a.value != b.value {
            return a.name == b.name ? "\(a.name) \(a.text) vs \(b.text)" : "\(a.name) \(a.text) vs \(b.name) \(b.text)"
        }
        if lhs.count != rhs.count { return "\(lhs.count) fields vs \(rhs.count)" }
        return nil
    }

    static func poolName(_ key: PoolKey) -> String {
        let dimensions = key.dimensions.description
        return dimensions.isEmpty ? "pool \(key.item)" : "pool \(key.item) \(dimensions)"
    }

    /// Every section, in canonical order.
    static var sections: [Section] {
        [
            keyed("log", keys: { _ in [0] }, describe: { _ in "log" }) { canonical, _, w in
                let state = canonical.state
                w.count("events applied", state.eventCount)
                w.integer("last sequence", state.lastSequence, String(state.lastSequence))
                w.integer("pending close start", state.pendingCloseStart, String(state.pendingCloseStart))
                w.count("GL lines", state.ledger.lineCount)
            },
            keyed("items", keys: { $0.items }, describe: { "item \($0)" }) { canonical, id, w in
                let setup = canonical.state.items[id]!
                w.string("id", setup.id)
                w.string("model", setup.model.rawValue)
                w.flag("include physical value", setup.includePhysicalValue)
                w.number("default price", setup.defaultPrice)
                w.number("standard cost", setup.standardCost)
                w.string("posting group", setup.postingGroup)
                w.integer(
                    "financial dimensions", Int64(setup.dimensions.bits),
                    setup.dimensions.dimensions.map(\.rawValue).joined(separator: ","))
                w.flag("negative inventory allowed", setup.negativeInventoryAllowed)
                w.flag("fixed receipt price", setup.fixedReceiptPrice)
            },
            keyed(
                "profiles", keys: { $0.profileGroups },
                describe: { $0.isEmpty ? "default posting profile" : "posting profile \($0)" }
            ) { canonical, group, w in
                let accounts = canonical.state.profiles.accounts[group]!.sorted { $0.key.code < $1.key.code }
                w.string("group", group)
                w.count("accounts", accounts.count)
                for (type, account) in accounts {
                    w.integer("posting type", Int64(type.code), type.rawValue)
                    w.string("\(type.rawValue) account", account)
                }
            },
            keyed("pools", keys: { $0.pools }, describe: poolName) { canonical, key, w in
                let pool = canonical.state.pools[key]!
                w.string("item", key.item)
                w.dimensions(key.dimensions)
                w.number("physical quantity", pool.physicalQuantity)
                w.number("physical value", pool.physicalValue)
                w.number("financial quantity", pool.financialQuantity)
                w.number("financial value", pool.financialValue)
                w.number("last issue unit cost", pool.lastIssueUnitCost)
                w.date("latest date", pool.latestDate)
            },
            keyed("transactions", keys: { $0.transactions }, describe: { "transaction \($0.id)" }) {
                canonical, key, w in
                let record = canonical.state.transactions[key.index].value
                w.string("id", record.id)
                w.integer("sequence", record.sequence, String(record.sequence))
                w.string("item", record.item)
                w.integer("direction", record.direction == .receipt ? 1 : 2, record.direction.rawValue)
                w.integer("kind", Int64(record.kind.code), record.kind.name)
                w.dimensions(record.dimensions)
                w.date("date", record.date)
                w.date("financial date", record.financialDate)
                w.integer("financial sequence", record.financialSequence, String(record.financialSequence))
                w.number("quantity", record.quantity)
                w.number("unit price", record.unitPrice)
                w.number("physical open quantity", record.physicalOpenQuantity)
                w.number("physical open value", record.physicalOpenValue)
                w.number("physical open offset", record.physicalOpenOffset)
                w.number("financial quantity", record.financialQuantity)
                w.number("financial value", record.financialValue)
                w.number("adjustment", record.adjustment)
                w.number("physical adjustment", record.physicalAdjustment)
                w.number("settled quantity", record.settledQuantity)
                w.number("settled value", record.settledValue)
                w.count("parts", record.parts.count)
                for (index, part) in record.parts.enumerated() {
                    w.date("part \(index) date", part.date)
                    w.integer("part \(index) sequence", part.sequence, String(part.sequence))
                    w.number("part \(index) quantity", part.quantity)
                    w.number("part \(index) value", part.value)
                    w.number("part \(index) adjustment", part.adjustment)
                    w.number("part \(index) settled quantity", part.settledQuantity)
                    w.number("part \(index) settled value", part.settledValue)
                }
                w.integer("cost source", Int64(record.costSource.rawValue), record.costSource.name)
                writeAccounts("posted", canonical.accountSet(record.postedAccounts), &w)
                writeAccounts("invoice", canonical.accountSet(record.invoiceAccounts), &w)
            },
            keyed("marks", keys: { $0.marks }, describe: { "marks of \($0)" }) { canonical, issue, w in
                let marks = canonical.state.marks[issue]!
                w.string("issue", issue)
                w.count("marks", marks.count)
                for (index, mark) in marks.enumerated() {
                    w.string("mark \(index + 1) receipt", mark.receipt)
                    w.number("mark \(index + 1) quantity", mark.quantity)
                }
            },
            keyed("marked settled", keys: { $0.markedSettled }, describe: { "marked settled of \($0)" }) {
                canonical, issue, w in
                let receipts = canonical.state.markedSettled[issue]!.sorted { $0.key < $1.key }
                w.string("issue", issue)
                w.count("receipts", receipts.count)
                for (receipt, quantity) in receipts {
                    w.string("receipt", receipt)
                    w.number("\(receipt) quantity", quantity)
                }
            },
            ordered(
                "closes", count: { $0.closes.count },
                describe: { state, index in
                    let close = state.closes[index]
                    return "close #\(index + 1) (\(close.mode.name) \(close.date))"
                }
            ) { state, index, w in
                let close = state.closes[index]
                w.date("date", close.date)
                w.integer("mode", Int64(close.mode.rawValue), close.mode.name)
                w.integer("sequence", close.sequence, String(close.sequence))
                w.optional("reversed by", close.reversedBy, String(close.reversedBy!))
                w.count("log lines", close.log.count)
                for (number, note) in close.log.enumerated() { writeNote(note, "log line \(number + 1) ", &w) }
                w.integer("first sequence", close.firstSequence, String(close.firstSequence))
            },
            ordered("warnings", count: { $0.warnings.count }, describe: { _, index in "warning #\(index + 1)" }) {
                state, index, w in
                let warning = state.warnings[index]
                w.integer("code", Int64(warning.code), warning.name)
                w.string("transaction", warning.transaction)
            },
            keyed("ledger", keys: { $0.accountNames }, describe: { "GL account \($0)" }) { canonical, name, w in
                let ledger = canonical.state.ledger
                w.string("account", name)
                w.number("balance", ledger.balance(name))
                let types = ledger.postingTypes(of: name)
                w.integer(
                    "posting types", Int64(types.reduce(UInt32(0)) { $0 | (1 << UInt32($1.code)) }),
                    types.map(\.rawValue).joined(separator: ","))
                let account = canonical.accounts[name]
                let days = account?.days ?? [], amounts = account?.amounts ?? []
                w.count("days posted", days.count)
                for (day, amount) in zip(days, amounts) {
                    let date = LedgerDate(yyyymmdd: day)
                    w.integer("posted on day", Int64(day), date?.description ?? String(day))
                    w.number("net amount on \(date?.description ?? String(day))", amount)
                }
            },
        ]
    }

    static func writeAccounts(
        _ label: String, _ accounts: [(type: PostingType, account: String)],
        _ w: inout CanonicalWriter
    ) {
        w.count("\(label) accounts", accounts.count)
        for (type, account) in accounts {
            w.integer("\(label) posting type", Int64(type.code), type.rawValue)
            w.string("\(label) \(type.rawValue) account", account)
        }
    }

    /// A close note's kind and its fields (a recorded text line: its text).
    static func writeNote(_ note: CloseNote, _ prefix: String, _ w: inout CanonicalWriter) {
        w.integer(prefix + "kind", Int64(note.kind.rawValue), note.kind.name)
        switch note {
        case .unsettled(let issue, let item, let dimensions, let quantity):
            w.string(prefix + "issue", issue); w.string(prefix + "item", item)
            w.dimensions(dimensions); w.number(prefix + "quantity", quantity)
        case .markedIssueWaiting(let issue):
            w.string(prefix + "issue", issue)
        case .postedAtZeroCost(let issue, let item):
            w.string(prefix + "issue", issue); w.string(prefix + "item", item)
        case .valuedWithoutSettlement(let issue, let item, let quantity, let receipt):
            w.string(prefix + "issue", issue); w.string(prefix + "item", item)
            w.number(prefix + "quantity", quantity); w.string(prefix + "receipt", receipt)
        case .negativeOnHand(let item, let dimensions, let quantity):
            w.string(prefix + "item", item); w.dimensions(dimensions); w.number(prefix + "quantity", quantity)
        case .transferCycle(let item, let dimensions):
            w.string(prefix + "item", item); w.dimensions(dimensions)
        case .transferCycleUnresolved(let iterations):
            w.integer(prefix + "iterations", Int64(iterations), String(iterations))
        case .recorded(_, let text):
            w.string(prefix + "text", text)
        }
    }

    static func writeEntry(_ entry: SettlementEntry, _ prefix: String, _ w: inout CanonicalWriter) {
        w.integer(prefix + "kind", Int64(entry.kind.rawValue), SettlementRow.kindName(entry.kind))
        w.integer(prefix + "settle model", Int64(entry.model.rawValue), entry.model.name)
        w.string(prefix + "transaction", entry.transaction)
        w.string(prefix + "counterpart", entry.counterpart)
        w.number(prefix + "quantity", entry.quantity)
        w.number(prefix + "settled amount", entry.settledAmount)
        w.number(prefix + "adjustment", entry.adjustment)
        w.flag(prefix + "physical", entry.physical)
    }
}
