// Request dispatch: one handler per wire method, parameters checked by name and type, work
// admitted through bounded queues, every failure mapped to a stable error code.
import Index
import JSON
import Pipeline
import Posix
import Stages
import Wire

public final class Dispatcher: RequestHandler, @unchecked Sendable {
    let env: StageEnvironment
    let registry: Registry
    let pipelines: CurrentPipelines
    let pipelineDir: String
    let log: Logger
    let asks: Admission
    let ingests: Admission
    let started = ContinuousClock.now
    let counters = Counters()
    /// Set by the daemon: asks it to begin a clean shutdown.
    var onShutdown: @Sendable () -> Void = {}
    /// Set by the daemon: called with new pipelines after a successful reload (workers follow).
    var onPipelines: @Sendable (PipelineSet) -> Void = { _ in }
    var workerStatus: @Sendable () -> [(socket: String, pid: Int32?, restarts: Int)] = { [] }
    /// Set when draining: long ingests stop between files.
    let stopping = Flag()
    private(set) var watcher: Watcher?
    private let watcherLock = PthreadMutex()
    var info: JSONObject = JSONObject()

    /// Longest question accepted (etc/nerved.toml `max_question_chars`).
    let maxQuestionChars: Int

    init(env: StageEnvironment, registry: Registry, pipelines: PipelineSet, pipelineDir: String, log: Logger, config: DaemonConfig) {
        self.env = env
        self.registry = registry
        self.pipelines = CurrentPipelines(pipelines)
        self.pipelineDir = pipelineDir
        self.log = log
        self.asks = Admission(name: "ask", running: config.maxConcurrentAsks, waiting: config.maxQueuedAsks)
        self.ingests = Admission(name: "ingest", running: 1, waiting: config.maxQueuedIngests)
        self.maxQuestionChars = config.maxQuestionChars
    }

    public func handle(_ request: Request, context: RequestContext) throws -> JSON {
        let start = ContinuousClock.now
        let params = Params(method: request.method, request.params)
        do {
            let result: JSON
            switch request.method {
            case "ask": result = try ask(params, context)
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
            log.info(request.method, [("ms", (ContinuousClock.now - start).milliseconds.rounded2), ("uid", context.peer.map { "\($0.uid)" } ?? "-")])
            return result
        } catch {
            counters.failed()
            let e = ErrorMapping.wire(error)
            log.warning(request.method, [("error", e.code?.rawValue ?? "EINTERNAL"), ("message", e.description.prefix(300))])
            throw e
        }
    }

    static let methods = ["ask", "ingest", "forget", "status", "reload", "shutdown", "watch", "unwatch", "stats", "embed"]

    /// The asker's identity for access filtering; nil in process (tests, no socket).
    func viewer(_ context: RequestContext) -> Viewer? {
        guard let p = context.peer else { return nil }
        return Viewer(uid: p.uid, gids: Identity.groups(ofUser: p.uid, primary: p.gid))
    }

    /// Changing the index or the daemon is for its owner (and root); asking is for everyone who can connect.
    func requireOwner(_ context: RequestContext, _ method: String) throws {
        guard let p = context.peer else { return }
        if p.uid != 0 && p.uid != Identity.userID {
            throw WireError.failure(.EACCES, "\(method) is allowed only for the daemon's owner (\(Identity.userName(Identity.userID))) and root")
        }
    }

    func ask(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["question", "explain"])
        let explain = try params.optionalBool("explain") ?? false
        let question = try params.string("question").trimmingCharacters()
        guard !question.isEmpty else { throw WireError.failure(.EPARAMS, "ask: the question is empty") }
        guard question.count <= maxQuestionChars else {
            throw WireError.failure(.ETOOBIG, "ask: the question is \(question.count) characters; the limit is \(maxQuestionChars)",
                                    JSONObject([("limit", .int(Int64(maxQuestionChars)))]))
        }
        if stopping.isSet { throw WireError.failure(.ESHUTDOWN, "nerved is shutting down") }
        let runner = AskRunner(env: env, pipeline: pipelines.snapshot.ask, external: ExternalStages.caller)
        let viewer = viewer(context)
        return try asks.run {
            try runner.ask(question, viewer: viewer, explain: explain) { event, payload in context.notify(event, payload) }
        }
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
        return try runIngest(root: root, scope: nil, progress: { p in context.notify("progress", p.json()) }).json()
    }

    /// Runs one ingest through the single ingest slot (EBUSY when too many wait).
    func runIngest(root: String, scope: [String]?, progress: @escaping (IngestProgress) -> Void = { _ in }) throws -> IngestReport {
        let runner = IngestRunner(env: env, pipeline: pipelines.snapshot.ingest)
        let report = try ingests.run {
            try runner.run(root: root, scope: scope, progress: progress, shouldStop: { [stopping] in stopping.isSet })
        }
        let changed = report.added + report.changed + report.linked + report.removed
        log.log(scope != nil && changed == 0 ? .debug : .info, scope == nil ? "ingested" : "synced",
                [("root", root), ("files", report.files), ("added", report.added), ("changed", report.changed),
                 ("removed", report.removed), ("skipped", report.skipped), ("failed", report.failed),
                 ("generation", report.generation)])
        return report
    }

    /// Ingests `root`, then keeps it in sync with inotify.
    func watch(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly(["path"])
        try requireOwner(context, "watch")
        let root = try existingPath(params, "watch")
        guard FileSystem.isDirectory(root) else { throw WireError.failure(.EPARAMS, "watch: \(root) is not a folder") }
        let report = try runIngest(root: root, scope: nil, progress: { p in context.notify("progress", p.json()) })
        try startWatching(root)
        var o = report.json().objectValue ?? JSONObject()
        o["watching"] = .array((watcher?.watchedRoots ?? []).map { .string($0) })
        o["workers"] = .array(workerStatus().map { w in
            .object(["socket": .string(w.socket), "pid": w.pid.map { .int(Int64($0)) } ?? .null, "restarts": .int(Int64(w.restarts))])
        })
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
            if let w = watcher { return w }
            let w = try Watcher(log: log) { [weak self] root, scope in self?.syncWatched(root: root, scope: scope) }
            watcher = w
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
        let paths = try env.index.read { try $0.paths(under: path) }
        guard !paths.isEmpty else { throw WireError.failure(.ENOENT, "forget: \(path) is not in the index") }
        let generation: Int64 = try ingests.run {
            try env.index.write { w in
                w.beginRun()
                for p in paths { try w.remove(path: p) }
                return try w.generation()
            }
        }
        return .object(JSONObject([("removed", .int(Int64(paths.count))), ("generation", .int(generation))]))
    }

    func status(_ params: Params) throws -> JSON {
        try params.allowOnly([])
        let s = try env.index.read { try $0.status() }
        var o = JSONObject()
        o["documents"] = .int(Int64(s.documents))
        o["generation"] = .int(s.generation)
        o["chunks"] = .int(Int64(s.chunks))
        o["contents"] = .int(Int64(s.contents))
        o["skipped"] = .int(Int64(s.skipped))
        o["failed"] = .int(Int64(s.failed))
        let v = env.index.vectorStatus
        var vectors = JSONObject([("stored", .int(Int64(s.vectors))), ("model", .string(s.vectorModel)),
                                  ("searchable", .int(Int64(v.count))), ("graph", .bool(v.graph)), ("unsaved", .int(Int64(v.unsaved)))])
        if let m = env.embedding {
            vectors["embedding_model"] = .string(m.directory)
            vectors["embedding_model_loaded"] = .bool(m.isAvailable)
        }
        o["vectors"] = .object(vectors)
        for (k, v) in info { o[k] = v }
        let up = ContinuousClock.now - started
        o["uptime_s"] = .int(up.components.seconds)
        o["requests"] = .int(Int64(counters.total.served))
        o["errors"] = .int(Int64(counters.total.failed))
        let a = asks.load, i = ingests.load
        o["asks"] = .object(JSONObject([("running", .int(Int64(a.active))), ("queued", .int(Int64(a.queued)))]))
        o["ingests"] = .object(JSONObject([("running", .int(Int64(i.active))), ("queued", .int(Int64(i.queued)))]))
        o["rss_bytes"] = .int(Int64(Identity.residentBytes()))
        if let r = s.lastReport, let j = try? JSON.parse(r) { o["last_ingest"] = j }
        o["watching"] = .array((watcher?.watchedRoots ?? []).map { .string($0) })
        o["workers"] = .array(workerStatus().map { w in
            .object(["socket": .string(w.socket), "pid": w.pid.map { .int(Int64($0)) } ?? .null, "restarts": .int(Int64(w.restarts))])
        })
        return .object(o)
    }

    func stats(_ params: Params) throws -> JSON {
        try params.allowOnly(["since_hours"])
        // Clamped to 0...100 years before converting: any finite JSON number arrives here, and
        // Int64(hours * 3.6e12) traps once hours passes about 2.5 million, a one-line crash of the
        // daemon (seen while triaging the json fuzzer's 1e400 finding). 100 years means "all".
        let all = 24.0 * 365 * 100
        let hours = min(max(try params.optionalDouble("since_hours") ?? all, 0), all)
        let since = WallClock.nanoseconds() - Int64(hours * 3_600_000_000_000)
        let log = try env.index.read { try $0.queryLog(sinceNs: max(0, since)) }
        return Stats.compute(log, frontier: pipelines.snapshot.ask.first(kind: "answer.frontier"))
    }

    func reload(_ params: Params, _ context: RequestContext) throws -> JSON {
        try params.allowOnly([])
        try requireOwner(context, "reload")
        let set = try reloadPipelines()
        return .object(JSONObject([("reloaded", true), ("warnings", .array(set.warnings.map { .string($0.description) }))]))
    }

    /// Builds new pipelines and swaps them in; on failure the old ones keep serving.
    @discardableResult
    func reloadPipelines() throws -> PipelineSet {
        do {
            let set = try PipelineSet.load(dir: pipelineDir, registry: registry)
            pipelines.replace(set)
            onPipelines(set)
            log.info("reloaded", [("pipelines", pipelineDir)])
            return set
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

extension Double {
    var rounded2: Double { (self * 100).rounded() / 100 }
}
