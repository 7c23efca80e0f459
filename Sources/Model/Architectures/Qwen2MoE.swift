// qwen2moe: Qwen1.5-MoE / Qwen2-57B-A14B — routed experts without renormalisation plus a shared
// expert whose output is scaled by sigmoid(w·x); q/k/v biases; NEOX RoPE.
// ref: llama.cpp src/models/qwen2moe.cpp.
import GGUF
import Tensor

struct Qwen2MoE: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    /// Expert width `qwen2moe.expert_feed_forward_length` (else feed_forward_length /
    /// expert_used_count); shared width `qwen2moe.expert_shared_feed_forward_length` (else
    /// feed_forward_length); build_moe_ffn(..., norm_w = false, ...).
    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {
        try requireExperts(c)
        let fallback = c.expertsUsed > 0 ? c.feedForward / c.expertsUsed : 0
        c.expertFeedForward = try DecoderConfig.read(path) { try m.int("qwen2moe.expert_feed_forward_length", default: fallback) }
        c.sharedFeedForward = try DecoderConfig.read(path) {
            try m.int("qwen2moe.expert_shared_feed_forward_length", default: c.feedForward)
        }
        if c.sharedFeedForward <= 0 {
            throw ModelError.hyperparameter(key: "qwen2moe.expert_shared_feed_forward_length", value: "\(c.sharedFeedForward)",
                                            reason: "the shared expert needs a positive width")
        }
        c.normalizeExpertWeights = false
    }

    // MARK: - Tensors

    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            let shared = SharedExpert(
                ffn: try FeedForwardWeights(b, gate: .ffnSharedGate(i), up: .ffnSharedUp(i), down: .ffnSharedDown(i),
                                            width: c.sharedFeedForward, embedding: c.embedding),
                gate: try b.matrix(.ffnSharedRouter(i), rows: 1, columns: c.embedding))
            return LayerWeights(attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .none),
                                ffnNorm: try b.vector(.ffnNorm(i), c.embedding),
                                ffn: .experts(try MoEWeights(b, layer: i, config: c, shared: shared)))
        }
    }

    // MARK: - Forward

    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)
        p.residual()
        p.feedForwardBlock(w, layer: i)      // routed experts into blockOut
        if case let .experts(m) = w.ffn, let shared = m.shared { p.addSharedExpert(shared) }
        p.residual()
    }
}

extension ForwardPass {
    /// `blockOut += g · shared(h)` with g = sigmoid(gate·h) for a gated shared expert
    /// (qwen2moe: llama.cpp computes it as silu(x)/x) or g = 1 without a gate (granite).
    func addSharedExpert(_ s: SharedExpert) {
        let e = config.embedding, n = tokens
        let out = state.shared.floats
        feedForward(s.ffn, into: out)
        if let gate = s.gate {
            let logits = state.ffUp.floats           // [tokens, 1]; the FFN is done with ffUp
            state.activations.prepare(h, stride: e, tokens: n, width: e)
            linear(gate, into: logits, stride: 1)
            for t in 0..<n {
                // sigmoid as llama.cpp's graph computes it: silu(z) / z, then a rounded product.
                let z = logits[t]
                let g = z == 0 ? 0.5 : MatchedMath.silu(z) / z
                DecoderKernels.addProduct(out + t * e, scale: g, count: e, into: blockOut + t * e)
            }
        } else {
            DecoderKernels.add(out, count: n * e, into: blockOut)
        }
    }
}
