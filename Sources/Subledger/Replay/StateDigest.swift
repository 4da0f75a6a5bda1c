// A fingerprint of a projection: SHA-256 of its canonical encoding (`LedgerState.encoded()`, the snapshot
// payload: dictionaries in sorted key order), so that two states built in different ways (the live one,
// kept up to date command by command, and one replayed from the log or loaded from a snapshot) can be
// compared in one line. The codec is the one list of the state's fields: the digest covers exactly what a
// snapshot keeps. When digests differ, `firstDifference` names the first record and field that differ
// (StateDifference.swift).

import SubledgerCore
package import SubledgerStore

/// SHA-256 of the canonical encoding of a `LedgerState`. Equal digests mean equal projections (every
/// figure of every item, pool, transaction, mark, close, warning and GL account).
public struct StateDigest: Sendable, Equatable, Hashable, CustomStringConvertible {
    package let digest: SHA256.Digest

    /// The encoding's version (hashed with it): a new field changes every digest, on purpose.
    public static var formatVersion: Int64 { LedgerState.snapshotFormat }

    public init(_ state: LedgerState) {
        var hasher = SHA256()
        state.encoded().withUnsafeBytes { hasher.update($0) }
        digest = hasher.finalize()
    }

    /// Lowercase hex of the 32 bytes.
    public var description: String { digest.description }

    /// The first difference between two states, in words (`pool A site:S1: financial value 41.33 vs
    /// 41.34`), `lhs`'s figure first; nil when they are equal. Records are compared with `==` in the
    /// encoding's order (log counters, items, posting profiles, pools, transactions, marks, GL accounts,
    /// account sets, closes, warnings), by sorted key or position; the differing record's first field is
    /// then found by reflection, in declaration order.
    public static func firstDifference(
        _ lhs: LedgerState, _ rhs: LedgerState,
        labels: (String, String) = ("live", "replayed")
    ) -> String? {
        StateDifference(labels: labels).first(lhs, rhs)
    }

    /// The GL accounts with their per-day amounts.
    static func ledgerAccounts(_ ledger: GeneralLedger) -> [GeneralLedger.Account]? { ledger.accountEntries }
}
