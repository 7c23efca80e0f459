// qwen3moe: Qwen3-30B-A3B style — per-head q/k RMS norms, NEOX RoPE, routed experts with
// renormalised top-k weights, no shared expert. ref: llama.cpp src/models/qwen3moe.cpp.
import GGUF

struct Qwen3MoE: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    /// Expert width from `qwen3moe.expert_feed_forward_length`, else feed_forward_length /
    /// expert_used_count (llama.cpp's fallback); build_moe_ffn(..., norm_w = true, ...).
    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {
        try requireExperts(c)
        let fallback = c.expertsUsed > 0 ? c.feedForward / c.expertsUsed : 0
        c.expertFeedForward = try DecoderConfig.read(path) { try m.int("qwen3moe.expert_feed_forward_length", default: fallback) }
        c.normalizeExpertWeights = true
    }

    // MARK: - Tensors

    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            LayerWeights(attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .perHead),
                         ffnNorm: try b.vector(.ffnNorm(i), c.embedding),
                         ffn: .experts(try MoEWeights(b, layer: i, config: c)))
        }
    }

    // MARK: - Forward

    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)
        p.residual()
        p.feedForwardBlock(w, layer: i)      // the routed experts
        p.residual()
    }
}

/// Mixture-of-experts architectures need experts (llama.cpp: "n_expert must be > 0").
/// - Throws: `ModelError.hyperparameter`.
func requireExperts(_ c: DecoderConfig) throws {
    if c.experts == 0 {
        throw ModelError.hyperparameter(key: "\(c.architecture.rawValue).expert_count", value: "0",
                                        reason: "\(c.architecture.rawValue) needs experts")
    }
}
