// CausalAttention's work for one new token and one key/value head at a time — all query heads
// of the group together, so each cached row is read once per group — on the C kernels
// (CKernels/attention.c), which round exactly as `CausalAttention.head` does.
import CKernels

enum GroupedAttention {
    /// Whether the C kernels take heads of `headDim` in groups of `group`.
    static func handles(headDim: Int, group: Int) -> Bool {
        FastLinear.available && headDim % 16 == 0 && headDim <= 256 && group >= 1 && group <= 16
    }

    /// Floats of per-thread scratch: the group's scores `[group, context]`, its queries rounded
    /// for the cache `[group, headDim]`, the value kernel's partial sums. 0 when not handled.
    static func scratchCount(context: Int, headDim: Int, group: Int) -> Int {
        guard handles(headDim: headDim, group: group) else { return 0 }
        return group * ((context + 15) / 16 * 16) + group * headDim + nerve_attention_values_scratch(group, headDim, 64)
    }

    /// `CausalAttention.run` on the C kernels; false (nothing done) when they do not apply.
    static func run(q: UnsafePointer<Float>, qStride: Int, cache: KVRows, tokens: Int, firstPosition: Int,
                    heads: Int, kvHeads: Int, headDim: Int, scale: Float, scratch: UnsafeMutablePointer<Float>,
                    scratchPerThread: Int, out: UnsafeMutablePointer<Float>, outStride: Int, pool: ThreadPool) -> Bool {
        let group = heads / kvHeads
        guard handles(headDim: headDim, group: group) else { return false }
        let need = scratchCount(context: firstPosition + tokens, headDim: headDim, group: group)
        guard need <= scratchPerThread else { return false }
        let partials: Int32 = tokens == 1 ? 64 : 16        // as CausalAttention.run, for the same bits
        let half = cache.format == .f16
        let bytes = cache.format.elementBytes
        let rowLength = (firstPosition + tokens + 15) / 16 * 16  // scores row stride
        // One new token against a short context is a few microseconds: no hand-off.
        let work = tokens * (firstPosition + tokens) * heads * headDim
        let items = tokens * kvHeads
        pool.parallelFor(items, grain: tokens == 1 && work < 1 << 20 ? items : 1) { range, worker in
            let base = scratch + worker &* scratchPerThread
            let scores = base, rounded = base + group * rowLength, partial = rounded + group * headDim
            for item in range {
                let t = item / kvHeads, g = item % kvHeads
                let length = firstPosition &+ t &+ 1
                var qh = q + t &* qStride + g &* group &* headDim
                if half {
                    // ggml rounds the f32 operand of an f16 product to f16 first.
                    for i in 0..<(group * headDim) { rounded[i] = Float(Float16(qh[i])) }
                    qh = UnsafePointer(rounded)
                }
                let keys = UnsafeRawPointer(cache.keys) + g &* cache.headStride &* bytes
                let values = UnsafeRawPointer(cache.values) + g &* cache.headStride &* bytes
                _ = nerve_attention_scores(qh, headDim, group, keys, cache.stride, half ? 1 : 0, length, headDim,
                                           scale, scores, rowLength)
                for h in 0..<group {
                    let row = scores + h &* rowLength
                    MatchedMath.softmax(row, count: length, padded: true)
                    if half { for p in 0..<length { row[p] = Float(Float16(row[p])) } }
                }
                _ = nerve_attention_values(scores, rowLength, group, values, cache.stride, half ? 1 : 0, length, headDim,
                                           partials, partial, out + t &* outStride + g &* group &* headDim, headDim)
            }
        }
        return true
    }
}
