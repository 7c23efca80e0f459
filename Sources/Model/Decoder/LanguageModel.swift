// A GGUF language model loaded for inference: hyperparameters, bound weights (read in place from
// the mmap), tokenizer, KV cache, run state and thread pool — and `evaluate`, which runs new
// tokens through the layers and returns logits. Sampling and the decode loop are Generate's.
import GGUF
import Tensor
import Tokenizer

/// How to load a model.
public struct LoadOptions: Sendable {
    /// KV cache positions; nil: the model's context length, at most 4096.
    public var contextLength: Int?
    /// Threads for the kernels (the caller's thread included).
    public var threads: Int
    /// Tokens evaluated together in prefill (the run-state buffers are sized for it); nil: 128
    /// for dense models — the linear kernels stream weights once per 32 tokens anyway, so a
    /// larger batch only costs memory — and 512 for mixtures of experts, where each chosen
    /// expert's weights are read once per batch.
    public var batchSize: Int?
    /// How the KV cache stores keys and values: f32 (llama.cpp's logits with an f32 cache to
    /// float rounding) or f16 (half the memory and attention reads; llama.cpp's default).
    public var kvCache: KVFormat

    public init(contextLength: Int? = nil, threads: Int = Parallel.processors, batchSize: Int? = nil,
                kvCache: KVFormat = .f32) {
        self.contextLength = contextLength
        self.threads = threads
        self.batchSize = batchSize
        self.kvCache = kvCache
    }
}

/// A decoder-only transformer from a GGUF file (see `DecoderArchitecture` for the supported
/// architectures), ready to evaluate tokens.
///
/// Not thread-safe: one evaluation (one generation) at a time per loaded model; callers that
/// share a model across requests serialise them (the daemon does). Logits returned by
/// `evaluate` stay valid until the next call.
public final class LanguageModel: @unchecked Sendable {
    /// The file it was loaded from.
    public let path: String
    /// Hyperparameters.
    public let config: DecoderConfig
    /// The mapped file (weights are read in place).
    public let file: GGUFFile
    /// The file's tokenizer; nil when it has none (the model then takes token ids only).
    public let tokenizer: GGUFTokenizer?
    /// KV cache positions.
    public let contextLength: Int
    /// Kernel threads.
    public var threads: Int { pool.threads }

    private let layers: any DecoderLayers
    private let embedding: (format: QuantFormat, data: UnsafeRawPointer, rowBytes: Int)  // [vocabulary, embedding]
    private let outputNorm: UnsafePointer<Float>          // [embedding]
    private let output: WeightMatrix                      // [vocabulary, embedding] (token_embd when tied)
    private let outputBias: UnsafePointer<Float>?         // [vocabulary]
    private let ropeFactors: UnsafePointer<Float>?        // [ropeDimensions / 2] (llama 3 rope_freqs)
    private let owned: OwnedFloats
    private let packed: PackedWeights?
    private let state: RunState
    private let cache: KVCache
    private let pool: ThreadPool
    private let pass: ForwardPass

    /// Loads the model at `path`.
    /// - Throws: `ModelError.gguf` (unreadable file, missing or mistyped metadata),
    ///   `.unknownArchitecture`, `.hyperparameter`, `.missingTensor`, `.shape`,
    ///   `.unsupportedTensorType`, `.tokenizer`, `.vocabularyMismatch`.
    public convenience init(path: String, options: LoadOptions = LoadOptions()) throws {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch let e as GGUFError { throw ModelError.gguf(path: path, e) }
        try self.init(file: file, options: options)
    }

    /// Loads the model in an opened GGUF file.
    /// - Throws: as `init(path:options:)`.
    public init(file: GGUFFile, options: LoadOptions = LoadOptions()) throws {
        let path = file.path ?? "<memory>"
        self.path = path
        self.file = file
        let m = file.metadata
        let archName = try DecoderConfig.read(path) { try m.string("general.architecture") }
        guard let arch = DecoderArchitecture(rawValue: archName) else { throw ModelError.unknownArchitecture(archName) }
        var c = try DecoderConfig(architecture: arch, metadata: m, path: path)
        try arch.layers.configure(&c, m, path: path)

        if m.contains("tokenizer.ggml.tokens") {
            do { tokenizer = try GGUFTokenizer(file: file) } catch let e as TokenizerError { throw ModelError.tokenizer(e) }
        } else {
            tokenizer = nil
        }
        guard let embd = file.tensor(named: TensorName.tokenEmbedding.name) else {
            throw ModelError.missingTensor(name: TensorName.tokenEmbedding.name)
        }
        c.vocabulary = tokenizer?.vocabularySize ?? embd.dimension(1)
        config = c

        let owned = OwnedFloats()
        self.owned = owned
        let threads = max(1, options.threads)
        let pool = ThreadPool(threads: threads)
        self.pool = pool
        // Q4_K/Q6_K matrices are repacked for the tiled kernels as they are bound.
        let packed = PackedWeights(file: file, pool: pool)
        self.packed = packed
        var b = TensorBinder(file: file, owned: owned)
        b.packer = packed
        let embInfo = try b.info(.tokenEmbedding, [c.embedding, c.vocabulary])
        guard let embFormat = QuantFormat(rawValue: embInfo.type.rawValue) else {
            throw ModelError.unsupportedTensorType(name: embInfo.name, type: embInfo.type.name)
        }
        embedding = (embFormat, try b.base(of: embInfo), embInfo.rowBytes)
        outputNorm = try b.vector(.outputNorm, c.embedding)
        // Tied embeddings: without output.weight the logits reuse token_embd (llama.cpp's
        // TENSOR_DUPLICATED fallback).
        output = try b.optionalMatrix(.output, rows: c.vocabulary, columns: c.embedding)
            ?? b.matrix(.tokenEmbedding, rows: c.vocabulary, columns: c.embedding)
        outputBias = try b.optionalVector(TensorName.outputBias, c.vocabulary)
        ropeFactors = try b.optionalVector(.ropeFrequencies, c.ropeDimensions / 2)
        layers = try arch.layers.init(b, c)

        contextLength = max(1, min(options.contextLength ?? min(4096, c.contextLength), 1 << 20))
        // Activation formats the weights need: all of them for the shared buffer, the expert
        // down projections' for the MoE hidden rows.
        var formats: Set<QuantFormat> = [.f32], downFormats: Set<QuantFormat> = [.f32]
        for t in file.tensors {
            guard let f = QuantFormat(rawValue: t.type.rawValue), f.isLinearWeight else { continue }
            formats.insert(f.linearActivationFormat)
            if t.name.hasSuffix("ffn_down_exps.weight") { downFormats.insert(f.linearActivationFormat) }
        }
        let batch = options.batchSize ?? (c.isMixtureOfExperts ? 512 : 128)
        state = RunState(config: c, maxBatch: max(1, batch), context: contextLength, threads: threads,
                         formats: formats, expertFormats: downFormats)
        cache = KVCache(layers: c.layers, context: contextLength, heads: c.kvHeads, headDim: c.headDim, format: options.kvCache)
        pass = ForwardPass(config: c, state: state, cache: cache, pool: pool)
    }

    // MARK: - State

    /// Tokens in the KV cache (the position of the next token).
    public var position: Int { cache.length }

    /// Forgets every evaluated token (the next `evaluate` starts at position 0).
    public func reset() { cache.length = 0 }

    /// Drops cached tokens from `position` on (to re-evaluate a shorter prefix).
    public func truncate(to position: Int) { cache.length = max(0, min(position, cache.length)) }

    /// How often each expert was chosen since load or `resetExpertCounts()`: `[layer][expert]`
    /// (empty rows for dense models).
    public var expertCounts: [[Int]] {
        let e = config.experts
        return (0..<config.layers).map { l in e == 0 ? [] : Array(pass.expertCounts[(l * e)..<((l + 1) * e)]) }
    }

    /// Sets every expert counter to zero.
    public func resetExpertCounts() {
        for i in pass.expertCounts.indices { pass.expertCounts[i] = 0 }
    }

    /// When true, `routing` records the experts chosen for every evaluated token.
    public var recordsRouting: Bool {
        get { pass.routingLog != nil }
        set { pass.routingLog = newValue ? Array(repeating: [], count: config.layers) : nil }
    }

    /// The experts chosen per layer since `recordsRouting` was set, `[layer][token · k + slot]`,
    /// best first (empty unless recording).
    public var routing: [[Int32]] { pass.routingLog ?? [] }

    /// Bytes of weights read per generated token: every dense tensor plus, for mixtures of
    /// experts, only `expertsUsed` experts' matrices per layer (the memory-bandwidth bound of
    /// decode is this divided by the bandwidth).
    public var activeWeightBytesPerToken: Int {
        var total = output.byteCount + embedding.rowBytes
        for t in file.tensors where t.name != TensorName.tokenEmbedding.name && t.name != TensorName.output.name {
            if t.name.hasSuffix("_exps.weight") {
                total += t.byteCount / max(1, config.experts) * config.expertsUsed
            } else {
                total += t.byteCount
            }
        }
        return total
    }

    /// Debugging aid: when set, receives intermediate tensors by llama.cpp-like names
    /// ("Qcur-3", "ffn_out-3", ...) during `evaluate`, to compare with llama.cpp's graph.
    public var tap: ((String, UnsafeBufferPointer<Float>) -> Void)? {
        didSet {
            if let tap { pass.tap = { name, p, n in tap(name, UnsafeBufferPointer(start: p, count: n)) } } else { pass.tap = nil }
        }
    }

    // MARK: - Evaluation

    /// Runs `tokens` at the current position, appending them to the KV cache.
    /// - Returns: the logits after the last token (`[vocabulary]`), valid until the next call.
    /// - Throws: `ModelError.tokenOutOfRange`, `.contextFull` (nothing is evaluated then).
    @discardableResult
    public func evaluate(_ tokens: [Int32]) throws -> UnsafeBufferPointer<Float> {
        let last = try run(tokens, every: nil)
        return UnsafeBufferPointer(start: state.logits.floats + last * config.vocabulary, count: config.vocabulary)
    }

    /// Runs `tokens` like `evaluate(_:)` and calls `body(i, logits)` with the logits after each
    /// token i, in order (each buffer valid only during its call).
    /// - Returns: the logits after the last token, as `evaluate(_:)`.
    /// - Throws: `ModelError.tokenOutOfRange`, `.contextFull`.
    @discardableResult
    public func evaluate(_ tokens: [Int32], eachLogits body: (Int, UnsafeBufferPointer<Float>) -> Void) throws
        -> UnsafeBufferPointer<Float> {
        let last = try withoutActuallyEscaping(body) { try run(tokens, every: $0) }
        return UnsafeBufferPointer(start: state.logits.floats + last * config.vocabulary, count: config.vocabulary)
    }

    /// Evaluates `tokens`; returns the row of `state.logits` that holds the last token's logits.
    private func run(_ tokens: [Int32], every: ((Int, UnsafeBufferPointer<Float>) -> Void)?) throws -> Int {
        let c = config
        if tokens.isEmpty { return 0 }
        for t in tokens where t < 0 || Int(t) >= c.vocabulary {
            throw ModelError.tokenOutOfRange(token: t, vocabulary: c.vocabulary)
        }
        if cache.length + tokens.count > contextLength {
            throw ModelError.contextFull(position: cache.length, tokens: tokens.count, context: contextLength)
        }
        var start = 0
        var lastRow = 0
        while start < tokens.count {
            let n = min(state.maxBatch, tokens.count - start)
            forward(tokens, from: start, count: n)
            if let every {
                var r = 0
                while r < n {
                    let m = min(state.logitRows, n - r)
                    logits(rows: r, count: m)
                    for i in 0..<m {
                        every(start + r + i, UnsafeBufferPointer(start: state.logits.floats + i * c.vocabulary, count: c.vocabulary))
                    }
                    lastRow = m - 1
                    r += m
                }
            } else if start + n == tokens.count {
                logits(rows: n - 1, count: 1)
                lastRow = 0
            }
            start += n
        }
        return lastRow
    }

    /// Embeds `count` tokens from `tokens[from...]` and runs them through every layer.
    private func forward(_ tokens: [Int32], from: Int, count n: Int) {
        let c = config, e = c.embedding, x = state.x.floats
        for t in 0..<n {
            let row = embedding.data + Int(tokens[from + t]) * embedding.rowBytes
            dequantize(type: embedding.format, src: row, dst: x + t * e, count: e)
        }
        if c.embeddingScale != 0 { DecoderKernels.scale(x, by: c.embeddingScale, count: n * e) }
        let table = state.rope.floats, nRot = c.ropeDimensions
        for t in 0..<n {
            DecoderKernels.ropeTable(position: cache.length + t, nRot: nRot, base: c.ropeBase,
                                     freqScale: c.ropeFrequencyScale, factors: ropeFactors, into: table + t * nRot)
        }
        pass.tokens = n
        pass.position = cache.length
        pass.layer = 0
        pass.tap("embd", x, n * e)
        for l in 0..<c.layers { pass.layer = l; layers.forward(layer: l, pass) }
        cache.length += n
    }

    /// Final norm and output projection of batch rows `first ..< first + count` into
    /// `state.logits` rows `0 ..< count`.
    private func logits(rows first: Int, count m: Int) {
        let c = config, e = c.embedding, v = c.vocabulary
        let x = state.x.floats, h = state.h.floats
        for i in 0..<m {
            DecoderKernels.rmsNorm(x + (first + i) * e, count: e, weight: outputNorm, eps: c.rmsEpsilon, into: h + i * e)
        }
        let acts = state.activations
        acts.invalidate()
        acts.prepare(h, stride: e, tokens: m, width: e)
        let rows = acts.rows(output.format.linearActivationFormat, pool: pool)
        let y = state.logits.floats
        Linear.apply(Linear.Job(output, x: rows, y: y, yStride: v), tokens: m, pool: pool)
        for i in 0..<m {
            if let outputBias { DecoderKernels.add(outputBias, count: v, into: y + i * v) }
            // Granite divides logits by logit_scale (ggml_scale by its inverse).
            if c.logitScale != 0 { DecoderKernels.scale(y + i * v, by: 1 / c.logitScale, count: v) }
        }
        acts.invalidate()
    }
}
