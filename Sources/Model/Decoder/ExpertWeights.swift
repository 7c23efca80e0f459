// How expert weights are stored: each of gate/up/down is one GGUF tensor stacking all experts
// (ggml dims [columns, rows, experts]); callers ask for one expert's matrix and never compute
// offsets themselves, so a different storage (e.g. split files) would change only this file.
import Tensor

/// All experts' matrices of one kind (gate, up or down) for one layer.
struct ExpertTensor {
    /// Every expert's rows, expert e at rows `e·rowsPerExpert ..< (e+1)·rowsPerExpert`.
    let stacked: WeightMatrix             // [experts·rows, columns]
    let rowsPerExpert: Int
    let experts: Int

    /// Expert `e`'s matrix.
    @inline(__always)
    func expert(_ e: Int) -> WeightMatrix {
        stacked.slice(rows: (e &* rowsPerExpert)..<((e &+ 1) &* rowsPerExpert))
    }

    /// Bytes of one expert's matrix (what routing a token to it reads).
    var bytesPerExpert: Int { rowsPerExpert * stacked.rowBytes }
}

/// The routed experts of one layer: `down(silu(gate·x) ⊙ up·x)` per expert.
struct ExpertWeights {
    let gate: ExpertTensor                // experts × [width, embedding]
    let up: ExpertTensor                  // experts × [width, embedding]
    let down: ExpertTensor                // experts × [embedding, width]

    /// Hidden width of one expert.
    var width: Int { gate.rowsPerExpert }

    /// Binds layer `i`'s stacked expert tensors.
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`.
    init(_ b: TensorBinder, layer i: Int, width: Int, embedding: Int, experts: Int) throws {
        gate = try b.experts(.ffnGateExperts(i), rows: width, columns: embedding, experts: experts)
        up = try b.experts(.ffnUpExperts(i), rows: width, columns: embedding, experts: experts)
        down = try b.experts(.ffnDownExperts(i), rows: embedding, columns: width, experts: experts)
    }
}

/// A shared expert that every token uses beside the routed ones.
struct SharedExpert {
    let ffn: FeedForwardWeights
    /// qwen2moe: a `[1, embedding]` row whose sigmoid scales the shared output; nil: ungated (granite).
    let gate: WeightMatrix?
}

/// A mixture-of-experts FFN: router, routed experts and an optional shared expert.
struct MoEWeights {
    let router: WeightMatrix              // [experts, embedding]
    let experts: ExpertWeights
    let shared: SharedExpert?

    /// Binds layer `i`'s router and experts (the shared expert is bound by the architectures
    /// that have one).
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`, `.hyperparameter`.
    init(_ b: TensorBinder, layer i: Int, config c: DecoderConfig, shared: SharedExpert? = nil) throws {
        if c.expertFeedForward <= 0 {
            throw ModelError.hyperparameter(key: "\(c.architecture.rawValue).expert_feed_forward_length",
                                            value: "\(c.expertFeedForward)", reason: "expert FFN width must be positive")
        }
        router = try b.matrix(.ffnRouter(i), rows: c.experts, columns: c.embedding)
        experts = try ExpertWeights(b, layer: i, width: c.expertFeedForward, embedding: c.embedding, experts: c.experts)
        self.shared = shared
    }
}
