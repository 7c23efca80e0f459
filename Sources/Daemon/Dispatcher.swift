// Request dispatch: one handler per wire method, parameters checked by name and type, work
// admitted through bounded queues, every failure mapped to a stable error code. The work itself
// is the engine's (Service); this file knows requests, peers and queues.
import JSON
import Posix
import Service
import Wire

public final class Dispatcher: RequestHandler, @unchecked Sendable {
    let engine: Engine
    let log: Logger
    let asks: Admission
    let ingests: Admission
    let started = ContinuousClock.now
    let counters = Counters()
    /// Set by the daemon: asks it to begin a clean shutdown.
    var onShutdown: @Sendable () -> Void = {}
    /// Set by the daemon: called after a successful reload (workers follow the new pipelines).
    var onReload: @Sendable () -> Void = {}
    var workerStatus: @Sendable () -> [(socket: String, pid: Int32?, restarts: Int)] = { [] }
    /// Set by the daemon: each worker's state and what its own `status` reports (its model).
    var workerReport: @Sendable () -> [JSONObject] = { [] }
    /// Set when draining: long ingests stop between files.
    let stopping = Flag()
    private var watcherStorage: Watcher?
    private let watcherLock = PthreadMutex()
    var info: JSONObject = JSONObject()

    /// Longest question accepted (etc/nerved.toml `max_question_chars`).
    let maxQuestionChars: Int

    init(engine: Engine, log: Logger, config: DaemonConfig) {
        self.engine = engine
        self.log = log
        self.asks = Admission(name: "ask", running: config.maxConcurrentAsks, waiting: config.maxQueuedAsks)
        self.ingests = Admission(name: "ingest", running: 1, waiting: config.maxQueuedIngests)
        self.maxQuestionChars = config.maxQuestionChars
    }

    /// The folder watcher, once something is watched (read and written under its lock).
    var watcher: Watcher? { watcherLock.withLock { watcherStorage } }

    public func handle(_ request: Request, context: RequestContext) throws -> JSON {
        let start = ContinuousClock.now
        let params = Params(method: request.method, request.params)
        do {
            let result: JSON
            switch request.method {
            case "ask": result = try ask(params, context)
            case "search": result = try search(params, context)
            case "ingest": result = try ingest(params, context)
            case "forget": result = try forget(params, context)
            case "status": result = try status(params)
            case "reload": result = try reload(params, context)
            case "shutdown": result = try shutdown(params, context)
            case "watch": result = try watch(params, context)
            case "stats": result = try stats(params)
            case "unwatch": result = try unwatch(params, context)
            case "embed": result = try embed(params)
            default:
                throw WireError.failure(.EMETHOD, "unknown method '\(request.method)'",
                                        JSONObject([("methods", .array(Self.methods.map { .string($0) }))]))
            }
            counters.served()
            log.info(request.method, [("ms", Decimals.rounded((ContinuousClock.now - start).milliseconds, places: 2)),
                                      ("uid", context.peer.map { "\($0.uid)" } ?? "-")])
            return result
        } catch {
            counters.failed()
            let e = ErrorMapping.wire(error)
            log.warning(request.method, [("error", e.code?.rawValue ?? "EINTERNAL"), ("message", e.description.prefix(300))])
            throw e
        }
    }

    static let methods = ["ask", "search", "ingest", "forget", "status", "reload", "shutdown", "watch", "unwatch", "stats", "embed"]

    /// The asker's identity for access filtering; nil in process (tests, no socket).
    func asker(_ context: RequestContext) -> Asker? {
        guard let p = context.peer else { return nil }
        return Asker(uid: p.uid, gids: Identity.groups(ofUser: p.uid, primary: p.gid))
    }

    /// Changing the index or the daemon is for its owner (and root); asking is for everyone who can connect.
    func requireOwner(_ context: RequestContext, _ method: String) throws {
        guard let p = context.peer else { return }
        if p.uid != 0 && p.uid != Identity.userID {
            throw WireError.failure(.EACCES, "\(method) is allowed only for the daemon's owner (\(Identity.userName(Identity.userID))) and root")
        }
    }

    /// A question or query: trimmed, non-empty, within the length limit.
    func text(_ params: Params, _ name: String, _ method: String) throws -> String {
        let text = try params.string(name).trimmingCharacters()
        guard !text.isEmpty else { throw WireError.failure(.EPARAMS, "\(method): the \(name) is empty") }
        guard text.count <= maxQuestionChars else {
            throw WireError.failure(.ETOOBIG, "\(method): the \(name) is \(text.count) characters; the limit is \(maxQuestionChars)",
                                    JSONObject([("limit", .int(Int64(maxQuestionChars)))]))
        }
        if stopping.isSet { throw WireError.failure(.ESHUTDOWN, "nerved is shutting down") }
        return text
    }

    func ask(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["question", "explain"])
        let explain = try params.optionalBool("explain") ?? false
        let question = try text(params, "question", "ask")
        let asker = asker(context)
        return try asks.run {
            try engine.ask(question, asker: asker, explain: explain) { event, payload in context.notify(event, payload) }
        }
    }

    func search(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["query", "top", "path"])
        let query = try text(params, "query", "search")
        let top = try params.optionalInt("top", range: 1...Engine.maxSearchResults) ?? 10
        let path = try params.optionalString("path")
        if let path, !path.hasPrefix("/") {
            throw WireError.failure(.EPARAMS, "search: path must be absolute, found '\(path)'")
        }
        let asker = asker(context)
        return try asks.run { try engine.search(query, top: top, pathPrefix: path, asker: asker) }
    }

    /// The absolute, symlink-resolved path a request names.
    func existingPath(_ params: Params, _ method: String) throws -> String {
        let raw = try params.string("path")
        guard raw.hasPrefix("/") else { throw WireError.failure(.EPARAMS, "\(method): path must be absolute, found '\(raw)'") }
        guard FileSystem.exists(raw) else { throw WireError.failure(.ENOENT, "\(method): \(raw) does not exist") }
        return (try? FileSystem.realPath(raw)) ?? raw
    }

    func ingest(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["path"])
        try requireOwner(context, "ingest")
        let root = try existingPath(params, "ingest")
        return try runIngest(root: root, scope: nil, progress: { p in context.notify("progress", p) }).json
    }

    /// Runs one ingest through the single ingest slot (EBUSY when too many wait).
    func runIngest(root: String, scope: [String]?, progress: @escaping (JSONObject) -> Void = { _ in }) throws -> IngestSummary {
        let r = try ingests.run {
            try engine.ingest(root: root, scope: scope, progress: progress, shouldStop: { [stopping] in stopping.isSet })
        }
        let changed = r.added + r.changed + r.linked + r.removed
        log.log(scope != nil && changed == 0 ? .debug : .info, scope == nil ? "ingested" : "synced",
                [("root", root), ("files", r.files), ("added", r.added), ("changed", r.changed), ("removed", r.removed),
                 ("skipped", r.skipped), ("failed", r.failed), ("generation", r.generation)])
        return r
    }

    /// Ingests `root`, then keeps it in sync with inotify.
    func watch(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["path"])
        try requireOwner(context, "watch")
        let root = try existingPath(params, "watch")
        guard FileSystem.isDirectory(root) else { throw WireError.failure(.EPARAMS, "watch: \(root) is not a folder") }
        let report = try runIngest(root: root, scope: nil, progress: { p in context.notify("progress", p) })
        try startWatching(root)
        var o = report.json.objectValue ?? JSONObject()
        o["watching"] = .array((watcher?.watchedRoots ?? []).map { .string($0) })
        o["workers"] = .array(workerReport().map { .object($0) })
        return .object(o)
    }

    func unwatch(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["path"])
        try requireOwner(context, "unwatch")
        let raw = try params.string("path")
        let root = (try? FileSystem.realPath(raw)) ?? raw
        guard let w = watcher, w.watchedRoots.contains(root) else { throw WireError.failure(.ENOENT, "unwatch: \(root) is not watched") }
        w.unwatch(root)
        return .object(JSONObject([("watching", .array(w.watchedRoots.map { .string($0) }))]))
    }

    /// Creates the watcher on first use and adds `root` to it.
    func startWatching(_ root: String) throws {
        let w: Watcher = try watcherLock.withLock {
            if let w = watcherStorage { return w }
            let w = try Watcher(log: log) { [weak self] root, scope in self?.syncWatched(root: root, scope: scope) }
            watcherStorage = w
            return w
        }
        do { try w.watch(root) } catch {
            throw WireError.failure(.EIO, "watch: cannot watch \(root): \(error) (raise fs.inotify.max_user_watches?)")
        }
    }

    /// Applies file-change events; waits for the ingest slot instead of giving up when it is busy.
    func syncWatched(root: String, scope: [String]?) {
        while !stopping.isSet {
            do {
                _ = try runIngest(root: root, scope: scope)
                return
            } catch let e as WireError where e.code == .EBUSY {
                Threads.sleep(ms: 200)
            } catch {
                log.error("sync-failed", [("root", root), ("reason", "\(error)")])
                return
            }
        }
    }

    func forget(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["path"])
        try requireOwner(context, "forget")
        let raw = try params.string("path")
        guard raw.hasPrefix("/") else { throw WireError.failure(.EPARAMS, "forget: path must be absolute, found '\(raw)'") }
        let path = raw.count > 1 && raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        let r = try ingests.run { try engine.forget(path: path) }
        return .object(JSONObject([("removed", .int(Int64(r.removed))), ("generation", .int(r.generation))]))
    }

    func workersJSON() -> JSON {
        .array(workerStatus().map { w in
            .object(["socket": .string(w.socket), "pid": w.pid.map { .int(Int64($0)) } ?? .null, "restarts": .int(Int64(w.restarts))])
        })
    }

    func status(_ params: Params) throws -> JSON {
        try params.allowOnly([])
        var o = try engine.status()
        for (k, v) in info { o[k] = v }
        let up = ContinuousClock.now - started
        o["uptime_s"] = .int(up.components.seconds)
        o["requests"] = .int(Int64(counters.total.served))
        o["errors"] = .int(Int64(counters.total.failed))
        let a = asks.load, i = ingests.load
        o["asks"] = .object(JSONObject([("running", .int(Int64(a.active))), ("queued", .int(Int64(a.queued)))]))
        o["ingests"] = .object(JSONObject([("running", .int(Int64(i.active))), ("queued", .int(Int64(i.queued)))]))
        o["rss_bytes"] = .int(Int64(Identity.residentBytes()))
        o["watching"] = .array((watcher?.watchedRoots ?? []).map { .string($0) })
        o["workers"] = .array(workerReport().map { .object($0) })
        return .object(o)
    }

    func stats(_ params: Params) throws -> JSON {
        try params.allowOnly(["since_hours"])
        return try engine.stats(sinceHours: try params.optionalDouble("since_hours"))
    }

    func reload(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly([])
        try requireOwner(context, "reload")
        let warnings = try reloadPipelines()
        return .object(JSONObject([("reloaded", true), ("warnings", .array(warnings.map { .string($0) }))]))
    }

    /// Builds new pipelines and swaps them in; on failure the old ones keep serving.
    @discardableResult
    func reloadPipelines() throws -> [String] {
        do {
            let warnings = try engine.reload()
            onReload()
            log.info("reloaded", [("pipelines", engine.config.pipelines)])
            return warnings.map(\.description)
        } catch {
            log.error("reload-failed", [("keeping", "previous pipelines"), ("reason", "\(error)")])
            throw error
        }
    }

    func shutdown(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly([])
        try requireOwner(context, "shutdown")
        onShutdown()
        return .object(JSONObject([("stopping", true)]))
    }
}

/// Served and failed request counts.
final class Counters: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var s = 0, f = 0
    func served() { lock.withLock { s += 1 } }
    func failed() { lock.withLock { f += 1 } }
    var total: (served: Int, failed: Int) { lock.withLock { (s, f) } }
}

/// A set-once flag readable from any thread.
final class Flag: @unchecked Sendable {
    private let lock = PthreadMutex()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
