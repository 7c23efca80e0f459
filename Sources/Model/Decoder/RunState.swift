// Every buffer the forward pass writes, allocated once at load for the largest batch, so that
// neither prefill nor the token loop allocates. Shapes are stated per field (B = maxBatch).
import Tensor

/// A 64-byte-aligned heap buffer owned by its creator, freed in deinit.
final class RawBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int

    init(bytes: Int) {
        byteCount = max(bytes, 64)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    var floats: UnsafeMutablePointer<Float> { pointer.assumingMemoryBound(to: Float.self) }
    var ints: UnsafeMutablePointer<Int32> { pointer.assumingMemoryBound(to: Int32.self) }

    deinit { pointer.deallocate() }
}

/// The activation buffers of one loaded model.
final class RunState: @unchecked Sendable {
    let maxBatch: Int
    let x: RawBuffer            // [B, embedding] residual stream
    let h: RawBuffer            // [B, embedding] normed input of a block
    let q: RawBuffer            // [B, heads·headDim]
    let k: RawBuffer            // [B, kvHeads·headDim]
    let v: RawBuffer            // [B, kvHeads·headDim]
    let attention: RawBuffer    // [B, heads·headDim] attention output before the output projection
    let blockOut: RawBuffer     // [B, embedding] a block's output before the residual add
    let ffGate: RawBuffer       // [B, ffWidth] dense or shared-expert gate, then silu(gate) ⊙ up
    let ffUp: RawBuffer         // [B, ffWidth]
    let shared: RawBuffer       // [B, embedding] shared expert output
    let rope: RawBuffer         // [B, ropeDimensions] cos/sin pairs per new token
    let scores: RawBuffer       // [threads, scoresPerThread] attention scores and partial sums per thread
    let scoresPerThread: Int
    let logits: RawBuffer       // [logitRows, vocabulary]
    let logitRows: Int
    let activations: ActivationCache
    let moe: MoEState?

    /// Tokens evaluated together when logits are wanted for all of them.
    static let logitChunk = 8

    init(config c: DecoderConfig, maxBatch b: Int, context: Int, threads: Int, formats: Set<QuantFormat>,
         expertFormats: Set<QuantFormat>) {
        maxBatch = b
        func floats(_ n: Int) -> RawBuffer { RawBuffer(bytes: n * 4) }
        let ffWidth = max(c.feedForward, c.sharedFeedForward, 1)
        x = floats(b * c.embedding)
        h = floats(b * c.embedding)
        q = floats(b * c.queryWidth)
        k = floats(b * c.kvWidth)
        v = floats(b * c.kvWidth)
        attention = floats(b * c.queryWidth)
        blockOut = floats(b * c.embedding)
        ffGate = floats(b * ffWidth)
        ffUp = floats(b * ffWidth)
        shared = floats(b * c.embedding)
        rope = floats(b * c.ropeDimensions)
        scoresPerThread = CausalAttention.scratchCount(context: context, headDim: c.headDim, group: c.heads / max(1, c.kvHeads))
        scores = floats(threads * scoresPerThread)
        logitRows = Self.logitChunk
        logits = floats(logitRows * c.vocabulary)
        let widest = max(c.embedding, c.queryWidth, ffWidth)
        activations = ActivationCache(formats: formats, width: widest, rows: b)
        moe = c.isMixtureOfExperts ? MoEState(config: c, maxBatch: b, downFormats: expertFormats) : nil
    }
}

/// Buffers of the mixture-of-experts block (B = maxBatch, k = experts used).
final class MoEState: @unchecked Sendable {
    let routerLogits: RawBuffer // [B, experts] logits, then probabilities
    let chosen: RawBuffer       // [B, k] Int32 expert ids, best first
    let weights: RawBuffer      // [B, k] routing weights
    let tokenOf: RawBuffer      // [B·k] Int32 token of each assignment, grouped by expert
    let slotOf: RawBuffer       // [B·k] Int32 assignment index of (token, slot)
    let expertStart: RawBuffer  // [experts + 1] Int32 first assignment of each expert
    let expertScratch: RawBuffer // [experts + 1] Int32 next free slot per expert, then active experts
    let gate: RawBuffer         // [B·k, expertWidth] gate, then silu(gate) ⊙ up
    let up: RawBuffer           // [B·k, expertWidth]
    let hidden: RawBuffer       // [B·k, activation row bytes] quantised silu(gate) ⊙ up
    let hiddenRowBytes: Int
    let down: RawBuffer         // [B·k, embedding]

    init(config c: DecoderConfig, maxBatch b: Int, downFormats: Set<QuantFormat>) {
        let assignments = b * c.expertsUsed
        routerLogits = RawBuffer(bytes: b * c.experts * 4)
        chosen = RawBuffer(bytes: assignments * 4)
        weights = RawBuffer(bytes: assignments * 4)
        tokenOf = RawBuffer(bytes: assignments * 4)
        slotOf = RawBuffer(bytes: assignments * 4)
        expertStart = RawBuffer(bytes: (c.experts + 1) * 4)
        expertScratch = RawBuffer(bytes: (c.experts + 1) * 4)
        gate = RawBuffer(bytes: assignments * c.expertFeedForward * 4)
        up = RawBuffer(bytes: assignments * c.expertFeedForward * 4)
        hiddenRowBytes = downFormats.map { capacityRowBytes($0, count: c.expertFeedForward) }.max() ?? c.expertFeedForward * 4
        hidden = RawBuffer(bytes: assignments * hiddenRowBytes)
        down = RawBuffer(bytes: assignments * c.embedding * 4)
    }
}

/// Bytes a buffer row needs for up to `count` activations in `format`: sized for the widest
/// row of the model, which need not be a whole number of `format`'s blocks (only rows that
/// meet weights of that format are, and those fit).
func capacityRowBytes(_ format: QuantFormat, count: Int) -> Int {
    let b = format.blockSize
    return activationRowBytes(format, count: (count + b - 1) / b * b)
}

/// Float activations converted on demand to the formats the next weights multiply with:
/// q, k and v share one conversion, and a mixed-format model converts once per format.
final class ActivationCache: @unchecked Sendable {
    private var buffers: [RawBuffer?]           // by QuantFormat raw value: [rows, rowBytes(width)]
    private var valid: UInt64 = 0               // bit per format raw value
    private var source: UnsafePointer<Float>?
    private var stride = 0, tokens = 0, width = 0

    init(formats: Set<QuantFormat>, width: Int, rows: Int) {
        buffers = Array(repeating: nil, count: 64)
        for f in formats where f != .f32 {
            buffers[Int(f.rawValue)] = RawBuffer(bytes: rows * capacityRowBytes(f, count: width))
        }
    }

    /// Makes `tokens` rows of `width` floats at `x` (rows `stride` floats apart) the source of
    /// the next conversions; a repeat of the current source keeps its conversions.
    func prepare(_ x: UnsafePointer<Float>, stride: Int, tokens: Int, width: Int) {
        if x == source && stride == self.stride && tokens == self.tokens && width == self.width { return }
        source = x
        self.stride = stride
        self.tokens = tokens
        self.width = width
        valid = 0
    }

    /// Forgets the source (call after its floats change in place).
    func invalidate() { source = nil; valid = 0 }

    /// The source rows in `format`, converting them first if needed.
    func rows(_ format: QuantFormat, pool: ThreadPool) -> ActivationRows {
        guard let source else { preconditionFailure("ActivationCache.rows before prepare") }
        if format == .f32 { return ActivationRows(base: UnsafeRawPointer(source), stride: stride * 4) }
        let i = Int(format.rawValue)
        guard let buffer = buffers[i] else { preconditionFailure("no activation buffer for \(format.name)") }
        let rowBytes = activationRowBytes(format, count: width)
        if valid & (1 << UInt64(i)) == 0 {
            let (n, w, s) = (tokens, width, stride)
            let grain = max(1, pool.grain(n, perThread: 2))
            pool.parallelFor(n, grain: n < 4 ? n : grain) { range in
                for t in range {
                    quantizeActivations(source + t * s, count: w, format: format, into: buffer.pointer + t * rowBytes)
                }
            }
            valid |= 1 << UInt64(i)
        }
        return ActivationRows(base: UnsafeRawPointer(buffer.pointer), stride: rowBytes)
    }
}
