// What stages share across requests: the index, limits, and a logger. Built once by the daemon
// and captured by the kinds when a pipeline is linked, so a reload reuses the same index.
import Index
import Pipeline

public final class StageEnvironment: @unchecked Sendable {
    public let index: IndexStore
    /// Largest file ingest will read, in bytes (etc/nerved.toml `max_file_bytes`): a ceiling over
    /// the walk stage's own `max_file_bytes`, so a pipeline can lower it but not raise it.
    public var maxFileBytes: Int64
    /// Decoding bounds handed to every extractor (etc/nerved.toml `max_decompression_ratio`).
    public var decodeLimits: DecodeLimits
    public let log: @Sendable (String) -> Void
    /// Local models loaded in this process (answer.generate without a `socket`).
    public let models: ModelCache
    /// The sentence-embedding model (nil: none configured; vector stages then stand aside).
    public let embedding: EmbeddingModel?

    public init(index: IndexStore, maxFileBytes: Int64 = 64 << 20, decodeLimits: DecodeLimits = .standard,
                models: ModelCache = ModelCache(), embedding: EmbeddingModel? = nil,
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.index = index
        self.embedding = embedding
        self.maxFileBytes = maxFileBytes
        self.models = models
        self.decodeLimits = decodeLimits
        self.log = log
    }
}

/// Request-scoped keys stages read from the RunContext.
public enum ContextKey {
    public static let question = "question"
    public static let viewer = "viewer"
    public static let file = "file"
    public static let sink = "sink"
}

/// Builds the registry of every built-in kind, bound to `environment`.
public enum StandardKinds {
    public static func registry(_ env: StageEnvironment) -> Registry {
        let r = Registry()
        AskKinds.register(into: r, env)
        IngestKinds.register(into: r, env)
        VectorKinds.register(into: r, env)
        Codecs.register(into: r)
        return r
    }
}

/// The kinds a `nerved worker` process can run for the daemon: those that need no index, only
/// their own resources (the local model). The model-backed kinds register here as they land.
public enum WorkerKinds {
    /// `model` is loaded now, so a bad file fails the worker at start-up, not the first question.
    public static func registry(model: String?, threads: Int?, models: ModelCache = ModelCache()) throws -> Registry {
        let r = Registry()
        Codecs.register(into: r)
        r.register(GenerateKind.kind(models, fixedModel: model))
        if let model { _ = try models.model(path: model, threads: threads ?? 0, context: 2048) }
        return r
    }
}
