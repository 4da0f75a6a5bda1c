// StateCodec: the one description of a `LedgerState`'s fields. Its bytes are the payload of a period
// snapshot and, hashed, the state digest (`StateDigest`), so the two cannot drift; `==` (StateEquality)
// compares the same fields, and `decode(encode(s)) == s` is tested on every simulation seed.
//
// Canonical: every dictionary is written in sorted key order, lists in their own order (the GL's accounts
// and the interned account sets in the order they were first seen, which the log fixes), so equal states
// give equal bytes however their dictionaries were built. Same primitives as the event payloads
// (`PayloadWriter`/`PayloadReader`: zig-zag LEB128 varints, length-prefixed UTF-8). The GL and the interned
// account sets are rebuilt through their own mutators (`post`, `intern`), which recreates their private
// lookup indexes; their lookup caches are not state.
//
// A snapshot is a cache: a format it does not know is refused (the caller falls back to replay).

extension LedgerState {
    /// Version of the encoding written by `encoded()`; `init(decoding:)` reads only this version.
    public static let snapshotFormat: Int64 = 6  // 4: settlements left for the log; 5: canonical order
    // 6: the open state only (DR-22): an older snapshot holds transactions a close has since evicted
    static let snapshotMagic: Int64 = 0x534C_5353  // "SLSS"

    public func encoded() -> [UInt8] {
        // Room up front (about 60 bytes a transaction): growing a 50 MB array by doubling would briefly hold
        // twice that, on top of the state itself.
        var w = PayloadWriter(capacity: 4096 + transactions.count * 64)
        w.int(Self.snapshotMagic)
        w.int(Self.snapshotFormat)
        w.int(lastSequence)
        w.int(Int64(eventCount))
        w.int(Int64(latestBusinessDate.yyyymmdd))
        w.int(pendingCloseStart)
        encodeSetup(&w)
        encodePools(&w)
        encodeTransactions(&w)
        encodeMarks(&w)
        encodeLedger(&w)
        encodeCloses(&w)
        return w.take()
    }

    private func encodeSetup(_ w: inout PayloadWriter) {
        w.int(Int64(items.count))
        for key in items.keys.sorted() {
            let s = items[key]!
            w.string(key)
            w.string(s.id); w.string(s.model.rawValue); w.bool(s.includePhysicalValue)
            w.optionalPrice(s.defaultPrice); w.optionalPrice(s.standardCost); w.string(s.postingGroup)
            w.byte(s.dimensions.bits); w.bool(s.negativeInventoryAllowed); w.bool(s.fixedReceiptPrice)
        }
        w.int(Int64(profiles.accounts.count))
        for group in profiles.accounts.keys.sorted() {
            let accounts = profiles.accounts[group]!
            w.string(group)
            w.int(Int64(accounts.count))
            for (type, account) in accounts.sorted(by: { $0.key.code < $1.key.code }) {
                w.code(type); w.string(account)
            }
        }
    }

    private func encodePools(_ w: inout PayloadWriter) {
        w.int(Int64(pools.count))
        for key in pools.keys.sorted() {
            let pool = pools[key]!
            w.string(key.item); w.dimensions(key.dimensions)
            w.quantity(pool.physicalQuantity); w.money(pool.physicalValue)
            w.quantity(pool.financialQuantity); w.money(pool.financialValue)
            w.optionalPrice(pool.lastIssueUnitCost)
            Self.writeDate(&w, pool.latestDate)
        }
    }

    private func encodeTransactions(_ w: inout PayloadWriter) {
        // Sorted by id through the records' places: no second hash of a million ids.
        var order = Array(transactions.keys.indices)
        order.sort { transactions.keys[$0] < transactions.keys[$1] }
        w.int(Int64(order.count))
        for index in order { Self.writeTransaction(&w, key: transactions.keys[index], transactions.values[index]) }
    }

    /// One transaction record under its dictionary key (the record's own id is written only when it
    /// differs): the form a snapshot and a history row (`TransactionRecord.encoded()`) share.
    static func writeTransaction(_ w: inout PayloadWriter, key: String, _ t: TransactionRecord) {
        w.string(key)
        w.bool(t.id == key)
        if t.id != key { w.string(t.id) }
        w.int(t.sequence); w.string(t.item); w.code(t.kind)
        w.dimensions(t.dimensions); w.int(Int64(t.date.yyyymmdd)); Self.writeDate(&w, t.financialDate)
        w.int(t.financialSequence)
        w.quantity(t.quantity); w.price(t.unitPrice)
        w.quantity(t.physicalOpenQuantity); w.money(t.physicalOpenValue); w.money(t.physicalOpenOffset)
        w.quantity(t.financialQuantity); w.money(t.financialValue)
        w.money(t.adjustment); w.money(t.physicalAdjustment)
        w.quantity(t.settledQuantity); w.money(t.settledValue)
        w.int(Int64(t.parts.count))
        for p in t.parts {
            w.int(Int64(p.date.yyyymmdd)); w.int(p.sequence); w.quantity(p.quantity); w.money(p.value)
            w.money(p.adjustment); w.quantity(p.settledQuantity); w.money(p.settledValue)
        }
        w.code(t.costSource)
        w.int(Int64(t.postedAccounts)); w.int(Int64(t.invoiceAccounts))
    }

    private func encodeMarks(_ w: inout PayloadWriter) {
        w.int(Int64(marks.count))
        for issue in marks.keys.sorted() {
            let list = marks[issue]!
            w.string(issue)
            w.int(Int64(list.count))
            for mark in list { w.string(mark.receipt); w.quantity(mark.quantity) }
        }
        w.int(Int64(markedSettled.count))
        for issue in markedSettled.keys.sorted() {
            let receipts = markedSettled[issue]!
            w.string(issue)
            w.int(Int64(receipts.count))
            for receipt in receipts.keys.sorted() { w.string(receipt); w.quantity(receipts[receipt]!) }
        }
    }

    private func encodeLedger(_ w: inout PayloadWriter) {
        let accounts = ledger.accountEntries
        w.int(Int64(accounts.count))
        for account in accounts {
            w.string(account.name)
            w.int(Int64(account.postingTypes))
            w.int(Int64(account.days.count))
            for (day, amount) in zip(account.days, account.amounts) { w.int(Int64(day)); w.money(amount) }
        }
        w.int(Int64(ledger.lineCount))
        w.int(Int64(accountSets.sets.count))
        for set in accountSets.sets {
            w.int(Int64(set.count))
            for (type, account) in set.sorted(by: { $0.key.code < $1.key.code }) { w.code(type); w.string(account) }
        }
    }

    private func encodeCloses(_ w: inout PayloadWriter) {
        w.int(Int64(closes.count))
        for close in closes {
            w.int(Int64(close.date.yyyymmdd)); w.code(close.mode); w.int(close.sequence); w.int(close.firstSequence)
            w.int(Int64(close.log.count))
            for note in close.log { w.closeNote(note) }
            w.bool(close.reversedBy != nil)
            if let reversedBy = close.reversedBy { w.int(reversedBy) }
        }
        w.int(Int64(warnings.count))
        for warning in warnings { w.ledgerWarning(warning) }
    }

    /// Decodes a state written by `encoded()`. `reservingTransactions` makes room for that many more
    /// transactions (the log's tail about to be folded), so the dictionary is not grown again.
    public init(decoding bytes: [UInt8], reservingTransactions extra: Int = 0) throws(PayloadDecodingError) {
        var decoded: LedgerState?
        var failure: PayloadDecodingError?
        bytes.withUnsafeBytes { buffer in
            var r = PayloadReader(buffer)
            do throws(PayloadDecodingError) {
                let state = try Self.decode(&r, extra: extra)
                guard r.isAtEnd else { throw r.fail("trailing bytes after the snapshot state") }
                decoded = state
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        self = decoded.take()!  // moved out: the state's storage stays uniquely referenced
    }

    private static func decode(_ r: inout PayloadReader, extra: Int) throws(PayloadDecodingError) -> LedgerState {
        guard try r.int() == snapshotMagic else { throw r.fail("not a ledger state snapshot") }
        let format = try r.int()
        guard format == snapshotFormat else { throw r.fail("snapshot format \(format) is not known") }
        var s = LedgerState()
        s.lastSequence = try r.int()
        s.eventCount = Int(try r.int())
        s.latestBusinessDate = try date(&r)
        s.pendingCloseStart = try r.int()
        try decodeSetup(&r, into: &s)
        try decodePools(&r, into: &s)
        try decodeTransactions(&r, into: &s, extra: extra)
        try decodeMarks(&r, into: &s)
        try decodeLedger(&r, into: &s)
        try decodeCloses(&r, into: &s)
        return s
    }

    private static func decodeSetup(_ r: inout PayloadReader, into s: inout LedgerState) throws(PayloadDecodingError) {
        let itemCount = try r.count()
        s.items.reserveCapacity(itemCount)
        for _ in 0..<itemCount {
            let key = try r.string()
            let id = try r.string()
            let model = try r.choice(ValuationModel.self)
            s.items[key] = ItemSetup(
                id: id, model: model, includePhysicalValue: try r.bool(), defaultPrice: try r.optionalPrice(),
                standardCost: try r.optionalPrice(), postingGroup: try r.string(),
                dimensions: DimensionSet(bits: try r.byte()), negativeInventoryAllowed: try r.bool(),
                fixedReceiptPrice: try r.bool())
        }
        for _ in 0..<(try r.count()) {
            let group = try r.string()
            var entries: [(PostingType, String)] = []
            for _ in 0..<(try r.count()) { entries.append((try r.code(), try r.string())) }
            s.profiles.set(group: group, entries)
        }
    }

    private static func decodePools(_ r: inout PayloadReader, into s: inout LedgerState) throws(PayloadDecodingError) {
        let poolCount = try r.count()
        s.pools.reserveCapacity(poolCount)
        for _ in 0..<poolCount {
            let key = PoolKey(item: try r.string(), dimensions: try r.dimensions())
            var pool = CostPool()
            pool.physicalQuantity = try r.quantity(); pool.physicalValue = try r.money()
            pool.financialQuantity = try r.quantity(); pool.financialValue = try r.money()
            pool.lastIssueUnitCost = try r.optionalPrice()
            pool.latestDate = try optionalDate(&r)
            s.pools[key] = pool
        }
    }

    private static func decodeTransactions(
        _ r: inout PayloadReader, into s: inout LedgerState, extra: Int
    ) throws(PayloadDecodingError) {
        let transactionCount = try r.count()
        s.reserveCapacity(transactions: transactionCount + extra)  // the replay's reservation, huge pages included
        for _ in 0..<transactionCount {
            let (key, record) = try readTransaction(&r)
            s.transactions[key] = record
        }
    }

    /// A record written by `writeTransaction`, with its key.
    static func readTransaction(_ r: inout PayloadReader) throws(PayloadDecodingError) -> (String, TransactionRecord) {
        let key = try r.string()
        let id = try r.bool() ? key : try r.string()
        let sequence = try r.int()
        let item = try r.string()
        let kind: TransactionKind = try r.code()
        let dimensions = try r.dimensions()
        let txDate = try date(&r)
        let financialDate = try optionalDate(&r)
        let financialSequence = try r.int()
        let quantity = try r.quantity()
        let unitPrice = try r.price()
        var t = TransactionRecord(
            id: id, sequence: sequence, item: item, kind: kind,
            dimensions: dimensions, date: txDate, financialDate: financialDate, quantity: quantity,
            unitPrice: unitPrice, costSource: .receiptPrice, postedAccounts: -1)
        t.financialSequence = financialSequence
        try decodeFigures(&r, into: &t)
        return (key, t)
    }

    /// A transaction's figures after its identity: open, financial, adjusted, settled, parts, accounts.
    private static func decodeFigures(
        _ r: inout PayloadReader, into t: inout TransactionRecord
    ) throws(PayloadDecodingError) {
        t.physicalOpenQuantity = try r.quantity(); t.physicalOpenValue = try r.money()
        t.physicalOpenOffset = try r.money()
        t.financialQuantity = try r.quantity(); t.financialValue = try r.money()
        t.adjustment = try r.money(); t.physicalAdjustment = try r.money()
        t.settledQuantity = try r.quantity(); t.settledValue = try r.money()
        let partCount = try r.count()
        if partCount > 0 {
            t.parts.reserveCapacity(partCount)
            for _ in 0..<partCount {
                t.parts.append(
                    FinancialPart(
                        date: try date(&r), sequence: try r.int(), quantity: try r.quantity(), value: try r.money(),
                        adjustment: try r.money(), settledQuantity: try r.quantity(), settledValue: try r.money()))
            }
        }
        let costSource: CostSource = try r.code()
        t.costSource = costSource
        t.postedAccounts = try int32(&r)
        t.invoiceAccounts = try int32(&r)
    }

    private static func decodeMarks(_ r: inout PayloadReader, into s: inout LedgerState) throws(PayloadDecodingError) {
        for _ in 0..<(try r.count()) {
            let issue = try r.string()
            var list: [(receipt: String, quantity: Quantity)] = []
            for _ in 0..<(try r.count()) { list.append((try r.string(), try r.quantity())) }
            s.marks[issue] = list
        }
        for _ in 0..<(try r.count()) {
            let issue = try r.string()
            var receipts: [String: Quantity] = [:]
            for _ in 0..<(try r.count()) { receipts[try r.string()] = try r.quantity() }
            s.markedSettled[issue] = receipts
        }
    }

    /// The GL, rebuilt through `post` so that its private account index is rebuilt too: each day's net
    /// amount posted once, then every further posting type bit with a zero line on the first day. Then the
    /// interned account sets, re-interned in order: each is distinct, so each gets back its index.
    private static func decodeLedger(_ r: inout PayloadReader, into s: inout LedgerState) throws(PayloadDecodingError) {
        for _ in 0..<(try r.count()) {
            let name = try r.string()
            let bits = try r.int()
            guard bits >= 0, bits <= Int64(UInt32.max) else { throw r.fail("posting type bits out of range") }
            let types = PostingType.allCases.filter { UInt32(bits) & (1 << UInt32($0.code)) != 0 }
            guard let firstType = types.first,
                types.reduce(UInt32(0), { $0 | (1 << UInt32($1.code)) }) == UInt32(bits)
            else {
                throw r.fail("account \(name): invalid posting type bits \(bits)")
            }
            let dayCount = try r.count()
            guard dayCount > 0 else { throw r.fail("account \(name) has no days") }
            var firstDay = LedgerDate.distantFuture
            for index in 0..<dayCount {
                let day = try date(&r)
                let amount = try r.money()
                if index == 0 { firstDay = day }
                try post(&s, VoucherLine(firstType, name, amount), on: day, &r)
            }
            for type in types.dropFirst() { try post(&s, VoucherLine(type, name, .zero), on: firstDay, &r) }
        }
        s.ledger.lineCount = Int(try r.int())
        for index in 0..<(try r.count()) {
            var lines: [VoucherLine] = []
            for _ in 0..<(try r.count()) { lines.append(VoucherLine(try r.code(), try r.string(), .zero)) }
            guard !lines.isEmpty, s.accountSets.intern(lines) == Int32(index) else {
                throw r.fail("account set \(index) does not intern back to its index")
            }
        }
    }

    private static func decodeCloses(_ r: inout PayloadReader, into s: inout LedgerState) throws(PayloadDecodingError) {
        for _ in 0..<(try r.count()) {
            let closeDate = try date(&r)
            let mode: CloseMode = try r.code()
            let sequence = try r.int()
            let firstSequence = try r.int()
            var log: [CloseNote] = []
            for _ in 0..<(try r.count()) { log.append(try r.closeNote()) }
            let reversedBy: Int64? = try r.bool() ? try r.int() : nil
            s.closes.append(
                CloseRecord(
                    date: closeDate, mode: mode, sequence: sequence, firstSequence: firstSequence, log: log,
                    reversedBy: reversedBy))
        }
        for _ in 0..<(try r.count()) { s.warnings.append(try r.ledgerWarning()) }
    }

    // MARK: - Helpers

    private static func post(
        _ s: inout LedgerState, _ line: VoucherLine, on day: LedgerDate,
        _ r: inout PayloadReader
    ) throws(PayloadDecodingError) {
        do throws(FoldFailure) { try s.ledger.post([line], on: day) } catch { throw r.fail(error.message) }
    }

    private static func writeDate(_ w: inout PayloadWriter, _ date: LedgerDate?) {
        w.bool(date != nil)
        if let date { w.int(Int64(date.yyyymmdd)) }
    }

    private static func date(_ r: inout PayloadReader) throws(PayloadDecodingError) -> LedgerDate {
        let raw = try r.int()
        guard let value = Int32(exactly: raw), let date = LedgerDate(yyyymmdd: value) else {
            throw r.fail("invalid date \(raw)")
        }
        return date
    }

    private static func optionalDate(_ r: inout PayloadReader) throws(PayloadDecodingError) -> LedgerDate? {
        try r.bool() ? try date(&r) : nil
    }

    private static func int32(_ r: inout PayloadReader) throws(PayloadDecodingError) -> Int32 {
        let raw = try r.int()
        guard let value = Int32(exactly: raw) else { throw r.fail("value \(raw) out of range") }
        return value
    }
}

extension TransactionRecord {
    /// The record alone in the snapshot's encoding (for a history row): `init(decoding:)` reads it back.
    /// Its account set indices refer to the ledger's interned account sets.
    public func encoded() -> [UInt8] {
        var w = PayloadWriter(capacity: 96)
        LedgerState.writeTransaction(&w, key: id, self)
        return w.take()
    }

    public init(decoding bytes: [UInt8]) throws(PayloadDecodingError) {
        var decoded: TransactionRecord?
        var failure: PayloadDecodingError?
        bytes.withUnsafeBytes { buffer in
            var r = PayloadReader(buffer)
            do throws(PayloadDecodingError) {
                let (_, record) = try LedgerState.readTransaction(&r)
                guard r.isAtEnd else { throw r.fail("trailing bytes after the transaction record") }
                decoded = record
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        self = decoded!
    }
}
