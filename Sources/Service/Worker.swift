// The engine side of `nerved worker`: the kinds a worker hosts (the local model), bound from the
// plans the daemon sends with the same Binder as in the daemon, over resources without an index.
// The model named on the command line is loaded at start, so a bad file fails the worker at once
// rather than at the first question.
import JSON
import Pipeline
import Stages

public final class WorkerHost: Sendable {
    let host: StageHost<StageResources>

    /// - Parameter models: the model cache (tests pass one with a scripted model).
    /// - Throws: `ServiceError.model` when `model` cannot be loaded.
    public init(model: String?, threads: Int, context: Int, models: ModelCache = ModelCache()) throws {
        if let model {
            do { _ = try models.model(path: model, threads: threads, context: context) } catch { throw ServiceError.from(error) }
        }
        host = StageHost(registry: WorkerKinds.registry(), resources: StageResources(index: nil, models: models))
    }

    /// The kinds this worker runs.
    public var kinds: [String] { WorkerKinds.registry().kinds.keys.sorted() }

    /// Serves one `stage.run` request; `emit` streams the stage's notifications back.
    /// - Throws: `ServiceError` (`.pipeline` for a plan the loader would refuse, with the same diagnostics).
    public func run(_ request: JSONObject, emit: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON {
        do { return try host.run(request, emit: emit) } catch { throw ServiceError.from(error) }
    }
}
