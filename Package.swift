// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Subledger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Subledger", targets: ["Subledger"]),
        .executable(name: "subledger", targets: ["subledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Without its default traits: ConfigurationSupport (swift-configuration) and FullFoundation would
        // link the whole of Foundation and ICU into the binary; with none, only FoundationEssentials (DR-21).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Hummingbird's header types (HTTPField.Name); already in the graph through Hummingbird.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The PostgreSQL event log (issue 14, DR-34); SwiftNIO is already in the graph through Hummingbird.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // TLS to PostgreSQL (`sslmode`, DR-43): NIOSSL's configuration types, named directly rather than
        // through postgres-nio's re-export; already in the graph (postgres-nio depends on it), pinned at 2.37.6.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "SubledgerCore"),
        .target(name: "SubledgerCodec"),
        // SHA-256 for the hash chain and checksums (DR-23).
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "SubledgerStore", dependencies: ["CSQLite", "CLibCrypto", "SubledgerCore"]),
        .target(name: "Subledger", dependencies: ["SubledgerCore", "SubledgerCodec", "SubledgerStore"]),
        // The event log on PostgreSQL (issue 14, DR-34): the `EventLog` protocol over postgres-nio.
        .target(
            name: "SubledgerPostgres",
            dependencies: [
                "SubledgerStore",
                "SubledgerCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP service (`subledger serve`, issue 12): a thin edge on the `Ledger` facade.
        .target(
            name: "SubledgerServer",
            dependencies: [
                "Subledger",
                "SubledgerCodec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "SubledgerConsole",
            ],
            // The API's description, served at /openapi.yaml from the bytes compiled in (no Foundation
            // Bundle); `openapi.yaml` at the root links to it.
            resources: [.embedInCode("OpenAPI/openapi.yaml")]
        ),
        // The web console (issue 13): server-rendered pages on the facade, mounted by `subledger serve` at `/`.
        .target(
            name: "SubledgerConsole",
            dependencies: [
                "Subledger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "subledger",
            dependencies: [
                "Subledger",
                "SubledgerServer",
                "SubledgerConsole",
                // `--db postgresql://...` (issue 14, DR-38): the binary links postgres-nio and so Foundation.
                "SubledgerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "subledger-bench",
            dependencies: ["Subledger", "SubledgerCore", "SubledgerStore", "CSQLite"],
            path: "tools/bench",
            // The shell harness beside the Swift bench (old and new binaries side by side).
            exclude: ["commands.sh", "harness.sh", "year.sh", "year-workload.awk"]
        ),
        // Helpers the test targets share (temporary files, the binary as a child process, the kill loop);
        // no product depends on it.
        .target(
            name: "SubledgerTestSupport",
            dependencies: ["Subledger", "SubledgerCore", "SubledgerStore", "SubledgerPostgres"],
            path: "Tests/SubledgerTestSupport"
        ),
        .testTarget(name: "SubledgerCoreTests", dependencies: ["SubledgerCore", "SubledgerTestSupport"]),
        .testTarget(name: "SubledgerCodecTests", dependencies: ["SubledgerCodec"]),
        .testTarget(name: "SubledgerStoreTests", dependencies: ["SubledgerStore", "SubledgerTestSupport"]),
        .testTarget(name: "SubledgerTests", dependencies: ["Subledger", "SubledgerTestSupport"]),
        // One suite of the event log's behaviour, run against SQLite and PostgreSQL (DR-34); postgres-nio's
        // own types for the session's statement checks (DR-60).
        .testTarget(
            name: "SubledgerStoreConformanceTests",
            dependencies: [
                "SubledgerStore", "SubledgerPostgres", "SubledgerCore", "SubledgerTestSupport", "Subledger",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "SubledgerServerTests",
            dependencies: [
                "SubledgerServer",
                "SubledgerConsole",
                "Subledger",
                // The node tests make a database of their own on the test server; LogFollowerTests runs
                // two services on one PostgreSQL ledger in-process.
                "SubledgerPostgres",
                "SubledgerTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "SubledgerConsoleTests",
            dependencies: [
                "SubledgerConsole",
                "SubledgerServer",
                "Subledger",
                "SubledgerStore",
                "SubledgerTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // House rules checked on the source tree as read from disk (layering, no Foundation, lengths); it
        // reads the files and links none of the product targets.
        .testTarget(name: "TidyTests"),
    ],
    swiftLanguageModes: [.v6]
)
