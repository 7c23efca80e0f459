// The BERT encoder (all-MiniLM-L6-v2, bge-small and other BertModel checkpoints in safetensors):
// hyperparameters from config.json, every weight bound against the shape they imply, run-state
// buffers, and the forward pass from token ids to the last hidden states, top to bottom.
// Sequences are packed end to end without padding (see F32.attention); pooling is the caller's.
import JSON
import Tensor

// MARK: - Configuration

/// The hyperparameters of a BERT encoder, as HF `config.json` names them.
public struct BERTConfig: Sendable, Equatable {
    /// `hidden_size` etc.: the config.json key and all-MiniLM-L6-v2's value follow each field.
    public var hiddenSize: Int              // hidden_size (384)
    public var layers: Int                  // num_hidden_layers (6)
    public var heads: Int                   // num_attention_heads (12)
    public var intermediateSize: Int        // intermediate_size (1536)
    public var layerNormEps: Float          // layer_norm_eps (1e-12)
    public var maxPositions: Int            // max_position_embeddings (512)
    public var vocabularySize: Int          // vocab_size (30522)
    public var tokenTypes: Int              // type_vocab_size (2)

    /// Width of one attention head.
    public var headDim: Int { hiddenSize / heads }

    /// Reads and checks `config.json` (given parsed; `file` names it in errors).
    /// - Throws: `ModelError.missingConfig` for an absent or mistyped key, `.badConfig` for a
    ///   non-positive size, a head count that does not divide the width, or an activation other
    ///   than "gelu" (the erf form; "gelu_new" and others would silently change the numbers).
    public init(json: JSON, file: String) throws {
        func int(_ key: String, default value: Int? = nil) throws -> Int {
            guard let n = json[key]?.intValue ?? value else { throw ModelError.missingConfig(file: file, key: key) }
            if n <= 0 { throw ModelError.badConfig(file: file, key: key, value: String(n)) }
            return n
        }
        hiddenSize = try int("hidden_size")
        layers = try int("num_hidden_layers")
        heads = try int("num_attention_heads")
        intermediateSize = try int("intermediate_size")
        maxPositions = try int("max_position_embeddings")
        vocabularySize = try int("vocab_size")
        tokenTypes = try int("type_vocab_size", default: 2)
        var eps = 1e-12
        if let value = json["layer_norm_eps"] {
            guard let d = value.doubleValue else { throw ModelError.missingConfig(file: file, key: "layer_norm_eps") }
            eps = d
        }
        if !(eps > 0 && eps < 1) { throw ModelError.badConfig(file: file, key: "layer_norm_eps", value: "\(eps)") }
        layerNormEps = Float(eps)
        if hiddenSize % heads != 0 {
            throw ModelError.badConfig(file: file, key: "num_attention_heads", value: "\(heads) (hidden_size \(hiddenSize))")
        }
        let activation = json["hidden_act"]?.stringValue ?? "gelu"
        if activation != "gelu" {
            throw ModelError.badConfig(file: file, key: "hidden_act", value: activation)
        }
        if let kind = json["position_embedding_type"]?.stringValue, kind != "absolute" {
            throw ModelError.badConfig(file: file, key: "position_embedding_type", value: kind)
        }
    }
}

// MARK: - Tensor names

/// The checkpoint names of BertModel's tensors (HF layout); some checkpoints prefix them "bert.".
struct BERTNames {
    let prefix: String
    var wordEmbeddings: String { prefix + "embeddings.word_embeddings.weight" }
    var positionEmbeddings: String { prefix + "embeddings.position_embeddings.weight" }
    var tokenTypeEmbeddings: String { prefix + "embeddings.token_type_embeddings.weight" }
    var embeddingNorm: String { prefix + "embeddings.LayerNorm" }
    func layer(_ i: Int) -> String { prefix + "encoder.layer.\(i)." }
    func query(_ i: Int) -> String { layer(i) + "attention.self.query" }
    func key(_ i: Int) -> String { layer(i) + "attention.self.key" }
    func value(_ i: Int) -> String { layer(i) + "attention.self.value" }
    func attentionOutput(_ i: Int) -> String { layer(i) + "attention.output.dense" }
    func attentionNorm(_ i: Int) -> String { layer(i) + "attention.output.LayerNorm" }
    func intermediate(_ i: Int) -> String { layer(i) + "intermediate.dense" }
    func output(_ i: Int) -> String { layer(i) + "output.dense" }
    func outputNorm(_ i: Int) -> String { layer(i) + "output.LayerNorm" }
}

// MARK: - Weights

/// f32 copies of every weight the forward pass reads, in the layouts the kernels want.
final class BERTWeights: @unchecked Sendable {
    struct Layer {
        let qkv: PackedMatrix            // [3·hidden, hidden]: query, key, value rows stacked
        let qkvBias: FloatArray          // [3·hidden]
        let attentionOutput: PackedMatrix // [hidden, hidden]
        let attentionOutputBias: FloatArray // [hidden]
        let norm1Gamma, norm1Beta: FloatArray // [hidden]
        let up: PackedMatrix             // [intermediate, hidden]
        let upBias: FloatArray           // [intermediate]
        let down: PackedMatrix           // [hidden, intermediate]
        let downBias: FloatArray         // [hidden]
        let norm2Gamma, norm2Beta: FloatArray // [hidden]
    }

    let wordEmbeddings: FloatArray       // [vocab, hidden]
    let positionEmbeddings: FloatArray   // [maxPositions, hidden]
    let tokenType0: FloatArray           // [hidden]: row 0 of token_type_embeddings (single segment)
    let embeddingGamma, embeddingBeta: FloatArray // [hidden]
    let layers: [Layer]

    /// Binds every tensor of `config` from `file`.
    /// - Throws: `ModelError.missingTensor`, `.shape(name:expected:found:)`, `.dtype`.
    init(_ file: Safetensors, _ config: BERTConfig) throws {
        let names = BERTNames(prefix: file.tensor("embeddings.word_embeddings.weight") == nil
                                && file.tensor("bert.embeddings.word_embeddings.weight") != nil ? "bert." : "")
        let h = config.hiddenSize, ff = config.intermediateSize
        func bind(_ name: String, _ shape: [Int]) throws -> FloatArray {
            guard let t = file.tensor(name) else { throw ModelError.missingTensor(name: name) }
            if t.shape != shape { throw ModelError.shape(name: name, expected: shape, found: t.shape) }
            let array = FloatArray(count: t.elementCount)
            try file.readFloats(t, into: array.pointer)
            return array
        }
        func linear(_ name: String, out: Int, in inputs: Int) throws -> (PackedMatrix, FloatArray) {
            let w = try bind(name + ".weight", [out, inputs])
            return (PackedMatrix(weights: w.pointer, rows: out, columns: inputs), try bind(name + ".bias", [out]))
        }
        wordEmbeddings = try bind(names.wordEmbeddings, [config.vocabularySize, h])
        positionEmbeddings = try bind(names.positionEmbeddings, [config.maxPositions, h])
        tokenType0 = try bind(names.tokenTypeEmbeddings, [config.tokenTypes, h])
        embeddingGamma = try bind(names.embeddingNorm + ".weight", [h])
        embeddingBeta = try bind(names.embeddingNorm + ".bias", [h])
        var layers: [Layer] = []
        for i in 0..<config.layers {
            // Query, key and value become one [3h, h] matrix: one pass over the activations
            // instead of three, and the attention kernel reads q | k | v from one row.
            let stacked = FloatArray(count: 3 * h * h), stackedBias = FloatArray(count: 3 * h)
            for (part, name) in [names.query(i), names.key(i), names.value(i)].enumerated() {
                let w = try bind(name + ".weight", [h, h]), b = try bind(name + ".bias", [h])
                (stacked.pointer + part * h * h).update(from: w.pointer, count: h * h)
                (stackedBias.pointer + part * h).update(from: b.pointer, count: h)
            }
            let (out, outBias) = try linear(names.attentionOutput(i), out: h, in: h)
            let (up, upBias) = try linear(names.intermediate(i), out: ff, in: h)
            let (down, downBias) = try linear(names.output(i), out: h, in: ff)
            layers.append(Layer(
                qkv: PackedMatrix(weights: stacked.pointer, rows: 3 * h, columns: h), qkvBias: stackedBias,
                attentionOutput: out, attentionOutputBias: outBias,
                norm1Gamma: try bind(names.attentionNorm(i) + ".weight", [h]),
                norm1Beta: try bind(names.attentionNorm(i) + ".bias", [h]),
                up: up, upBias: upBias, down: down, downBias: downBias,
                norm2Gamma: try bind(names.outputNorm(i) + ".weight", [h]),
                norm2Beta: try bind(names.outputNorm(i) + ".bias", [h])))
        }
        self.layers = layers
    }
}

/// An owned, fixed-size f32 buffer (freed in deinit).
final class FloatArray: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

// MARK: - Run state

/// The activations of one batch ("the wave", as llama2.c calls it). Allocated for the largest
/// batch seen so far and reused: a forward pass allocates nothing once the state has grown.
final class BERTRunState {
    private(set) var capacity = 0                // tokens
    private(set) var x = FloatArray(count: 0)     // [tokens, hidden]   the residual stream
    private(set) var qkv = FloatArray(count: 0)   // [tokens, 3·hidden] query | key | value
    private(set) var context = FloatArray(count: 0) // [tokens, hidden] attention output
    private(set) var h1 = FloatArray(count: 0)    // [tokens, hidden]   after the attention block
    private(set) var ffn = FloatArray(count: 0)   // [tokens, intermediate]
    /// [quantizedCapacity, Q8_0 row of the widest matrix input]: activations for the 8-bit path,
    /// allocated by the first input that takes it (batches of documents never do).
    private var quantized: UnsafeMutableRawPointer?
    private var quantizedCapacity = 0
    let scratch: FloatArray                       // attention scratch for the longest sequence
    private let config: BERTConfig

    init(_ config: BERTConfig, maxLength: Int, threads: Int) {
        self.config = config
        scratch = FloatArray(count: F32.attentionScratchCount(maxLength: maxLength, headDim: config.headDim, threads: threads))
    }

    /// Makes room for `tokens` rows, growing in steps of 1024 tokens so that a run of batches of
    /// slowly rising size reallocates a few times, not every time.
    func reserve(_ tokens: Int) {
        if tokens <= capacity { return }
        capacity = (tokens + 1023) / 1024 * 1024
        let h = config.hiddenSize
        x = FloatArray(count: capacity * h)
        qkv = FloatArray(count: capacity * 3 * h)
        context = FloatArray(count: capacity * h)
        h1 = FloatArray(count: capacity * h)
        ffn = FloatArray(count: capacity * config.intermediateSize)
    }

    /// Room for `tokens` rows of Q8_0 activations as wide as any matrix input (hidden or
    /// intermediate), grown like `reserve`.
    func quantizedRows(_ tokens: Int) -> UnsafeMutableRawPointer {
        if let quantized, tokens <= quantizedCapacity { return quantized }
        quantized?.deallocate()
        quantizedCapacity = (tokens + 63) / 64 * 64
        let rowBytes = activationRowBytes(.q8_0, count: max(config.hiddenSize, config.intermediateSize))
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: quantizedCapacity * rowBytes, alignment: 64)
        quantized = buffer
        return buffer
    }

    deinit { quantized?.deallocate() }
}

// MARK: - Forward pass

/// A loaded BERT encoder. Not thread-safe by itself: `forward` writes into the run state passed
/// to it (SentenceEncoder serialises callers).
final class BERT: @unchecked Sendable {
    /// Rows per feed-forward chunk (see the feed-forward step).
    static let ffnChunk = 64
    let config: BERTConfig
    let weights: BERTWeights
    /// The 8-bit copy for short inputs; nil where the CPU lacks the kernels that make it pay.
    let int8: BERTInt8?

    init(_ file: Safetensors, _ config: BERTConfig) throws {
        self.config = config
        weights = try BERTWeights(file, config)
        int8 = BERTInt8(weights, config)
    }

    /// Runs the encoder over the sequences `ids[offsets[s]..<offsets[s+1]]` (each starting with
    /// [CLS], at most `maxPositions` long, ids below the vocabulary size — the caller checks).
    /// The last hidden states are left in `state.x` (`[tokens, hidden]`). With `eightBit` (and
    /// an 8-bit copy loaded) the four matrices of each layer are 8-bit products on one thread.
    func forward(ids: UnsafeBufferPointer<Int32>, offsets: UnsafeBufferPointer<Int>, state: BERTRunState, threads: Int,
                 eightBit: Bool = false) {
        let h = config.hiddenSize, tokens = ids.count
        state.reserve(tokens)
        let x = state.x.pointer, qkv = state.qkv.pointer, context = state.context.pointer
        let h1 = state.h1.pointer, ffn = state.ffn.pointer
        let w = weights
        if eightBit, let int8 {
            forward8(int8, ids: ids, offsets: offsets, state: state)
            return
        }

        embed(ids: ids, offsets: offsets, into: x, threads: threads)

        for layer in w.layers {
            // MARK: Self-attention: q | k | v in one matmul, softmax(q·kᵀ/√d)·v per head
            F32.matmul(x, rows: tokens, weights: layer.qkv, bias: layer.qkvBias.pointer,
                       into: qkv, threads: threads)                                  // [tokens, 3·hidden]
            F32.attention(qkv: qkv, offsets: offsets, heads: config.heads, headDim: config.headDim,
                          scratch: state.scratch.pointer, into: context, threads: threads) // [tokens, hidden]

            // MARK: Attention output: dense + residual, LayerNorm
            F32.matmul(context, rows: tokens, weights: layer.attentionOutput, bias: layer.attentionOutputBias.pointer,
                       residual: x, into: h1, threads: threads)                      // [tokens, hidden]
            F32.layerNorm(h1, rows: tokens, width: h, gamma: layer.norm1Gamma.pointer, beta: layer.norm1Beta.pointer,
                          eps: config.layerNormEps, into: h1, threads: threads)

            // MARK: Feed-forward: dense + GELU, dense + residual, LayerNorm
            if tokens >= 2 * Self.ffnChunk * threads {
                // Chunks of rows go through both projections back to back, so each chunk's
                // [64, intermediate] activations (384 KiB) are read again from L2 rather than
                // written out and streamed back from memory for the whole batch.
                let chunks = (tokens + Self.ffnChunk - 1) / Self.ffnChunk
                Parallel.run(jobs: chunks, threads: threads) { c in
                    let r0 = c * Self.ffnChunk, rows = min(Self.ffnChunk, tokens - r0)
                    let f = ffn + r0 * config.intermediateSize                        // [rows, intermediate]
                    F32.matmul(h1 + r0 * h, rows: rows, weights: layer.up, bias: layer.upBias.pointer,
                               activation: .gelu, into: f, threads: 1)
                    F32.matmul(f, rows: rows, weights: layer.down, bias: layer.downBias.pointer,
                               residual: h1 + r0 * h, into: x + r0 * h, threads: 1)    // [rows, hidden]
                }
            } else {
                F32.matmul(h1, rows: tokens, weights: layer.up, bias: layer.upBias.pointer, activation: .gelu,
                           into: ffn, threads: threads)                              // [tokens, intermediate]
                F32.matmul(ffn, rows: tokens, weights: layer.down, bias: layer.downBias.pointer,
                           residual: h1, into: x, threads: threads)                  // [tokens, hidden]
            }
            F32.layerNorm(x, rows: tokens, width: h, gamma: layer.norm2Gamma.pointer, beta: layer.norm2Beta.pointer,
                          eps: config.layerNormEps, into: x, threads: threads)
        }
    }

    /// Embeddings: word + position + token type 0, then LayerNorm, into `x` (`[tokens, hidden]`).
    private func embed(ids: UnsafeBufferPointer<Int32>, offsets: UnsafeBufferPointer<Int>, into x: UnsafeMutablePointer<Float>,
                       threads: Int) {
        let h = config.hiddenSize, w = weights
        for s in 0..<(offsets.count - 1) {
            for t in offsets[s]..<offsets[s + 1] {
                let row = x + t * h                                                  // [hidden]
                F32.add(w.wordEmbeddings.pointer + Int(ids[t]) * h,
                        w.positionEmbeddings.pointer + (t - offsets[s]) * h, count: h, into: row)
                F32.add(row, w.tokenType0.pointer, count: h, into: row)
            }
        }
        F32.layerNorm(x, rows: ids.count, width: h, gamma: w.embeddingGamma.pointer, beta: w.embeddingBeta.pointer,
                      eps: config.layerNormEps, into: x, threads: threads)
    }

    /// `forward` with the 8-bit matrices, on the calling thread (a question is a few dozen tokens).
    private func forward8(_ q: BERTInt8, ids: UnsafeBufferPointer<Int32>, offsets: UnsafeBufferPointer<Int>, state: BERTRunState) {
        let h = config.hiddenSize, tokens = ids.count, eps = config.layerNormEps
        let x = state.x.pointer, qkv = state.qkv.pointer, context = state.context.pointer
        let h1 = state.h1.pointer, ffn = state.ffn.pointer, scratch = state.quantizedRows(tokens)
        embed(ids: ids, offsets: offsets, into: x, threads: 1)
        for (layer, l8) in zip(weights.layers, q.layers) {
            BERTInt8.matmul(x, rows: tokens, weights: l8.qkv, bias: layer.qkvBias.pointer, into: qkv, scratch: scratch)
            F32.attention(qkv: qkv, offsets: offsets, heads: config.heads, headDim: config.headDim,
                          scratch: state.scratch.pointer, into: context, threads: 1)  // [tokens, hidden]
            BERTInt8.matmul(context, rows: tokens, weights: l8.attentionOutput, bias: layer.attentionOutputBias.pointer,
                            residual: x, into: h1, scratch: scratch)                 // [tokens, hidden]
            F32.layerNorm(h1, rows: tokens, width: h, gamma: layer.norm1Gamma.pointer, beta: layer.norm1Beta.pointer,
                          eps: eps, into: h1, threads: 1)
            BERTInt8.matmul(h1, rows: tokens, weights: l8.up, bias: layer.upBias.pointer, activation: .gelu,
                            into: ffn, scratch: scratch)                             // [tokens, intermediate]
            BERTInt8.matmul(ffn, rows: tokens, weights: l8.down, bias: layer.downBias.pointer, residual: h1,
                            into: x, scratch: scratch)                               // [tokens, hidden]
            F32.layerNorm(x, rows: tokens, width: h, gamma: layer.norm2Gamma.pointer, beta: layer.norm2Beta.pointer,
                          eps: eps, into: x, threads: 1)
        }
    }
}
