// The facade is sealed: the public API throws `LedgerError` for every store failure, and the command line
// neither imports the store nor depends on it.

import Foundation
import Subledger
import Testing

struct FacadeTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func aFileThatIsNotALedgerIsANotALedgerError() throws {
        let box = try CLITests.Sandbox()
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: box.db))
        #expect { _ = try Ledger(path: box.db, access: .existing) } throws: { error in
            if case LedgerError.notALedger = error { return true } else { return false }
        }
        #expect { _ = try LedgerLog(path: box.db, access: .existing) } throws: { error in
            if case LedgerError.notALedger = error { return true } else { return false }
        }
    }

    @Test func aWriteToAReadOnlyLedgerIsAReadOnlyError() throws {
        let box = try CLITests.Sandbox()
        _ = try Ledger(path: box.db, access: .create)
        let ledger = try Ledger(path: box.db, access: .readOnly)
        #expect { try ledger.execute(.defineItem(ItemSetup(id: "A", model: .fifo))) } throws: { error in
            guard case LedgerError.readOnly(let message) = error else { return false }
            return !message.hasPrefix("subledger:")
        }
        #expect { try LedgerLog(path: box.db, access: .readOnly).deleteSnapshots() } throws: { error in
            if case LedgerError.readOnly = error { return true } else { return false }
        }
    }

    @Test func theCommandLineSeesNoStore() throws {
        let sources = Self.packageRoot.appendingPathComponent("Sources/subledger")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("SubledgerStore") && !text.contains("StoreError"), "\(file)")
        }
        let manifest = try String(contentsOf: Self.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try #require(manifest.range(of: "name: \"subledger\",\n            dependencies: ["))
        let dependencies = manifest[target.upperBound...].prefix { $0 != "]" }
        #expect(
            dependencies.contains("\"Subledger\"") && !dependencies.contains("Store")
                && !dependencies.contains("Core"), "\(dependencies)")
    }
}
