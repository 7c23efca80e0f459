// qwen2: dense Qwen2/Qwen2.5 — biases on q, k and v, NEOX-style RoPE (halves).
// ref: llama.cpp src/models/qwen2.cpp.
import GGUF

struct Qwen2: DecoderLayers {
    let layers: [LayerWeights]

    // MARK: - Hyperparameters

    static func configure(_ c: inout DecoderConfig, _ m: Metadata, path: String) throws {}

    // MARK: - Tensors

    /// q/k/v biases are bound when present (AttentionWeights binds them for every architecture).
    init(_ b: TensorBinder, _ c: DecoderConfig) throws {
        layers = try (0..<c.layers).map { i in
            LayerWeights(attention: try AttentionWeights(b, layer: i, config: c, qkNorm: .none),
                         ffnNorm: try b.vector(.ffnNorm(i), c.embedding),
                         ffn: .dense(try .dense(b, layer: i, config: c)))
        }
    }

    // MARK: - Forward

    func forward(layer i: Int, _ p: ForwardPass) {
        let w = layers[i]
        p.norm(w.attention.norm)
        p.attention(w.attention, layer: i)
        p.residual()
        p.feedForwardBlock(w, layer: i)
        p.residual()
    }
}
