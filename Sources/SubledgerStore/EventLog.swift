// EventLog: what the ledger needs from an event log, whichever database holds it (DR-34). SQLite's
// `EventStore` and PostgreSQL's `PostgresEventLog` conform; one conformance suite runs against both.
//
// The contract, the same on both:
//   - An append is a command: its events get the next sequences, chained by SHA-256 (EventHash.swift),
//     and its record goes into `commands`, all in one transaction: after a crash the command is all there
//     or absent.
//   - An append names the last sequence it decided on. If another writer got there first the outcome is
//     `.conflict(actualLastSequence:)` and nothing is written: the caller catches up and decides again.
//     A group may instead take the lock first and catch up under it (DR-46): then it cannot conflict.
//   - A command id is an idempotency key: the same id with the same content hash is `.duplicate` (the
//     recorded result, nothing written), with other content `.idConflict` (`command-id-conflict`).
//   - Reads hand out events in sequence order, checking the chain as they go, at bounded memory.
//   - `verifyChain` recomputes the chain and cross-checks the commands, naming the first bad sequence.
//
// Synchronous, like EventStore: the ledger runs on its own queue and calls the log from there. Bodies run
// inside the write transaction, so a body may decide from state the lock keeps still.

import SubledgerCore

/// The handle a command's body appends its events through; valid only while the body runs.
public protocol EventSink {
    /// Inserts `event` as the next sequence (chained to the previous hash) inside the command's transaction.
    /// Consuming: a pipeline queues the envelope itself, with no copy to retain and release (DR-69).
    mutating func append(_ event: consuming EventEnvelope) throws
    /// Events appended so far by this command.
    var count: Int { get }
    /// Sequence of the last event appended so far (the expected last sequence while count is 0).
    var lastSequence: Int64 { get }
    /// Chain hash of the last event appended so far (the previous command's while count is 0): a group's
    /// answers are built from the events it appended, with their hashes, instead of read back (DR-51).
    /// Throws when the events could not be written (a pipelined append's writer failed, DR-55): there is
    /// no hash to give then.
    var lastHash: SHA256.Digest { get throws(StoreError) }
}

/// The handle a group's body appends its commands through; valid only while the body runs.
public protocol CommandSink {
    /// Sequence of the last event appended so far (the log's last sequence before the first command).
    var lastSequence: Int64 { get }
    /// One command of the group, with `EventLog.appendCommand`'s arguments and outcomes, except that
    /// nothing is committed yet and `.conflict` never happens (the group checked the log's end once).
    mutating func appendCommand(
        commandID: String, kind: String, recordedAt: Int64, actor: String?,
        contentHash: () throws -> SHA256.Digest?, _ body: (inout any EventSink) throws -> String
    ) throws -> AppendOutcome
    /// Looks up together the ids of commands that joined the group after it began (the ones that arrived
    /// while it waited for the lock, DR-60), so that appending them costs no wait each; an id not looked up
    /// is still looked up when appended. A store whose lookups are local reads needs nothing here.
    mutating func lookUp(commandIDs: [String]) throws
}

extension CommandSink {
    public mutating func lookUp(commandIDs: [String]) throws {}
}

/// An append-only, hash-chained event log with idempotent commands and optimistic concurrency.
public protocol EventLog: AnyObject {
    /// Sequence of the newest event; 0 when the log is empty.
    func lastSequence() throws -> Int64
    /// The last sequence, checked against the last command row: the two differ only in a damaged log.
    func checkedLastSequence() throws -> Int64
    /// The record of command `id`, or nil if no such command was appended.
    func command(id: String) throws -> CommandRecord?

    /// Appends the events `body` produces as command `commandID`, atomically, if the log still ends at
    /// `expectedLastSequence` (see EventStore.append for `contentHash` and the outcomes). Idempotency is
    /// checked first: a command re-sent after the log moved on is still `.duplicate`.
    func appendCommand(
        commandID: String, kind: String, expectedLastSequence: Int64, recordedAt: Int64, actor: String?,
        contentHash: () throws -> SHA256.Digest?, _ body: (inout any EventSink) throws -> String
    ) throws -> AppendOutcome

    /// Several commands in one transaction (one durable commit), if the log still ends at
    /// `expectedLastSequence`; if `body` throws, or a command fails after writing, nothing is written.
    func appendCommandGroup(
        expectedLastSequence: Int64, _ body: (inout any CommandSink) throws -> Void
    ) throws -> GroupAppendOutcome

    /// Several commands in one transaction, lock first (DR-46): the transaction takes the write lock, reads
    /// the log's end, hands `catchingUp` every event after `folded` through that end (read in the same
    /// transaction, chain-checked, in order; committed by other writers, so they stand whatever this group
    /// does), and only then runs `body`, whose first event chains to the log's real last hash. So the group
    /// cannot meet a concurrent append. `commandIDs` are the ids `body` will append: looked up together
    /// under the lock (an id another writer committed meanwhile is `.duplicate`); an id not listed is looked
    /// up when appended. If `catchingUp` or `body` throws, or a command fails after writing, nothing of the
    /// group is written and the error is rethrown; a log that ends before `folded` is a `StoreError`.
    func appendCommandGroup(
        after folded: Int64, commandIDs: [String], catchingUp: (borrowing EventView) throws -> Void,
        _ body: (inout any CommandSink) throws -> Void
    ) throws

    /// How long the last lock-first group waited from sending its first statements until it held the write
    /// lock and read the log's end, as the server's clock tells it; nil where the store cannot tell (SQLite:
    /// its lock is taken inside BEGIN IMMEDIATE). For the node's phase counters (DR-51).
    var lastLockWait: Duration? { get }

    /// Calls `body` with every event in `sequence + 1 ... last` (to the end when nil), in order, each
    /// checked against the hash chain.
    func forEachEvent(after sequence: Int64, through last: Int64?, _ body: (StoredEvent) throws -> Void) throws

    /// Like `forEachEvent`, with views into the store's buffers; returns the last sequence handed out.
    @discardableResult
    func scan(
        after sequence: Int64, through last: Int64?, _ body: (borrowing EventView) throws -> Void
    ) throws
        -> Int64

    /// Recomputes the whole chain and cross-checks the command rows; names the first bad sequence.
    func verifyChain(progress: ((Int64, Int64) -> Void)?) throws -> ChainVerification

    /// The commands whose first sequence is in `range`, in log order (an empty command before the one
    /// that starts where it stands).
    func commands(firstSequenceIn range: ClosedRange<Int64>) throws -> [CommandRecord]

    /// Appends, in one transaction, the commands `body` feeds in exactly as another log stored them
    /// (EventLog+Verbatim.swift), if the log still ends at `expectedLastSequence`. A row that fails the
    /// checks throws `VerbatimRefusal` and nothing of the transaction is written.
    func appendVerbatim(
        expectedLastSequence: Int64, _ body: (inout any VerbatimSink) throws -> Void
    ) throws -> VerbatimOutcome
}

extension EventLog {
    public var lastLockWait: Duration? { nil }
}

extension EventView {
    /// A view of one event in buffers the caller keeps alive while the view is used (another store's rows).
    public init(
        event sequence: Int64, date: LedgerDate, version: Int, type: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer
    ) {
        self.sequence = sequence
        self.date = date
        self.version = version
        self.type = type
        self.payload = payload
    }
}
