/// The tolerated excesses of today, which may only shrink (see Ratchet). Lower an entry when its
/// function or file improves; never raise one or add one: split the function or wrap the line instead.
enum Exceptions {
    static let functionLengthLimit = 70
    static let lineLengthLimit = 120

    /// "path name": lines from the declaration to its closing brace.
    static let functionLengths: [String: Int] = [
        "Sources/Subledger/Demo/DemoHistory.swift commands": 96,
        "Sources/Subledger/Queries/EventRendering.swift json": 74,
        "Sources/Subledger/Scenario/ScenarioParser.swift parseExpectation": 84,
        "Sources/Subledger/Scenario/ScenarioRunner.swift check": 82,
        "Sources/Subledger/Scenario/ScenarioRunner.swift run": 89,
        "Sources/SubledgerCodec/CSV.swift parseBytes": 99,
        "Sources/SubledgerCore/Domain/CommandDecoder.swift decode": 93,
        "Sources/SubledgerCore/Events/EventCatalog.swift decode": 127,
        "Sources/subledger/Commands/ReconcileCommand.swift text": 123,
    ]

    /// "path": how many lines of the file are longer than the limit (long string literals, mostly).
    static let longLinesPerFile: [String: Int] = [
        "Sources/Subledger/Audit/ExternalTrialBalance.swift": 4,
        "Sources/Subledger/Import/CommandReader.swift": 1,
        "Sources/Subledger/Scenario/ScenarioParser.swift": 2,
        "Sources/Subledger/Scenario/ScenarioRunner.swift": 6,
        "Sources/SubledgerCodec/CSV.swift": 2,
        "Sources/SubledgerCodec/JSON.swift": 1,
        "Sources/SubledgerCore/Domain/CommandDecoder.swift": 1,
        "Sources/SubledgerStore/EventStore+Read.swift": 1,
        "Sources/SubledgerStore/EventStore.swift": 1,
        "Sources/subledger/Commands/RecalculateCommand.swift": 1,
        "Sources/subledger/Commands/ReconcileCommand.swift": 4,
        "Sources/subledger/Commands/ReplayCommand.swift": 1,
        "Sources/subledger/Commands/ReverseCloseCommand.swift": 1,
        "Sources/subledger/Commands/SnapshotCommand.swift": 1,
        "Sources/subledger/Commands/ValueCommand.swift": 2,
        "Sources/subledger/Options.swift": 1,
        "Tests/SubledgerCodecTests/CSVTests.swift": 1,
        "Tests/SubledgerCodecTests/JSONTests.swift": 2,
        "Tests/SubledgerCoreTests/EventCatalogGoldenTests.swift": 5,
        "Tests/SubledgerStoreTests/AppendOnlyTests.swift": 1,
        "Tests/SubledgerStoreTests/SHA256Tests.swift": 1,
        "Tests/SubledgerTests/ByteFlipTests.swift": 1,
        "Tests/SubledgerTests/CommandIDTests.swift": 1,
        "Tests/SubledgerTests/ConcurrentWriterTests.swift": 2,
        "Tests/SubledgerTests/CrashTests.swift": 5,
        "Tests/SubledgerTests/FuzzOracles.swift": 2,
        "Tests/SubledgerTests/FuzzTests.swift": 6,
        "Tests/SubledgerTests/InvariantPropertyTests.swift": 8,
        "Tests/SubledgerTests/OverflowCLITests.swift": 1,
        "Tests/SubledgerTests/ReferenceHistories.swift": 1,
        "Tests/SubledgerTests/ReferenceModelTests.swift": 2,
        "Tests/SubledgerTests/ReversalTests.swift": 1,
    ]
}
