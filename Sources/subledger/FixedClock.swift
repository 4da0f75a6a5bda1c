// SUBLEDGER_FIXED_CLOCK_MS, for tests: the milliseconds since the epoch that every command of this process
// records as its time (`recorded_at`, which the chain hash covers; a snapshot's `created_at`; a token's
// times). Two runs of the same commands then write the same log byte for byte, so a test can compare the
// hashes of a ledger file with those of a PostgreSQL ledger. Unset or not a whole number: the system
// clock. Harmless outside tests: the time only labels rows, nothing is decided by it.

import Subledger

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum FixedClock {
    static let variable = "SUBLEDGER_FIXED_CLOCK_MS"

    /// The fixed time when the variable holds one, else the system clock.
    static var clock: () -> Int64 {
        guard let raw = getenv(variable), let fixed = Int64(String(cString: raw)) else {
            return Ledger.systemMilliseconds
        }
        return { fixed }
    }
}
