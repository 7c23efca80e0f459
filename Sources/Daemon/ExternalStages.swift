// Stages in other processes, the socket ends of `stage.run`: the transport the engine's remote
// stages call through (a process that is not there is a model error, so the cascade falls back
// to the best lower-route answer), and the request handler a worker serves them with.
import JSON
import Pipeline
import Posix
import Service
import Wire

/// Calls `stage.run` at a stage's socket; the worker's notifications (streamed tokens) are passed on.
/// A question that arrives while the daemon's own worker is still starting (loading its model
/// takes seconds) waits for it rather than losing the route; a socket nobody is starting fails at once.
public struct WorkerTransport: StageTransport {
    /// Whether a process the daemon supervises for `socket` is alive (so it is starting or serving).
    let starting: @Sendable (String) -> Bool
    public init(starting: @escaping @Sendable (String) -> Bool = { _ in false }) { self.starting = starting }
    /// Longest wait for a starting worker to accept: a model read from a cold disk on a small machine.
    static let startWaitMs = 60_000

    public func call(socket: String, request: JSONObject, onEvent: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON {
        let stage = request["plan"]?["id"]?.stringValue ?? "?"
        let client = try connect(socket, stage: stage)
        defer { client.close() }
        do {
            return try client.call("stage.run", request) { method, params in onEvent(method, params) }
        } catch let e as WireError {
            throw ServiceError.model(reason: "stage '\(stage)' at \(socket): \(e)")
        }
    }

    private func connect(_ socket: String, stage: String) throws -> WireClient {
        let deadline = ContinuousClock.now + .milliseconds(Self.startWaitMs)
        while true {
            do { return try WireClient(path: socket) } catch {
                guard starting(socket), ContinuousClock.now < deadline else {
                    throw ServiceError.model(reason: "the process for stage '\(stage)' is not running at \(socket)")
                }
                Threads.sleep(ms: 50)
            }
        }
    }
}

/// Serves `stage.run` (and `status`, `shutdown`) in a worker.
public final class StageServer: RequestHandler, @unchecked Sendable {
    let host: WorkerHost
    let log: Logger
    let info: @Sendable () -> JSONObject
    public var onShutdown: @Sendable () -> Void = {}

    public init(host: WorkerHost, log: Logger, info: @escaping @Sendable () -> JSONObject = { JSONObject() }) {
        self.host = host
        self.log = log
        self.info = info
    }

    public func handle(_ request: Request, context: RequestContext) throws -> JSON {
        switch request.method {
        case "stage.run":
            do { return try host.run(request.params) { context.notify($0, $1) } } catch { throw ErrorMapping.wire(error) }
        case "status": return .object(info())
        case "shutdown":
            onShutdown()
            return .object(["stopping": true])
        default:
            throw WireError.failure(.EMETHOD, "unknown method '\(request.method)' (this process serves stage.run, status, shutdown)")
        }
    }
}
