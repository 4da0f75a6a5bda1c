/// Input quoted back in a message is cut to a readable length, so that a message stays one short line
/// even for a field a megabyte long. Control characters are escaped where messages are printed (the
/// command line's error output), not here: JSON output escapes them by itself.
public enum Echo {
    /// The most characters of input a message quotes.
    public static let limit = 80

    public static func cut<Text: StringProtocol>(_ text: Text) -> String {
        var kept = 0
        var end = text.startIndex
        while end < text.endIndex {
            if kept == limit { return String(text[..<text.index(before: end)]) + "…" }
            kept += 1
            end = text.index(after: end)
        }
        return String(text)
    }
}
