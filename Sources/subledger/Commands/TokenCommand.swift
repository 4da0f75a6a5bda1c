import ArgumentParser
import Subledger

/// `token create|list|revoke`: the bearer tokens of `subledger serve` (issue 12, DR-26).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list or revoke the API tokens of the HTTP service.",
        discussion: """
            A token has a name, a role and a secret. Roles include the ones before them: read (queries, \
            events, the stream), post (and commands, batches), close (and closes, recalculations, \
            reversals), admin (everything, tokens too). The secret is printed once, by `create`; the ledger \
            (its file, or its PostgreSQL database) keeps only its SHA-256. Tokens and revocations are \
            never changed or deleted, and a name is never reused, so the ledger keeps who could call the \
            service and when.

            Examples:
              subledger token create --name erp --role post
              subledger token list
              subledger token revoke erp
            """,
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self])

    /// A token's fields, with `extra` members after them.
    static func json(_ token: TokenInfo, _ extra: [(String, JSONValue)] = []) -> JSONValue {
        let fields: [(String, JSONValue)] = [
            ("name", .string(token.name)), ("role", .string(token.role.rawValue)),
            ("created_at", .string(Terminal.utcTimestamp(milliseconds: token.createdAt))),
            ("created_by", JSONOut.string(token.createdBy)),
            ("revoked_at", JSONOut.string(token.revokedAt.map { Terminal.utcTimestamp(milliseconds: $0) })),
            ("revoked_by", JSONOut.string(token.revokedBy)),
        ]
        return .object((fields + extra).map { JSONMember(key: $0.0, value: $0.1) })
    }
}

/// A role given as an option value (`--role post`).
struct RoleArgument: ExpressibleByArgument {
    var role: TokenRole
    init?(argument: String) {
        guard let role = TokenRole(rawValue: argument) else { return nil }
        self.role = role
    }
    static var allValueStrings: [String] { TokenRole.allCases.map(\.rawValue) }
    static var defaultValueDescription: String { allValueStrings.joined(separator: "|") }
}

struct TokenCreate: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a token and print its secret, once.")

    static let notice = "store this secret now: it is not shown again (the ledger keeps only its hash)"

    @Option(help: "The token's name: 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'; never reused.")
    var name: String
    @Option(help: ArgumentHelp("What it may do.", valueName: "read|post|close|admin"))
    var role: RoleArgument
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try database.openLog()
        let secret = try log.createToken(name: name, role: role.role)
        if output.json {
            let created =
                try log.tokens().first { $0.name == name }
                ?? TokenInfo(name: name, role: role.role, createdAt: 0)
            JSONOut.print(TokenCommand.json(created, [("secret", .string(secret)), ("notice", .string(Self.notice))]))
            return
        }
        print("created token \(name) (role \(role.role.rawValue))")
        print(secret)
        print(Self.notice)
    }
}

struct TokenList: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the tokens, revoked ones too (never their secrets or hashes).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let tokens = try database.openLog().tokens()
        if output.json {
            JSONOut.print(["tokens": .array(tokens.map { TokenCommand.json($0) })])
            return
        }
        if tokens.isEmpty { print("no tokens"); return }
        var table = Table([("NAME", .left), ("ROLE", .left), ("CREATED (UTC)", .left), ("REVOKED (UTC)", .left)])
        for token in tokens {
            table.add([
                token.name, token.role.rawValue, Terminal.utcTimestamp(milliseconds: token.createdAt),
                token.revokedAt.map { Terminal.utcTimestamp(milliseconds: $0) } ?? "-",
            ])
        }
        print(table.render())
    }
}

struct TokenRevoke: ParsableCommand, JSONOutputting {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token: its secret is refused from now on.")

    @Argument(help: "The token's name.")
    var name: String
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try database.openLog()
        let before = try log.tokens().first { $0.name == name }
        let token = try log.revokeToken(name: name)
        let already = before?.revokedAt != nil
        if output.json {
            JSONOut.print(TokenCommand.json(token, [("already_revoked", .bool(already))]))
            return
        }
        let when = token.revokedAt.map { Terminal.utcTimestamp(milliseconds: $0) } ?? "-"
        print(already ? "token \(name) was revoked already, at \(when)" : "revoked token \(name) at \(when)")
    }
}
