// Timing and memory for the benchmark. Seconds as Double are timing only, never money.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Peak resident memory of this process in MiB (VmHWM), since start or the last `resetPeakMemory`.
func peakMemoryMiB() -> Double {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 256)
    while fgets(&buffer, 256, file) != nil {
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return (Double(digits) ?? 0) / 1024
        }
    }
    return -1
}

/// Resets VmHWM to the current RSS (Linux: writing 5 to /proc/self/clear_refs), so each phase reports its own peak.
func resetPeakMemory() {
    guard let file = fopen("/proc/self/clear_refs", "w") else { return }
    fputs("5", file)
    fclose(file)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ value: Double, _ decimals: Int = 0) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(Int64(rounded))
    if decimals > 0 {
        let fraction = Int64(((abs(rounded) - Double(Int64(abs(rounded)))) * scale).rounded())
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: max(0, decimals - digits.count)) + digits
    }
    // thousands separators for readability
    if decimals == 0, let number = Int64(text), abs(number) >= 10_000 {
        var groups: [String] = []
        var rest = abs(number)
        while rest >= 1000 {
            let group = String(rest % 1000)
            groups.insert(String(repeating: "0", count: 3 - group.count) + group, at: 0)
            rest /= 1000
        }
        groups.insert(String(rest), at: 0)
        text = (number < 0 ? "-" : "") + groups.joined(separator: ",")
    }
    return text
}
