import Testing

/// The checkers on synthetic sources: each rule must catch a planted fault and ignore its look-alikes in
/// comments and string literals, or the tree tests could pass by seeing nothing.
struct TidySelfTests {
    static func file(_ text: String, path: String = "Sources/SubledgerCore/Planted.swift") -> SwiftText {
        SwiftText(path: path, text: text)
    }

    @Test func aForbiddenImportIsCaughtWithItsLine() {
        let source = Self.file("// import SubledgerStore\nimport Swift\n@_exported import SubledgerStore\n")
        let violations = Checks.forbiddenImports(source, target: "SubledgerCore", allowed: ["Swift"])
        #expect(violations.map(\.line) == [3])
        #expect(violations.first?.description.hasPrefix("Sources/SubledgerCore/Planted.swift:3: ") == true)
        #expect(violations.first?.message.contains("may not import SubledgerStore") == true)
    }

    @Test func importKindsAndSubmodulesNameTheirModule() {
        let source = Self.file("import struct Glibc.timespec\n@testable import Subledger.Facade\n")
        #expect(Checks.imports(source).map(\.module) == ["Glibc", "Subledger"])
    }

    @Test func glibcMustBeGuarded() {
        let bare = Self.file("import Glibc\nlet x = Glibc.write\n")
        #expect(Checks.unguardedGlibc(bare).map(\.line) == [1, 2])
        let guarded = Self.file(
            "#if os(Linux)\n#if canImport(Glibc)\nimport Glibc\n#if DEBUG\n#endif\nlet y = Glibc.write\n"
                + "#else\nlet z = Glibc.write\n#endif\n#endif\n")
        #expect(Checks.unguardedGlibc(guarded).map(\.line) == [8])
    }

    @Test func forbiddenWordsCountInCodeOnly() {
        let source = Self.file(
            """
            let a: Double = 1  // a Double in a comment is fine
            let b = "Float \\(Double(2)) Date()"
            /* Float /* nested */ Date() */ let c = Date()
            let d = BusinessDate(), e = DoubleEntry()
            """)
        let words = Checks.forbiddenWords(source, ["Double", "Float"], why: "forbidden")
        #expect(words.map(\.line) == [1, 2])  // the interpolation's Double is code
        #expect(Checks.clockReads(source).map(\.line) == [3])
    }

    @Test func aFunctionOf71LinesIsCaughtAnd70IsNot() {
        func function(_ name: String, lines: Int) -> String {
            let body = (0..<(lines - 2)).map { "    let v\($0) = \"}\" // }" }.joined(separator: "\n")
            return "func \(name)() {\n\(body)\n}\n"
        }
        let source = Self.file(function("short", lines: 70) + function("long", lines: 71))
        let bodies = FunctionLengths.bodies(source)
        #expect(bodies.map(\.name) == ["short", "long"])
        #expect(bodies.map(\.length) == [70, 71])
        #expect(bodies.map(\.line) == [1, 71])
    }

    @Test func initsComputedPropertiesAndRequirementsAreMeasuredRightly() {
        let source = Self.file(
            """
            protocol P {
                func requirement() -> Int
                var property: Int { get }
            }
            struct S {
                var stored = 1 { didSet {} }
                var computed: () -> Int {
                    { 1 }
                }
                init(x: [Int] = [].map { $0 }) where T: Equatable {
                    self.init()
                    for var i in 0..<2 {
                        i += 1
                    }
                }
                static func == (lhs: S, rhs: S) -> Bool { true }
            }
            """)
        let bodies = FunctionLengths.bodies(source).map { "\($0.name) \($0.line) \($0.length)" }
        #expect(bodies == ["property 3 1", "computed 7 3", "init 10 6", "== 16 1"])
    }

    @Test func aLineOf121ColumnsIsCaughtAnd120IsNot() {
        let source = Self.file(String(repeating: "x", count: 120) + "\n" + String(repeating: "é", count: 121) + "\n")
        #expect(Checks.longLines(source, limit: 120).map(\.line) == [2])
    }

    @Test func aRawTemporaryPathIsCaughtOutsideTheHelper() {
        let text = """
            // temporaryDirectory in a comment
            let a = FileManager.default.temporaryDirectory
            let b = "temporaryDirectory"
            let c = URL(fileURLWithPath: "/tmp/x")
            let d = mkdtemp(&template)
            """
        let planted = Self.file(text, path: "Tests/SubledgerTests/Planted.swift")
        #expect(Checks.rawTemporaryPaths(planted).map(\.line) == [2, 5, 4])
        #expect(Checks.rawTemporaryPaths(Self.file(text, path: Checks.temporaryFilesHelper)).isEmpty)
    }

    @Test func theRatchetOnlyShrinks() {
        let ratchet = Ratchet(limit: 70, what: "function", fix: "split it")
        let listed = ["A.swift f": 80, "B.swift g": 90, "C.swift h": 75]
        let measured = ["A.swift f": 80, "B.swift g": 91, "C.swift h": 74, "D.swift new": 71]
        let messages = ratchet.violations(measured: measured, listed: listed, lines: [:]).map(\.description)
        #expect(messages.count == 3)
        #expect(messages.contains { $0.hasPrefix("B.swift:1: function g grew to 91") })
        #expect(messages.contains { $0.hasPrefix("C.swift:1: function h shrank to 74: lower its exception") })
        #expect(messages.contains { $0.hasPrefix("D.swift:1: function new is 71 (limit 70)") })
        let gone = ratchet.violations(measured: [:], listed: ["A.swift f": 80], lines: [:]).map(\.description)
        #expect(gone.count == 1 && gone[0].contains("remove its exception"))
    }
}
