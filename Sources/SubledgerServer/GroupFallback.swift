// TEMPORARY until branch `group` (Ledger+Group.swift) is merged into main: the same API, run one command
// after another, each in its own transaction. Deleted by the merge that brings the real group commit.

import Subledger

public struct GroupedCommand: Sendable {
    public var commandID: String
    public var kind: String
    public var actor: String?
    public var commands: [LedgerCommand]

    public init(commandID: String, kind: String, actor: String?, commands: [LedgerCommand]) {
        self.commandID = commandID
        self.kind = kind
        self.actor = actor
        self.commands = commands
    }
}

extension GroupedCommand {
    public static func single(_ command: LedgerCommand, commandID: String, actor: String?) -> GroupedCommand {
        GroupedCommand(commandID: commandID, kind: CommandName(command).rawValue, actor: actor, commands: [command])
    }
}

extension Ledger {
    func executeGroup(_ group: [GroupedCommand]) throws -> [Result<CommandResult, any Error>] {
        group.map { grouped in
            Result {
                try executeBatch(commandID: grouped.commandID, kind: grouped.kind) { submit in
                    for command in grouped.commands { try submit(command) }
                }
            }
        }
    }
}
