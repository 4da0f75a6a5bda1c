import SubledgerCore

/// A parse error: the file's line and what is wrong there. A file with any parse error runs nothing.
public struct ScenarioParseError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// Parses the scenario notation. Postings and setup lines become the same `LedgerCommand`s as every
/// other input format, through `CommandDecoder`, so a scenario exercises the real validation.
public enum ScenarioParser {
    public static func parse(_ text: String) throws(ScenarioParseError) -> [ScenarioStatement] {
        var statements: [ScenarioStatement] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = rawLine
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard !tokens.isEmpty else { continue }
            do {
                let body = try parseStatement(tokens)
                statements.append(ScenarioStatement(line: lineNumber, text: tokens.joined(separator: " "), body: body))
            } catch {
                throw ScenarioParseError(line: lineNumber, message: error.message)
            }
        }
        return statements
    }

    struct Failure: Error { var message: String }

    /// Positional tokens and key=value pairs, in any order after the positional ones.
    struct Tokens {
        var positional: [String] = []
        var keys: [(key: String, value: String)] = []
        var flags: [String] = []

        init(_ tokens: ArraySlice<String>, flagWords: Set<String>) throws(Failure) {
            for token in tokens {
                if let equals = token.firstIndex(of: "=") {
                    let key = String(token[..<equals]), value = String(token[token.index(after: equals)...])
                    guard !key.isEmpty, !value.isEmpty else { throw Failure(message: "'\(token)' is not key=value") }
                    guard !keys.contains(where: { $0.key == key }) else {
                        throw Failure(message: "key '\(key)' given twice")
                    }
                    keys.append((key, value))
                } else if flagWords.contains(token) {
                    flags.append(token)
                } else {
                    guard keys.isEmpty else {
                        throw Failure(message: "'\(token)' must come before the key=value pairs")
                    }
                    positional.append(token)
                }
            }
        }

        func value(_ key: String) -> String? { keys.first(where: { $0.key == key })?.value }
    }

    static func parseStatement(_ tokens: [String]) throws(Failure) -> ScenarioStatement.Body {
        let first = tokens[0]
        switch first {
        case "item", "accounts":
            let parts = try Tokens(tokens.dropFirst(), flagWords: [])
            var fields = CommandFields()
            if first == "item" {
                guard parts.positional.count == 1 else {
                    throw Failure(message: "usage: item <ITEM> model=<MODEL> ...")
                }
                fields.set("item", parts.positional[0])
            } else {
                guard parts.positional.isEmpty else {
                    throw Failure(message: "usage: accounts [group=<GROUP>] <TYPE>=<ACCOUNT> ...")
                }
            }
            for (key, value) in parts.keys { fields.set(key, value) }
            return .command(try decode(first, fields))
        case "expect":
            return .expectation(try parseExpectation(Array(tokens.dropFirst())))
        case "reverse-close":
            guard tokens.count <= 2 else { throw Failure(message: "usage: reverse-close [latest|<DATE>]") }
            if tokens.count == 1 || tokens[1] == "latest" { return .command(.reverseClose(date: nil, through: nil)) }
            return .command(.reverseClose(date: try date(tokens[1]), through: nil))
        default:
            guard LedgerDate(first) != nil || first.utf8.first.map({ $0 >= 0x30 && $0 <= 0x39 }) == true else {
                throw Failure(message: "unknown statement '\(first)'")
            }
            let when = try date(first)
            guard tokens.count >= 2 else { throw Failure(message: "a date must be followed by a posting") }
            return try parsePosting(when, tokens[1], tokens.dropFirst(2))
        }
    }

    static func date(_ text: String) throws(Failure) -> LedgerDate {
        guard let value = LedgerDate(text) else { throw Failure(message: "'\(text)' is not a date YYYY-MM-DD") }
        return value
    }

    static func decode(_ name: String, _ fields: CommandFields) throws(Failure) -> LedgerCommand {
        do { return try CommandDecoder.decode(command: name, fields) } catch {
            // Shape errors are parse errors; range errors (zero quantity, too many decimals) are left to
            // the ledger so that `expect rejected` can test them.
            throw Failure(message: error.description)
        }
    }

    /// Positional layout per posting verb (after the date).
    static let positionalKeys: [CommandName: [String]] = [
        .receive: ["item", "tx"], .issue: ["item", "tx"], .invoice: ["tx"], .mark: ["issue", "receipt"],
        .transfer: ["item", "tx"], .standardCost: ["item", "price"], .revalue: ["item", "price"],
        .adjust: ["tx"],
    ]

    /// The verbs a dated statement takes, in the commands' order.
    static let postingVerbs = CommandName.allCases
        .filter { positionalKeys[$0] != nil || $0 == .close || $0 == .recalculate }.map(\.rawValue)

    static func parsePosting(
        _ date: LedgerDate, _ verb: String, _ rest: ArraySlice<String>
    )
        throws(Failure) -> ScenarioStatement.Body
    {
        switch verb {
        case "close", "recalculate":
            guard rest.isEmpty else { throw Failure(message: "\(verb) takes no arguments") }
            return .command(verb == "close" ? .close(date) : .recalculate(date))
        default:
            guard let layout = CommandName(rawValue: verb).flatMap({ positionalKeys[$0] }) else {
                throw Failure(message: "unknown posting '\(verb)'; valid: \(postingVerbs.joined(separator: ", "))")
            }
            let parts = try Tokens(rest, flagWords: verb == "receive" || verb == "issue" ? ["physical"] : [])
            guard parts.positional.count == layout.count else {
                throw Failure(message: "\(verb) needs \(layout.map { "<\($0.uppercased())>" }.joined(separator: " "))")
            }
            var fields = CommandFields()
            fields.set("date", date.description)
            for (key, value) in zip(layout, parts.positional) { fields.set(key, value) }
            for (key, value) in parts.keys { fields.set(key, value) }
            if !parts.flags.isEmpty { fields.set("physical", "yes") }
            return try decodeLenient(verb, fields)
        }
    }

    /// Decodes a posting. A number that is well formed but out of range (zero, negative, too many decimals)
    /// is not a parse error: the statement stays, as a command the ledger refuses, so that
    /// `expect rejected invalid-quantity` can test it.
    static func decodeLenient(_ verb: String, _ fields: CommandFields) throws(Failure) -> ScenarioStatement.Body {
        do { return .command(try CommandDecoder.decode(command: verb, fields)) } catch {
            switch error.code {
            case .invalidQuantity, .invalidAmount: return .refusedInput(error)
            default: throw Failure(message: error.description)
            }
        }
    }
}

extension ScenarioParser {
    static func parseExpectation(_ tokens: [String]) throws(Failure) -> Expectation {
        guard let kind = tokens.first else { throw Failure(message: "expect what?") }
        let rest = tokens.dropFirst()
        let dimensionKeys = Set(Dimension.allCases.map(\.rawValue))
        switch kind {
        case "posted", "cost", "amount", "adjusted":
            let parts = try Tokens(rest, flagWords: [])
            guard parts.positional.count == 2, parts.keys.isEmpty else {
                throw Failure(message: "usage: expect \(kind) <TX> <VALUE>")
            }
            let tx = parts.positional[0], value = parts.positional[1]
            switch kind {
            case "posted": return .posted(transaction: tx, unitCost: try number(value, "unit cost"))
            case "cost": return .cost(transaction: tx, unitCost: try number(value, "unit cost"))
            case "amount": return .amount(transaction: tx, amount: try number(value, "amount"))
            default: return .adjusted(transaction: tx, amount: try number(value, "amount"))
            }
        case "settled":
            let parts = try Tokens(rest, flagWords: [])
            guard parts.positional.count == 2, let qty = parts.value("qty") else {
                throw Failure(
                    message: "usage: expect settled <ISSUE-TX> <RECEIPT-TX> qty=<Q> [amount=<A>] [adjustment=<A>]")
            }
            try onlyKeys(parts, ["qty", "amount", "adjustment"])
            return .settled(
                issue: parts.positional[0], receipt: parts.positional[1], quantity: try number(qty, "quantity"),
                amount: try parts.value("amount").map { (v) throws(Failure) in try number(v, "amount") },
                adjustment: try parts.value("adjustment").map { (v) throws(Failure) in try number(v, "amount") })
        case "unsettled":
            let parts = try Tokens(rest, flagWords: [])
            guard parts.positional.count == 1, let qty = parts.value("qty") else {
                throw Failure(message: "usage: expect unsettled <TX> qty=<Q>")
            }
            try onlyKeys(parts, ["qty"])
            return .unsettled(transaction: parts.positional[0], quantity: try number(qty, "quantity"))
        case "onhand":
            let parts = try Tokens(rest, flagWords: ["financial", "physical"])
            guard parts.positional.count == 1, let qty = parts.value("qty"), let value = parts.value("value"),
                parts.flags.count <= 1
            else {
                throw Failure(
                    message: "usage: expect onhand <ITEM> qty=<Q> value=<A> [financial|physical] [site=..] ...")
            }
            try onlyKeys(parts, dimensionKeys.union(["qty", "value"]))
            let part: Expectation.OnHandPart =
                parts.flags.first == "financial"
                ? .financial
                : parts.flags.first == "physical" ? .physical : .both
            return .onHand(
                item: parts.positional[0], quantity: try number(qty, "quantity"), value: try number(value, "amount"),
                part: part, dimensions: try filter(parts))
        case "average":
            let parts = try Tokens(rest, flagWords: [])
            guard parts.positional.count == 2 else {
                throw Failure(message: "usage: expect average <ITEM> <U> [site=..] ...")
            }
            try onlyKeys(parts, dimensionKeys)
            return .average(
                item: parts.positional[0], unitCost: try number(parts.positional[1], "unit cost"),
                dimensions: try filter(parts))
        case "gl":
            guard rest.count == 2 else { throw Failure(message: "usage: expect gl <ACCOUNT-OR-POSTING-TYPE> <A>") }
            return .gl(
                accountOrPostingType: rest[rest.startIndex], balance: try number(rest[rest.startIndex + 1], "amount"))
        case "reconciled":
            guard rest.isEmpty else { throw Failure(message: "expect reconciled takes no arguments") }
            return .reconciled
        case "rejected":
            guard rest.count == 1 else { throw Failure(message: "usage: expect rejected <CODE>") }
            let code = rest[rest.startIndex]
            guard Rejection.Code(rawValue: code) != nil else {
                throw Failure(
                    message:
                        "'\(code)' is not an error code; valid: \(Rejection.Code.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return .rejected(code: code)
        default:
            throw Failure(
                message:
                    "unknown expectation '\(kind)'; valid: posted, cost, amount, adjusted, settled, unsettled, onhand, average, gl, reconciled, rejected"
            )
        }
    }

    static func number<T: FixedPoint>(_ text: String, _ what: String) throws(Failure) -> T {
        do { return try T(parsing: text) } catch {
            throw Failure(message: "'\(text)' is not \(what) with at most \(T.scale) decimals")
        }
    }

    static func onlyKeys(_ parts: Tokens, _ allowed: Set<String>) throws(Failure) {
        for (key, _) in parts.keys where !allowed.contains(key) {
            throw Failure(message: "unknown key '\(key)'; valid: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    static func filter(_ parts: Tokens) throws(Failure) -> DimensionFilter {
        var filter = DimensionFilter()
        for (key, value) in parts.keys {
            if let dimension = Dimension(rawValue: key) { filter.values[dimension] = value }
        }
        return filter
    }
}
