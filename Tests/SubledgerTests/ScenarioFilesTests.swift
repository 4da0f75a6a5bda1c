import Foundation
import Subledger
import Testing

/// Runs every file under Scenarios/ (the worked examples and our own) through the scenario runner.
struct ScenarioFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    static func allScenarioFiles() -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".scenario") }.sorted()
    }

    @Test func scenariosExist() {
        #expect(Self.allScenarioFiles().count >= 20, "Scenarios/ at \(Self.root.path) holds too few files")
    }

    @Test(arguments: allScenarioFiles())
    func scenarioPasses(_ path: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
        let report = ScenarioRunner.run(file: path, text: text)
        #expect(report.expectationsChecked > 0, "\(path) checks nothing")
        for failure in report.failures { Issue.record("\(failure)") }
    }
}
