// nerved's lifecycle: take the index lock, open the index, link the pipelines (a bad file stops
// start-up with exit 78), listen, then wait for signals: SIGHUP reloads (keeping the old
// pipelines on error), SIGTERM/SIGINT drain in-flight requests and exit cleanly.
import Config
import JSON
import Pipeline
import Posix
import Stages
import Wire
import Index

public final class Daemon: @unchecked Sendable {
    public let config: DaemonConfig
    let log: Logger
    private var server: Server?
    private var lock: FileLock?
    let workers: WorkerSupervisor
    public private(set) var dispatcher: Dispatcher?

    public init(config: DaemonConfig, log: Logger? = nil) {
        self.config = config.resolved()
        let log = log ?? Logger(level: config.logLevel)
        self.log = log
        workers = WorkerSupervisor(log: log)
    }

    /// Checks config and pipelines without starting (`nerved --check`).
    /// - Returns: the diagnostics text (warnings included) and whether all is well.
    public static func check(config: DaemonConfig) -> (ok: Bool, report: String) {
        let c = config.resolved()
        let tmp = (try? FileSystem.makeTemporaryDirectory(prefix: "nerved-check")) ?? "/tmp"
        defer { FileSystem.removeTree(tmp) }
        do {
            // Kinds bind to an index only when they run; a scratch index lets the check link them.
            let store = try IndexStore(directory: tmp)
            let registry = StandardKinds.registry(StageEnvironment(index: store))
            let set = try PipelineSet.load(dir: c.pipelines, registry: registry)
            let (a, i) = PipelineSet.paths(in: c.pipelines)
            let warnings = set.warnings.map(\.description)
            return (true, (warnings + ["\(a): ok", "\(i): ok"]).joined(separator: "\n"))
        } catch {
            return (false, "\(error)")
        }
    }

    /// Starts serving: lock, index, pipelines, socket.
    /// - Throws: `DaemonError` (exit code in `exitCode`).
    public func start() throws {
        Signals.ignoreBrokenPipe()
        Signals.ignoreFileSizeLimit()
        do { try FileSystem.makeDirectories(config.index) } catch {
            throw DaemonError.index(reason: "\(error)")
        }
        do { lock = try FileLock(path: config.index + "/nerved.lock") } catch let e as PosixError {
            if case let .locked(path, holder) = e { throw DaemonError.indexLocked(path: path, holder: holder) }
            throw DaemonError.index(reason: e.description)
        }
        let store: IndexStore
        do { store = try IndexStore(directory: config.index) } catch {
            throw DaemonError.index(reason: "\(error)")
        }
        for note in store.vectorNotes { log.warning("vectors", [("note", note)]) }
        var embedding: EmbeddingModel?
        if !config.embeddingModel.isEmpty {
            let m = EmbeddingModel(directory: config.embeddingModel, threads: config.embeddingThreads > 0 ? config.embeddingThreads : nil)
            do { _ = try m.encoder() } catch {
                log.warning("embedding-model", [("reason", "\(error)"), ("effect", "vector search off; lexical search only")])
            }
            embedding = m
        }
        let env = StageEnvironment(index: store, maxFileBytes: Int64(config.maxFileBytes),
                                   decodeLimits: DecodeLimits(maxRatio: config.maxDecompressionRatio), embedding: embedding,
                                   log: { [log] in log.info("stage", [("message", $0)]) })
        let registry = StandardKinds.registry(env)
        let set: PipelineSet
        do { set = try PipelineSet.load(dir: config.pipelines, registry: registry) } catch let e as PipelineError {
            throw DaemonError.pipeline(e)
        }
        for w in set.warnings { log.warning("pipeline", [("diagnostic", w.description)]) }
        let d = Dispatcher(env: env, registry: registry, pipelines: set, pipelineDir: config.pipelines, log: log, config: config)
        d.info = JSONObject([("pid", .int(Int64(Identity.processID))), ("socket", .string(config.socket)),
                             ("index", .string(config.index)), ("pipelines", .string(config.pipelines)),
                             ("version", .string(Version.string))])
        d.onShutdown = { try? Signals.send(.terminate, to: Identity.processID) }
        d.onPipelines = { [workers] set in workers.reconcile(WorkerSupervisor.specs(set.ask)) }
        d.workerStatus = { [workers] in workers.status }
        workers.reconcile(WorkerSupervisor.specs(set.ask))
        dispatcher = d

        var opts = ServerOptions(path: config.socket)
        opts.maxLineBytes = config.maxRequestBytes
        opts.maxConnections = config.maxConnections
        opts.mode = config.socketMode
        if let g = config.socketGroup {
            do { opts.group = try Identity.groupID(named: g) } catch {
                throw DaemonError.socket(path: config.socket, reason: "\(error)")
            }
            opts.mode = 0o660
        }
        let dir = config.socket.split(separator: "/").dropLast().joined(separator: "/")
        if !dir.isEmpty { try? FileSystem.makeDirectories("/" + dir) }
        let s = Server(options: opts, handler: d, log: { [log] in log.info("conn", [("event", $0)]) })
        do { try s.start() } catch {
            throw DaemonError.socket(path: config.socket, reason: "\(error)")
        }
        server = s
        for root in config.watch {
            do {
                let real = (try? FileSystem.realPath(root)) ?? root
                _ = try d.runIngest(root: real, scope: nil)
                try d.startWatching(real)
            } catch {
                log.error("watch-failed", [("root", root), ("reason", "\(error)")])
            }
        }
        log.info("started", [("pid", Identity.processID), ("socket", config.socket), ("index", config.index),
                             ("pipelines", config.pipelines), ("mode", String(opts.mode, radix: 8))])
    }

    /// Blocks until SIGTERM or SIGINT (or a `shutdown` request), handling SIGHUP reloads; then drains.
    /// Call `Signals.block` on the main thread before `start()` so every thread inherits the mask.
    public func waitForSignals() {
        while true {
            let s = Signals.wait([.hangup, .terminate, .interrupt])
            if s == .hangup {
                log.info("signal", [("signal", "SIGHUP"), ("action", "reload")])
                _ = try? dispatcher?.reloadPipelines()
                continue
            }
            log.info("signal", [("signal", s.description), ("action", "drain")])
            break
        }
        stop()
    }

    /// Stops accepting, lets in-flight requests finish, removes the socket.
    public func stop() {
        dispatcher?.stopping.set()
        dispatcher?.watcher?.stop()
        workers.stopAll()
        let left = server?.drain(timeoutMs: config.drainTimeoutMs) ?? 0
        // The vector files are a cache of the database; saving spares the next start a catch-up.
        if let env = dispatcher?.env {
            do { try env.index.saveVectors() } catch { log.warning("vectors", [("error", "\(error)")]) }
        }
        log.info("stopped", [("unfinished", left)])
        server = nil
        lock = nil
    }
}

public enum Version {
    public static let string = "0.1.0"
}
