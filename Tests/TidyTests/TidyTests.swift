import Testing

/// House rules that review keeps missing, checked on the tree as committed: layering (who may import
/// whom), no Foundation in the binary, no floating point or clock in Core, guarded Glibc imports, and a
/// ratchet on function length and line length. Each failure names file:line and what to do.
struct TidyTests {
    static let sources = SourceTree.swiftFiles(under: "Sources")
    static let tests = SourceTree.swiftFiles(under: "Tests")
    static let tools = SourceTree.swiftFiles(under: "tools")

    static func record(_ violations: [Violation]) {
        for violation in violations { Issue.record("\(violation)") }
    }

    @Test func theTreeIsFound() {
        #expect(Self.sources.count > 50 && Self.tests.count > 20 && !Self.tools.isEmpty)
        #expect(Self.sources.contains { $0.path == "Sources/SubledgerCore/Projection/HugePages.swift" })
    }

    @Test func eachTargetImportsOnlyWhatItsLayerAllows() {
        for file in Self.sources + Self.tools {
            let target = SourceTree.target(of: file.path)
            guard let allowed = Layering.allowedImports[target] else {
                Issue.record(
                    "\(file.path):1: target \(target) has no import allow-list: add it to TidyTests/Layering.swift")
                continue
            }
            let extra = Layering.fileExceptions[file.path] ?? []
            Self.record(Checks.forbiddenImports(file, target: target, allowed: allowed.union(extra)))
        }
    }

    @Test func glibcImportsAreGuardedForMacOS() {
        for file in Self.sources + Self.tests + Self.tools { Self.record(Checks.unguardedGlibc(file)) }
    }

    @Test func noFoundationInTheBinary() {
        for file in Self.sources {
            let uses = Checks.identifiers(in: file.codeLines.joined(separator: "\n")).filter {
                $0.hasPrefix("Foundation")
            }
            guard !uses.isEmpty else { continue }
            Self.record(
                Checks.forbiddenWords(
                    file, Set(uses),
                    why: "in Sources/: the binary does not link Foundation (house policy); use the standard library, "
                        + "the codec target or a Glibc/Darwin call"))
        }
    }

    @Test func coreHasNoFloatingPointAndNoClock() {
        for file in Self.sources where SourceTree.target(of: file.path) == "SubledgerCore" {
            Self.record(
                Checks.forbiddenWords(
                    file, ["Double", "Float", "Float16", "Float32", "Float64", "Float80"],
                    why: "in SubledgerCore: amounts and quantities are fixed-point; use the Numbers types"))
            Self.record(Checks.clockReads(file))
        }
    }

    @Test func testsMakeTemporaryFilesThroughTheHelper() {
        // The checker's own sources plant the patterns it looks for; they make no files.
        for file in Self.tests where !file.path.hasPrefix("Tests/TidyTests/") {
            Self.record(Checks.rawTemporaryPaths(file))
        }
    }

    @Test func functionsStayShort() {
        var measured: [String: Int] = [:], lines: [String: Int] = [:]
        for file in Self.sources {
            for body in FunctionLengths.bodies(file) where body.length > Exceptions.functionLengthLimit {
                let key = "\(file.path) \(body.name)"
                if body.length > measured[key] ?? 0 { (measured[key], lines[key]) = (body.length, body.line) }
            }
        }
        let ratchet = Ratchet(
            limit: Exceptions.functionLengthLimit, what: "function",
            fix: "split it into smaller functions, each with one job")
        let violations = ratchet.violations(measured: measured, listed: Exceptions.functionLengths, lines: lines)
        Self.record(violations)
        if !violations.isEmpty { Issue.record("the list that would pass today:\n\(Ratchet.listing(measured))") }
    }

    @Test func linesStayNarrow() {
        var measured: [String: Int] = [:], lines: [String: Int] = [:]
        for file in Self.sources + Self.tests {
            let long = Checks.longLines(file, limit: Exceptions.lineLengthLimit)
            guard let first = long.first else { continue }
            (measured[file.path], lines[file.path]) = (long.count, first.line)
        }
        let ratchet = Ratchet(
            limit: Exceptions.lineLengthLimit, what: "file",
            fix: "wrap the lines (`tools/format.sh`), and break long string literals with +")
        let violations = ratchet.violations(measured: measured, listed: Exceptions.longLinesPerFile, lines: lines)
        Self.record(violations)
        if !violations.isEmpty { Issue.record("the list that would pass today:\n\(Ratchet.listing(measured))") }
    }
}
