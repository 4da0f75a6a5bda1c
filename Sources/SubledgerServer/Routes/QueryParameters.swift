import Hummingbird
import Subledger

/// A read route's query string, checked: an unknown or repeated parameter, a date that is not
/// YYYY-MM-DD or a number out of its range is a 400 problem naming the parameter and what it takes.
struct QueryParameters {
    private let values: [String: String]

    /// Refuses any parameter not in `allowed` (a typo would otherwise silently widen the answer).
    init(_ request: Request, allowed: [String]) throws {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard allowed.contains(key) else {
                let valid = allowed.isEmpty ? "this route takes none" : "it takes " + allowed.joined(separator: ", ")
                throw Problem(
                    .badRequest, code: "unknown-parameter",
                    detail: "unknown query parameter '\(Self.cut(key))'; \(valid)",
                    field: Self.cut(key))
            }
            guard values[key] == nil else {
                throw Problem(
                    .badRequest, code: "invalid-parameter",
                    detail: "query parameter '\(key)' is given twice; give it once",
                    field: key)
            }
            values[key] = String(value)
        }
        self.values = values
    }

    /// A text parameter; empty counts as given (an id cannot be empty, so it finds nothing).
    func string(_ name: String) -> String? { values[name] }

    /// A business date, `YYYY-MM-DD`.
    func date(_ name: String) throws -> LedgerDate? {
        guard let text = values[name] else { return nil }
        guard let date = LedgerDate(text) else {
            throw Problem(
                .badRequest, code: "invalid-date",
                detail: "query parameter '\(name)' must be a date YYYY-MM-DD, not '\(Self.cut(text))'", field: name)
        }
        return date
    }

    /// A whole number in `range` (decimal digits only).
    func integer(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = values[name] else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int64(text),
            range.contains(value)
        else {
            throw Problem(
                .badRequest, code: "invalid-parameter",
                detail: "query parameter '\(name)' must be a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound), not '\(Self.cut(text))'",
                field: name)
        }
        return value
    }

    /// A client's text in a message, cut as commands' messages cut it.
    static func cut(_ text: String) -> String { Echo.cut(text) }
}

/// 404 problems for an id the ledger does not hold (a path segment or a filter).
enum NotFound {
    static func item(_ id: String) -> Problem {
        Problem(
            .notFound, code: "unknown-item", detail: "no item '\(QueryParameters.cut(id))' in this ledger",
            field: "item")
    }

    static func transaction(_ id: String) -> Problem {
        Problem(
            .notFound, code: "unknown-transaction",
            detail: "no transaction '\(QueryParameters.cut(id))' in this ledger", field: "tx")
    }

    /// `requireKnown`'s refusals as 404s.
    static func checking(_ body: () throws -> Void) throws {
        do { try body() } catch let rejection as Rejection {
            switch rejection.code {
            case .unknownItem, .unknownTransaction:
                throw Problem(
                    .notFound, code: rejection.code.rawValue, detail: rejection.message, field: rejection.field)
            default: throw rejection
            }
        }
    }
}
