// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Subledger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Subledger", targets: ["Subledger"]),
        .executable(name: "subledger", targets: ["subledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
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
        .executableTarget(
            name: "subledger",
            dependencies: [
                "Subledger",
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
            dependencies: ["Subledger", "SubledgerCore", "SubledgerStore"],
            path: "Tests/SubledgerTestSupport"
        ),
        .testTarget(name: "SubledgerCoreTests", dependencies: ["SubledgerCore", "SubledgerTestSupport"]),
        .testTarget(name: "SubledgerCodecTests", dependencies: ["SubledgerCodec"]),
        .testTarget(name: "SubledgerStoreTests", dependencies: ["SubledgerStore", "SubledgerTestSupport"]),
        .testTarget(name: "SubledgerTests", dependencies: ["Subledger", "SubledgerTestSupport"]),
        // House rules checked on the source tree as read from disk (layering, no Foundation, lengths); it
        // reads the files and links none of the product targets.
        .testTarget(name: "TidyTests"),
    ],
    swiftLanguageModes: [.v6]
)
