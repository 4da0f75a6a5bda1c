import Testing

@testable import SubledgerCore

/// One table of command names: what the decoder accepts under a name is the command the ledger records
/// under that name, and the keys it accepts are the table's.
struct CommandNameTests {
    static let samples: [(CommandName, [(String, String)])] = [
        (.item, [("item", "A"), ("model", "fifo")]),
        (.accounts, [("group", "g"), ("inventory", "1400")]),
        (.receive, [("date", "2026-01-02"), ("item", "A"), ("tx", "P1"), ("qty", "1"), ("cost", "2")]),
        (.issue, [("date", "2026-01-02"), ("item", "A"), ("tx", "S1"), ("qty", "1")]),
        (.invoice, [("date", "2026-01-02"), ("tx", "P1")]),
        (.mark, [("date", "2026-01-02"), ("issue", "S1"), ("receipt", "P1")]),
        (
            .transfer,
            [
                ("date", "2026-01-02"), ("item", "A"), ("tx", "T1"), ("qty", "1"), ("from", "site:S1"),
                ("to", "site:S2"),
            ]
        ),
        (.standardCost, [("date", "2026-01-02"), ("item", "A"), ("price", "3")]),
        (.revalue, [("date", "2026-01-02"), ("item", "A"), ("price", "3")]),
        (.adjust, [("date", "2026-01-02"), ("tx", "P1"), ("amount", "1")]),
        (.close, [("date", "2026-01-31")]),
        (.recalculate, [("date", "2026-01-31")]),
        (.reverseClose, []),
    ]

    @Test func aDecodedCommandIsNamedAsItWasGiven() throws {
        #expect(Self.samples.map(\.0) == CommandName.allCases)
        #expect(CommandDecoder.commandNames == CommandName.allCases.map(\.rawValue))
        for (name, fields) in Self.samples {
            let command = try CommandDecoder.decode(command: name.rawValue, CommandFields(fields))
            #expect(CommandName(command) == name)
        }
    }

    @Test func theDecoderAcceptsTheTablesKeys() {
        for name in CommandName.allCases {
            do {
                _ = try CommandDecoder.decode(command: name.rawValue, CommandFields([("no-such-key", "1")]))
                Issue.record("\(name) took an unknown key")
            } catch {
                #expect(error.message.hasSuffix("valid: \(name.allowedKeys.sorted().joined(separator: ", "))"))
            }
        }
        #expect(throws: Rejection.self) { try CommandDecoder.decode(command: "sell", CommandFields()) }
    }
}
