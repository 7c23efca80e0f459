// qwen3: dense Qwen3 — an RMS norm per head on queries and keys before RoPE (NEOX halves).
// ref: llama.cpp src/models/qwen3.cpp (attn_q_norm / attn_k_norm of shape [head_dim]).
import GGUF

struct Qwen3: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {}

    // MARK: - Tensors

    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            LayerWeights(attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .perHead),
                         ffnNorm: try b.vector(.ffnNorm(i), c.embedding),
                         ffn: .dense(try .dense(b, layer: i, config: c)))
        }
    }

    // MARK: - Forward

    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)   // q/k normed per head, then RoPE
        p.residual()
        p.feedForwardBlock(w, layer: i)
        p.residual()
    }
}
