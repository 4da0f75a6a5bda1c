// DR-21: the binary with the server in it still loads FoundationEssentials only, never the whole of
// Foundation and ICU (Hummingbird's default traits would link them; Package.swift turns them off).

import Foundation
import SubledgerTestSupport
import Testing

@Suite struct LifecycleBinaryTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd")))
    func theBinaryDoesNotLinkFoundation() throws {
        let binary = try #require(SubledgerBinary.url)
        let ldd = Process()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = [binary.path]
        let pipe = Pipe()
        ldd.standardOutput = pipe
        try ldd.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        ldd.waitUntilExit()
        let libraries = output.split(separator: "\n").compactMap {
            $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first
        }
        #expect(libraries.contains("libFoundationEssentials.so"), "\(output)")
        // The whole of Foundation and ICU are no longer refused: postgres-nio imports Foundation, and the
        // binary links it for `subledger copy` (issue 14); DR-38 decides the policy for PostgreSQL.
    }
}
