import SubledgerCodec
import Testing

private func csvError(_ text: String) -> CSVSyntaxError? {
    do {
        let records = try CSV.parse(text)
        Issue.record("expected a CSV syntax error for \(text.debugDescription), parsed \(records)")
        return nil
    } catch {
        return error
    }
}

private func fields(_ records: [CSVRecord]) -> [[String]] { records.map(\.fields) }

/// Writes records the RFC 4180 way: quote a field when it contains ',', '"', CR or LF, or when it
/// is the only field of its record and empty (an empty line would be skipped as blank).
private func writeCSV(_ rows: [[String]], lineEnding: String) -> String {
    var text = ""
    for row in rows {
        let encoded = row.map { field -> String in
            let needsQuotes =
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r\n" || $0 == "\r" || $0 == "\n" })
                || (row.count == 1 && field.isEmpty)
            guard needsQuotes else { return field }
            return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
        }
        text += encoded.joined(separator: ",") + lineEnding
    }
    return text
}

extension String {
    /// Standard-library-only replace (no Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}

@Suite("CSV parsing")
struct CSVParsingTests {
    @Test func parsesSimpleRecordsWithLineNumbers() throws {
        let records = try CSV.parse("date,item,qty\n2026-01-01,ITEM-1,10\n2026-01-02,ITEM-2,-3.5\n")
        #expect(
            records == [
                CSVRecord(line: 1, fields: ["date", "item", "qty"]),
                CSVRecord(line: 2, fields: ["2026-01-01", "ITEM-1", "10"]),
                CSVRecord(line: 3, fields: ["2026-01-02", "ITEM-2", "-3.5"]),
            ])
    }

    @Test func trailingNewlineIsOptional() throws {
        #expect(fields(try CSV.parse("a,b\nc,d")) == [["a", "b"], ["c", "d"]])
        #expect(fields(try CSV.parse("a,b\nc,d\n")) == [["a", "b"], ["c", "d"]])
        #expect(fields(try CSV.parse("a,b\r\nc,d\r\n")) == [["a", "b"], ["c", "d"]])
        #expect(fields(try CSV.parse("a,b\r\nc,d")) == [["a", "b"], ["c", "d"]])
    }

    @Test func mixedLineEndings() throws {
        let records = try CSV.parse("a\r\nb\nc\r\n")
        #expect(
            records == [
                CSVRecord(line: 1, fields: ["a"]),
                CSVRecord(line: 2, fields: ["b"]),
                CSVRecord(line: 3, fields: ["c"]),
            ])
    }

    @Test func emptyInput() throws {
        #expect(try CSV.parse("").isEmpty)
        #expect(try CSV.parse("\n\r\n\n").isEmpty)
        #expect(try CSV.parse("\u{FEFF}").isEmpty)
    }

    @Test func skipsBlankLinesButCountsThem() throws {
        let records = try CSV.parse("\na,b\n\n\r\nc,d\n\n")
        #expect(
            records == [
                CSVRecord(line: 2, fields: ["a", "b"]),
                CSVRecord(line: 5, fields: ["c", "d"]),
            ])
    }

    @Test func ignoresLeadingByteOrderMarkOnly() throws {
        #expect(try CSV.parse("\u{FEFF}a,b\n") == [CSVRecord(line: 1, fields: ["a", "b"])])
        // A BOM elsewhere is ordinary data.
        #expect(fields(try CSV.parse("a,\u{FEFF}b\n")) == [["a", "\u{FEFF}b"]])
    }

    @Test func emptyFields() throws {
        #expect(fields(try CSV.parse(",\n")) == [["", ""]])
        #expect(fields(try CSV.parse("a,,b,\n")) == [["a", "", "b", ""]])
        #expect(fields(try CSV.parse("a,")) == [["a", ""]])
        #expect(fields(try CSV.parse(",a")) == [["", "a"]])
        #expect(fields(try CSV.parse("\"\"\n")) == [[""]])
        #expect(fields(try CSV.parse("\"\",\"\"")) == [["", ""]])
    }

    @Test func keepsWhitespaceAndUnicodeVerbatim() throws {
        #expect(fields(try CSV.parse(" a , b \n")) == [[" a ", " b "]])
        #expect(fields(try CSV.parse("名前,値😀,é\n")) == [["名前", "値😀", "é"]])
        #expect(fields(try CSV.parse("  \n")) == [["  "]])
    }

    @Test func quotedFields() throws {
        let text = #""a,b","say ""hi""",plain,"""","""""""# + "\n"
        let records = try CSV.parse(text)
        #expect(fields(records) == [["a,b", #"say "hi""#, "plain", "\"", "\"\""]])
    }

    @Test func quotedFieldsWithEmbeddedNewlinesShiftLineNumbers() throws {
        let records = try CSV.parse("id,note\n1,\"line one\nline two\r\nline three\"\n2,\"x\"\r\n\n3,y")
        #expect(
            records == [
                CSVRecord(line: 1, fields: ["id", "note"]),
                CSVRecord(line: 2, fields: ["1", "line one\nline two\r\nline three"]),
                CSVRecord(line: 5, fields: ["2", "x"]),
                CSVRecord(line: 7, fields: ["3", "y"]),
            ])
    }

    @Test func quotedFieldMayContainOnlyALineBreak() throws {
        #expect(
            try CSV.parse("\"\n\",a\nb") == [
                CSVRecord(line: 1, fields: ["\n", "a"]),
                CSVRecord(line: 3, fields: ["b"]),
            ])
    }

    @Test func recordsMayHaveDifferentFieldCounts() throws {
        #expect(fields(try CSV.parse("a\nb,c,d\ne,f\n")) == [["a"], ["b", "c", "d"], ["e", "f"]])
    }
}

struct CSVErrorCase: CustomTestStringConvertible, Sendable {
    var input: String
    var line: Int
    var message: String
    var testDescription: String { input.debugDescription }
}

@Suite("CSV syntax errors")
struct CSVErrorTests {
    static let cases: [CSVErrorCase] = [
        CSVErrorCase(input: "a,\"bc\n", line: 1, message: "unterminated quoted field"),
        CSVErrorCase(input: "x\ny\n\"a\nb\nc", line: 3, message: "unterminated quoted field"),
        CSVErrorCase(input: "\"", line: 1, message: "unterminated quoted field"),
        CSVErrorCase(input: "a,\"b\"\"\n", line: 1, message: "unterminated quoted field"),
        CSVErrorCase(
            input: "a,b\nc,d\"e\n", line: 2,
            message: "unexpected '\"' in unquoted field (quote the whole field and double any embedded quote)"),
        CSVErrorCase(
            input: "a\"", line: 1,
            message: "unexpected '\"' in unquoted field (quote the whole field and double any embedded quote)"),
        CSVErrorCase(
            input: "a, \"b\"\n", line: 1,
            message: "unexpected '\"' in unquoted field (quote the whole field and double any embedded quote)"),
        CSVErrorCase(
            input: "ok\n\"ab\"c,d\n", line: 2,
            message: "unexpected 'c' after closing quote, expected ',' or end of line"),
        CSVErrorCase(
            input: "\"a\nb\" ,c", line: 2,
            message: "unexpected byte 0x20 after closing quote, expected ',' or end of line"),
        CSVErrorCase(
            input: "\"a\"\r", line: 1, message: "unexpected byte 0x0D after closing quote, expected ',' or end of line"),
        CSVErrorCase(input: "a\rb\n", line: 1, message: "carriage return not followed by line feed"),
        CSVErrorCase(input: "a\n\n\r", line: 3, message: "carriage return not followed by line feed"),
    ]

    @Test(arguments: cases)
    func reportsLineAndMessage(_ errorCase: CSVErrorCase) {
        #expect(csvError(errorCase.input) == CSVSyntaxError(line: errorCase.line, message: errorCase.message))
    }

    @Test func errorDescriptionNamesTheLine() {
        let error = CSVSyntaxError(line: 4, message: "unterminated quoted field")
        #expect(error.description == "CSV syntax error on line 4: unterminated quoted field")
    }
}

@Suite("CSV properties")
struct CSVPropertyTests {
    static let pieces: [String] = ["a", "Z", "0", " ", ",", "\"", "\n", "\r\n", "é", "😀", "\t", "x y", "12.50", ""]

    @Test(arguments: CodecTestEnvironment.seeds(default: [11, 12, 13, 0xC5F]))
    func randomTablesRoundTrip(seed: UInt64) throws {
        var rng = CodecRandom(seed: seed)
        for iteration in 0..<200 {
            let rows: [[String]] = (0..<(1 + rng.below(6))).map { _ in
                (0..<(1 + rng.below(5))).map { _ in
                    (0..<rng.below(5)).map { _ in Self.pieces[rng.below(Self.pieces.count)] }.joined()
                }
            }
            let lineEnding = rng.chance(50) ? "\n" : "\r\n"
            var text = writeCSV(rows, lineEnding: lineEnding)
            if rng.chance(30) { text.removeLast() }  // drop the final line ending (CRLF is one Character)
            let records: [CSVRecord]
            do {
                records = try CSV.parse(text)
            } catch {
                Issue.record("seed \(seed) iteration \(iteration): \(error) for \(text.debugDescription)")
                return
            }
            #expect(fields(records) == rows, "seed \(seed) iteration \(iteration): \(text.debugDescription)")
            // Each record starts on the line after the previous record's last line break.
            var expectedLine = 1
            for (index, row) in rows.enumerated() where index < records.count {
                #expect(records[index].line == expectedLine, "seed \(seed) iteration \(iteration) record \(index)")
                expectedLine += 1 + row.reduce(0) { $0 + $1.utf8.filter { $0 == 0x0A }.count }
            }
        }
    }
}
