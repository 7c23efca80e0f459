// One daemon test body, two ways to run it (hummingbird's .router/.live): in process, calling
// the dispatcher with no socket, or live, over a real Unix socket in a temporary folder.
import Daemon
import JSON
import Posix
import Wire

public final class DaemonHarness: @unchecked Sendable {
    public enum Mode: String, Sendable, CaseIterable { case inProcess, live }

    public let mode: Mode
    public let dir: String
    public let daemon: Daemon
    public var socket: String { daemon.config.socket }
    private var nextID: Int64 = 1

    /// Starts a daemon on a fresh index with (a copy of) the repository's pipelines, or `pipelines`
    /// (`extractAccept`: see `copyOfRepositoryPipelines`).
    public init(_ mode: Mode, pipelines: String? = nil, extractAccept: Double? = nil, configure: (inout DaemonConfig) -> Void = { _ in }) throws {
        self.mode = mode
        dir = try Paths.temporaryDirectory("nerve-daemon")
        var c = DaemonConfig()
        c.socket = dir + "/nerved.sock"
        c.index = dir + "/index"
        c.pipelines = try pipelines ?? Self.copyOfRepositoryPipelines(in: dir, extractAccept: extractAccept)
        c.logLevel = .error
        // No worker processes unless a test asks for them (the test runner is no `nerved worker`);
        // the copied pipelines' local-model stage then fails per question, saying so.
        c.workerExecutable = ""
        // No embedding model unless a test asks for one: the suite stays fast and lexical tests
        // do not depend on the weights being installed.
        c.embeddingModel = ""
        configure(&c)
        daemon = Daemon(config: c, log: Logger(level: .error, sink: { _ in }))
        try daemon.start()
    }

    /// The repository's pipelines copied to `dir/pipelines`, so the paths they name relative to
    /// their folder (the local model's socket, its model file) are private to this daemon, and
    /// with the frontier's key variable renamed to one never set: a test never reaches a paid
    /// API, whatever the environment holds. `extractAccept` gives answer.extract an explicit
    /// threshold in place of its calibrated one, for tests of the daemon's plumbing that need an
    /// accepted answer whatever the shipped calibration accepts.
    public static func copyOfRepositoryPipelines(in dir: String, extractAccept: Double? = nil) throws -> String {
        let folder = dir + "/pipelines"
        try Paths.copyRepositoryPipelines(to: folder) { _, text in
            var t = text.replacing("key_env = \"OPENAI_API_KEY\"", with: "key_env = \"\(noKeyVariable)\"")
            if let a = extractAccept { t = t.replacing("kind = \"answer.extract\"\n", with: "kind = \"answer.extract\"\naccept = \(a)\n") }
            return t
        }
        return folder
    }

    /// The API-key variable the copied pipelines' frontier stage reads: never set.
    public static let noKeyVariable = "NERVE_TEST_NO_FRONTIER_KEY"

    deinit {
        daemon.stop()
        FileSystem.removeTree(dir)
    }

    /// Calls `method`; notifications received are appended to `notifications`.
    public func call(_ method: String, _ params: JSONObject = JSONObject(), notifications: NotificationLog? = nil) throws -> JSON {
        switch mode {
        case .live:
            let client = try WireClient(path: socket)
            defer { client.close() }
            return try client.call(method, params) { m, p in notifications?.record(m, p) }
        case .inProcess:
            guard let d = daemon.dispatcher else { throw WireError.connection(reason: "daemon not started") }
            let id = JSON.int(nextID)
            nextID += 1
            let ctx = RequestContext(peer: nil, requestID: id) { line in
                if let v = try? JSON.parse(line), let m = v["method"]?.stringValue {
                    notifications?.record(m, v["params"]?.objectValue ?? JSONObject())
                }
            }
            let reply = Server.reply(d, Request(id: id, method: method, params: params), ctx)
            let v = try JSON.parse(reply)
            if let err = v["error"] {
                let code = err["data"]?["code"]?.stringValue.flatMap(ErrorCode.init(rawValue:)) ?? .EINTERNAL
                throw WireError.rpc(code: code, message: err["message"]?.stringValue ?? "", data: err["data"]?.objectValue ?? JSONObject())
            }
            return v["result"] ?? .null
        }
    }

    /// The error code a call fails with, or nil when it succeeds.
    public func errorCode(_ method: String, _ params: JSONObject = JSONObject()) -> ErrorCode? {
        do {
            _ = try call(method, params)
            return nil
        } catch let e as WireError {
            return e.code ?? .EINTERNAL
        } catch {
            return .EINTERNAL
        }
    }

    /// Writes `files` (relative path → text) under a fresh folder and returns its path.
    public func makeFolder(_ files: [String: String]) throws -> String {
        let root = dir + "/docs-\(nextID)"
        nextID += 1
        for (rel, text) in files {
            let path = root + "/" + rel
            try FileSystem.makeDirectories(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
            try FileSystem.writeAtomically(path, Array(text.utf8))
        }
        return root
    }
}

/// Notifications collected during a call.
public final class NotificationLog: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var items: [(String, JSONObject)] = []
    public init() {}
    public func record(_ m: String, _ p: JSONObject) { lock.withLock { items.append((m, p)) } }
    public var all: [(method: String, params: JSONObject)] { lock.withLock { items } }
}
