/// Error text for a terminal must not drive the terminal: input quoted back in a message could carry
/// ESC sequences (clear the screen, move the cursor), a CR that overwrites the line, or an LF that
/// forges a second message. Every control character (C0, DEL, C1) is printed as `\u{1B}` instead.
/// JSON output needs none of this: the JSON writer escapes control characters itself.
enum SafeText {
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out.append(contentsOf: "\\u{\(hex.count < 2 ? "0" + hex : hex)}".unicodeScalars)
        }
        return String(out)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }
}
