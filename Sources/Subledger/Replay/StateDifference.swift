// The first difference between two states, for `replay --verify` and `snapshot verify`: records compared
// with `==` section by section in the codec's order, then the first differing field of the first differing
// record named by reflection (`Mirror`), so a field added to a record is reported without a line here.

import SubledgerCore

struct StateDifference {
    let labels: (String, String)

    func first(_ lhs: LedgerState, _ rhs: LedgerState) -> String? {
        if let found = log(lhs, rhs) { return found }
        if let found = keyed(lhs.items, rhs.items, describe: { "item \($0)" }) { return found }
        if let found = keyed(
            lhs.profiles.accounts, rhs.profiles.accounts,
            describe: { $0.isEmpty ? "default posting profile" : "posting profile \($0)" })
        {
            return found
        }
        if let found = keyed(lhs.pools, rhs.pools, describe: Self.poolName) { return found }
        if let found = keyed(
            lhs.transactions.dictionary, rhs.transactions.dictionary, describe: { "transaction \($0)" })
        {
            return found
        }
        if let found = keyed(
            lhs.marks.mapValues { $0.map { Mark(receipt: $0.receipt, quantity: $0.quantity) } },
            rhs.marks.mapValues { $0.map { Mark(receipt: $0.receipt, quantity: $0.quantity) } },
            describe: { "marks of \($0)" }, element: "mark")
        {
            return found
        }
        if let found = keyed(lhs.markedSettled, rhs.markedSettled, describe: { "marked settled of \($0)" }) {
            return found
        }
        if let found = ledger(lhs.ledger, rhs.ledger) { return found }
        if let found = ordered(
            lhs.accountSetList, rhs.accountSetList, describe: { _, index in "account set #\(index)" })
        {
            return found
        }
        if let found = ordered(
            lhs.closes, rhs.closes,
            describe: { close, index in "close #\(index + 1) (\(close.mode.name) \(close.date))" })
        {
            return found
        }
        if let found = ordered(lhs.warnings, rhs.warnings, describe: { _, index in "warning #\(index + 1)" }) {
            return found
        }
        if lhs.latestBusinessDate != rhs.latestBusinessDate {
            return "log: latest business date \(lhs.latestBusinessDate) vs \(rhs.latestBusinessDate)"
        }
        if lhs.pendingCloseStart != rhs.pendingCloseStart {
            return "log: pending close start \(lhs.pendingCloseStart) vs \(rhs.pendingCloseStart)"
        }
        return lhs == rhs ? nil : "the states differ in a field no record shows"
    }

    /// GL accounts by name: balance, posting types, then day by day (parallel lists, paired here).
    private func ledger(_ lhs: GeneralLedger, _ rhs: GeneralLedger) -> String? {
        let left = Dictionary(lhs.accountEntries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let right = Dictionary(rhs.accountEntries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in Set(left.keys).union(right.keys).sorted() {
            guard let a = left[name] else { return "GL account \(name): only in \(labels.1)" }
            guard let b = right[name] else { return "GL account \(name): only in \(labels.0)" }
            if let found = Self.account(a, b, lhs, rhs) { return "GL account \(name): \(found)" }
        }
        if lhs.accountEntries.map(\.name) != rhs.accountEntries.map(\.name) {
            return "GL: accounts in another order"
        }
        return nil
    }

    static func account(
        _ a: GeneralLedger.Account, _ b: GeneralLedger.Account, _ lhs: GeneralLedger, _ rhs: GeneralLedger
    ) -> String? {
        if lhs.balance(a.name) != rhs.balance(b.name) {
            return "balance \(lhs.balance(a.name)) vs \(rhs.balance(b.name))"
        }
        if a.postingTypes != b.postingTypes {
            let names = { (ledger: GeneralLedger) in
                ledger.postingTypes(of: a.name).map(\.rawValue).joined(separator: ",")
            }
            return "posting types \(names(lhs)) vs \(names(rhs))"
        }
        if a.days.count != b.days.count { return "days posted \(a.days.count) vs \(b.days.count)" }
        let day = { (raw: Int32) in LedgerDate(yyyymmdd: raw)?.description ?? String(raw) }
        for index in a.days.indices {
            if a.days[index] != b.days[index] {
                return "posted on day \(day(a.days[index])) vs \(day(b.days[index]))"
            }
            if a.amounts[index] != b.amounts[index] {
                return "net amount on \(day(a.days[index])) \(a.amounts[index]) vs \(b.amounts[index])"
            }
        }
        return a == b ? nil : Self.field(a, b, path: "", element: "entry")
    }

    /// A mark as a record (marks are tuples, which reflection names but `==` cannot compare).
    struct Mark: Equatable {
        var receipt: String
        var quantity: Quantity
    }

    private func log(_ lhs: LedgerState, _ rhs: LedgerState) -> String? {
        let fields: [(String, Int64, Int64)] = [
            ("events applied", Int64(lhs.eventCount), Int64(rhs.eventCount)),
            ("last sequence", lhs.lastSequence, rhs.lastSequence),
            ("GL lines", Int64(lhs.ledger.lineCount), Int64(rhs.ledger.lineCount)),
        ]
        return fields.first { $0.1 != $0.2 }.map { "log: \($0.0) \($0.1) vs \($0.2)" }
    }

    /// Records by sorted key: the first key only one side has, or the first record that differs.
    private func keyed<Key: Comparable, Value: Equatable>(
        _ lhs: [Key: Value], _ rhs: [Key: Value], describe: (Key) -> String, element: String = "entry"
    ) -> String? {
        let keys = Set(lhs.keys).union(rhs.keys).sorted()
        for key in keys {
            switch (lhs[key], rhs[key]) {
            case (let a?, let b?) where a != b:
                return "\(describe(key)): " + (Self.field(a, b, path: "", element: element) ?? "differs")
            case (_?, nil): return "\(describe(key)): only in \(labels.0)"
            case (nil, _?): return "\(describe(key)): only in \(labels.1)"
            default: continue
            }
        }
        return nil
    }

    /// Records by position (`describe` gets the record that is there and its index).
    private func ordered<Value: Equatable>(
        _ lhs: [Value], _ rhs: [Value], describe: (Value, Int) -> String
    ) -> String? {
        for index in 0..<max(lhs.count, rhs.count) {
            if index == rhs.count { return "\(describe(lhs[index], index)): only in \(labels.0)" }
            if index == lhs.count { return "\(describe(rhs[index], index)): only in \(labels.1)" }
            if lhs[index] != rhs[index] {
                let field = Self.field(lhs[index], rhs[index], path: "", element: "entry") ?? "differs"
                return "\(describe(lhs[index], index)): \(field)"
            }
        }
        return nil
    }

    static func poolName(_ key: PoolKey) -> String {
        let dimensions = key.dimensions.description
        return dimensions.isEmpty ? "pool \(key.item)" : "pool \(key.item) \(dimensions)"
    }

    // MARK: - Fields by reflection

    /// The first leaf field whose text differs, `path` naming where it is (`part 2 settled value`); nil when
    /// every leaf reads the same. A leaf is a value without stored children (numbers, strings, plain
    /// enums) or one that describes itself (money, quantities, dates, dimensions).
    static func field(_ a: Any, _ b: Any, path: String, element: String) -> String? {
        let left = Mirror(reflecting: a), right = Mirror(reflecting: b)
        let structural: [Mirror.DisplayStyle?] = [.optional, .collection, .set, .dictionary]
        let isLeaf = !structural.contains(left.displayStyle) && (left.children.isEmpty || a is CustomStringConvertible)
        if isLeaf || left.displayStyle != right.displayStyle
            || (left.displayStyle == .optional
                && left.children.isEmpty != right.children.isEmpty)
        {
            let x = text(a), y = text(b)
            return x == y ? nil : "\(join(path, x)) vs \(y)"
        }
        switch left.displayStyle {
        case .optional:
            let x = left.children.first!.value, y = right.children.first!.value
            return field(x, y, path: path, element: element)
        case .collection, .set, .dictionary:
            let xs = sortedChildren(left), ys = sortedChildren(right)
            for (index, (x, y)) in zip(xs, ys).enumerated() {
                let name = join(path, "\(element) \(index + 1)")
                if let found = field(x, y, path: name, element: "entry") { return found }
            }
            return xs.count == ys.count ? nil : "\(join(path, "count")) \(xs.count) vs \(ys.count)"
        default:
            for (x, y) in zip(left.children, right.children) {
                let label = words(x.label ?? "")
                if x.label != y.label { return "\(join(path, label)) \(text(a)) vs \(text(b))" }
                if let found = field(x.value, y.value, path: join(path, label), element: singular(label)) {
                    return found
                }
            }
            return nil
        }
    }

    /// Elements of a collection; a dictionary's and a set's in the order of their text (theirs is random).
    static func sortedChildren(_ mirror: Mirror) -> [Any] {
        let values = mirror.children.map(\.value)
        guard mirror.displayStyle == .dictionary || mirror.displayStyle == .set else { return values }
        return values.map { (text($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func text(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional { return mirror.children.first.map { text($0.value) } ?? "none" }
        let described = String(describing: value)
        return described.isEmpty ? "\"\"" : described
    }

    static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : name.isEmpty ? path : path + " " + name
    }

    /// `financialValue` as `financial value`.
    static func words(_ label: String) -> String {
        var result = ""
        for character in label {
            if character.isUppercase {
                result += " " + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func singular(_ name: String) -> String { name.hasSuffix("s") ? String(name.dropLast()) : name }
}
