// The building blocks every architecture's layer is made of — RMS norm, self-attention with GQA,
// RoPE and the KV cache, the residual add, a SwiGLU FFN — acting on one batch of new tokens in
// the run state. Architecture files compose them in their own order (see Architectures/).
import Tensor

/// One batch of tokens going through the layers; reused for every batch of a loaded model.
final class ForwardPass: @unchecked Sendable {
    let config: DecoderConfig
    let state: RunState
    let cache: KVCache
    let pool: ThreadPool
    /// Tokens in the current batch.
    var tokens = 0
    /// Position of the batch's first token.
    var position = 0
    /// Times each expert was chosen: `[layer · experts + expert]`.
    var expertCounts: [Int]
    /// When non-nil, the experts chosen per layer for every token: `[layer][token · k + slot]`.
    var routingLog: [[Int32]]?
    /// When set, called with intermediate tensors (llama.cpp's graph names) for comparisons.
    var tap: ((String, UnsafePointer<Float>, Int) -> Void)?
    /// Layer being run (for tap names).
    var layer = 0

    @inline(__always)
    func tap(_ name: String, _ p: UnsafePointer<Float>, _ n: Int) {
        if let tap { tap("\(name)-\(layer)", p, n) }
    }

    init(config: DecoderConfig, state: RunState, cache: KVCache, pool: ThreadPool) {
        self.config = config
        self.state = state
        self.cache = cache
        self.pool = pool
        expertCounts = Array(repeating: 0, count: config.layers * config.experts)
    }

    var x: UnsafeMutablePointer<Float> { state.x.floats }       // [tokens, embedding]
    var h: UnsafeMutablePointer<Float> { state.h.floats }       // [tokens, embedding]
    var blockOut: UnsafeMutablePointer<Float> { state.blockOut.floats } // [tokens, embedding]

    /// Work grain over tokens for the small per-token kernels (one item for decode).
    private var tokenGrain: Int { tokens < 8 ? tokens : pool.grain(tokens, perThread: 2) }

    // MARK: - Norms and residuals

    /// `h = rmsnorm(x) ⊙ weight` for every token.
    func norm(_ weight: UnsafePointer<Float>) {
        let e = config.embedding, eps = config.rmsEpsilon, x = self.x, h = self.h
        pool.parallelFor(tokens, grain: tokenGrain) { range in
            for t in range { DecoderKernels.rmsNorm(x + t * e, count: e, weight: weight, eps: eps, into: h + t * e) }
        }
        tap("norm", h, tokens * e)
        state.activations.invalidate()
    }

    /// `x += blockOut`, scaled first by the residual multiplier when the model has one (granite).
    /// ref: llama.cpp src/models/granite.cpp build_layer_ffn (ggml_scale before ggml_add).
    func residual() {
        let n = tokens * config.embedding, scale = config.residualScale
        if scale != 0 { DecoderKernels.scale(blockOut, by: scale, count: n) }
        DecoderKernels.add(blockOut, count: n, into: x)
        tap("resid", x, n)
    }

    /// Projects the prepared activations through `w` into `y` (`[tokens, w.rows]`, rows
    /// `yStride` apart), adding `bias` when given.
    func linear(_ w: WeightMatrix, into y: UnsafeMutablePointer<Float>, stride: Int, bias: UnsafePointer<Float>? = nil) {
        let rows = state.activations.rows(w.format.linearActivationFormat, pool: pool)
        Linear.apply(Linear.Job(w, x: rows, y: y, yStride: stride), tokens: tokens, pool: pool)
        if let bias { addBias(bias, to: y, width: w.rows, stride: stride) }
    }

    func addBias(_ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, width: Int, stride: Int) {
        for t in 0..<tokens { DecoderKernels.add(bias, count: width, into: y + t * stride) }
    }

    // MARK: - Attention

    /// `blockOut = Wo · attention(h)`: q, k, v projections (+ biases), q/k norms, RoPE, the new
    /// keys and values stored in the cache, causal attention over the cache, output projection.
    /// ref: llama.cpp src/llama-graph.cpp build_qkv, build_attn; src/models/llama.cpp.
    func attention(_ w: AttentionWeights, layer: Int) {
        let c = config, n = tokens
        let qw = c.queryWidth, kw = c.kvWidth, e = c.embedding
        let q = state.q.floats, k = state.k.floats, v = state.v.floats
        let acts = state.activations
        acts.prepare(h, stride: e, tokens: n, width: e)
        let xq = acts.rows(w.q.format.linearActivationFormat, pool: pool)
        let xk = acts.rows(w.k.format.linearActivationFormat, pool: pool)
        let xv = acts.rows(w.v.format.linearActivationFormat, pool: pool)
        Linear.apply(Linear.Job(w.q, x: xq, y: q, yStride: qw), Linear.Job(w.k, x: xk, y: k, yStride: kw),
                     Linear.Job(w.v, x: xv, y: v, yStride: kw), tokens: n, pool: pool)
        if let b = w.qBias { addBias(b, to: q, width: qw, stride: qw) }
        if let b = w.kBias { addBias(b, to: k, width: kw, stride: kw) }
        if let b = w.vBias { addBias(b, to: v, width: kw, stride: kw) }
        tap("Qcur", q, n * qw); tap("Kcur", k, n * kw); tap("Vcur", v, n * kw)

        let kv = cache.rows(layer)
        let hd = c.headDim, heads = c.heads, kvHeads = c.kvHeads, eps = c.rmsEpsilon
        let nRot = c.ropeDimensions, neox = c.architecture.ropeStyle == .halves
        let table = state.rope.floats, position = self.position
        let norm = w.qkNorm
        pool.parallelFor(n, grain: tokenGrain) { range in
            for t in range {
                let qt = q + t * qw, kt = k + t * kw
                switch norm {
                case .none: break
                case let .perHead(qn, kn):
                    for i in 0..<heads { DecoderKernels.rmsNorm(qt + i * hd, count: hd, weight: qn, eps: eps, into: qt + i * hd) }
                    for i in 0..<kvHeads { DecoderKernels.rmsNorm(kt + i * hd, count: hd, weight: kn, eps: eps, into: kt + i * hd) }
                case let .whole(qn, kn):
                    DecoderKernels.rmsNorm(qt, count: qw, weight: qn, eps: eps, into: qt)
                    DecoderKernels.rmsNorm(kt, count: kw, weight: kn, eps: eps, into: kt)
                }
                let rt = table + t * nRot
                DecoderKernels.rope(qt, heads: heads, headDim: hd, nRot: nRot, table: rt, neox: neox)
                DecoderKernels.rope(kt, heads: kvHeads, headDim: hd, nRot: nRot, table: rt, neox: neox)
                kv.store(slot: position + t, key: kt, value: v + t * kw, heads: kvHeads, headDim: hd)
            }
        }
        tap("Qrope", q, n * qw); tap("Krope", k, n * kw)
        let out = state.attention.floats
        CausalAttention.run(q: q, qStride: qw, cache: kv, tokens: n, firstPosition: position,
                            heads: heads, kvHeads: kvHeads, headDim: hd, scale: c.attentionScoreScale,
                            scratch: state.scores.floats, scratchPerThread: state.scoresPerThread,
                            out: out, outStride: qw, pool: pool)
        tap("kqv_out", out, n * qw)
        acts.prepare(out, stride: qw, tokens: n, width: qw)
        linear(w.output, into: blockOut, stride: e, bias: w.outputBias)
        tap("attn_out", blockOut, n * e)
    }

    // MARK: - Feed-forward

    /// `y = down(silu(gate·h) ⊙ up·h)` for every token (`y` is `[tokens, embedding]`).
    /// ref: llama.cpp src/llama-graph.cpp build_ffn with LLM_FFN_SILU, LLM_FFN_PAR.
    func feedForward(_ w: FeedForwardWeights, into y: UnsafeMutablePointer<Float>) {
        let e = config.embedding, ff = w.width, n = tokens
        let g = state.ffGate.floats, u = state.ffUp.floats
        let acts = state.activations
        acts.prepare(h, stride: e, tokens: n, width: e)
        let xg = acts.rows(w.gate.format.linearActivationFormat, pool: pool)
        let xu = acts.rows(w.up.format.linearActivationFormat, pool: pool)
        Linear.apply(Linear.Job(w.gate, x: xg, y: g, yStride: ff), Linear.Job(w.up, x: xu, y: u, yStride: ff),
                     tokens: n, pool: pool)
        tap("ffn_gate", g, n * ff); tap("ffn_up", u, n * ff)
        pool.parallelFor(n, grain: tokenGrain) { range in
            for t in range { DecoderKernels.swiglu(gate: g + t * ff, up: u + t * ff, count: ff, into: g + t * ff) }
        }
        tap("ffn_swiglu", g, n * ff)
        acts.prepare(g, stride: ff, tokens: n, width: ff)
        linear(w.down, into: y, stride: e)
        tap("ffn_out", y, n * e)
    }
}
