/// A list of tolerated excesses that may only shrink: each entry names a place and its current size; the
/// check fails when a listed place grows, when an unlisted one passes the limit, and when a listed one
/// shrank, so the list is lowered with it and can never hide new growth.
struct Ratchet {
    let limit: Int
    let what: String
    let fix: String

    /// `measured`: every place over the limit, keyed like `listed`; `lines` says where each is.
    func violations(measured: [String: Int], listed: [String: Int], lines: [String: Int]) -> [Violation] {
        var found: [Violation] = []
        for (key, size) in measured.sorted(by: { $0.key < $1.key }) {
            let (path, line) = (Self.path(of: key), lines[key] ?? 1)
            guard let allowed = listed[key] else {
                found.append(
                    Violation(
                        path: path, line: line,
                        message: "\(what) \(Self.name(of: key)) is \(size) (limit \(limit)): \(fix)"))
                continue
            }
            if size > allowed {
                found.append(
                    Violation(
                        path: path, line: line,
                        message:
                            "\(what) \(Self.name(of: key)) grew to \(size), its exception allows \(allowed): \(fix); "
                            + "do not raise the exception"))
            } else if size < allowed {
                found.append(
                    Violation(
                        path: path, line: line,
                        message: "\(what) \(Self.name(of: key)) shrank to \(size): lower its exception from \(allowed) "
                            + "to \(size) in TidyTests/Exceptions.swift"))
            }
        }
        for (key, allowed) in listed.sorted(by: { $0.key < $1.key }) where measured[key] == nil {
            found.append(
                Violation(
                    path: Self.path(of: key), line: 1,
                    message: "\(what) \(Self.name(of: key)) is within the limit of \(limit) now (or gone): remove its "
                        + "exception (\(allowed)) from TidyTests/Exceptions.swift"))
        }
        return found
    }

    /// Keys are `path` or `path name`.
    static func path(of key: String) -> String { String(key.split(separator: " ", maxSplits: 1)[0]) }
    static func name(of key: String) -> String {
        let parts = key.split(separator: " ", maxSplits: 1)
        return parts.count > 1 ? String(parts[1]) : "(lines over the limit)"
    }

    /// The list that would pass today, in the syntax of TidyTests/Exceptions.swift.
    static func listing(_ measured: [String: Int]) -> String {
        measured.sorted(by: { $0.key < $1.key }).map { "    \"\($0.key)\": \($0.value)," }.joined(separator: "\n")
    }
}
