/// What each product target may import: the layering of Package.swift, plus the platform's C library
/// where a target talks to the system. Core and the codec are pure: the standard library only.
enum Layering {
    static let platform: Set<String> = ["Glibc", "Darwin"]

    static let allowedImports: [String: Set<String>] = [
        "SubledgerCore": [],
        "SubledgerCodec": [],
        // Dispatch and Synchronization run the parallel chain check; both ship with the toolchain.
        "SubledgerStore": platform.union(["CSQLite", "CLibCrypto", "SubledgerCore", "Dispatch", "Synchronization"]),
        // Dispatch runs the parallel replay.
        "Subledger": platform.union(["SubledgerCore", "SubledgerCodec", "SubledgerStore", "Dispatch"]),
        // The CLI sees the facade only (which re-exports Core and the codec), never the store; it opens a
        // ledger in PostgreSQL through SubledgerPostgres (DR-38).
        "subledger": platform.union([
            "Subledger", "SubledgerServer", "SubledgerConsole", "ArgumentParser", "Dispatch", "SubledgerPostgres",
        ]),
        // The HTTP edge: the facade, Hummingbird and the swift-server packages (their own imports link
        // FoundationEssentials, DR-21); the ledger runs on a dispatch queue, the group writer's queue is
        // a Mutex.
        "SubledgerServer": platform.union([
            "Subledger", "SubledgerCodec", "Hummingbird", "HTTPTypes", "ServiceLifecycle", "Logging",
            "Prometheus", "Dispatch", "Synchronization", "SubledgerConsole",
        ]),
        // The web console (issue 13): pages on the facade, served by Hummingbird; sessions in a Mutex.
        "SubledgerConsole": platform.union(["Subledger", "Hummingbird", "HTTPTypes", "Logging", "Synchronization"]),
        // The PostgreSQL event log (DR-34): the store's protocol over postgres-nio, on its own NIO event loop;
        // a Mutex holds the statement being waited for; NIOSSL for `sslmode` (DR-43).
        "SubledgerPostgres": platform.union([
            "SubledgerStore", "SubledgerCore", "PostgresNIO", "NIOCore", "NIOPosix", "NIOSSL", "Logging",
            "Synchronization",
        ]),
        "subledger-bench": platform.union(["Subledger", "SubledgerCore", "SubledgerStore", "CSQLite"]),
    ]

    /// Single files allowed more than their target, each with its reason.
    static let fileExceptions: [String: Set<String>] = [
        // Advises transparent huge pages (madvise, sysconf) for the replay's big table; Linux only.
        "Sources/SubledgerCore/Projection/HugePages.swift": platform
    ]
}
