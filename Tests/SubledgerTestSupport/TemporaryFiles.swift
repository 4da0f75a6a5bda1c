// Temporary files for tests: directories that remove themselves, and database paths removed with their
// WAL, SHM and journal files. Every test suite made its own before; one place keeps the names and the
// cleanup the same.

import Foundation

/// A fresh directory under the temporary directory, removed with its contents when the value goes away.
public final class TemporaryDirectory {
    public let url: URL

    public init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("subledger-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A database path under the temporary directory; `remove()` deletes it with its WAL, SHM and journal.
public struct TemporaryDatabase: Sendable {
    public let path: String

    public init(_ label: String = "store") {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("subledger-\(label)-\(UUID().uuidString).db").path
    }

    public func remove() { TemporaryDatabase.remove(path) }

    /// Deletes a database file and the files SQLite keeps beside it.
    public static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Copies a database (and its WAL and SHM, if any) over `to`.
    public static func copy(_ from: String, to: String) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: to + suffix)
            if FileManager.default.fileExists(atPath: from + suffix) {
                try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix)
            }
        }
    }
}
