import ArgumentParser
import Subledger

struct ScenarioCommand: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Run scenario files, each against a fresh in-memory ledger.",
        discussion: """
            Prints PASS or FAIL per file and, for each failure, "file:line: statement" and what was \
            expected and found. A directory runs every *.scenario file under it. Exits 0 only when every \
            file passes. Does not touch --db. The notation: design/scenario-notation.md.

            Examples:
              subledger scenario Scenarios/practitioner/blog-fifo-posted.scenario
              subledger scenario Scenarios
            """)

    @Argument(help: "Scenario files or directories.") var files: [String]
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file or directory") }
    }

    func run() throws {
        var paths: [String] = []
        for file in files {
            if Files.isDirectory(file) {
                let found = Files.files(under: file, suffix: ".scenario")
                if found.isEmpty { throw CLIError.noInput("no .scenario files under \(file)") }
                paths += found
            } else {
                paths.append(file)
            }
        }
        var reports: [ScenarioReport] = []
        for path in paths {
            let bytes = try Files.readBytes(path)
            let report = ScenarioRunner.run(file: path, text: String(decoding: bytes, as: UTF8.self))
            reports.append(report)
            if !output.json { print(Self.text(report)) }
        }
        let failed = reports.filter { !$0.passed }.count
        if output.json {
            JSONOut.print(Self.json(reports))
        } else if reports.count > 1 {
            print("\(reports.count - failed) passed, \(failed) failed")
        }
        if failed > 0 { throw CheckFailed() }
    }

    static func text(_ report: ScenarioReport) -> String {
        guard !report.passed else {
            return "PASS \(report.file) (\(report.statements) statements, \(report.expectationsChecked) expectations)"
        }
        var lines = ["FAIL \(report.file)"]
        for failure in report.failures {
            lines.append("  \(failure.file):\(failure.line): \(failure.statement)")
            lines.append("      \(failure.message)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ reports: [ScenarioReport]) -> JSONValue {
        [
            "passed": .bool(reports.allSatisfy(\.passed)),
            "files": .array(
                reports.map { report in
                    [
                        "file": .string(report.file),
                        "passed": .bool(report.passed),
                        "statements": JSONOut.int(report.statements),
                        "expectations": JSONOut.int(report.expectationsChecked),
                        "failures": .array(
                            report.failures.map { failure in
                                [
                                    "line": JSONOut.int(failure.line), "statement": .string(failure.statement),
                                    "message": .string(failure.message),
                                ]
                            }),
                    ]
                }),
        ]
    }
}
