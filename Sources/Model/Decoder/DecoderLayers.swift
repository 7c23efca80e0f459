// The contract between the shared decoder machinery and one architecture file: read the
// architecture's own hyperparameters, bind its layers, run one layer on a batch.
import GGUF

/// One architecture's layers (see Architectures/): hyperparameters, tensor binding and the
/// forward pass of a layer, in that order in each file (as llama.cpp's src/models/*.cpp).
protocol DecoderLayers {
    /// Reads the keys only this architecture has (or interprets differently) into `config`.
    /// - Throws: `ModelError.gguf`, `.hyperparameter`.
    static func configure(_ config: inout DecoderConfig, _ metadata: Metadata, path: String) throws

    /// Binds every layer's tensors with the shapes `config` implies.
    /// - Throws: `ModelError.missingTensor`, `.shape`, `.unsupportedTensorType`, `.hyperparameter`.
    init(_ binder: TensorBinder, _ config: DecoderConfig) throws

    /// Runs layer `layer` on the batch in `pass`: reads and updates the residual stream `pass.x`.
    func forward(layer: Int, _ pass: ForwardPass)
}

extension DecoderArchitecture {
    /// The type implementing this architecture.
    var layers: any DecoderLayers.Type {
        switch self {
        case .llama: Llama.self
        case .qwen2: Qwen2.self
        case .qwen3: Qwen3.self
        case .qwen2moe: Qwen2MoE.self
        case .qwen3moe: Qwen3MoE.self
        case .olmoe: OLMoE.self
        case .granitemoe: GraniteMoE.self
        }
    }
}

extension ForwardPass {
    /// The feed-forward half every architecture shares: the FFN norm, then the dense FFN or
    /// the experts, into `blockOut`.
    func feedForwardBlock(_ w: LayerWeights, layer: Int) {
        norm(w.ffnNorm)
        switch w.ffn {
        case let .dense(f): feedForward(f, into: blockOut)
        case let .experts(m): mixtureOfExperts(m, layer: layer)
        }
    }
}
