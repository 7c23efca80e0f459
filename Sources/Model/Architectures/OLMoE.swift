// olmoe: OLMoE-1B-7B — q/k RMS norms over all heads at once (before the head split), NEOX RoPE,
// 64 experts top-8 without renormalisation. ref: llama.cpp src/models/olmoe.cpp.
import GGUF

struct OLMoE: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    /// The expert width is `olmoe.feed_forward_length`; build_moe_ffn(..., norm_w = false, ...).
    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {
        try requireExperts(c)
        c.expertFeedForward = c.feedForward
        c.normalizeExpertWeights = false
    }

    // MARK: - Tensors

    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            LayerWeights(attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .whole),
                         ffnNorm: try b.vector(.ffnNorm(i), c.embedding),
                         ffn: .experts(try MoEWeights(b, layer: i, config: c)))
        }
    }

    // MARK: - Forward

    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)   // q and k normed over their full width, then RoPE
        p.residual()
        p.feedForwardBlock(w, layer: i)
        p.residual()
    }
}
