// The verify button's check of the hash chain, and the last one's outcome. The whole chain takes about a second
// on a million-event ledger: the server runs it on a read-only connection of its own, off the ledger's queue, so
// the commands do not wait for it (as `GET /v1/verify`). The outcome is kept in memory for the overview; a
// restart forgets it.

import Subledger
import Synchronization

/// Re-checks the whole hash chain of the server's ledger.
public typealias ConsoleChainCheck = @Sendable () async throws -> ChainReport

/// A check of the chain and when it finished.
struct ChainCheckResult: Sendable {
    var report: ChainReport
    /// Wall-clock milliseconds since 1970, UTC.
    var checkedAt: Int64
}

final class ChainCheckMemory: Sendable {
    private let latest = Mutex<ChainCheckResult?>(nil)

    var last: ChainCheckResult? { latest.withLock { $0 } }

    func remember(_ report: ChainReport) -> ChainCheckResult {
        let result = ChainCheckResult(report: report, checkedAt: Ledger.systemMilliseconds())
        latest.withLock { $0 = result }
        return result
    }
}
