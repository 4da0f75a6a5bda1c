// The close pack (`subledger report close`, issue 13 item 3): on the closed demo ledger its files are all
// there, every relative link stays inside the pack, its figures are the CLI's `--json` figures for the close's
// date, and its CSVs parse with exact decimals; a date without a close and a non-empty directory are refused.

import Foundation
import Subledger
import SubledgerConsole
import SubledgerTestSupport
import Testing

@Suite struct ClosePackTests {
    static let closeDate = "2026-01-31"
    static let pages = ["index.html", "value.html", "close.html", "settlements.html", "reconciliation.html"]

    /// The closed demo ledger and a pack written from it with the CLI.
    struct Pack {
        let directory: TemporaryDirectory
        let database: String
        let out: String

        init() throws {
            directory = try TemporaryDirectory("close-pack")
            database = directory.path("demo.db")
            try Ledger(path: database).runDemo()
            out = directory.path("pack")
            let outcome = try run(["report", "close", "--date", ClosePackTests.closeDate, "--out", out])
            #expect(outcome.exited && outcome.status == 0, "\(outcome.summary)")
        }

        func run(_ arguments: [String]) throws -> ProcessOutcome {
            try ProcessOutcome.run(arguments + ["--db", database], in: directory.url)
        }

        func json(_ arguments: [String]) throws -> [String: Any] {
            let outcome = try run(arguments + ["--json"])
            let object = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))
            return object as? [String: Any] ?? [:]
        }

        func text(_ name: String) throws -> String { try String(contentsOfFile: out + "/" + name, encoding: .utf8) }

        func csv(_ name: String) throws -> [[String: String]] {
            let rows = CSV.parse(try text(name))
            return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(rows[0], $0)) }
        }

        var files: [String] { (try? FileManager.default.contentsOfDirectory(atPath: out).sorted()) ?? [] }
    }

    @Test func everyPageIsWrittenAndEveryLinkStaysInThePack() throws {
        let pack = try Pack()
        let files = Set(pack.files)
        for page in Self.pages { #expect(files.contains(page), "\(page) missing from \(files.sorted())") }
        #expect(files.filter { $0.hasSuffix(".csv") }.count >= 9)
        for page in Self.pages {
            let html = try pack.text(page)
            let links = html.matches(of: /(?:href|src)="([^"]*)"/).map { String($0.1) }
            #expect(!links.isEmpty)
            for link in links {
                #expect(files.contains(link), "\(page) links to \(link), not a file of the pack")
            }
            #expect(!html.contains("<form") && !html.contains("<button") && !html.contains("<input"))
            #expect(html.contains("<style>"), "\(page): the stylesheet is inline")
            for table in html.matches(of: /<table data-table="([^"]*)"/) {
                let csv = page.dropLast(".html".count) + "-" + table.1 + ".csv"
                #expect(html.contains("href=\"\(csv)\""), "\(page): table \(table.1) without its CSV")
            }
        }
        // An item's page is not in the pack: its name is plain text, not a dead link.
        #expect(try pack.text("close.html").contains("data-col=\"Item\">BOLT-M8</td>"))
    }

    @Test func figuresAreTheCLIFiguresForTheCloseDate() throws {
        let pack = try Pack()
        let closes = try pack.json(["closes"])["closes"] as? [[String: Any]] ?? []
        let close = try #require(closes.last { $0["date"] as? String == Self.closeDate })
        let summary = try #require(try pack.csv("close-close.csv").first)
        #expect(summary["Sequence"] == "\(close["sequence"] as? Int ?? -1)")
        #expect(summary["Issue adjustment"] == close["total_adjustment"] as? String)
        #expect(summary["Receipt adjustment"] == close["receipt_adjustment"] as? String)
        #expect(summary["Settlement entries"] == "\(close["settlement_entries"] as? Int ?? -1)")
        let log = try pack.csv("close-log.csv").map { $0["Line"] ?? "" }
        #expect(log == close["log"] as? [String])
        let byItem = try pack.csv("close-by-item.csv")
        #expect(byItem.last?["Issue adjustment"] == close["total_adjustment"] as? String)
        let settlements = try pack.csv("settlements-settlements.csv")
        #expect(settlements.count == close["settlement_entries"] as? Int)

        let value = try pack.json(["value", "--as-of", Self.closeDate])
        let pools = try pack.csv("value-pools.csv")
        let rows = value["rows"] as? [[String: Any]] ?? []
        #expect(pools.count == rows.count + 1)
        #expect(
            zip(pools, rows).allSatisfy { $0["Value"] == $1["value"] as? String && $0["Item"] == $1["item"] as? String }
        )
        let total = value["total"] as? [String: Any] ?? [:]
        #expect(pools.last?["Value"] == total["value"] as? String)
        #expect(pools.last?["Quantity"] == total["qty"] as? String)

        let reconcile = try pack.json(["reconcile", "--as-of", Self.closeDate])
        let accounts = try pack.csv("reconciliation-accounts.csv")
        let expected = reconcile["accounts"] as? [[String: Any]] ?? []
        #expect(accounts.count == expected.count + 1)
        for (row, account) in zip(accounts, expected) {
            #expect(row["Account"] == account["account"] as? String)
            #expect(row["Subledger"] == account["subledger"] as? String)
            #expect(row["GL"] == account["gl"] as? String)
            #expect(row["Difference"] == account["difference"] as? String)
        }
        let totals = reconcile["total"] as? [String: Any] ?? [:]
        #expect(accounts.last?["GL"] == totals["gl"] as? String)
        #expect(accounts.last?["Subledger"] == totals["subledger"] as? String)
    }

    @Test func csvsParseWithExactDecimals() throws {
        let pack = try Pack()
        let decimal = /-?[0-9]+(\.[0-9]+)?/
        for name in pack.files where name.hasSuffix(".csv") {
            let rows = CSV.parse(try pack.text(name))
            let header = try #require(rows.first)
            for row in rows.dropFirst() { #expect(row.count == header.count, "\(name): \(row)") }
        }
        let amounts = ["Value", "Financial value", "Physical value", "Quantity", "Average unit cost"]
        for row in try pack.csv("value-pools.csv") {
            for column in amounts where !(row[column] ?? "").isEmpty {
                #expect((try? decimal.wholeMatch(in: row[column] ?? "")) != nil, "\(column): \(row[column] ?? "")")
            }
        }
        // The screen groups thousands; the CSV keeps the ledger's exact text.
        let total = try #require(try pack.csv("value-pools.csv").last?["Value"])
        #expect(total.contains(".") && !total.contains(","))
        #expect(try pack.text("value.html").contains("data-exact=\"\(total)\""))
    }

    @Test func aDateWithoutACloseIsRefusedAndWritesNothing() throws {
        let pack = try Pack()
        let out = pack.directory.path("none")
        let outcome = try pack.run(["report", "close", "--date", "2026-01-30", "--out", out])
        #expect(outcome.exited && outcome.status == 2, "\(outcome.summary)")
        #expect(outcome.stderr.contains("no-close"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(throws: ClosePackError.self) {
            try ClosePack.files(ledger: Ledger(path: pack.database), closeDate: LedgerDate("2026-01-30")!)
        }
    }

    @Test func aDirectoryThatIsNotEmptyIsRefusedUnlessForced() throws {
        let pack = try Pack()
        let arguments = ["report", "close", "--date", Self.closeDate, "--out", pack.out]
        let refused = try pack.run(arguments)
        #expect(refused.exited && refused.status == 2, "\(refused.summary)")
        #expect(refused.stderr.contains("not-empty"))
        try "stale".write(toFile: pack.out + "/index.html", atomically: false, encoding: .utf8)
        let forced = try pack.run(arguments + ["--force"])
        #expect(forced.exited && forced.status == 0, "\(forced.summary)")
        #expect(try pack.text("index.html").hasPrefix("<!DOCTYPE html>"))
    }
}

/// RFC 4180, as the console writes it: quoted fields with doubled quotes, CRLF line ends.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return rows
    }
}

@Suite struct ClosePackLongTableTests {
    @Test func aLongTableIsCutOnItsPageAndWholeInItsCSV() throws {
        let database = TemporaryDatabase("close-pack-long")
        defer { database.remove() }
        let ledger = try Ledger(path: database.path)
        try ledger.runDemo()
        let files = try ClosePack.files(ledger: ledger, closeDate: LedgerDate("2026-01-31")!, rowsShown: 10)
        let page = try #require(files.first { $0.name == "settlements.html" }).text
        let csv = CSV.parse(try #require(files.first { $0.name == "settlements-settlements.csv" }).text)
        #expect(csv.count - 1 == 27)
        #expect(PageText.rowCount(page, table: "settlements") == 10)
        #expect(page.contains("the first 10 of 27 rows; the CSV has them all"))
    }
}
