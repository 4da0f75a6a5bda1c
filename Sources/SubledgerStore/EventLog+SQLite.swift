// The SQLite EventStore as an `EventLog`: each requirement calls the store's own method, so nothing of
// its behaviour changes. The sinks wrap `AppendBatch` and `AppendGroup`, whose state lives in the
// store's writer: a copy of the batch appends through the same writer. The reads, `command`, the last
// sequence and `verifyChain` are the store's methods as they are.

import SubledgerCore

extension AppendBatch: EventSink {}

/// `AppendGroup` seen through the protocol.
struct SQLiteCommandSink: CommandSink {
    var group: AppendGroup

    var lastSequence: Int64 { group.lastSequence }

    mutating func appendCommand(
        commandID: String, kind: String, recordedAt: Int64, actor: String?,
        contentHash: () throws -> SHA256.Digest?, _ body: (inout any EventSink) throws -> String
    ) throws -> AppendOutcome {
        try group.append(
            commandID: commandID, kind: kind, recordedAt: recordedAt, actor: actor, contentHash: contentHash
        ) { batch in
            var sink: any EventSink = batch
            return try body(&sink)
        }
    }
}

extension EventStore: EventLog {
    public func appendCommand(
        commandID: String, kind: String, expectedLastSequence: Int64, recordedAt: Int64, actor: String?,
        contentHash: () throws -> SHA256.Digest?, _ body: (inout any EventSink) throws -> String
    ) throws -> AppendOutcome {
        try append(
            commandID: commandID, kind: kind, expectedLastSequence: expectedLastSequence, recordedAt: recordedAt,
            actor: actor, contentHash: contentHash
        ) { batch in
            var sink: any EventSink = batch
            return try body(&sink)
        }
    }

    public func appendCommandGroup(
        expectedLastSequence: Int64, _ body: (inout any CommandSink) throws -> Void
    ) throws -> GroupAppendOutcome {
        try appendGroup(expectedLastSequence: expectedLastSequence) { group in
            var sink: any CommandSink = SQLiteCommandSink(group: group)
            defer { if let sqlite = sink as? SQLiteCommandSink { group = sqlite.group } }
            try body(&sink)
        }
    }

    /// SQLite looks the ids up one by one as they are appended (a local read each), so `commandIDs` is unused.
    public func appendCommandGroup(
        after folded: Int64, commandIDs: [String], catchingUp: (borrowing EventView) throws -> Void,
        _ body: (inout any CommandSink) throws -> Void
    ) throws {
        try appendGroup(after: folded, catchingUp: catchingUp) { group in
            var sink: any CommandSink = SQLiteCommandSink(group: group)
            defer { if let sqlite = sink as? SQLiteCommandSink { group = sqlite.group } }
            try body(&sink)
        }
    }
}
