// A minimal HTTP/1.1 client over a real loopback socket (one request per connection, `Connection:
// close`), for the live tests against `subledger serve`: what a curl would send, nothing in between.

import Foundation
import Subledger

#if canImport(Glibc)
import Glibc
let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
let streamSocket = SOCK_STREAM
#endif

struct LoopbackResponse {
    var status: Int
    var headers: [String: String]
    var body: String

    var json: JSONValue {
        get throws { try Array(body.utf8).withUnsafeBytes { try JSON.parse($0) } }
    }
}

struct LoopbackError: Error, CustomStringConvertible {
    var description: String
}

struct LoopbackClient {
    let port: Int

    func get(_ path: String, headers: [String: String] = [:]) throws -> LoopbackResponse {
        try exchange("GET", path, body: nil, headers: headers)
    }

    func post(_ path: String, _ body: String, headers: [String: String] = [:]) throws -> LoopbackResponse {
        try exchange("POST", path, body: body, headers: headers)
    }

    func exchange(
        _ method: String, _ path: String, body: String?, headers: [String: String]
    ) throws -> LoopbackResponse {
        let socket = try openSocket()
        defer { close(socket) }
        try writeAll(socket, request(method, path, body: body, headers: headers))
        return try parse(readAll(socket))
    }

    func request(_ method: String, _ path: String, body: String?, headers: [String: String]) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        return Array(text.utf8)
    }

    func openSocket() throws -> Int32 {
        let socket = socket(AF_INET, streamSocket, 0)
        guard socket >= 0 else { throw LoopbackError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw LoopbackError(description: "connect to port \(port): errno \(errno)")
        }
        return socket
    }

    func writeAll(_ socket: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw LoopbackError(description: "send: errno \(errno)") }
            offset += written
        }
    }

    func readAll(_ socket: Int32) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { return bytes }
            guard count > 0 else { throw LoopbackError(description: "recv: errno \(errno)") }
            bytes += buffer[..<count]
        }
    }

    func parse(_ bytes: [UInt8]) throws -> LoopbackResponse {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw LoopbackError(description: "no complete response: \(text.prefix(200))")
        }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"] == "chunked" { body = Self.unchunked(body) }
        return LoopbackResponse(status: status, headers: headers, body: body)
    }

    /// A chunked body's chunks, joined (the sizes are hex lines).
    static func unchunked(_ text: String) -> String {
        var rest = Substring(text)
        var body = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let end = rest.utf8.index(start, offsetBy: size)
            body += rest[start..<end]
            rest = rest[end...].dropFirst(2)
        }
        return body
    }
}
