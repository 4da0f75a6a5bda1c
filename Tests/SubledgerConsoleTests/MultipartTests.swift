// The console's multipart/form-data reader: a browser's body read back, every malformed body refused
// with its stable code, and a seeded mutation fuzzer (like Tests/SubledgerTests/FuzzTests.swift) whose
// every outcome is a form or a `MultipartError`, and whose unmutated forms read back as written.

import Foundation
import HTTPTypes
import Hummingbird
import Subledger
import Testing

@testable import SubledgerConsole

@Suite struct MultipartTests {
    static let boundary = "----WebKitFormBoundaryx7JqF3rYk2bN9sLw"

    /// A body as Chromium sends it: each part's headers, a blank line, its content, CRLF-ended delimiters.
    static func body(_ parts: [(headers: [String], content: String)], boundary: String = boundary) -> [UInt8] {
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\n" + part.headers.map { $0 + "\r\n" }.joined() + "\r\n" + part.content + "\r\n"
        }
        return Array((text + "--\(boundary)--\r\n").utf8)
    }

    static let chromium = body([
        (["Content-Disposition: form-data; name=\"csrf\""], "0123abcd"),
        (
            [
                "Content-Disposition: form-data; name=\"trial_balance\"; filename=\"tb 1.csv\"",
                "Content-Type: text/csv",
            ],
            "account,balance\r\n1400,12.50\n--not-the-boundary\r\n"
        ),
        (["Content-Disposition: form-data; name=\"date\""], ""),
    ])

    @Test func aBrowsersBodyReadsBackPartByPart() throws {
        let form = try MultipartForm.parse(Self.chromium, contentType: "multipart/form-data; boundary=\(Self.boundary)")
        #expect(form.parts.map(\.name) == ["csrf", "trial_balance", "date"])
        #expect(try form.text("csrf") == "0123abcd")
        #expect(form["trial_balance"]?.filename == "tb 1.csv")
        #expect(form["trial_balance"]?.contentType == "text/csv")
        #expect(try form.text("trial_balance") == "account,balance\r\n1400,12.50\n--not-the-boundary\r\n")
        #expect(try form.text("date") == "")
        #expect(try form.text("absent") == nil)
        // A quoted boundary, other letter case, and no CRLF after the closing delimiter.
        var bare = Self.body([(["content-disposition: FORM-DATA; name=a"], "x")], boundary: "a'()+_,-./:=? b")
        bare.removeLast(2)
        let quoted = try MultipartForm.parse(
            bare, contentType: "Multipart/Form-Data; charset=x; Boundary=\"a'()+_,-./:=? b\"")
        #expect(try quoted.text("a") == "x")
    }

    @Test func theContentTypeMustNameAValidBoundary() {
        let cases: [(String?, MultipartError.Code)] = [
            (nil, .contentType), ("application/x-www-form-urlencoded", .contentType),
            ("multipart/mixed; boundary=a", .contentType),
            ("multipart/form-data", .boundary), ("multipart/form-data; boundary=", .boundary),
            ("multipart/form-data; boundary=a; boundary=b", .boundary),
            ("multipart/form-data; boundary=\"ab", .boundary),
            ("multipart/form-data; boundary=" + String(repeating: "b", count: 71), .boundary),
            ("multipart/form-data; boundary=a{b", .boundary), ("multipart/form-data; boundary=\"ab \"", .boundary),
        ]
        for (contentType, code) in cases {
            do {
                _ = try MultipartForm.boundary(contentType)
                Issue.record("\(contentType ?? "nil"): accepted")
            } catch {
                #expect(error.code == code, "\(contentType ?? "nil"): \(error)")
            }
        }
    }

    @Test func everyMalformedBodyIsRefusedWithItsCode() {
        let b = Self.boundary
        let name = "Content-Disposition: form-data; name=\"a\""
        let cases: [(String, MultipartError.Code)] = [
            ("", .framing),
            ("preamble\r\n--\(b)\r\n\(name)\r\n\r\nx\r\n--\(b)--", .framing),
            ("--\(b)\r\n\(name)\r\n\r\nx", .framing),
            ("--\(b)\r\n\(name)\r\n\r\nx\r\n--\(b)--trailing", .framing),
            ("--\(b)\r\n\(name)\r\n\r\nx\r\n--\(b)X\r\n", .framing),
            ("--\(b)\r\n\(name)\r\n\r\nx\r\n--\(b)--\r\nepilogue", .framing),
            ("--\(b)\r\n\(name)\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\nX: y\r\n\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\r\nno colon\r\n\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\r\n: empty\r\n\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\r\nX-A: \u{1}\r\n\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\r\n\(name)\r\n\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--\(b)--", .header),
            ("--\(b)\r\n\(name)\r\nX: " + String(repeating: "y", count: 9000) + "\r\n\r\nx\r\n--\(b)--", .header),
            ("--\(b)\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: form-data; name=\"a\" x\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--\(b)--", .disposition),
            ("--\(b)\r\n\(name)\r\n\r\nx\r\n--\(b)\r\n\(name)\r\n\r\ny\r\n--\(b)--", .duplicateField),
        ]
        for (text, code) in cases { expect(Array(text.utf8), code, text) }
        let many = (0...MultipartForm.maximumParts).map { (["Content-Disposition: form-data; name=\"f\($0)\""], "") }
        expect(Self.body(many), .tooManyParts, "17 parts")
        var latin1 = Array("--\(b)\r\nContent-Disposition: form-data; name=\"a\"; filename=\"".utf8)
        latin1 += [0xE9] + Array("\"\r\n\r\nx\r\n--\(b)--".utf8)
        expect(latin1, .notUTF8, "a Latin-1 file name")
        expect(Array(repeating: 0x2D, count: MultipartForm.maximumBody + 1), .tooLarge, "past the limit")
        let value = Self.body([(["Content-Disposition: form-data; name=\"a\""], "\u{FFFD}")])
        let invalid = value.map { $0 == 0xEF ? 0xFF : $0 }
        #expect(throws: MultipartError(.notUTF8, "the value of 'a' is not UTF-8 text")) {
            try MultipartForm.parse(invalid, boundary: Array(Self.boundary.utf8)).text("a")
        }
    }

    /// A Content-Length over the limit is refused before the body is read (the test client replaces the
    /// header by the body's length, so this goes to the route's reader directly).
    @Test func aContentLengthOverTheLimitIsRefusedUnread() async throws {
        var fields = HTTPFields()
        fields[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"
        fields[.contentLength] = String(MultipartForm.maximumBody + 1)
        let head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/", headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: Self.chromium)))
        await #expect(throws: MultipartError(.tooLarge, "the upload is larger than 4194304 bytes")) {
            try await ConsoleApp.multipart(request)
        }
        fields[.contentLength] = String(Self.chromium.count)
        let fitting = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer(bytes: Self.chromium)))
        #expect(try await ConsoleApp.multipart(fitting).parts.count == 3)
    }

    func expect(_ body: [UInt8], _ code: MultipartError.Code, _ label: String) {
        do {
            let form = try MultipartForm.parse(body, boundary: Array(Self.boundary.utf8))
            Issue.record("\(label.prefix(200)): accepted as \(form.parts.map(\.name))")
        } catch {
            #expect(error.code == code, "\(label.prefix(200)): \(error)")
        }
    }
}

/// A seeded mutation fuzzer for the multipart reader, like Tests/SubledgerTests/FuzzTests.swift.
@Suite struct MultipartFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let iterations: Int = {
        environment["SUBLEDGER_FUZZ_ITERATIONS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 2000
    }()
    /// `SUBLEDGER_FUZZ_SEED` (decimal or 0x-hex), as the other fuzzers read it; `tools/fuzz.sh` runs this
    /// suite too (its filter, FuzzTests, matches the name).
    static let seed: UInt64 = {
        guard let text = environment["SUBLEDGER_FUZZ_SEED"] else { return 0x5EED_2026_0013 }
        if text.lowercased().hasPrefix("0x"), let n = UInt64(text.dropFirst(2), radix: 16) { return n }
        return UInt64(text) ?? 0x5EED_2026_0013
    }()

    /// Random forms written as a browser would, read back unchanged; then mutated (bytes flipped, inserted,
    /// deleted, CR/LF/dashes/quotes/boundary pieces spliced in, truncated), each outcome a form or a
    /// `MultipartError`, and an accepted mutation's parts always lie within the body.
    @Test func fuzzedBodiesAreReadOrRefusedNeverACrash() throws {
        var random = SplitMix64(seed: Self.seed ^ 0x4D55_4C54)
        let pieces: [[UInt8]] = [
            [0x0D], [0x0A], [0x0D, 0x0A], Array("--".utf8), Array("\"".utf8), Array(";".utf8), Array(":".utf8),
            Array("--\(MultipartTests.boundary)".utf8), Array("\r\n--\(MultipartTests.boundary)--".utf8), [0x00],
            [0xFF], [0xC3],
            Array("Content-Disposition: form-data; name=\"x\"\r\n\r\n".utf8),
        ]
        var accepted = 0
        for _ in 0..<Self.iterations {
            let count = Int(random.next(upTo: 5))
            let parts = (0..<count).map { index -> (headers: [String], content: String) in
                let content = String(
                    (0..<Int(random.next(upTo: 40))).map { _ in
                        Character(Unicode.Scalar(UInt8(random.next(upTo: 94) + 32)))
                    })
                let file = random.next(upTo: 2) == 0 ? "; filename=\"f\(index).csv\"" : ""
                return (["Content-Disposition: form-data; name=\"f\(index)\"\(file)"], content)
            }
            let body = MultipartTests.body(parts)
            let form = try MultipartForm.parse(body, boundary: Array(MultipartTests.boundary.utf8))
            #expect(form.parts.map { String(decoding: $0.body, as: UTF8.self) } == parts.map(\.content))
            var mutated = body
            for _ in 0...Int(random.next(upTo: 3)) {
                let at = mutated.isEmpty ? 0 : Int(random.next(upTo: UInt64(mutated.count)))
                switch random.next(upTo: 5) {
                case 0: if !mutated.isEmpty { mutated[at] = UInt8(truncatingIfNeeded: random.next()) }
                case 1: mutated.insert(contentsOf: pieces[Int(random.next(upTo: UInt64(pieces.count)))], at: at)
                case 2: if !mutated.isEmpty { mutated.remove(at: at) }
                case 3: mutated.removeLast(mutated.count - at)
                default: mutated.insert(contentsOf: mutated[at...].prefix(Int(random.next(upTo: 20))), at: at)
                }
            }
            if let directory = Self.environment["SUBLEDGER_FUZZ_CRASH_DIR"] {
                // Left behind before it is fed, so a crash can be replayed (tools/fuzz.sh).
                try? Data(mutated).write(to: URL(fileURLWithPath: directory + "/multipart.last"))
            }
            do {
                let read = try MultipartForm.parse(mutated, boundary: Array(MultipartTests.boundary.utf8))
                accepted += 1
                #expect(read.parts.allSatisfy { $0.body.count <= mutated.count })
                #expect(Set(read.parts.map(\.name)).count == read.parts.count)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
        let seed = String(Self.seed, radix: 16)
        print("[fuzz] multipart: seed=0x\(seed) iterations=\(Self.iterations) accepted=\(accepted)")
    }
}
