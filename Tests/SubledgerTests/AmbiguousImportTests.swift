import Subledger
import SubledgerCore
import Testing

/// Import files that could be read two ways are refused: an empty yes/no in JSON Lines, a CSV header
/// naming a column twice. A CSV header is matched case-insensitively and cells are trimmed, like the
/// `--gl` trial balance.
struct AmbiguousImportTests {
    static let setup = #"{"command":"item","item":"F","model":"fifo"}"# + "\n"

    @Test func anEmptyPhysicalInJSONLinesIsMalformed() throws {
        let line = #"{"command":"receive","date":"2026-01-02","item":"F","tx":"P1","qty":"1","cost":"1","physical":""}"#
        try ImportTests.expectRejected(
            Self.setup + line + "\n", format: .jsonl, code: .malformed, line: 2, field: "physical")
    }

    @Test func aTrackedDimensionLeftOutOfAnImportIsMissing() throws {
        let text =
            #"{"command":"item","item":"W","model":"fifo","dimensions":"site,warehouse"}"# + "\n"
            + #"{"command":"receive","date":"2026-01-02","item":"W","tx":"P1","qty":"1","cost":"1","site":"S1"}"# + "\n"
        try ImportTests.expectRejected(text, format: .jsonl, code: .missingField, line: 2, field: "warehouse")
    }

    @Test(arguments: [
        "command,date,item,tx,qty,cost,qty\n",
        "command,date,item,tx,QTY,cost, qty \n",
        "command,Command,date,item,tx,qty,cost\n",
    ])
    func aCSVHeaderNamingAColumnTwiceIsRefusedOnLine1(header: String) throws {
        let text = header + "receive,2026-01-02,F,P1,1,1,1\n"
        try ImportTests.expectRejected(text, format: .csv, code: .malformed, line: 1, prepare: Self.defineF)
    }

    static func defineF(_ ledger: Ledger) throws {
        try ledger.execute(.defineItem(ItemSetup(id: "F", model: .fifo)))
    }

    @Test func aCSVHeaderIsMatchedCaseInsensitivelyAndCellsAreTrimmed() throws {
        let ledger = try Ledger(path: ":memory:")
        try Self.defineF(ledger)
        let text =
            " Command ,DATE,Item,TX, Qty,Cost,Physical\n"
            + "receive , 2026-01-02,F , P1,\t5 ,10.00, no\n"
            + " issue,2026-01-03, F,S1 ,2,, yes \n"
        try ledger.importFile(bytes: Array(text.utf8), format: .csv)
        #expect(ledger.state.transactions["P1"]?.quantity == Quantity(whole: 5))
        #expect(ledger.state.transactions["S1"]?.physicalOpenQuantity == Quantity(whole: 2))
    }
}
