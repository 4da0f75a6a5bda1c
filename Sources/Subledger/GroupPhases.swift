// Where a group's time goes (DR-51): the ledger times each group transaction's phases as the node sees
// them, so a node's shutdown line can say where its groups spent their hold of the log's lock without a
// profiler. The clock is read five times a transaction (a few hundred nanoseconds in all).

/// The summed phases of the group transactions run so far (every attempt, the redone ones included).
public struct GroupPhases: Sendable, Equatable {
    /// Group transactions timed.
    public var transactions = 0
    /// From sending the first statements until the lock was held (the store's figure; PostgreSQL only).
    public var lockWait: Duration = .zero
    /// Transactions whose store told `lockWait`.
    public var lockWaits = 0
    /// From the start until the store handed over the tail or the body: BEGIN, the lock, the log's end, the
    /// ids, the tail read (on PostgreSQL one pipeline, so `lockWait` is part of it).
    public var firstPipeline: Duration = .zero
    /// Folding the tail and deciding the requests (appending them to the store's buffers) under the lock.
    public var decide: Duration = .zero
    /// From the body's end until the store returned: the INSERTs, NOTIFY and COMMIT (the commit's flush).
    public var commit: Duration = .zero
    /// After the commit, building each request's answer (its events); timed by the server, not the ledger.
    public var responses: Duration = .zero

    public init() {}

    /// One line of means per transaction in milliseconds, for the node's shutdown line.
    public var summary: String {
        guard transactions > 0 else { return "no group transactions timed" }
        let lock = lockWaits > 0 ? Self.milliseconds(lockWait, lockWaits) : "-"
        return "a group transaction's mean phases (ms, \(transactions) timed): until the lock is held \(lock), "
            + "first pipeline \(Self.milliseconds(firstPipeline, transactions)), "
            + "fold and decide \(Self.milliseconds(decide, transactions)), "
            + "append and commit \(Self.milliseconds(commit, transactions)), "
            + "responses \(Self.milliseconds(responses, transactions))"
    }

    /// `total / count` in milliseconds with two decimals.
    static func milliseconds(_ total: Duration, _ count: Int) -> String {
        let (seconds, attoseconds) = total.components
        let microseconds = (seconds * 1_000_000 + attoseconds / 1_000_000_000_000) / Int64(max(count, 1))
        let hundredths = (microseconds + 5) / 10
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// The clock readings of one group transaction, folded into `GroupPhases` when it ends, however it ends.
struct GroupTimer {
    let started = ContinuousClock.now
    private var handedOver: ContinuousClock.Instant?
    private var decided: ContinuousClock.Instant?

    /// The store handed over the tail or the body: the first pipeline is done (the first call counts).
    mutating func handOver() {
        if handedOver == nil { handedOver = .now }
    }

    /// The body returned: every request decided and buffered.
    mutating func decide() { decided = .now }

    /// Adds this transaction's phases; `lockWait` is the store's figure (asked only when the first pipeline
    /// came back, else it is the previous transaction's).
    func finish(into phases: inout GroupPhases, lockWait: () -> Duration?) {
        let ended = ContinuousClock.now
        phases.transactions += 1
        guard let handedOver else {
            phases.firstPipeline += ended - started
            return
        }
        phases.firstPipeline += handedOver - started
        if let wait = lockWait() {
            phases.lockWait += wait
            phases.lockWaits += 1
        }
        guard let decided else {
            phases.decide += ended - handedOver
            return
        }
        phases.decide += decided - handedOver
        phases.commit += ended - decided
    }
}
