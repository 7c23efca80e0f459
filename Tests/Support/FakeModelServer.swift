// A local HTTP/1.1 server on 127.0.0.1 that speaks the OpenAI and Anthropic chat shapes, for the
// frontier adapter's tests: each request takes the next scripted behaviour — an answer (whole or
// streamed), an error status, garbage, a hang, a trickle, a dropped stream.
import JSON
import Posix

public final class FakeModelServer: @unchecked Sendable {
    public enum Behaviour: Sendable {
        case openAI(String, tokensIn: Int = 11, tokensOut: Int = 7)
        case anthropic(String, tokensIn: Int = 13, tokensOut: Int = 5)
        case status(Int, body: String = "{\"error\":\"nope\"}", retryAfter: Int? = nil)
        case garbage
        case hang(ms: Int)
        case trickle(String, chunkDelayMs: Int)
        case dropMidStream
    }

    public let port: UInt16
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    private let listener: FileDescriptor
    private let lock = PthreadMutex()
    private var script: [Behaviour]
    private var fallback: Behaviour
    public private(set) var requests: [(path: String, headers: [String: String], body: JSON)] = []

    public init(_ script: [Behaviour], fallback: Behaviour = .status(500)) throws {
        (listener, port) = try TCPSocket.listenLoopback()
        self.script = script
        self.fallback = fallback
        try Threads.spawn(name: "fake-http") { [self] in
            while let c = try? UnixSocket.accept(listener) {
                try? Threads.spawn(name: "fake-conn") { [self] in serve(c) }
            }
        }
    }

    deinit { stop() }

    public func stop() {
        listener.shutdownSocket()
        listener.close()
    }

    public var requestCount: Int { lock.withLock { requests.count } }

    private func readRequest(_ c: FileDescriptor) -> (String, [String: String], [UInt8])? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = find(data, [13, 10, 13, 10]) {
                let head = String(decoding: data[..<end], as: UTF8.self).split(separator: "\r\n").map(String.init)
                let path = head.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    if let colon = line.firstIndex(of: ":") {
                        headers[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " ")
                    }
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                var body = Array(data[(end + 4)...])
                while body.count < length {
                    guard let n = try? chunk.withUnsafeMutableBytes({ try c.read(into: $0) }), n > 0 else { return nil }
                    body.append(contentsOf: chunk[0..<n])
                }
                return (path, headers, body)
            }
            guard let n = try? chunk.withUnsafeMutableBytes({ try c.read(into: $0) }), n > 0 else { return nil }
            data.append(contentsOf: chunk[0..<n])
        }
    }

    private func find(_ h: [UInt8], _ n: [UInt8]) -> Int? {
        guard h.count >= n.count else { return nil }
        for i in 0...(h.count - n.count) where Array(h[i..<(i + n.count)]) == n { return i }
        return nil
    }

    private func serve(_ c: FileDescriptor) {
        defer { c.close() }
        guard let (path, headers, body) = readRequest(c) else { return }
        let json = (try? JSON.parse(body)) ?? .null
        let behaviour: Behaviour = lock.withLock {
            requests.append((path, headers, json))
            return script.isEmpty ? fallback : script.removeFirst()
        }
        let stream = json["stream"] == .bool(true)
        func send(_ s: String) { try? c.writeAll(Array(s.utf8)) }
        func head(_ status: Int, _ type: String, length: Int? = nil, extra: String = "") {
            send("HTTP/1.1 \(status) \(status == 200 ? "OK" : "Error")\r\nContent-Type: \(type)\r\nConnection: close\r\n"
                 + (length.map { "Content-Length: \($0)\r\n" } ?? "") + extra + "\r\n")
        }
        switch behaviour {
        case let .openAI(text, tin, tout):
            if stream {
                head(200, "text/event-stream")
                for piece in Self.pieces(text) {
                    send("data: " + JSON.object(["choices": [["delta": ["content": .string(piece)], "finish_reason": nil]]]).serialized() + "\n\n")
                }
                send("data: " + JSON.object(["choices": [["delta": [:], "finish_reason": "stop"]]]).serialized() + "\n\n")
                send("data: " + JSON.object(["choices": [], "usage": ["prompt_tokens": .int(Int64(tin)), "completion_tokens": .int(Int64(tout))]]).serialized() + "\n\n")
                send("data: [DONE]\n\n")
            } else {
                let b = JSON.object(["choices": [["message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]],
                                     "usage": ["prompt_tokens": .int(Int64(tin)), "completion_tokens": .int(Int64(tout))]]).serialized()
                head(200, "application/json", length: b.utf8.count)
                send(b)
            }
        case let .anthropic(text, tin, tout):
            if stream {
                head(200, "text/event-stream")
                send("event: message_start\ndata: " + JSON.object(["type": "message_start", "message": ["usage": ["input_tokens": .int(Int64(tin))]]]).serialized() + "\n\n")
                for piece in Self.pieces(text) {
                    send("event: content_block_delta\ndata: " + JSON.object(["type": "content_block_delta", "delta": ["type": "text_delta", "text": .string(piece)]]).serialized() + "\n\n")
                }
                send("event: message_delta\ndata: " + JSON.object(["type": "message_delta", "delta": ["stop_reason": "end_turn"], "usage": ["output_tokens": .int(Int64(tout))]]).serialized() + "\n\n")
                send("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
            } else {
                let b = JSON.object(["content": [["type": "text", "text": .string(text)]], "stop_reason": "end_turn",
                                     "usage": ["input_tokens": .int(Int64(tin)), "output_tokens": .int(Int64(tout))]]).serialized()
                head(200, "application/json", length: b.utf8.count)
                send(b)
            }
        case let .status(code, body, retryAfter):
            head(code, "application/json", length: body.utf8.count, extra: retryAfter.map { "Retry-After: \($0)\r\n" } ?? "")
            send(body)
        case .garbage:
            head(200, stream ? "text/event-stream" : "application/json")
            send(stream ? "data: {this is not json\n\n" : "<html>definitely not json")
        case let .hang(ms):
            Threads.sleep(ms: ms)
        case let .trickle(text, delay):
            head(200, "text/event-stream")
            for piece in Self.pieces(text) {
                Threads.sleep(ms: delay)
                send("data: " + JSON.object(["choices": [["delta": ["content": .string(piece)]]]]).serialized() + "\n\n")
            }
            send("data: [DONE]\n\n")
        case .dropMidStream:
            head(200, "text/event-stream")
            send("data: " + JSON.object(["choices": [["delta": ["content": "partial"]]]]).serialized() + "\n\n")
        }
    }

    /// Splits text into word-sized stream pieces.
    static func pieces(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in text {
            cur.append(ch)
            if ch == " " { out.append(cur); cur = "" }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}

extension String {
    func trimmingCharacters(in c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }
}
