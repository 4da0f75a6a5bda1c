import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Subledger
import SubledgerConsole
import SubledgerServer
import SubledgerTestSupport
import Testing

/// `openapi.yaml` describes exactly the routes the server has, and the server serves that file; a method a
/// path does not take is 405 with `Allow`, not a 404 that would say the resource does not exist.
@Suite struct OpenAPITests {
    static let documentURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/SubledgerServer/OpenAPI/openapi.yaml")

    /// `METHOD /path` for each operation under `paths:` (two-space path keys, four-space method keys).
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: documentURL, encoding: .utf8)
        var operations: Set<String> = []
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            if !line.hasPrefix(" ") { inPaths = line == "paths:"; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(String(method)) {
                    operations.insert("\(method.uppercased()) \(path)")
                }
            }
        }
        return operations
    }

    static func service() throws -> (LedgerService, TemporaryDatabase) {
        let database = TemporaryDatabase("openapi")
        return (LedgerService(ledger: try Ledger(path: database.path)), database)
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws {
        let (service, database) = try Self.service()
        defer { database.remove() }
        // The web console's pages are no part of the API.
        let routes = Set(
            buildRouter(service: service).routes.filter { !Console.paths.contains("\($0.path)") }
                .map { "\($0.method) \($0.path)" })
        let documented = try Self.documentedOperations()
        #expect(documented.count >= 20, "the parser found the operations: \(documented.sorted())")
        #expect(routes.subtracting(documented).isEmpty, "routes missing from openapi.yaml")
        #expect(documented.subtracting(routes).isEmpty, "openapi.yaml names routes the server does not have")
    }

    /// A path key written twice is a YAML duplicate: parsers keep one of the two (schemathesis kept the
    /// second `/v1/closes`, its GET, and then expected 405 from the POST the first one described).
    @Test func noPathIsDescribedTwice() throws {
        let text = try String(contentsOf: Self.documentURL, encoding: .utf8)
        let paths = text.split(separator: "\n").filter { $0.hasPrefix("  /") && !$0.hasPrefix("   ") }
        let repeated = Dictionary(grouping: paths, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(paths.count >= 20)
        #expect(repeated.isEmpty, "path keys written twice: \(repeated)")
    }

    @Test func theServerServesTheDocumentWithoutAToken() async throws {
        let (service, database) = try Self.service()
        defer { database.remove() }
        let file = try Data(contentsOf: Self.documentURL)
        try await Application(router: buildRouter(service: service)).test(.router) { client in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            #expect(Data(buffer: response.body) == file, "the compiled-in document is the repository's file")
            #expect(try await client.execute(uri: "/v1/onhand", method: .get).status == .unauthorized)
        }
    }

    @Test func aMethodThePathDoesNotTakeIs405WithAllow() async throws {
        let (service, database) = try Self.service()
        defer { database.remove() }
        try await Application(router: buildRouter(service: service, authenticate: false)).test(.router) { client in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.delete, "/v1/onhand", "GET"), (.post, "/v1/onhand", "GET"), (.get, "/v1/commands", "POST"),
                (.put, "/v1/items/A", "GET"), (.patch, "/healthz", "GET"),
            ]
            for (method, uri, allow) in cases {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await client.execute(uri: "/v1/nothing", method: .delete).status == .notFound)
            #expect(try await client.execute(uri: "/v1/items/A/more", method: .get).status == .notFound)
        }
    }
}
