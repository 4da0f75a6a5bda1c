// Writing the close pack's files without Foundation (DR-21): the directory made or checked, each file
// written whole through stdio.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum PackDirectory {
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Makes `path` when missing; refuses a file, and a non-empty directory unless `force`.
    static func prepare(_ path: String, force: Bool) throws {
        var info = stat()
        if stat(path, &info) != 0 {
            guard mkdir(path, 0o755) == 0 else { throw ClosePackError.io("cannot create \(path): \(reason())") }
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw ClosePackError.io("\(path) is not a directory") }
        if !force && !isEmpty(path) { throw ClosePackError.notEmpty(path) }
    }

    static func isEmpty(_ path: String) -> Bool {
        guard let handle = opendir(path) else { return false }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { return false }
        }
        return true
    }

    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw ClosePackError.io("cannot write \(path): \(reason())") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else { throw ClosePackError.io("cannot write \(path): \(reason())") }
    }

    /// Creates `path` and hands `body` a function that appends text to it: a file written in parts.
    static func stream(to path: String, _ body: (_ append: (String) throws -> Void) throws -> Void) throws {
        guard let file = fopen(path, "wb") else { throw ClosePackError.io("cannot write \(path): \(reason())") }
        var failed = false
        do {
            try body { text in
                let bytes = Array(text.utf8)
                let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                if written != bytes.count { throw ClosePackError.io("cannot write \(path): \(reason())") }
            }
        } catch {
            failed = true
            fclose(file)
            throw error
        }
        guard !failed, fclose(file) == 0 else { throw ClosePackError.io("cannot write \(path): \(reason())") }
    }

    static func reason() -> String { String(cString: strerror(errno)) }
}
