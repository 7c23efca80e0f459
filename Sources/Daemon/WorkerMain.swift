// `nerved worker`: a process that serves `stage.run` for the stages the daemon runs out of
// process (the local model), on its own socket, until SIGTERM or `shutdown`.
import JSON
import Posix
import Service
import Wire

public enum WorkerMain {
    /// Serves `host`'s kinds at `socket`; returns the exit status. With `parent`, the worker
    /// stops (as on SIGTERM) once that process is no longer its parent: a daemon killed outright
    /// leaves no worker behind holding the model and the socket.
    public static func run(socket: String, host: WorkerHost, info: JSONObject, log: Logger, parent: Int32? = nil) -> Int32 {
        Signals.ignoreBrokenPipe()
        Signals.block([.hangup, .terminate, .interrupt])
        if let parent {
            do {
                try Threads.spawn(name: "parent-watch") {
                    while ProcessControl.parentID == parent { Threads.sleep(ms: 500) }
                    log.warning("worker-parent-gone", [("parent", parent)])
                    try? Signals.send(.terminate, to: Identity.processID)
                }
            } catch {
                log.error("worker-parent-watch", [("reason", "\(error)")])
            }
        }
        let handler = StageServer(host: host, log: log) {
            var o = info
            o["pid"] = .int(Int64(Identity.processID))
            o["rss_bytes"] = .int(Int64(Identity.residentBytes()))
            o["models"] = host.modelStatus
            return o
        }
        handler.onShutdown = { try? Signals.send(.terminate, to: Identity.processID) }
        // A pipeline may name a socket in a folder nothing has made yet (e.g. run/).
        if let slash = socket.lastIndex(of: "/"), slash != socket.startIndex {
            try? FileSystem.makeDirectories(String(socket[..<slash]))
        }
        var opts = ServerOptions(path: socket)
        opts.maxLineBytes = 64 << 20
        let server = Server(options: opts, handler: handler, log: { [log] in log.debug("worker-conn", [("event", $0)]) })
        do { try server.start() } catch {
            log.error("worker-listen-failed", [("socket", socket), ("reason", "\(error)")])
            return 74
        }
        log.info("worker-ready", [("pid", Identity.processID), ("socket", socket), ("kinds", host.kinds.joined(separator: ","))])
        _ = Signals.wait([.terminate, .interrupt, .hangup])
        server.drain(timeoutMs: 5000)
        return 0
    }
}
