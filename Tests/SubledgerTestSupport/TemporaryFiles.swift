// Temporary files for tests: the ONLY place in Tests that names the temporary directory (TidyTests
// checks it). Every directory and database path lives under one folder per test process,
// `$TMPDIR/subledger-tests-PID`, removed when the process exits: what a test forgets to delete, a
// killed child's -wal and -shm, the files a `subledger serve` child or SQLite writes beside a database,
// all go with it. A `TemporaryDirectory` also goes when its value does, and a test that removes its
// database as it ends keeps a long run from piling them up.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The folder of this test process's temporary files.
public enum TemporaryFiles {
    /// `$TMPDIR/subledger-tests-PID`, made on first use; a process exit removes it with its contents.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("subledger-tests-\(getpid())")
        try? FileManager.default.removeItem(at: url)  // a reused pid's leftovers (a crashed earlier run)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TemporaryFiles.root) }
        return url
    }()

    /// A fresh name under `root`: `label`, then a unique suffix, then `suffix`.
    public static func unique(_ label: String, suffix: String = "") -> URL {
        root.appendingPathComponent("\(label)-\(UUID().uuidString)\(suffix)")
    }

    /// A path OUTSIDE `root`, kept after the run: only for a file a developer asked to keep (an
    /// environment variable), never for a test's own work.
    public static func kept(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("subledger-kept-\(name)")
    }
}

/// A fresh directory under `TemporaryFiles.root`, removed with its contents when the value goes away.
public final class TemporaryDirectory {
    public let url: URL

    public init(_ label: String) throws {
        url = TemporaryFiles.unique(label)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A database path under `TemporaryFiles.root`; `remove()` deletes it with its WAL, SHM and journal (and a
/// path nobody removes goes with the root at exit).
public struct TemporaryDatabase: Sendable {
    public let path: String

    public init(_ label: String = "store") {
        path = TemporaryFiles.unique(label, suffix: ".db").path
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
