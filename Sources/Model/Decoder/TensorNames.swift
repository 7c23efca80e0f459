// Every GGUF tensor name the decoder architectures read, in one table (ref: llama.cpp
// src/llama-arch.cpp LLM_TENSOR_NAMES). Code elsewhere names tensors only through this enum.

/// A tensor of a GGUF decoder model; `name` is its GGUF name.
enum TensorName {
    case tokenEmbedding, outputNorm, output, outputBias
    case ropeFrequencies
    case attentionNorm(Int)
    case attentionQ(Int), attentionK(Int), attentionV(Int), attentionOutput(Int)
    case attentionQBias(Int), attentionKBias(Int), attentionVBias(Int), attentionOutputBias(Int)
    case attentionQNorm(Int), attentionKNorm(Int)
    case ffnNorm(Int)
    case ffnGate(Int), ffnUp(Int), ffnDown(Int)
    case ffnRouter(Int)
    case ffnGateExperts(Int), ffnUpExperts(Int), ffnDownExperts(Int)
    case ffnSharedGate(Int), ffnSharedUp(Int), ffnSharedDown(Int)
    case ffnSharedRouter(Int)

    var name: String {
        switch self {
        case .tokenEmbedding: "token_embd.weight"
        case .outputNorm: "output_norm.weight"
        case .output: "output.weight"
        case .outputBias: "output.bias"
        case .ropeFrequencies: "rope_freqs.weight"
        case let .attentionNorm(i): "blk.\(i).attn_norm.weight"
        case let .attentionQ(i): "blk.\(i).attn_q.weight"
        case let .attentionK(i): "blk.\(i).attn_k.weight"
        case let .attentionV(i): "blk.\(i).attn_v.weight"
        case let .attentionOutput(i): "blk.\(i).attn_output.weight"
        case let .attentionQBias(i): "blk.\(i).attn_q.bias"
        case let .attentionKBias(i): "blk.\(i).attn_k.bias"
        case let .attentionVBias(i): "blk.\(i).attn_v.bias"
        case let .attentionOutputBias(i): "blk.\(i).attn_output.bias"
        case let .attentionQNorm(i): "blk.\(i).attn_q_norm.weight"
        case let .attentionKNorm(i): "blk.\(i).attn_k_norm.weight"
        case let .ffnNorm(i): "blk.\(i).ffn_norm.weight"
        case let .ffnGate(i): "blk.\(i).ffn_gate.weight"
        case let .ffnUp(i): "blk.\(i).ffn_up.weight"
        case let .ffnDown(i): "blk.\(i).ffn_down.weight"
        case let .ffnRouter(i): "blk.\(i).ffn_gate_inp.weight"
        case let .ffnGateExperts(i): "blk.\(i).ffn_gate_exps.weight"
        case let .ffnUpExperts(i): "blk.\(i).ffn_up_exps.weight"
        case let .ffnDownExperts(i): "blk.\(i).ffn_down_exps.weight"
        case let .ffnSharedGate(i): "blk.\(i).ffn_gate_shexp.weight"
        case let .ffnSharedUp(i): "blk.\(i).ffn_up_shexp.weight"
        case let .ffnSharedDown(i): "blk.\(i).ffn_down_shexp.weight"
        case let .ffnSharedRouter(i): "blk.\(i).ffn_gate_inp_shexp.weight"
        }
    }
}
