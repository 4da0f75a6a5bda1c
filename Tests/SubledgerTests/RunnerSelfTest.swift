import Subledger
import Testing

/// The runner must fail wrong expectations: a scenario test that cannot fail would prove nothing.
struct ScenarioRunnerSelfTests {
    @Test func wrongExpectationsFail() {
        let text = """
            item A model=fifo
            2026-01-01 receive A P1 qty=1 cost=10.00
            expect posted P1 11.00
            expect onhand A qty=1 value=10.01
            expect gl inventory 9.00
            2026-01-02 issue A S1 qty=0
            2026-01-03 issue A S2 qty=1
            expect rejected negative-inventory
            expect reconciled
            """
        let report = ScenarioRunner.run(file: "self-test", text: text)
        #expect(report.failures.map(\.line) == [3, 4, 5, 6, 8])
    }

    @Test func parseErrorNamesTheLineAndRunsNothing() {
        let report = ScenarioRunner.run(
            file: "x", text: "item A model=fifo\n2026-01-01 receive A P1 qty=1 cost=1 colour=red\n")
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.line == 2)
        #expect(report.failures.first?.message.contains("colour") == true)
    }

    @Test func unknownStatementIsAParseError() {
        let report = ScenarioRunner.run(file: "x", text: "item A model=fifo\nfrobnicate A\n")
        #expect(report.failures.first?.line == 2)
    }
}
