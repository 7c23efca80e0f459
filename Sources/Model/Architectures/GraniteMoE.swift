// granitemoe: IBM Granite 3.x MoE — the Granite multipliers (embeddings × embedding_scale,
// block outputs × residual_scale, logits ÷ logit_scale, attention.scale for scores), routed
// experts with renormalised top-k weights, an optional ungated shared expert; adjacent-pair
// RoPE. ref: llama.cpp src/models/granite-moe.cpp and granite.cpp (its graph).
import GGUF

struct GraniteMoE: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    /// `logit_scale` is required; `residual_scale`, `embedding_scale`, `attention.scale` and
    /// `expert_shared_feed_forward_length` are optional (0 = not applied / no shared expert).
    /// The expert width is `granitemoe.feed_forward_length`; build_moe_ffn(..., norm_w = true, ...).
    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {
        try DecoderConfig.read(path) {
            c.logitScale = try m.float("granitemoe.logit_scale")
            c.residualScale = try m.float("granitemoe.residual_scale", default: 0)
            c.embeddingScale = try m.float("granitemoe.embedding_scale", default: 0)
            c.attentionScale = try m.float("granitemoe.attention.scale", default: 0)
            c.sharedFeedForward = try m.int("granitemoe.expert_shared_feed_forward_length", default: 0)
        }
        if c.logitScale == 0 {
            throw ModelError.hyperparameter(key: "granitemoe.logit_scale", value: "0", reason: "logits are divided by it")
        }
        c.expertFeedForward = c.feedForward
        c.normalizeExpertWeights = true
    }

    // MARK: - Tensors

    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            let ffn: FeedForwardBlock
            if c.isMixtureOfExperts {
                let shared = c.sharedFeedForward > 0
                    ? SharedExpert(ffn: try FeedForwardWeights(b, gate: .ffnSharedGate(i), up: .ffnSharedUp(i), down: .ffnSharedDown(i),
                                                                width: c.sharedFeedForward, embedding: c.embedding), gate: nil)
                    : nil
                ffn = .experts(try MoEWeights(b, layer: i, config: c, shared: shared))
            } else {
                ffn = .dense(try .dense(b, layer: i, config: c))
            }
            return LayerWeights(attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .none),
                                ffnNorm: try b.vector(.ffnNorm(i), c.embedding), ffn: ffn)
        }
    }

    // MARK: - Forward

    /// The multipliers are applied by the shared machinery from the config: the embedding
    /// scale on lookup, the residual scale in `residual()`, the attention scale in the score
    /// softmax, the logit scale on the output.
    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)
        p.residual()                          // x += residual_scale · attention
        p.feedForwardBlock(w, layer: i)
        if case let .experts(m) = w.ffn, let shared = m.shared { p.addSharedExpert(shared) }
        p.residual()                          // x += residual_scale · ffn
    }
}
