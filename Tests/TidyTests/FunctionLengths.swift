/// A function-like body: `func`, `init`, `deinit`, `subscript`, or a computed property whose `{` is on
/// its declaration line. Its length counts from the line of the keyword to the line of the closing brace.
struct FunctionBody: Equatable {
    let name: String
    let line: Int
    let length: Int
}

enum FunctionLengths {
    static let declarationKeywords: Set<String> = ["func", "init", "deinit", "subscript", "var"]
    /// Words that start another declaration: met before a `{`, they mean the function had no body.
    static let stopWords: Set<String> = [
        "func", "init", "deinit", "subscript", "var", "let", "case", "struct", "class", "enum", "protocol",
        "extension", "typealias", "associatedtype", "actor",
    ]

    static func bodies(_ file: SwiftText) -> [FunctionBody] {
        let code = file.code
        var lineStarts = [0]
        for (index, byte) in code.enumerated() where byte == UInt8(ascii: "\n") { lineStarts.append(index + 1) }
        func lineOf(_ offset: Int) -> Int { (lineStarts.lastIndex { $0 <= offset } ?? 0) + 1 }

        let words = Checks.identifierRanges(in: code)
        var found: [FunctionBody] = []
        for (position, (start, word)) in words.enumerated() where declarationKeywords.contains(word) {
            guard !isMemberAccess(code, before: start) else { continue }
            let end = start + word.utf8.count
            if word == "var", !isPropertyDeclaration(code, before: start, lineStart: lineStarts[lineOf(start) - 1]) {
                continue
            }
            let name =
                word == "var" && position + 1 < words.count ? words[position + 1].word : declaredName(code, word, end)
            let open = word == "var" ? propertyBrace(code, from: end) : bodyBrace(code, from: end)
            guard let open, let close = matchingBrace(code, open) else { continue }
            found.append(FunctionBody(name: name, line: lineOf(start), length: lineOf(close) - lineOf(start) + 1))
        }
        return found
    }

    static let modifiers: Set<String> = [
        "public", "private", "fileprivate", "internal", "package", "open", "static", "class", "override", "final",
        "nonisolated", "lazy", "unowned", "weak", "dynamic",
    ]

    /// A `var` that declares a property, as opposed to `for var`, `if var` or `case var`: only modifiers and
    /// attributes precede it on its line.
    static func isPropertyDeclaration(_ code: [UInt8], before start: Int, lineStart: Int) -> Bool {
        let prefix = String(decoding: code[lineStart..<start], as: UTF8.self)
        return prefix.split(separator: " ").allSatisfy { word in
            modifiers.contains(String(word)) || word.hasPrefix("@") || word.hasSuffix("(set)")
        }
    }

    /// What follows `func` up to its parameters or generic clause (`run`, `==`), or the keyword itself.
    static func declaredName(_ code: [UInt8], _ keyword: String, _ end: Int) -> String {
        guard keyword == "func" else { return keyword }
        var index = end
        while index < code.count, code[index] != UInt8(ascii: "("), code[index] != UInt8(ascii: "<") { index += 1 }
        return String(decoding: code[end..<index], as: UTF8.self).split(separator: " ").joined()
    }

    /// `.init(`, `self.init(`, `super.init(` are calls, not declarations.
    static func isMemberAccess(_ code: [UInt8], before start: Int) -> Bool {
        var index = start - 1
        while index >= 0, code[index] == UInt8(ascii: " ") { index -= 1 }
        return index >= 0 && code[index] == UInt8(ascii: ".")
    }

    /// The `{` opening a function body: the first at bracket depth 0 after the signature, unless another
    /// declaration or the end of the enclosing scope comes first (a protocol requirement).
    static func bodyBrace(_ code: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < code.count {
            switch code[index] {
            case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "{") where depth == 0: return index
            case UInt8(ascii: "}") where depth == 0: return nil
            default:
                if depth == 0, Checks.isIdentifierHead(code[index]), index > 0,
                    !Checks.isIdentifierHead(code[index - 1]), !Checks.isDigit(code[index - 1])
                {
                    var end = index
                    while end < code.count, Checks.isIdentifierHead(code[end]) || Checks.isDigit(code[end]) { end += 1 }
                    if stopWords.contains(String(decoding: code[index..<end], as: UTF8.self)) { return nil }
                    index = end
                    continue
                }
            }
            index += 1
        }
        return nil
    }

    /// The `{` of a computed property, on the declaration's line, before any `=` (a stored property with an
    /// initial value or observers is not a function body).
    static func propertyBrace(_ code: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < code.count, code[index] != UInt8(ascii: "\n") {
            switch code[index] {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "<"): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where code[index - 1] != UInt8(ascii: "-"): depth -= 1
            case UInt8(ascii: "=") where depth == 0: return nil
            case UInt8(ascii: "{") where depth == 0: return index
            default: break
            }
            index += 1
        }
        return nil
    }

    static func matchingBrace(_ code: [UInt8], _ open: Int) -> Int? {
        var depth = 0
        for index in open..<code.count {
            if code[index] == UInt8(ascii: "{") { depth += 1 }
            if code[index] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }
}
