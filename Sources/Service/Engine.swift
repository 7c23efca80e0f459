// The application layer's state: the index and models a daemon serves from, and the pipeline
// set currently bound to them. Loading a set is plan (pure, both files), then bind (both), then
// install (the stages' own effects), then swap — so a bad file or a stage that cannot bind leaves
// the serving set and the index exactly as they were. The request operations (ask, search,
// ingest, forget, status, stats) live in extensions, one file each.
import Config
import Index
import JSON
import Pipeline
import Posix
import Stages

/// What the engine needs to open: the daemon's settings that concern the index and the stages.
public struct EngineConfig: Sendable {
    public var index: String
    public var pipelines: String
    /// The sentence-embedding model folder ("" for none: lexical search only).
    public var embeddingModel: String
    /// Threads per embedding forward pass (0: every core).
    public var embeddingThreads: Int
    public var maxFileBytes: Int
    public var maxDecompressionRatio: Int

    public init(index: String, pipelines: String, embeddingModel: String = "", embeddingThreads: Int = 0,
                maxFileBytes: Int = 64 << 20, maxDecompressionRatio: Int = 200) {
        self.index = index
        self.pipelines = pipelines
        self.embeddingModel = embeddingModel
        self.embeddingThreads = embeddingThreads
        self.maxFileBytes = maxFileBytes
        self.maxDecompressionRatio = maxDecompressionRatio
    }
}

/// A worker process a pipeline needs: the socket it serves and the `nerved worker` arguments.
public struct WorkerSpec: Sendable, Equatable {
    public let socket: String
    public let arguments: [String]
}

/// Both pipelines, planned and bound together.
struct PipelineSet: Sendable {
    let ask: BoundPipeline
    let ingest: BoundPipeline

    static func paths(in dir: String) -> (ask: String, ingest: String) { (dir + "/ask.toml", dir + "/ingest.toml") }

    /// Plans both files, reporting the problems of both at once. Touches no resource.
    static func plan(dir: String, catalog: Catalog) throws -> (ask: PipelinePlan, ingest: PipelinePlan) {
        let (askPath, ingestPath) = paths(in: dir)
        var diagnostics: [Diagnostic] = []
        var plans: [String: PipelinePlan] = [:]
        for (path, role) in [(askPath, "ask"), (ingestPath, "ingest")] {
            do { plans[role] = try PipelineLoader.plan(path: path, role: role, catalog: catalog) } catch let e as PipelineError {
                if case let .invalid(d) = e { diagnostics += d } else { diagnostics.append(Diagnostic(.error, file: path, at: nil, e.description)) }
            }
        }
        guard let ask = plans["ask"], let ingest = plans["ingest"] else { throw PipelineError.invalid(diagnostics: diagnostics) }
        return (ask, ingest)
    }

    var warnings: [Diagnostic] { ask.plan.warnings + ingest.plan.warnings }
}

public final class Engine: @unchecked Sendable {
    public let config: EngineConfig
    let store: IndexStore
    let resources: StageResources
    let registry: Registry<StageResources>
    let transport: (any StageTransport)?
    private let lock = PthreadMutex()
    private var current: PipelineSet

    /// Opens the index and the embedding model and binds the pipelines.
    /// - Parameter transport: how to reach stages that run in other processes (nil: none can be
    ///   reached; such stages fail per question, saying so, and the rest of the pipeline serves).
    /// - Throws: `ServiceError.noIndex`/`.io` when the index cannot be opened, `.pipeline` with
    ///   every diagnostic when a pipeline file is invalid or cannot be bound.
    /// - Parameter models: the local-model cache (tests pass one with a scripted model).
    public init(config: EngineConfig, transport: (any StageTransport)? = nil, models: ModelCache = ModelCache(),
                log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.config = config
        let transport = transport ?? NoTransport()
        self.transport = transport
        registry = StandardKinds.registry()
        let catalog = registry.catalog
        // Plans first: a bad pipeline file stops start-up before the index is touched.
        let plans: (ask: PipelinePlan, ingest: PipelinePlan)
        do { plans = try PipelineSet.plan(dir: config.pipelines, catalog: catalog) } catch { throw ServiceError.from(error) }
        do { store = try IndexStore(directory: config.index) } catch { throw ServiceError.from(error) }
        var embedding: EmbeddingModel?
        if !config.embeddingModel.isEmpty {
            embedding = EmbeddingModel(directory: config.embeddingModel, threads: config.embeddingThreads > 0 ? config.embeddingThreads : nil)
        }
        let store = store
        resources = StageResources(index: store, maxFileBytes: Int64(config.maxFileBytes),
                                   decodeLimits: DecodeLimits(maxRatio: config.maxDecompressionRatio), models: models, embedding: embedding,
                                   spend: SpendLedger(spentSince: { since in try store.read { try $0.spend(sinceNs: since) } }), log: log)
        do {
            current = PipelineSet(ask: try Binder.bind(plans.ask, registry: registry, resources: resources, transport: transport),
                                  ingest: try Binder.bind(plans.ingest, registry: registry, resources: resources, transport: transport))
        } catch { throw ServiceError.from(error) }
        current.ask.install()
        current.ingest.install()
    }

    /// Checks the daemon's pipelines without binding them: no index, model or socket is opened
    /// and no file is created (`nerved --check`, `nerve check`).
    /// - Returns: whether both link, and the diagnostics (warnings included) or "ok" lines.
    public static func check(pipelines dir: String) -> (ok: Bool, report: String) {
        do {
            let plans = try PipelineSet.plan(dir: dir, catalog: StandardKinds.registry().catalog)
            let (a, i) = PipelineSet.paths(in: dir)
            let warnings = (plans.ask.warnings + plans.ingest.warnings).map(\.description)
            return (true, (warnings + ["\(a): ok", "\(i): ok"]).joined(separator: "\n"))
        } catch {
            return (false, "\(error)")
        }
    }

    var pipelines: PipelineSet { lock.withLock { current } }

    /// Plans, binds and installs both pipeline files anew; on any failure the serving set stays.
    /// - Returns: the new set's warnings.
    /// - Throws: `ServiceError.pipeline` with every diagnostic.
    @discardableResult
    public func reload() throws -> [Diagnostic] {
        let set: PipelineSet
        do {
            let plans = try PipelineSet.plan(dir: config.pipelines, catalog: registry.catalog)
            set = PipelineSet(ask: try Binder.bind(plans.ask, registry: registry, resources: resources, transport: transport),
                              ingest: try Binder.bind(plans.ingest, registry: registry, resources: resources, transport: transport))
        } catch { throw ServiceError.from(error) }
        set.ask.install()
        set.ingest.install()
        lock.withLock { current = set }
        return set.warnings
    }

    /// Warnings of the serving pipelines (e.g. a stage whose outputs nobody uses).
    public var warnings: [Diagnostic] { pipelines.warnings }

    /// The worker processes the serving ask pipeline needs (stages with a `socket` whose kind runs
    /// in a supervised `nerved worker`).
    public var workerSpecs: [WorkerSpec] {
        pipelines.ask.plan.stages.compactMap { p in
            guard let socket = p.socket, let args = p.kind.worker?(p) else { return nil }
            return WorkerSpec(socket: socket, arguments: args)
        }
    }

    /// The index itself, for tools and tests that inspect it directly.
    public var index: IndexStore { store }

    /// What opening the vector files found (rebuilt, caught up), for the daemon's log.
    public var vectorNotes: [String] { store.vectorNotes }

    /// Why the configured embedding model cannot be used, if it cannot (loading it now).
    public var embeddingProblem: String? {
        guard let m = resources.embedding else { return nil }
        do { _ = try m.encoder() } catch { return "\(error)" }
        return nil
    }

    /// Writes the vector files (a cache of the database; saving spares the next start a catch-up).
    public func saveVectors() throws {
        do { try store.saveVectors() } catch { throw ServiceError.from(error) }
    }
}

/// The transport of an engine without a daemon (tests, in-process tools): no worker process can
/// be reached, so stages declared with a `socket` fail when asked, with this reason.
struct NoTransport: StageTransport {
    func call(socket: String, request: JSONObject, onEvent: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON {
        let stage = request["plan"]?["id"]?.stringValue ?? "?"
        throw ServiceError.model(reason: "stage '\(stage)' runs in another process (\(socket)), which this engine does not reach")
    }
}
