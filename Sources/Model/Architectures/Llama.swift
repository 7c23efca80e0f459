// llama: dense models (Llama 2/3, SmolLM2, Mistral 7B) and Mixtral-style mixtures of experts
// (`llama.expert_count` > 0, experts in ffn_{gate,up,down}_exps), adjacent-pair RoPE.
// ref: llama.cpp src/models/llama.cpp.
import GGUF

struct Llama: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    /// Mixtral stores the expert width in `llama.feed_forward_length` and renormalises the
    /// top-k weights (build_moe_ffn(..., norm_w = true, ...) in llama.cpp's llama graph).
    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {
        if c.ropeDimensions != c.headDim {
            throw ModelError.hyperparameter(key: "llama.rope.dimension_count", value: "\(c.ropeDimensions)",
                                            reason: "llama rotates whole heads (\(c.headDim))")
        }
        c.expertFeedForward = c.feedForward
        c.normalizeExpertWeights = true
        c.attentionScale = try DecoderConfig.read(path) { try m.float("llama.attention.scale", default: 0) }
    }

    // MARK: - Tensors

    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            LayerWeights(
                attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .none),
                ffnNorm: try b.vector(.ffnNorm(i), c.embedding),
                ffn: c.isMixtureOfExperts ? .experts(try MoEWeights(b, layer: i, config: c))
                                          : .dense(try .dense(b, layer: i, config: c)))
        }
    }

    // MARK: - Forward

    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)
        p.residual()
        p.feedForwardBlock(w, layer: i)      // dense SwiGLU, or the routed experts
        p.residual()
    }
}
