/// Turns a command given as named text fields (a JSON Lines object, a CSV row, CLI flags or a scenario
/// statement) into a `LedgerCommand`. One decoder for every input format, so every format gets the same
/// validation and the same error codes and field names.
public struct CommandFields: Sendable {
    public private(set) var entries: [(key: String, value: String)]

    public init(_ entries: [(key: String, value: String)] = []) {
        self.entries = entries
        self.entries.reserveCapacity(12)
    }

    public mutating func set(_ key: String, _ value: String) { entries.append((key, value)) }

    public subscript(key: String) -> String? {
        for entry in entries where entry.key == key { return entry.value }
        return nil
    }
}

public enum CommandDecoder {
    /// Command names accepted in every input format (`CommandName`).
    public static let commandNames = CommandName.all

    /// Each command's keys, built once: `CommandName.allowedKeys` builds its arrays on every call, 1.5% of
    /// an import's time when it ran per line.
    static let allowedKeys: [CommandName: [String]] = Dictionary(
        uniqueKeysWithValues: CommandName.allCases.map { ($0, $0.allowedKeys) })

    public static func decode(command name: String, _ fields: CommandFields) throws(Rejection) -> LedgerCommand {
        guard let command = CommandName(rawValue: name) else {
            throw Rejection(
                .malformed, field: "command",
                "unknown command '\(Echo.cut(name))'; valid: \(commandNames.joined(separator: ", "))")
        }
        let allowed = allowedKeys[command] ?? command.allowedKeys
        let entries = fields.entries
        for (position, entry) in entries.enumerated() {
            guard allowed.contains(entry.key) else {
                throw Rejection(
                    .malformed, field: Echo.cut(entry.key),
                    "unknown key '\(Echo.cut(entry.key))' for '\(name)'; valid: \(allowed.sorted().joined(separator: ", "))"
                )
            }
            for earlier in entries[..<position] where earlier.key == entry.key {
                throw Rejection(.malformed, field: entry.key, "key '\(Echo.cut(entry.key))' given twice")
            }
        }
        let reader = FieldReader(fields: fields)
        switch command {
        case .item: return .defineItem(try reader.itemSetup())
        case .accounts:
            var assignments: [LedgerCommand.AccountAssignment] = []
            for (key, value) in fields.entries where key != "group" {
                assignments.append(.init(PostingType(rawValue: key)!, try reader.name(key, value)))
            }
            guard !assignments.isEmpty else {
                throw Rejection(
                    .missingField, field: "accounts",
                    "give at least one POSTING-TYPE=ACCOUNT; posting types: \(PostingType.validNames)")
            }
            return .setAccounts(group: try reader.optionalName("group") ?? "", accounts: assignments)
        case .receive:
            return .receive(
                .init(
                    date: try reader.date(), item: try reader.requiredName("item"),
                    transaction: try reader.requiredName("tx"),
                    quantity: try reader.positiveQuantity("qty"), unitPrice: try reader.price("cost"),
                    physicalOnly: try reader.flag("physical"),
                    kind: try reader.choice("kind", LedgerCommand.ReceiptKind.self) ?? .purchase,
                    dimensions: try reader.dimensions()))
        case .issue:
            return .issue(
                .init(
                    date: try reader.date(), item: try reader.requiredName("item"),
                    transaction: try reader.requiredName("tx"),
                    quantity: try reader.positiveQuantity("qty"), physicalOnly: try reader.flag("physical"),
                    kind: try reader.choice("kind", LedgerCommand.IssueKind.self) ?? .sale,
                    dimensions: try reader.dimensions()))
        case .invoice:
            return .invoice(
                .init(
                    date: try reader.date(), transaction: try reader.requiredName("tx"),
                    quantity: fields["qty"] == nil ? nil : try reader.positiveQuantity("qty"),
                    unitPrice: fields["cost"] == nil ? nil : try reader.price("cost")))
        case .mark:
            return .mark(
                .init(
                    date: try reader.date(), issue: try reader.requiredName("issue"),
                    receipt: try reader.requiredName("receipt"),
                    quantity: fields["qty"] == nil ? nil : try reader.positiveQuantity("qty")))
        case .transfer:
            return .transfer(
                .init(
                    date: try reader.date(), item: try reader.requiredName("item"),
                    transaction: try reader.requiredName("tx"),
                    quantity: try reader.positiveQuantity("qty"),
                    from: try reader.dimensionList("from"), to: try reader.transferTarget()))
        case .standardCost:
            return .activateStandardCost(
                .init(
                    date: try reader.date(), item: try reader.requiredName("item"), unitCost: try reader.price("price"))
            )
        case .revalue:
            return .revalue(
                .init(
                    date: try reader.date(), item: try reader.requiredName("item"), unitCost: try reader.price("price"),
                    dimensions: try reader.dimensions()))
        case .adjust:
            let amount = try reader.amount("amount")
            guard !amount.isZero else {
                throw Rejection(.invalidAmount, field: "amount", "an adjustment must not be zero")
            }
            return .adjust(.init(date: try reader.date(), transaction: try reader.requiredName("tx"), amount: amount))
        case .close: return .close(try reader.date())
        case .recalculate: return .recalculate(try reader.date())
        case .reverseClose:
            return .reverseClose(
                date: fields["date"] == nil ? nil : try reader.date(),
                through: fields["through"] == nil ? nil : try reader.date("through"))
        }
    }
}

/// Typed access to command fields, each failure naming its field and what would be valid.
struct FieldReader {
    let fields: CommandFields

    func required(_ key: String) throws(Rejection) -> String {
        guard let value = fields[key] else { throw Rejection(.missingField, field: key, "'\(key)' is required") }
        return value
    }

    func date(_ key: String = "date") throws(Rejection) -> LedgerDate {
        let text = try required(key)
        guard let date = LedgerDate(text) else {
            throw Rejection(.invalidDate, field: key, "'\(Echo.cut(text))' is not a calendar date YYYY-MM-DD")
        }
        return date
    }

    static func isValidName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2E || byte == 0x2D
            }
    }

    func name(_ key: String, _ text: String) throws(Rejection) -> String {
        guard FieldReader.isValidName(text) else {
            throw Rejection(
                .invalidName, field: key, "'\(Echo.cut(text))' is not a name: use 1-64 of A-Z a-z 0-9 _ . -")
        }
        return text
    }

    func requiredName(_ key: String) throws(Rejection) -> String { try name(key, try required(key)) }

    func optionalName(_ key: String) throws(Rejection) -> String? {
        guard let text = fields[key] else { return nil }
        return try name(key, text)
    }

    func positiveQuantity(_ key: String) throws(Rejection) -> Quantity {
        let text = try required(key)
        let quantity: Quantity
        do { quantity = try Quantity(parsing: text) } catch {
            throw Rejection(.invalidQuantity, field: key, FieldReader.explain(error, text, "a quantity"))
        }
        guard quantity.isPositive else {
            throw Rejection(.invalidQuantity, field: key, "quantity must be greater than zero, got \(text)")
        }
        try Limits.check(quantity, field: key)
        return quantity
    }

    func price(_ key: String) throws(Rejection) -> UnitPrice {
        let text = try required(key)
        let price: UnitPrice
        do { price = try UnitPrice(parsing: text) } catch {
            throw Rejection(.invalidAmount, field: key, FieldReader.explain(error, text, "a unit price"))
        }
        guard !price.isNegative else {
            throw Rejection(.invalidAmount, field: key, "a unit price must not be negative, got \(text)")
        }
        try Limits.check(price, field: key)
        return price
    }

    func amount(_ key: String) throws(Rejection) -> Money {
        let text = try required(key)
        let amount: Money
        do { amount = try Money(parsing: text) } catch {
            throw Rejection(.invalidAmount, field: key, FieldReader.explain(error, text, "an amount"))
        }
        try Limits.check(amount, field: key)
        return amount
    }

    static func explain(_ error: NumberError, _ text: String, _ what: String) -> String {
        switch error {
        case .malformed: return "'\(Echo.cut(text))' is not \(what): write a decimal like 12.50"
        case .tooManyDecimals(let allowed):
            return "'\(Echo.cut(text))' has more than \(allowed) decimals; \(what) carries \(allowed)"
        case .outOfRange: return "'\(Echo.cut(text))' is too large for \(what)"
        case .exponent:
            return "'\(Echo.cut(text))' is not \(what): exponent notation is not accepted, write the decimal out"
        }
    }

    /// A yes/no field takes yes/no or true/false and nothing else: an empty value is not a guess at yes.
    func flag(_ key: String, default defaultValue: Bool = false) throws(Rejection) -> Bool {
        guard let text = fields[key] else { return defaultValue }
        switch text {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw Rejection(.malformed, field: key, "'\(Echo.cut(text))' is not yes or no (or true or false)")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(Rejection) -> T?
    where T.RawValue == String {
        guard let text = fields[key] else { return nil }
        guard let value = T(rawValue: text) else {
            throw Rejection(
                .malformed, field: key,
                "'\(Echo.cut(text))' is not valid; use one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func dimensions() throws(Rejection) -> DimensionValues {
        var values = DimensionValues()
        for dimension in Dimension.allCases {
            if let text = fields[dimension.rawValue] { values[dimension] = try name(dimension.rawValue, text) }
        }
        return values
    }

    /// `site:S1,warehouse:W2`. A dimension named twice is refused: which value was meant is a guess.
    func dimensionList(_ key: String) throws(Rejection) -> DimensionValues {
        let text = try required(key)
        var values = DimensionValues()
        var named: [Dimension] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, let dimension = Dimension(rawValue: String(pair[0])) else {
                throw Rejection(
                    .malformed, field: key,
                    "'\(Echo.cut(part))' is not DIMENSION:VALUE with a dimension of site, warehouse, batch, serial")
            }
            guard !named.contains(dimension) else {
                throw Rejection(.malformed, field: key, "\(dimension.rawValue) is given twice in '\(Echo.cut(text))'")
            }
            named.append(dimension)
            values[dimension] = try name(key, String(pair[1]))
        }
        return values
    }

    /// A transfer's `to`: a move to the very dimension values it comes from moves nothing.
    func transferTarget() throws(Rejection) -> DimensionValues {
        let to = try dimensionList("to")
        guard to != (try dimensionList("from")) else {
            throw Rejection(
                .malformed, field: "to", "'to' names the same dimension values as 'from' (\(to.description))")
        }
        return to
    }

    func itemSetup() throws(Rejection) -> ItemSetup {
        let id = try requiredName("item")
        let modelText = try required("model")
        guard let model = ValuationModel(rawValue: modelText) else {
            throw Rejection(
                .invalidSetup, field: "model",
                "'\(Echo.cut(modelText))' is not a model; valid: \(ValuationModel.validNames)")
        }
        var dimensionSet = DimensionSet.siteOnly
        if let text = fields["dimensions"] {
            var list: [Dimension] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let dimension = Dimension(rawValue: String(part)) else {
                    throw Rejection(
                        .invalidSetup, field: "dimensions",
                        "'\(Echo.cut(part))' is not a dimension; valid: site, warehouse, batch, serial")
                }
                list.append(dimension)
            }
            dimensionSet = DimensionSet(list)
        }
        let setup = ItemSetup(
            id: id, model: model, includePhysicalValue: try flag("include-physical"),
            defaultPrice: fields["price"] == nil ? nil : try price("price"),
            standardCost: fields["standard"] == nil ? nil : try price("standard"),
            postingGroup: try optionalName("group") ?? "", dimensions: dimensionSet,
            negativeInventoryAllowed: try flag("negative", default: true),
            fixedReceiptPrice: try flag("fixed-receipt-price"))
        if setup.fixedReceiptPrice {
            guard model.isPeriodic else {
                throw Rejection(
                    .invalidSetup, field: "fixed-receipt-price",
                    "a fixed receipt price is only allowed with periodic models, not \(model.rawValue)")
            }
            guard setup.defaultPrice != nil else {
                throw Rejection(.invalidSetup, field: "price", "a fixed receipt price needs the item's price=")
            }
        }
        if model == .standard && setup.standardCost == nil {
            throw Rejection(.invalidSetup, field: "standard", "a standard cost item needs standard=<unit cost>")
        }
        if model != .standard && setup.standardCost != nil {
            throw Rejection(.invalidSetup, field: "standard", "standard= applies to model standard only")
        }
        return setup
    }
}
