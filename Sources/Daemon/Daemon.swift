// nerved's lifecycle: take the index lock, open the engine (index, models, pipelines planned and
// bound; a bad file stops start-up with exit 78), listen, then wait for signals: SIGHUP reloads
// (keeping the old pipelines on error), SIGTERM/SIGINT drain in-flight requests and exit cleanly.
import Config
import JSON
import Posix
import Service
import Wire

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

    /// Checks config and pipelines without starting (`nerved --check`): no index, model or
    /// socket is opened and no file is created.
    /// - Returns: the diagnostics text (warnings included) and whether all is well.
    public static func check(config: DaemonConfig) -> (ok: Bool, report: String) {
        Engine.check(pipelines: config.resolved().pipelines)
    }

    /// Starts serving: lock, engine, workers, socket.
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
        let engine: Engine
        do {
            engine = try Engine(config: EngineConfig(index: config.index, pipelines: config.pipelines, embeddingModel: config.embeddingModel,
                                                     embeddingThreads: config.embeddingThreads, maxFileBytes: config.maxFileBytes,
                                                     maxDecompressionRatio: config.maxDecompressionRatio),
                                transport: WorkerTransport(starting: { [workers] in workers.isAlive(socket: $0) }), log: { [log] in log.info("stage", [("message", $0)]) })
        } catch let e as ServiceError {
            if case .pipeline = e { throw DaemonError.pipeline(report: e.description) }
            throw DaemonError.index(reason: e.description)
        }
        for note in engine.vectorNotes { log.warning("vectors", [("note", note)]) }
        if let problem = engine.embeddingProblem {
            log.warning("embedding-model", [("reason", problem), ("effect", "vector search off; lexical search only")])
        }
        for w in engine.warnings { log.warning("pipeline", [("diagnostic", w.description)]) }
        let d = Dispatcher(engine: engine, log: log, config: config)
        d.info = JSONObject([("pid", .int(Int64(Identity.processID))), ("socket", .string(config.socket)),
                             ("index", .string(config.index)), ("pipelines", .string(config.pipelines)),
                             ("version", .string(Version.string))])
        d.onShutdown = { try? Signals.send(.terminate, to: Identity.processID) }
        let program = config.workerExecutable
        let level = config.logLevel
        d.onReload = { [workers] in workers.reconcile(WorkerSupervisor.specs(engine.workerSpecs, executable: program, logLevel: level)) }
        d.workerStatus = { [workers] in workers.status }
        d.workerReport = { [workers] in workers.report(sockets: engine.workerSpecs.map(\.socket)) }
        workers.reconcile(WorkerSupervisor.specs(engine.workerSpecs, executable: program, logLevel: level))
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
        if let engine = dispatcher?.engine {
            do { try engine.saveVectors() } catch { log.warning("vectors", [("error", "\(error)")]) }
        }
        log.info("stopped", [("unfinished", left)])
        server = nil
        lock = nil
    }
}
