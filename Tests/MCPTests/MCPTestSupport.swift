// Doubles and drivers for the MCP tests: a fake daemon link (in process), a fake nerved serving
// the wire protocol on a real socket with canned replies, and `nerve mcp` run as a child process
// whose stdin we write raw lines to and whose stdout we read line by line.
import Foundation
import JSON
import MCP
import Posix
import TestSupport
import Wire

/// Canned daemon replies, shaped as docs/protocol.md (ask, status) and the search contract say.
enum Canned {
    static let citation: JSON = ["path": "/docs/leave.md", "line_start": 3, "line_end": 4, "heading": "Parental leave", "chunk": "f629fb72639cca3c"]

    static let ask: JSON = [
        "answer": "Twelve weeks.", "route": "extract", "confidence": 0.93, "accepted": true, "generation": 4,
        "citations": [citation], "stages": [["id": "extract", "kind": "answer.extract", "status": "ran", "confidence": 0.93, "ms": 1.5]],
        "tokens_in": 0, "tokens_out": 0, "cost": 0, "total_ms": 2.5,
    ]

    static let unsure: JSON = [
        "answer": "", "route": "extract", "confidence": 0.2, "accepted": false, "generation": 4, "citations": [],
        "stages": [], "note": "No stage was confident enough.",
        "passages": [["text": "Travel is booked in economy.", "score": 0.41, "citation": ["path": "/docs/travel.md", "chunk": "aa11"]]],
    ]

    static func search(query: String, top: Int) -> JSON {
        let all: [JSON] = [
            ["rank": 1, "text": "Employees get twelve weeks of paid parental leave.", "score": 0.87, "citation": citation],
            ["rank": 2, "text": "Travel is booked in economy.", "score": 0.31,
             "citation": ["path": "/docs/travel.md", "title": "Travel", "page": 2, "chunk": "aa11"]],
        ]
        return ["query": .string(query), "generation": 4, "passages": .array(Array(all.prefix(top)))]
    }

    static let status: JSON = ["documents": 2, "generation": 4, "chunks": 7, "version": "0.1.0", "asks": ["running": 0, "queued": 0]]
}

/// A `DaemonLink` answering from a closure, recording each call.
final class FakeLink: DaemonLink, @unchecked Sendable {
    private let lock = PthreadMutex()
    private var log: [(String, JSONObject)] = []
    private let answer: @Sendable (String, JSONObject) throws -> JSON

    init(_ answer: @escaping @Sendable (String, JSONObject) throws -> JSON = FakeLink.canned) { self.answer = answer }

    static func canned(_ method: String, _ params: JSONObject) throws -> JSON {
        switch method {
        case "ask": return Canned.ask
        case "search": return Canned.search(query: params["query"]?.stringValue ?? "", top: params["top"]?.intValue ?? 10)
        case "status": return Canned.status
        default: throw WireError.failure(.EMETHOD, "unknown method '\(method)'")
        }
    }

    func call(_ method: String, _ params: JSONObject) throws -> JSON {
        lock.withLock { log.append((method, params)) }
        return try answer(method, params)
    }

    var calls: [(method: String, params: JSONObject)] { lock.withLock { log } }
}

/// nerved's wire protocol on a real socket, answering from canned replies; `ask` can be held
/// until the test releases it (to test concurrency and cancellation).
final class FakeDaemon: RequestHandler, @unchecked Sendable {
    let dir: String
    let socket: String
    private var server: Server?
    private let gate = Condition()
    private var held = false
    private var waiting = 0

    init(holdAsks: Bool = false) throws {
        dir = try Paths.temporaryDirectory("mcp-fake")
        socket = dir + "/nerved.sock"
        held = holdAsks
        let s = Server(options: ServerOptions(path: socket), handler: self, log: { _ in })
        try s.start()
        server = s
    }

    func handle(_ request: Request, context: RequestContext) throws -> JSON {
        if request.method == "ask" {
            gate.locked {
                waiting += 1
                gate.broadcast()
                while held { gate.wait() }
                waiting -= 1
            }
        }
        return try FakeLink.canned(request.method, request.params)
    }

    /// Waits until `n` asks are held at the gate.
    func waitForHeldAsks(_ n: Int, seconds: Int = 20) -> Bool {
        gate.locked {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while waiting < n && ContinuousClock.now < deadline { _ = gate.wait(ms: 50) }
            return waiting >= n
        }
    }

    func release() { gate.locked { held = false; gate.broadcast() } }

    func stop() {
        release()
        server?.drain(timeoutMs: 1000)
        FileSystem.removeTree(dir)
    }
}

/// `nerve mcp` as a child process, driven line by line.
final class MCPProcess: @unchecked Sendable {
    private let process = Process()
    private let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    private let lines = Condition()
    private var received: [String] = []
    private var closed = false
    private var errBytes = Data()
    private let errLock = PthreadMutex()

    init(socket: String) throws {
        process.executableURL = URL(fileURLWithPath: Binaries.folder + "/nerve")
        process.arguments = ["mcp", "--socket", socket]
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading, err = stderr.fileHandleForReading
        try Threads.spawn(name: "mcp-stdout") { [self] in
            var pending = Data()
            while true {
                let chunk = out.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let nl = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...nl)
                    lines.locked { received.append(line); lines.broadcast() }
                }
            }
            lines.locked {
                if !pending.isEmpty { received.append(String(decoding: pending, as: UTF8.self)) }
                closed = true
                lines.broadcast()
            }
        }
        try Threads.spawn(name: "mcp-stderr") { [self] in
            while true {
                let chunk = err.availableData
                if chunk.isEmpty { break }
                errLock.withLock { errBytes.append(chunk) }
            }
        }
    }

    func send(_ line: String) { stdin.fileHandleForWriting.write(Data((line + "\n").utf8)) }
    func send(_ message: JSON) { send(message.serialized()) }
    func sendRaw(_ bytes: Data) { stdin.fileHandleForWriting.write(bytes) }

    /// The next stdout line, or nil after `seconds` (or at end of output).
    func next(seconds: Int = 20) -> String? {
        lines.locked {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while received.isEmpty && !closed && ContinuousClock.now < deadline { _ = lines.wait(ms: 50) }
            return received.isEmpty ? nil : received.removeFirst()
        }
    }

    /// The next stdout line parsed (a line that is not JSON comes back as a string value).
    func nextJSON(seconds: Int = 20) -> JSON? {
        guard let l = next(seconds: seconds) else { return nil }
        return (try? JSON.parse(l)) ?? .string(l)
    }

    /// Sends a request and returns the reply with its id (other lines before it are kept).
    func request(_ id: Int, _ method: String, _ params: JSON = [:]) -> JSON? {
        send(["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": params])
        return nextJSON()
    }

    /// Closes stdin and waits for the exit status.
    func finish(seconds: Int = 20) -> Int32? {
        try? stdin.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning && ContinuousClock.now < deadline { Threads.sleep(ms: 20) }
        if process.isRunning { process.terminate(); return nil }
        return process.terminationStatus
    }

    var standardError: String { errLock.withLock { String(decoding: errBytes, as: UTF8.self) } }

    deinit { if process.isRunning { process.terminate() } }
}

/// The handshake every stdio test starts with.
enum Handshake {
    static let initialize: JSON = ["protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "swift-test", "version": "1"]]

    /// The 2026-07-28 per-request envelope.
    static func envelope(_ params: JSONObject = JSONObject(), version: String = "2026-07-28") -> JSON {
        var p = params
        p["_meta"] = [Revisions.protocolVersionKey: .string(version), Revisions.clientCapabilitiesKey: [:]]
        return .object(p)
    }
}
