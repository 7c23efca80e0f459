// The hyperparameters of a decoder-only transformer read from GGUF metadata: the keys every
// architecture shares (what llama.cpp's llama_model_base::load_hparams reads), with the same
// defaults. Architecture-specific keys are read in each architecture's file.
import GGUF

/// The architectures this engine runs, by their `general.architecture` name.
public enum DecoderArchitecture: String, CaseIterable, Sendable {
    case llama, qwen2, qwen3, qwen2moe, qwen3moe, olmoe, granitemoe

    /// How the architecture pairs dimensions for rotary embeddings.
    /// ref: llama.cpp src/llama-model.cpp llama_model_rope_type (LLAMA/GRANITE_MOE: NORM;
    /// QWEN2/QWEN2MOE/QWEN3/QWEN3MOE/OLMOE: NEOX).
    public var ropeStyle: RopeStyle {
        switch self {
        case .llama, .granitemoe: .adjacentPairs
        case .qwen2, .qwen3, .qwen2moe, .qwen3moe, .olmoe: .halves
        }
    }
}

/// Which dimensions rotary position embedding rotates together.
public enum RopeStyle: Sendable, Equatable {
    /// Dimensions 2i and 2i+1 (the original llama layout; ggml's GGML_ROPE_TYPE_NORMAL).
    case adjacentPairs
    /// Dimensions i and i + nRot/2 (GPT-NeoX layout; ggml's GGML_ROPE_TYPE_NEOX).
    case halves
}

/// Everything the forward pass needs to know about a model's shape, from its GGUF metadata.
public struct DecoderConfig: Sendable, Equatable {
    public var architecture: DecoderArchitecture
    /// `<arch>.block_count`.
    public var layers: Int
    /// `<arch>.embedding_length` (model width).
    public var embedding: Int
    /// `<arch>.feed_forward_length` (dense FFN width; 0 when absent).
    public var feedForward: Int
    /// `<arch>.attention.head_count`.
    public var heads: Int
    /// `<arch>.attention.head_count_kv` (default: `heads`).
    public var kvHeads: Int
    /// `<arch>.attention.key_length` (default: embedding / heads); values have the same width here.
    public var headDim: Int
    /// `<arch>.rope.dimension_count` (default: headDim).
    public var ropeDimensions: Int
    /// `<arch>.rope.freq_base` (default 10000).
    public var ropeBase: Float
    /// 1 / `<arch>.rope.scaling.factor` for linear scaling (default 1).
    public var ropeFrequencyScale: Float
    /// `<arch>.attention.layer_norm_rms_epsilon`.
    public var rmsEpsilon: Float
    /// `<arch>.context_length` (the training context).
    public var contextLength: Int
    /// Rows of the embedding matrix (tokenizer size when present).
    public var vocabulary: Int
    /// `<arch>.expert_count` (0 for dense models).
    public var experts: Int
    /// `<arch>.expert_used_count`.
    public var expertsUsed: Int
    /// Width of one expert's FFN (architecture-specific key; see each architecture file).
    public var expertFeedForward: Int
    /// `<arch>.expert_shared_feed_forward_length` (0: no shared expert).
    public var sharedFeedForward: Int
    /// Whether the k chosen router probabilities are renormalised to sum 1 (fixed per
    /// architecture in llama.cpp's graph builders, not read from the file).
    public var normalizeExpertWeights: Bool
    /// Granite multipliers (0 = not applied): embeddings are scaled by `embeddingScale`, each
    /// block's output by `residualScale` before the residual add, logits divided by `logitScale`.
    public var embeddingScale: Float
    public var residualScale: Float
    public var logitScale: Float
    /// `<arch>.attention.scale` (0: 1/√headDim).
    public var attentionScale: Float

    /// Width of all query heads together.
    public var queryWidth: Int { heads * headDim }
    /// Width of all key (or value) heads together.
    public var kvWidth: Int { kvHeads * headDim }
    /// Whether the feed-forward blocks are mixtures of experts.
    public var isMixtureOfExperts: Bool { experts > 0 }
    /// The softmax scale of attention scores.
    public var attentionScoreScale: Float { attentionScale != 0 ? attentionScale : 1 / Float(headDim).squareRoot() }

    /// Reads the keys all architectures share, with llama.cpp's defaults.
    /// - Throws: `ModelError.gguf` for a missing or mistyped required key,
    ///   `.hyperparameter` for an impossible value.
    init(architecture: DecoderArchitecture, metadata m: Metadata, path: String) throws {
        let a = architecture.rawValue
        func read<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as GGUFError { throw ModelError.gguf(path: path, e) }
        }
        self.architecture = architecture
        layers = try read { try m.int("\(a).block_count") }
        embedding = try read { try m.int("\(a).embedding_length") }
        feedForward = try read { try m.int("\(a).feed_forward_length", default: 0) }
        let heads = try read { try m.int("\(a).attention.head_count") }
        self.heads = heads
        kvHeads = try read { try m.int("\(a).attention.head_count_kv", default: heads) }
        contextLength = try read { try m.int("\(a).context_length") }
        let defaultHead = heads > 0 ? embedding / heads : 0
        let headDim = try read { try m.int("\(a).attention.key_length", default: defaultHead) }
        self.headDim = headDim
        let valueDim = try read { try m.int("\(a).attention.value_length", default: defaultHead) }
        ropeDimensions = try read { try m.int("\(a).rope.dimension_count", default: headDim) }
        ropeBase = try read { try m.float("\(a).rope.freq_base", default: 10_000) }
        let scaling = try read { try m.string("\(a).rope.scaling.type", default: "linear") }
        var factor = try read { try m.float("\(a).rope.scaling.factor", default: 0) }
        if factor == 0 { factor = try read { try m.float("\(a).rope.scale_linear", default: 0) } }
        ropeFrequencyScale = factor == 0 ? 1 : 1 / factor
        rmsEpsilon = try read { try m.float("\(a).attention.layer_norm_rms_epsilon") }
        experts = try read { try m.int("\(a).expert_count", default: 0) }
        expertsUsed = try read { try m.int("\(a).expert_used_count", default: 0) }
        expertFeedForward = 0
        sharedFeedForward = 0
        normalizeExpertWeights = false
        embeddingScale = 0
        residualScale = 0
        logitScale = 0
        attentionScale = 0
        vocabulary = 0

        func bad(_ key: String, _ value: Any, _ reason: String) -> ModelError {
            .hyperparameter(key: "\(a).\(key)", value: "\(value)", reason: reason)
        }
        if layers <= 0 || layers > 512 { throw bad("block_count", layers, "must be in 1...512") }
        if embedding <= 0 { throw bad("embedding_length", embedding, "must be positive") }
        if heads <= 0 { throw bad("attention.head_count", heads, "must be positive") }
        if kvHeads <= 0 || heads % kvHeads != 0 {
            throw bad("attention.head_count_kv", kvHeads, "must divide the head count \(heads)")
        }
        if headDim <= 0 { throw bad("attention.key_length", headDim, "must be positive") }
        if valueDim != headDim { throw bad("attention.value_length", valueDim, "must equal the key length \(headDim)") }
        if ropeDimensions <= 0 || ropeDimensions > headDim || ropeDimensions % 2 != 0 {
            throw bad("rope.dimension_count", ropeDimensions, "must be even and at most the head width \(headDim)")
        }
        if scaling != "linear" && scaling != "none" {
            throw bad("rope.scaling.type", scaling, "only linear RoPE scaling is supported")
        }
        if !(rmsEpsilon > 0 && rmsEpsilon < 1) { throw bad("attention.layer_norm_rms_epsilon", rmsEpsilon, "must be in (0, 1)") }
        if contextLength <= 0 { throw bad("context_length", contextLength, "must be positive") }
        if experts < 0 || experts > 512 { throw bad("expert_count", experts, "must be in 0...512") }
        if experts > 0 && (expertsUsed <= 0 || expertsUsed > experts) {
            throw bad("expert_used_count", expertsUsed, "must be in 1...\(experts)")
        }
        if experts == 0 && expertsUsed != 0 { throw bad("expert_used_count", expertsUsed, "must be 0 without experts") }
    }

    /// Reads `key` (relative to the architecture prefix) with a default, as ModelError.
    static func read<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as GGUFError { throw ModelError.gguf(path: path, e) }
    }
}
