// The JSON line fast path (DR-58) adds no language: a line it reads gives the command the general path
// (JSON tree, then `CommandDecoder`) gives, and every line it declines is read, or refused with the same
// error, by the general path. The fuzz target `FuzzTests.jsonlFastPath` mutates these shapes further.

import Testing

@testable import Subledger
@testable import SubledgerCore

struct JSONLineFastPathTests {
    static func fast(_ line: String) -> LedgerCommand? {
        Array(line.utf8).withUnsafeBytes { JSONLineFastPath.command($0) }
    }

    static func general(_ line: String) -> Result<LedgerCommand, Rejection> {
        Array(line.utf8).withUnsafeBytes { bytes in
            Result { () throws(Rejection) in try CommandReader.generalCommand(jsonLine: bytes, line: 7) }
        }
    }

    static func reader(_ line: String) -> Result<LedgerCommand, Rejection> {
        Array(line.utf8).withUnsafeBytes { bytes in
            Result { () throws(Rejection) in try CommandReader.command(jsonLine: bytes, line: 7) }
        }
    }

    /// The shapes of the bench workload and of hand-written files that the fast path reads.
    static let accepted = [
        #"{"command":"receive","date":"2026-01-01","item":"I764","tx":"R2","qty":"11","cost":"12.25","site":"S1"}"#,
        #"{"command":"issue","date":"2026-01-14","item":"I767","tx":"S484326","qty":"7","site":"S1"}"#,
        #"{"command":"invoice","date":"2026-01-14","tx":"R484038","cost":"10.25"}"#,
        #"{"command":"invoice","date":"2026-01-14","tx":"R1","qty":"2.5"}"#,
        #"{"command":"invoice","date":"2026-01-14","tx":"R1","qty":"2","cost":"0"}"#,
        #"{"command":"invoice","date":"2026-01-14","tx":"R1"}"#,
        #"{"tx":"R1","qty":"3","command":"receive","item":"A","cost":"1.5","date":"2024-02-29"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"+3","cost":".5","physical":"yes"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"5","cost":"0","kind":"journal"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"a.b-c_D","tx":"P1","qty":"1","cost":"2","#
            + #""physical":"false"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1000000000000","cost":"1000000000000"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"0.0001","cost":"-0","kind":"return"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P","qty":"1","cost":"2","site":"S","#
            + #""warehouse":"W","batch":"B","serial":"N"}"#,
        #"{"command":"issue","date":"9999-12-31","item":"A","tx":"S","qty":"1","physical":"true","kind":"production"}"#,
        #"{"command":"issue","date":"0001-01-01","item":"A","tx":"S","qty":"1","physical":"no","warehouse":"W2"}"#,
        #"{"command":"issue","date":"2026-01-02","item":""#
            + String(repeating: "A", count: 64) + #"","tx":"S","qty":"1"}"#,
    ]

    @Test(arguments: accepted)
    func readsTheCommonShapeAsTheGeneralPathDoes(_ line: String) throws {
        let fast = try #require(Self.fast(line), "the fast path declined \(line)")
        #expect(try Self.general(line).get() == fast)
    }

    /// Valid lines of another shape: declined, and read by the general path as before.
    static let unusual = [
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":1,"cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1","cost":"2","physical":true}"#,
        #" {"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1"}"#,
        #"{"command": "issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S\u0031","qty":"1"}"#,
        #"{"command":"item","item":"I0","model":"fifo","price":"10.00"}"#,
        #"{"command":"close","date":"2026-01-31"}"#,
        #"{"command":"mark","date":"2026-01-04","issue":"S1","receipt":"P1"}"#,
    ]

    @Test(arguments: unusual)
    func declinesOtherShapesWhichTheGeneralPathReads(_ line: String) throws {
        #expect(Self.fast(line) == nil)
        let command = try Self.general(line).get()
        #expect(try Self.reader(line).get() == command)
    }

    /// Invalid lines in the common shape: each declined, so the reader refuses them with the general
    /// path's own error, line number included.
    static let refused = [
        #"{"command":"receive","date":"2026-02-30","item":"A","tx":"P1","qty":"1","cost":"2"}"#,
        #"{"command":"receive","date":"2026-1-01","item":"A","tx":"P1","qty":"1","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A b","tx":"P1","qty":"1","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"","tx":"P1","qty":"1","cost":"2"}"#,
        #"{"command":"issue","date":"2026-01-02","item":""#
            + String(repeating: "A", count: 65) + #"","tx":"S","qty":"1"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"0","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"-1","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1.00001","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1000000000000.0001","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"99999999999999999999","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1e3","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"5.","cost":"2"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1","cost":"-0.01"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1","cost":"1000000000000.0001"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1","cost":"1,5"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1","cost":"2","physical":"maybe"}"#,
        #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"1","cost":"2","kind":"sale"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1","kind":"purchase"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1","cost":"2"}"#,
        #"{"command":"invoice","date":"2026-01-02","item":"A","tx":"S1"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1","site":""}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1","bogus":"1"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1","qty":"1"}"#,
        #"{"command":"issue","command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1"}"#,
        #"{"command":"Issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1"}"#,
        #"{"date":"2026-01-02","item":"A","tx":"S1","qty":"1"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1",}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1"}}"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1""#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1","qty":"1"]"#,
        #"{"command":"issue","date":"2026-01-02","item":"A","tx":"S1"."qty":"1"}"#,
        #"{"command":"issue","date":"2026-01-02","item":"Aé","tx":"S1","qty":"1"}"#,
        "{\"command\":\"issue\",\"date\":\"2026-01-02\",\"item\":\"A\tB\",\"tx\":\"S1\",\"qty\":\"1\"}",
        #"{}"#,
        #"{""#,
    ]

    @Test(arguments: refused)
    func declinesInvalidLinesAndTheGeneralPathWordsTheError(_ line: String) {
        #expect(Self.fast(line) == nil)
        guard case .failure(let rejection) = Self.general(line) else {
            Issue.record("the general path accepted \(line)")
            return
        }
        #expect(rejection.line == 7)
        #expect(Self.reader(line) == .failure(rejection))
    }

    /// Each known key is found as itself, and near misses as nothing.
    @Test func matchesExactlyTheKnownKeys() {
        func match(_ key: String) -> JSONLineFastPath.Key? {
            Array(key.utf8).withUnsafeBytes { JSONLineFastPath.match($0, 0..<$0.count) }
        }
        for (index, key) in JSONLineFastPath.keys.enumerated() {
            #expect(match(key.description) == JSONLineFastPath.Key(rawValue: index), "\(key)")
        }
        for miss in ["", "c", "commanD", "cosT", "sitE", "site ", "serials", "qtY", "tX", "Date", "warehous"] {
            #expect(match(miss) == nil, "\(miss)")
        }
    }

    /// Money and quantity text parse to the same fixed-point values on both paths.
    @Test(arguments: ["1", "12.5", "12.50", "0.0001", "+7", ".25", "000012.3400", "999999999999.9999"])
    func parsesFiguresAsTheGeneralPath(_ figure: String) throws {
        let line =
            #"{"command":"receive","date":"2026-01-02","item":"A","tx":"P1","qty":"\#(figure)","cost":"\#(figure)"}"#
        let fast = try #require(Self.fast(line))
        #expect(try Self.general(line).get() == fast)
        guard case .receive(let receive) = fast else { Issue.record("not a receipt: \(fast)"); return }
        #expect(receive.quantity == (try Quantity(parsing: figure)))
        #expect(receive.unitPrice == (try UnitPrice(parsing: figure)))
    }
}
