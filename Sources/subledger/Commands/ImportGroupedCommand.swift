// `import --group N`: the file line by line, N lines per transaction (Ledger.importFile(groupSize:)).

import ArgumentParser
import Subledger

extension ImportCommand {
    func runGrouped(_ bytes: [UInt8], ledger: Ledger, groupSize: Int) throws {
        let start = Terminal.nanoseconds()
        let outcome = try ProgressLine.showing("importing", unit: "lines") { progress in
            try ledger.importFile(
                bytes: bytes, format: resolvedFormat!, commandID: idempotency.commandID, groupSize: groupSize,
                progress: progress)
        }
        let elapsed = Terminal.nanoseconds() - start
        if output.json {
            var o = JSONObjectBuilder()
            o.add("file", .string(file))
            o.add("lines", JSONOut.int(outcome.lines))
            o.add("appended", JSONOut.int(outcome.appended))
            o.add("events", JSONOut.int(outcome.events))
            o.add("already_applied", JSONOut.int(outcome.duplicates))
            o.add("transactions", JSONOut.int(outcome.groups))
            o.add("milliseconds", JSONOut.int(elapsed / 1_000_000))
            o.add("refused", .array(outcome.refused.map(Self.json)))
            JSONOut.print(o.value)
        } else {
            print(
                "imported \(inputName) line by line: \(outcome.appended) commands appended (\(outcome.events) "
                    + "events), \(outcome.duplicates) already applied, \(outcome.refused.count) refused, in "
                    + "\(outcome.groups) transactions of up to \(groupSize) lines, \(Terminal.seconds(elapsed))")
            for refused in outcome.refused {
                Terminal.writeError(SafeText.escaped(refused.error.description) + "\n")
            }
        }
        if !outcome.refused.isEmpty { throw ExitCode(2) }
    }

    static func json(_ refused: GroupedImport.RefusedLine) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("line", JSONOut.int(refused.line))
        if case .rejected(let rejection) = refused.error {
            o.add("error", .string(rejection.code.rawValue))
            o.add("field", rejection.field.map { .string($0) } ?? .null)
            o.add("message", .string(rejection.message))
        } else {
            o.add("error", .string("storage"))
            o.add("message", .string(refused.error.description))
        }
        return o.value
    }
}
