// The weights of one decoder layer as the shared blocks read them (attention with optional
// biases and q/k norms; a dense SwiGLU FFN or a mixture of experts), and their binding with the
// shapes llama.cpp's create_tensor calls state (src/models/*.cpp load_arch_tensors).
import Tensor

/// How queries and keys are normalised before RoPE.
enum QKNorm {
    case none
    /// One RMS norm per head, weight `[headDim]` (qwen3, qwen3moe).
    case perHead(q: UnsafePointer<Float>, k: UnsafePointer<Float>)
    /// One RMS norm over all heads together, weights `[heads·headDim]` and `[kvHeads·headDim]` (olmoe).
    case whole(q: UnsafePointer<Float>, k: UnsafePointer<Float>)
}

/// Self-attention of one layer.
struct AttentionWeights {
    let norm: UnsafePointer<Float>        // [embedding]
    let q: WeightMatrix                   // [heads·headDim, embedding]
    let k: WeightMatrix                   // [kvHeads·headDim, embedding]
    let v: WeightMatrix                   // [kvHeads·headDim, embedding]
    let output: WeightMatrix              // [embedding, heads·headDim]
    let qBias, kBias, vBias: UnsafePointer<Float>?   // [heads·headDim], [kvWidth], [kvWidth]
    let outputBias: UnsafePointer<Float>? // [embedding]
    let qkNorm: QKNorm

    /// The kinds of q/k norm an architecture binds.
    enum NormKind { case none, perHead, whole }

    /// Binds layer `i`'s attention; biases are optional for every architecture (qwen2 has them).
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`.
    init(_ b: TensorBinder, layer i: Int, config c: DecoderConfig, qkNorm kind: NormKind) throws {
        norm = try b.vector(.attentionNorm(i), c.embedding)
        q = try b.matrix(.attentionQ(i), rows: c.queryWidth, columns: c.embedding)
        k = try b.matrix(.attentionK(i), rows: c.kvWidth, columns: c.embedding)
        v = try b.matrix(.attentionV(i), rows: c.kvWidth, columns: c.embedding)
        output = try b.matrix(.attentionOutput(i), rows: c.embedding, columns: c.queryWidth)
        qBias = try b.optionalVector(.attentionQBias(i), c.queryWidth)
        kBias = try b.optionalVector(.attentionKBias(i), c.kvWidth)
        vBias = try b.optionalVector(.attentionVBias(i), c.kvWidth)
        outputBias = try b.optionalVector(.attentionOutputBias(i), c.embedding)
        switch kind {
        case .none:
            qkNorm = .none
        case .perHead:
            qkNorm = .perHead(q: try b.vector(.attentionQNorm(i), c.headDim), k: try b.vector(.attentionKNorm(i), c.headDim))
        case .whole:
            qkNorm = .whole(q: try b.vector(.attentionQNorm(i), c.queryWidth), k: try b.vector(.attentionKNorm(i), c.kvWidth))
        }
    }
}

/// A SwiGLU feed-forward network: down(silu(gate·x) ⊙ up·x).
struct FeedForwardWeights {
    let gate: WeightMatrix                // [width, embedding]
    let up: WeightMatrix                  // [width, embedding]
    let down: WeightMatrix                // [embedding, width]

    /// Hidden width.
    var width: Int { gate.rows }

    /// Binds a dense FFN of `width` from the three names.
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`.
    init(_ b: TensorBinder, gate g: TensorName, up u: TensorName, down d: TensorName, width: Int, embedding: Int) throws {
        gate = try b.matrix(g, rows: width, columns: embedding)
        up = try b.matrix(u, rows: width, columns: embedding)
        down = try b.matrix(d, rows: embedding, columns: width)
    }

    /// Layer `i`'s dense FFN (`ffn_gate`, `ffn_up`, `ffn_down`). - Throws: as `init`.
    static func dense(_ b: TensorBinder, layer i: Int, config c: DecoderConfig) throws -> FeedForwardWeights {
        if c.feedForward <= 0 {
            throw ModelError.hyperparameter(key: "\(c.architecture.rawValue).feed_forward_length",
                                            value: "\(c.feedForward)", reason: "a dense model needs a positive FFN width")
        }
        return try FeedForwardWeights(b, gate: .ffnGate(i), up: .ffnUp(i), down: .ffnDown(i),
                                      width: c.feedForward, embedding: c.embedding)
    }
}

/// The feed-forward half of a layer.
enum FeedForwardBlock {
    case dense(FeedForwardWeights)
    case experts(MoEWeights)
}

/// One decoder layer: attention, then the FFN norm and FFN.
struct LayerWeights {
    let attention: AttentionWeights
    let ffnNorm: UnsafePointer<Float>     // [embedding]
    let ffn: FeedForwardBlock
}
