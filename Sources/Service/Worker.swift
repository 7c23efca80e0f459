// The engine side of `nerved worker`: the kinds a worker hosts (the local model), bound from the
// plans the daemon sends with the same Binder as in the daemon, over resources without an index.
// The model named on the command line is loaded at start, so a bad file fails the worker at once
// rather than at the first question, and its system prompt is evaluated ahead so the first
// question reuses it. A file not installed yet is no failure: the stage stands aside with a note
// until the file appears, and `status` says so.
import JSON
import Pipeline
import Stages

public final class WorkerHost: Sendable {
    let host: StageHost<StageResources>
    let models: ModelCache

    /// - Parameter models: the model cache (tests pass one with a scripted model).
    /// - Throws: `ServiceError.model` when `model` exists but cannot be loaded.
    public init(model: String?, threads: Int, context: Int, models: ModelCache = ModelCache()) throws {
        if let model {
            do {
                let m = try models.model(path: model, threads: threads, context: context)
                // Warming only saves the first question some time; a model that cannot do it
                // will say why at that question.
                try? m.warm(system: EvidencePrompt.system)
            } catch StagesError.modelMissing {
                // Reported by `status` and, per question, by the stage.
            } catch {
                throw ServiceError.from(error)
            }
        }
        self.models = models
        host = StageHost(registry: WorkerKinds.registry(), resources: StageResources(index: nil, models: models))
    }

    /// The kinds this worker runs.
    public var kinds: [String] { WorkerKinds.registry().kinds.keys.sorted() }

    /// The models this worker loaded or tried to (`status`'s `models`).
    public var modelStatus: JSON { .array(models.statuses.map { .object($0.json()) }) }

    /// Serves one `stage.run` request; `emit` streams the stage's notifications back.
    /// - Throws: `ServiceError` (`.pipeline` for a plan the loader would refuse, with the same diagnostics).
    public func run(_ request: JSONObject, emit: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON {
        do { return try host.run(request, emit: emit) } catch { throw ServiceError.from(error) }
    }
}
