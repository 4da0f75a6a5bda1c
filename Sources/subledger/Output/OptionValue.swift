import ArgumentParser

/// Numeric options are parsed unconditionally (`parsing: .unconditional`): otherwise `--limit -5` reads
/// `-5` as an unknown flag and the user is told the value is missing. Each command then says what a
/// valid value is.
enum OptionValue {
    static func notPositive(_ option: String, _ value: Int64, zeroAllowed: Bool) -> ValidationError {
        ValidationError("\(option) must be positive\(zeroAllowed ? " or 0" : ""), got \(value)")
    }
}
