import Foundation

/// The package's Swift files, read from disk: the tidy tests check the tree as committed, not a build.
enum SourceTree {
    /// The package root: three levels above this file (Tests/TidyTests/SourceTree.swift).
    static let root: URL = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        precondition(
            FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
            "TidyTests expects to live in <package>/Tests/TidyTests")
        return url
    }()

    /// Every `.swift` file under `folder` (relative to the root), sorted, as paths relative to the root.
    static func swiftFiles(under folder: String) -> [SwiftText] {
        let base = root.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        let paths = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
        return paths.compactMap { relative in
            let url = base.appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            return SwiftText(path: "\(folder)/\(relative)", text: String(decoding: data, as: UTF8.self))
        }
    }

    /// The target a file belongs to: the folder under Sources/ or Tests/, or the tool's folder.
    static func target(of path: String) -> String {
        let parts = path.split(separator: "/")
        if parts.first == "tools", parts.count > 1 { return "subledger-\(parts[1])" }
        return parts.count > 1 ? String(parts[1]) : path
    }
}
