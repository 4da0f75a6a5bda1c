/// One broken rule at one place, worded so the reader knows what to do.
struct Violation: CustomStringConvertible, Equatable {
    let path: String
    let line: Int
    let message: String

    var description: String { "\(path):\(line): \(message)" }
}

/// The imports of a file: module name and line, attributes such as `@_exported` included.
struct ImportDeclaration: Equatable {
    let module: String
    let line: Int
}

enum Checks {
    static let importKinds: Set<String> = [
        "typealias", "struct", "class", "enum", "protocol", "let", "var", "func",
    ]

    static func imports(_ file: SwiftText) -> [ImportDeclaration] {
        var found: [ImportDeclaration] = []
        for (offset, line) in file.codeLines.enumerated() {
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
            guard words.count >= 2, words[0] == "import" else { continue }
            let name = importKinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
            let module = name.split(separator: ".").first.map(String.init) ?? name
            found.append(ImportDeclaration(module: module, line: offset + 1))
        }
        return found
    }

    /// Imports of modules outside `allowed`.
    static func forbiddenImports(_ file: SwiftText, target: String, allowed: Set<String>) -> [Violation] {
        imports(file).filter { !allowed.contains($0.module) }.map {
            Violation(
                path: file.path, line: $0.line,
                message:
                    "\(target) may not import \($0.module) (allowed: \(allowed.sorted().joined(separator: ", "))); "
                    + "move the code to a target that may, or change the layering in Package.swift and "
                    + "TidyTests/Layering.swift together")
        }
    }

    /// `import Glibc` or a `Glibc.` name outside `#if canImport(Glibc)`: the package declares macOS, where
    /// Glibc does not exist. The nearest enclosing `#if`/`#elseif` must test `canImport(Glibc)`.
    static func unguardedGlibc(_ file: SwiftText) -> [Violation] {
        file.codeLines.indices.compactMap { index in
            let line = file.codeLines[index]
            guard !line.trimmingPrefixSpaces.hasPrefix("#"), identifiers(in: line).contains("Glibc") else { return nil }
            if guardedByCanImportGlibc(file.codeLines[..<index]) { return nil }
            return Violation(
                path: file.path, line: index + 1,
                message: "Glibc outside #if canImport(Glibc): wrap it, with an #elseif canImport(Darwin) / #else "
                    + "branch that uses Darwin, so the package still builds on macOS")
        }
    }

    /// Whether the innermost open `#if` block, at the end of `lines`, is a `canImport(Glibc)` branch.
    static func guardedByCanImportGlibc(_ lines: ArraySlice<String>) -> Bool {
        var depth = 0
        for line in lines.reversed() {
            let directive = line.trimmingPrefixSpaces
            if directive.hasPrefix("#endif") {
                depth += 1
            } else if depth > 0 {
                if directive.hasPrefix("#if") { depth -= 1 }
            } else if directive.hasPrefix("#if") || directive.hasPrefix("#elseif") {
                return directive.contains("canImport(Glibc)")
            } else if directive.hasPrefix("#else") {
                return false
            }
        }
        return false
    }

    /// Whole-word uses of `words` in code (comments and string literals do not count).
    static func forbiddenWords(_ file: SwiftText, _ words: Set<String>, why: String) -> [Violation] {
        var found: [Violation] = []
        for (offset, line) in file.codeLines.enumerated() {
            for word in identifiers(in: line) where words.contains(word) {
                found.append(Violation(path: file.path, line: offset + 1, message: "\(word) \(why)"))
            }
        }
        return found
    }

    /// `Date()`: reading the wall clock (business dates come from the commands, never from the clock).
    static func clockReads(_ file: SwiftText) -> [Violation] {
        var found: [Violation] = []
        for (offset, line) in file.codeLines.enumerated() {
            let bytes = Array(line.utf8)
            for (start, word) in identifierRanges(in: bytes) where word == "Date" {
                let rest = bytes[(start + 4)...].filter { $0 != UInt8(ascii: " ") }
                if rest.starts(with: Array("()".utf8)) {
                    found.append(
                        Violation(
                            path: file.path, line: offset + 1,
                            message: "Date() reads the clock in SubledgerCore: take the date as a parameter "
                                + "(Core is deterministic; the clock belongs to the facade or the CLI)"))
                }
            }
        }
        return found
    }

    /// The one test-support file allowed to name the temporary directory.
    static let temporaryFilesHelper = "Tests/SubledgerTestSupport/TemporaryFiles.swift"

    /// A test making its own temporary path: the temporary directory's names, the C calls that make one,
    /// or a literal path under /tmp. Such a path outlives the run unless every test remembers to delete it;
    /// `TemporaryFiles` (one folder per test process, removed at exit) does not depend on that.
    static func rawTemporaryPaths(_ file: SwiftText) -> [Violation] {
        guard file.path != temporaryFilesHelper else { return [] }
        let why =
            "makes a temporary path outside \(temporaryFilesHelper): use TemporaryDirectory, "
            + "TemporaryDatabase or TemporaryFiles.unique (removed when the test process exits)"
        var found = forbiddenWords(
            file, ["temporaryDirectory", "NSTemporaryDirectory", "mkdtemp", "mkstemp", "tmpfile"], why: why)
        for (offset, line) in file.lines.enumerated() where line.contains("\"/tmp") {
            found.append(Violation(path: file.path, line: offset + 1, message: "\"/tmp \(why)"))
        }
        return found
    }

    /// Lines longer than `limit` characters, as written.
    static func longLines(_ file: SwiftText, limit: Int) -> [(line: Int, length: Int)] {
        file.lines.enumerated().compactMap { offset, line in
            line.count > limit ? (offset + 1, line.count) : nil
        }
    }

    static func identifiers(in line: String) -> [String] {
        identifierRanges(in: Array(line.utf8)).map(\.word)
    }

    static func identifierRanges(in bytes: [UInt8]) -> [(start: Int, word: String)] {
        var found: [(Int, String)] = []
        var index = 0
        while index < bytes.count {
            guard isIdentifierHead(bytes[index]) else { index += 1; continue }
            let start = index
            while index < bytes.count, isIdentifierHead(bytes[index]) || isDigit(bytes[index]) { index += 1 }
            found.append((start, String(decoding: bytes[start..<index], as: UTF8.self)))
        }
        return found
    }

    static func isIdentifierHead(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension String {
    var trimmingPrefixSpaces: Substring { drop(while: { $0 == " " || $0 == "\t" }) }
}
