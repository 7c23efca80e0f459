// What the built-in kinds bind to: the resources a process has (the index, the embedding and
// local models, limits, the spend ledger), the request-scoped context keys stages read, and the
// registries of kinds — every kind for the daemon, the model kinds for a worker. Building a
// registry touches nothing; only binding a plan reaches the resources.
import Corpus
import Index
import Pipeline

public struct StageResources: Sendable {
    /// The index; nil in a worker, where kinds that need it refuse to bind.
    public let index: IndexStore?
    /// Largest file ingest will read, in bytes (etc/nerved.toml `max_file_bytes`): a ceiling over
    /// the walk stage's own `max_file_bytes`, so a pipeline can lower it but not raise it.
    public let maxFileBytes: Int64
    /// Decoding bounds handed to every extractor (etc/nerved.toml `max_decompression_ratio`).
    public let decodeLimits: DecodeLimits
    /// Local models loaded in this process (answer.generate without a `socket`).
    public let models: ModelCache
    /// The sentence-embedding model (nil: none configured; vector stages then stand aside).
    public let embedding: EmbeddingModel?
    /// Money spent on model calls today, and reservations in flight (the frontier budgets).
    public let spend: SpendLedger
    public let log: @Sendable (String) -> Void

    public init(index: IndexStore?, maxFileBytes: Int64 = 64 << 20, decodeLimits: DecodeLimits = .standard,
                models: ModelCache = ModelCache(), embedding: EmbeddingModel? = nil, spend: SpendLedger = SpendLedger(),
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.index = index
        self.maxFileBytes = maxFileBytes
        self.decodeLimits = decodeLimits
        self.models = models
        self.embedding = embedding
        self.spend = spend
        self.log = log
    }

    /// The index, for kinds that cannot work without one.
    func requireIndex(_ plan: StagePlan) throws -> IndexStore {
        guard let index else {
            throw StagesError.noIndex(reason: "stage '\(plan.id)' (\(plan.kind.name)) needs the index, which this process does not have")
        }
        return index
    }
}

/// The request-scoped values stages read from their run context.
public enum RequestKeys {
    /// The question being answered.
    public static let question = ContextKey<String>("question")
    /// Who asks: answers only use documents this user may read (absent in process: no filter).
    public static let viewer = ContextKey<Viewer>("viewer")
    /// The one read snapshot every stage of an ask reads through, so an answer and the
    /// generation reported with it come from the same committed state.
    public static let snapshot = ContextKey<IndexReader>("snapshot")
    /// The ingest run in progress (its writer, report and request).
    public static let ingest = ContextKey<IngestSession>("ingest")
}

public typealias Kind = StageKind<StageResources>

/// The registry of every built-in kind.
public enum StandardKinds {
    public static func registry() -> Registry<StageResources> {
        let r = Registry<StageResources>()
        AskKinds.register(into: r)
        IngestKinds.register(into: r)
        VectorKinds.register(into: r)
        Codecs.register(into: r)
        return r
    }
}

/// The kinds a `nerved worker` process can host for the daemon: those that need no index, only
/// their own resources (the local model).
public enum WorkerKinds {
    public static func registry() -> Registry<StageResources> {
        let r = Registry<StageResources>()
        Codecs.register(into: r)
        r.register(GenerateKind.kind)
        return r
    }
}
