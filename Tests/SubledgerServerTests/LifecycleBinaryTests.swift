// DR-21, DR-38: the binary loads Foundation (and its ICU data) only because postgres-nio imports it for
// `--db postgresql://...`; nothing else may pull more in: FoundationNetworking (curl) and FoundationXML
// (libxml2) stay out, as the full Foundation did before DR-38 (Hummingbird's default traits would link
// it; Package.swift turns them off).

import Foundation
import SubledgerTestSupport
import Testing

@Suite struct LifecycleBinaryTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ldd")))
    func theBinaryLinksNoMoreFoundationThanPostgresNIOBrings() throws {
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
        #expect(!libraries.contains("libFoundationNetworking.so"), "\(output)")
        #expect(!libraries.contains("libFoundationXML.so"), "\(output)")
    }
}
