/// CSV (RFC 4180) reading: comma separator, `"`-quoted fields with `""` escapes and embedded line
/// breaks, CRLF or LF line endings, optional final line ending, a leading UTF-8 BOM ignored, and
/// empty lines skipped. Fields are returned verbatim (no trimming); a quoted field keeps its embedded
/// line breaks exactly as written.
public struct CSVRecord: Equatable, Sendable {
    /// 1-based line on which the record starts.
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

public struct CSVSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the problem (for an unterminated quote: the line where the quote opened).
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "CSV syntax error on line \(line): \(message)" }
}

public enum CSV {
    public static func parse(_ text: String) throws(CSVSyntaxError) -> [CSVRecord] {
        let result: Result<[CSVRecord], CSVSyntaxError> = CodecBytes.withContiguousUTF8(text) { bytes in
            do throws(CSVSyntaxError) {
                return .success(try parseBytes(bytes))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    private static func parseBytes(_ bytes: UnsafeBufferPointer<UInt8>) throws(CSVSyntaxError) -> [CSVRecord] {
        let count = bytes.count
        var i = 0
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            i = 3
        }
        var line = 1
        var records: [CSVRecord] = []
        var scratch: [UInt8] = []
        var fieldCapacity = 8

        while i < count {
            // Skip empty lines.
            if bytes[i] == lf {
                line += 1
                i += 1
                continue
            }
            if bytes[i] == cr && i + 1 < count && bytes[i + 1] == lf {
                line += 1
                i += 2
                continue
            }

            let recordLine = line
            var fields: [String] = []
            fields.reserveCapacity(fieldCapacity)
            var recordDone = false
            while !recordDone {
                if i < count && bytes[i] == quote {
                    let openLine = line
                    i += 1
                    scratch.removeAll(keepingCapacity: true)
                    var runStart = i
                    while true {
                        guard i < count else {
                            throw CSVSyntaxError(line: openLine, message: "unterminated quoted field")
                        }
                        let byte = bytes[i]
                        if byte == quote {
                            if i + 1 < count && bytes[i + 1] == quote {
                                // Keep one quote of the pair.
                                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...i]))
                                i += 2
                                runStart = i
                                continue
                            }
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                            i += 1
                            break
                        }
                        if byte == lf { line += 1 }
                        i += 1
                    }
                    fields.append(scratch.withUnsafeBufferPointer { CodecBytes.makeString($0) })
                    if i < count && bytes[i] != comma && bytes[i] != lf
                        && !(bytes[i] == cr && i + 1 < count && bytes[i + 1] == lf)
                    {
                        throw CSVSyntaxError(
                            line: line,
                            message:
                                "unexpected \(CodecBytes.describeByte(bytes[i])) after closing quote, expected ',' or end of line"
                        )
                    }
                } else {
                    let start = i
                    while i < count {
                        let byte = bytes[i]
                        if byte == comma || byte == lf || byte == cr { break }
                        if byte == quote {
                            throw CSVSyntaxError(
                                line: line,
                                message:
                                    "unexpected '\"' in unquoted field (quote the whole field and double any embedded quote)"
                            )
                        }
                        i += 1
                    }
                    fields.append(CodecBytes.makeString(bytes.baseAddress! + start, count: i - start))
                    if i < count && bytes[i] == cr && !(i + 1 < count && bytes[i + 1] == lf) {
                        throw CSVSyntaxError(line: line, message: "carriage return not followed by line feed")
                    }
                }
                // Now at ',', a line ending, or the end of input.
                if i >= count {
                    recordDone = true
                } else if bytes[i] == comma {
                    i += 1
                } else {
                    i += bytes[i] == cr ? 2 : 1
                    line += 1
                    recordDone = true
                }
            }
            fieldCapacity = fields.count
            records.append(CSVRecord(line: recordLine, fields: fields))
        }
        return records
    }
}
