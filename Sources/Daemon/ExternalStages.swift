// Stages in other processes, both sides: the caller the ask pipeline uses for a stage with
// `socket = ...` (the wire method `stage.run`, tokens streamed back as notifications), and the
// handler a process runs to serve `stage.run` for the kinds it hosts (the model worker).
import Config
import Index
import JSON
import Pipeline
import Posix
import Stages
import Wire

enum ExternalStages {
    /// Calls `stage.run` at `socket`; a process that is not there is a model error, so the
    /// cascade falls back to the best lower-route answer.
    static let caller: ExternalCaller = { socket, request, onEvent in
        let stage = request["stage"]?.stringValue ?? "?"
        let client: WireClient
        do { client = try WireClient(path: socket) } catch {
            throw StagesError.model(reason: "the process for stage '\(stage)' is not running at \(socket)")
        }
        defer { client.close() }
        do {
            return try client.call("stage.run", request) { method, params in onEvent(method, params) }
        } catch let e as WireError {
            throw StagesError.model(reason: "stage '\(stage)' at \(socket): \(e)")
        }
    }
}

/// Serves `stage.run` (and `status`, `shutdown`) for the kinds in `registry`.
public final class StageServer: RequestHandler, @unchecked Sendable {
    let registry: Registry
    let log: Logger
    let info: @Sendable () -> JSONObject
    private let lock = PthreadMutex()
    private var cache: [String: (key: String, stage: any Stage)] = [:]
    public var onShutdown: @Sendable () -> Void = {}

    public init(registry: Registry, log: Logger, info: @escaping @Sendable () -> JSONObject = { JSONObject() }) {
        self.registry = registry
        self.log = log
        self.info = info
    }

    public func handle(_ request: Request, context: RequestContext) throws -> JSON {
        switch request.method {
        case "stage.run": return try run(Params(method: request.method, request.params), context)
        case "status": return .object(info())
        case "shutdown":
            onShutdown()
            return .object(["stopping": true])
        default:
            throw WireError.failure(.EMETHOD, "unknown method '\(request.method)' (this process serves stage.run, status, shutdown)")
        }
    }

    func run(_ p: Params, _ context: RequestContext) throws -> JSON {
        let id = try p.string("stage")
        let kindName = try p.string("kind")
        guard let kind = registry.kind(kindName) else {
            throw WireError.failure(.EPIPELINE, "this process cannot run stages of kind '\(kindName)' (it runs: \(registry.kinds.keys.sorted().joined(separator: ", ")))")
        }
        var params: [String: ParameterValue] = [:]
        let given = p.object["parameters"]?.objectValue ?? JSONObject()
        for spec in kind.parameters {
            if let j = given[spec.name] {
                guard let v = ParameterValue(j, as: spec.type) else {
                    throw WireError.failure(.EPARAMS, "stage.run: parameter '\(spec.name)' of '\(kindName)' must be \(spec.type.name)")
                }
                params[spec.name] = v
            } else if let d = spec.defaultValue {
                params[spec.name] = d
            } else {
                throw WireError.failure(.EPARAMS, "stage.run: '\(kindName)' needs parameter '\(spec.name)'")
            }
        }
        let config = StageConfig(id: id, kind: kindName, parameters: params, accept: p.object["accept"]?.doubleValue, socket: nil,
                                 baseDirectory: FileSystem.currentDirectory())
        let key = kindName + ":" + JSON.object(given).serialized()
        let stage: any Stage = try lock.withLock {
            if let c = cache[id], c.key == key { return c.stage }
            let s = try kind.make(config)
            cache[id] = (key, s)
            return s
        }
        var values: [String: [PortValue]] = [:]
        let inputs = p.object["inputs"]?.objectValue ?? JSONObject()
        for spec in kind.inputs {
            guard let codec = registry.codecs[spec.type] else { continue }
            for j in inputs[spec.name]?.arrayValue ?? [] {
                do { values[spec.name, default: []].append(PortValue(spec.type, try codec.decode(j))) } catch {
                    throw WireError.failure(.EPARAMS, "stage.run: input '\(spec.name)': \(error)")
                }
            }
        }
        let outputs = try stage.run(StageInputs(values), ServerRunContext(context: context, request: p.object["context"]?.objectValue))
        var o = JSONObject()
        for spec in kind.outputs {
            if let v = outputs[spec.name], let codec = registry.codecs[spec.type] { o[spec.name] = codec.encode(v) }
        }
        return .object(o)
    }
}

/// A stage running for a remote caller: its notifications go back over the caller's connection.
final class ServerRunContext: RunContext, @unchecked Sendable {
    let context: RequestContext
    let question: String?
    let viewer: Viewer?

    init(context: RequestContext, request: JSONObject?) {
        self.context = context
        question = request?["question"]?.stringValue
        if let v = request?["viewer"], let uid = v["uid"]?.intValue {
            viewer = Viewer(uid: UInt32(truncatingIfNeeded: uid), gids: (v["gids"]?.arrayValue ?? []).compactMap { $0.intValue.map { UInt32(truncatingIfNeeded: $0) } })
        } else {
            viewer = nil
        }
    }

    func value(_ key: String) -> (any Sendable)? {
        switch key {
        case ContextKey.question: return question
        case ContextKey.viewer: return viewer
        default: return nil
        }
    }
    func emit(_ event: String, _ payload: JSONObject) { context.notify(event, payload) }
    func callExternal(socket: String, request: JSONObject) throws -> JSON {
        throw StagesError.command(command: socket, reason: "a worker does not call further external stages")
    }
}
