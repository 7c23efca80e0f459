// Stages in other processes, both ends of `stage.run`. RemoteStage is what a stage with a
// `socket` is bound to in the daemon: it sends the stage's plan, its inputs (through the port
// codecs) and the request's context values (through the context codecs). StageHost is the other
// end, in the worker: it decodes the plan with the same checks as the pipeline loader, binds it
// with the same Binder (caching the bound stage per plan), runs it and encodes its outputs.
import JSON
import Posix

/// How the daemon reaches a stage's process; notifications it sends back (streamed tokens) go to
/// `onEvent`. The daemon implements it over the wire protocol.
public protocol StageTransport: Sendable {
    func call(socket: String, request: JSONObject, onEvent: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON
}

struct RemoteStage: Stage {
    let plan: StagePlan
    let socket: String
    let transport: any StageTransport
    let catalog: Catalog

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        var payload = JSONObject()
        for spec in plan.kind.inputs {
            guard let codec = catalog.portCodecs[spec.type], let values = inputs.values[spec.name] else { continue }
            payload[spec.name] = .array(try values.map { v in
                .object(JSONObject([("source", .string(v.source)), ("value", try codec.encode(v.value))]))
            })
        }
        var ctx = JSONObject()
        for c in catalog.contextCodecs { if let j = c.encode(context) { ctx[c.name] = j } }
        let request = JSONObject([("plan", PlanCodec.encode(plan)), ("inputs", .object(payload)), ("context", .object(ctx))])
        let reply = try transport.call(socket: socket, request: request) { context.emit($0, $1) }
        if let reason = reply["skipped"]?.stringValue { throw PipelineError.skipped(stage: plan.id, reason: reason) }
        var out = StageOutputs()
        for spec in plan.kind.outputs {
            guard let j = reply["outputs"]?[spec.name], !j.isNull, let codec = catalog.portCodecs[spec.type] else { continue }
            do { out.entries[spec.name] = StageOutputs.Entry(type: spec.type, value: try codec.decode(j)) } catch {
                throw PipelineError.port(stage: plan.id, port: spec.name, reason: "the process at \(socket) returned an invalid value: \(error)")
            }
        }
        return out
    }
}

/// Serves `stage.run` requests for the kinds of `registry`, binding each plan once.
public final class StageHost<Resources>: @unchecked Sendable {
    let registry: Registry<Resources>
    let resources: Resources
    private let lock = PthreadMutex()
    /// Bound stages by stage id, with the plan JSON they were bound from (a changed plan rebinds).
    private var bound: [String: (key: String, stage: any Stage)] = [:]

    public init(registry: Registry<Resources>, resources: Resources) {
        self.registry = registry
        self.resources = resources
    }

    /// Runs the stage `request` describes; `emit` streams its notifications to the caller.
    /// - Throws: `PipelineError.invalid` (a bad plan: the diagnostics the pipeline loader would
    ///   give), `.unknownKind`, `.port` (bad inputs), or whatever the stage throws.
    public func run(_ request: JSONObject, emit: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON {
        let catalog = registry.catalog
        let planJSON = request["plan"] ?? .null
        let plan = try PlanCodec.decode(planJSON, catalog: catalog)
        let key = planJSON.serialized()
        let stage: any Stage = try lock.withLock {
            if let b = bound[plan.id], b.key == key { return b.stage }
            let s = try Binder.bind(plan, registry: registry, resources: resources)
            bound[plan.id] = (key, s)
            return s
        }
        var sourced: [String: [(source: String, value: any Sendable)]] = [:]
        let given = request["inputs"]?.objectValue ?? JSONObject()
        for spec in plan.kind.inputs {
            guard let items = given[spec.name]?.arrayValue else { continue }
            guard let codec = catalog.portCodecs[spec.type] else {
                throw PipelineError.port(stage: plan.id, port: spec.name, reason: "values of type '\(spec.type)' cannot cross a socket")
            }
            for item in items {
                do {
                    sourced[spec.name, default: []].append((item["source"]?.stringValue ?? "", try codec.decode(item["value"] ?? .null)))
                } catch {
                    throw PipelineError.port(stage: plan.id, port: spec.name, reason: "\(error)")
                }
            }
        }
        let inputs = try StageInputs(stage: plan.id, specs: plan.kind.inputs, sourced: sourced)
        var values = RemoteContextValues()
        let ctx = request["context"]?.objectValue ?? JSONObject()
        for c in catalog.contextCodecs {
            guard let j = ctx[c.name] else { continue }
            do { try c.decode(j, &values) } catch {
                throw PipelineError.port(stage: plan.id, port: "context." + c.name, reason: "\(error)")
            }
        }
        let outputs: StageOutputs
        do {
            outputs = try Executor.runAlone(stage, plan: plan, inputs: inputs, context: RemoteContext(values: values, emit: emit))
        } catch let PipelineError.skipped(_, reason) {
            // Standing aside is a reply, not an error: the caller reports the stage as skipped.
            return .object(JSONObject([("skipped", .string(reason))]))
        }
        var o = JSONObject()
        for spec in plan.kind.outputs {
            guard let e = outputs.entries[spec.name], let codec = catalog.portCodecs[spec.type] else { continue }
            o[spec.name] = try codec.encode(e.value)
        }
        return .object(JSONObject([("outputs", .object(o))]))
    }
}

/// The context of a stage running for a remote caller: the values it sent, and its notifications
/// going back over the caller's connection.
final class RemoteContext: RunContext, @unchecked Sendable {
    let values: RemoteContextValues
    let emitter: @Sendable (String, JSONObject) -> Void

    init(values: RemoteContextValues, emit: @escaping @Sendable (String, JSONObject) -> Void) {
        self.values = values
        emitter = emit
    }

    func value<V>(_ key: ContextKey<V>) -> V? { values.value(key) }
    func emit(_ event: String, _ payload: JSONObject) { emitter(event, payload) }
}
