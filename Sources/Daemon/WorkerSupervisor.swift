// Starts and supervises the worker processes the ask pipeline's out-of-process stages need (the
// local model runs in `nerved worker`, so a model crash or out-of-memory kill never takes the
// daemon down): restart with backoff when one dies, reconcile on reload, stop on shutdown; and
// ask each for its `status` (its model and recent speed) when the daemon's status is asked for.
import JSON
import Posix
import Service
import Wire

final class WorkerSupervisor: @unchecked Sendable {
    struct Spec: Equatable {
        let socket: String
        let argv: [String]
    }

    private let log: Logger
    private let lock = PthreadMutex()
    private var running: [String: Worker] = [:]   // by socket

    init(log: Logger) { self.log = log }

    /// The processes for the engine's worker specs: `PROGRAM worker` serving each socket, where
    /// PROGRAM is nerved itself unless `executable` says otherwise ("" starts none). `--parent`
    /// makes a worker exit when this daemon is gone, even killed with SIGKILL; it logs at the
    /// daemon's level.
    static func specs(_ workers: [WorkerSpec], executable: String?, logLevel: LogLevel) -> [Spec] {
        let program = executable ?? ChildProcess.currentExecutable
        guard !program.isEmpty else { return [] }
        return workers.map {
            Spec(socket: $0.socket, argv: [program, "worker", "--socket", $0.socket, "--parent", String(Identity.processID),
                                           "--log-level", logLevel.name] + $0.arguments)
        }
    }

    /// Makes the running workers match `specs`: stops the ones no longer wanted, starts new ones.
    func reconcile(_ specs: [Spec]) {
        let wanted = Dictionary(specs.map { ($0.socket, $0) }, uniquingKeysWith: { a, _ in a })
        let (stale, missing): ([Worker], [Spec]) = lock.withLock {
            let stale = running.filter { wanted[$0.key] != $0.value.spec }.map(\.value)
            for w in stale { running.removeValue(forKey: w.spec.socket) }
            let missing = wanted.values.filter { running[$0.socket] == nil }
            return (stale, missing)
        }
        for w in stale { w.stop() }
        for spec in missing {
            let w = Worker(spec: spec, log: log)
            lock.withLock { running[spec.socket] = w }
            w.start()
        }
    }

    func stopAll() {
        let all = lock.withLock { () -> [Worker] in
            defer { running = [:] }
            return Array(running.values)
        }
        for w in all { w.stop() }
    }

    var status: [(socket: String, pid: Int32?, restarts: Int)] {
        lock.withLock { running.values.map { ($0.spec.socket, $0.pid, $0.restarts) } }.sorted { $0.socket < $1.socket }
    }

    /// Whether the supervised process for `socket` is running (starting, loading or serving);
    /// false between a crash and its restart, so a crash-looping worker is never waited for.
    func isAlive(socket: String) -> Bool {
        let w = lock.withLock { running[socket] }
        return w?.pid != nil
    }

    /// Longest wait for a worker's `status` reply: the worker answers it without waiting for a
    /// generation in progress, so only a hung process takes this long.
    static let statusTimeoutMs = 2000

    /// The processes serving `sockets` (the ask pipeline's out-of-process stages), whether this
    /// daemon started them or not: socket, pid and restarts when supervised, `state` — "up"
    /// (answered `status`), "down" (nothing accepts there, e.g. restarting after a crash) or
    /// "not responding" — and what the process reported: `models` (LocalModelStatus JSON),
    /// `rss_bytes`.
    func report(sockets: [String]) -> [JSONObject] {
        let supervised = Dictionary(status.map { ($0.socket, $0) }, uniquingKeysWith: { a, _ in a })
        return Array(Set(sockets).union(supervised.keys)).sorted().map { socket in
            var o = JSONObject([("socket", .string(socket))])
            if let w = supervised[socket] {
                o["pid"] = w.pid.map { .int(Int64($0)) } ?? .null
                o["restarts"] = .int(Int64(w.restarts))
            }
            let client: WireClient
            do { client = try WireClient(path: socket, receiveTimeoutMs: Self.statusTimeoutMs) } catch {
                o["state"] = "down"
                o["reason"] = .string("\(error)")
                return o
            }
            defer { client.close() }
            do {
                let s = try client.call("status")
                o["state"] = "up"
                if o["pid"] == nil || o["pid"] == .null, let pid = s["pid"] { o["pid"] = pid }
                if let m = s["models"] { o["models"] = m }
                if let r = s["rss_bytes"] { o["rss_bytes"] = r }
            } catch {
                o["state"] = "not responding"
                o["reason"] = .string("\(error)")
            }
            return o
        }
    }
}

/// One supervised worker: a thread that starts it, waits for it, and restarts it with backoff.
final class Worker: @unchecked Sendable {
    let spec: WorkerSupervisor.Spec
    private let log: Logger
    private let lock = PthreadMutex()
    private var child: ChildProcess?
    private var stopping = false
    private(set) var restarts = 0

    init(spec: WorkerSupervisor.Spec, log: Logger) {
        self.spec = spec
        self.log = log
    }

    var pid: Int32? { lock.withLock { child?.pid } }

    func start() {
        do { try Threads.spawn(name: "worker") { [self] in loop() } } catch {
            log.error("worker-thread", [("socket", spec.socket), ("reason", "\(error)")])
        }
    }

    private func loop() {
        var backoffMs = 500
        while !lock.withLock({ stopping }) {
            let started = ContinuousClock.now
            let c: ChildProcess
            do { c = try ChildProcess.start(spec.argv) } catch {
                log.error("worker-start-failed", [("socket", spec.socket), ("reason", "\(error)")])
                Threads.sleep(ms: backoffMs)
                backoffMs = min(backoffMs * 2, 30_000)
                continue
            }
            lock.withLock { child = c }
            log.info("worker-started", [("pid", c.pid), ("socket", spec.socket)])
            let status = c.wait()
            lock.withLock { child = nil }
            if lock.withLock({ stopping }) { break }
            restarts += 1
            // A worker that ran a while gets a fresh backoff; one that dies at once waits longer each time.
            if ContinuousClock.now - started > .seconds(60) { backoffMs = 500 }
            log.warning("worker-exited", [("pid", c.pid), ("status", status), ("socket", spec.socket), ("restart_in_ms", backoffMs)])
            Threads.sleep(ms: backoffMs)
            backoffMs = min(backoffMs * 2, 30_000)
        }
    }

    func stop() {
        let c: ChildProcess? = lock.withLock {
            stopping = true
            return child
        }
        c?.terminate()
    }
}
