// Causal multi-head attention of new query tokens against a KV cache, with grouped-query heads:
// query head h reads key/value head h / (heads / kvHeads), as ggml's broadcasting mul_mat does.
// Scores, softmax and the weighted sum are f32, split over (token, head) pairs.

/// Where the cached keys and values of one layer live: position p's key row at
/// `keys + p·stride`, its value row at `values + p·stride` (kvHeads·headDim floats each).
public struct KVRows: @unchecked Sendable {
    public let keys: UnsafeMutablePointer<Float>
    public let values: UnsafeMutablePointer<Float>
    public let stride: Int

    public init(keys: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>, stride: Int) {
        self.keys = keys
        self.values = values
        self.stride = stride
    }
}

public enum CausalAttention {
    /// Floats of scratch per thread for a context of `context` positions and heads of
    /// `headDim`: the scores of one row, then 64 partial sums of the weighted values.
    public static func scratchCount(context: Int, headDim: Int) -> Int {
        (context + 15) / 16 * 16 + 64 * headDim
    }

    /// For each new token t (at position `firstPosition + t`) and head h:
    /// `out[t, h] = Σ_{p ≤ position} softmax_p(scale · q[t, h]·k[p, g]) · v[p, g]`, g = h / (heads / kvHeads).
    /// - `q`: `[tokens, heads·headDim]`, rows `qStride` floats apart.
    /// - `cache`: keys and values for positions `0..<firstPosition + tokens` (the new ones stored).
    /// - `out`: `[tokens, heads·headDim]`, rows `outStride` floats apart.
    /// - `scratch`: `pool.threads × scratchPerThread` floats, at least `scratchCount(context:headDim:)` each.
    /// Rounding follows llama.cpp (F32 cache, no flash attention): see `head`.
    public static func run(q: UnsafePointer<Float>, qStride: Int, cache: KVRows, tokens: Int,
                           firstPosition: Int, heads: Int, kvHeads: Int, headDim: Int, scale: Float,
                           scratch: UnsafeMutablePointer<Float>, scratchPerThread: Int,
                           out: UnsafeMutablePointer<Float>, outStride: Int, pool: ThreadPool) {
        let pairs = tokens * heads
        let group = heads / kvHeads
        let context = scratchPerThread - 64 * headDim
        // llama.cpp sums the weighted values with 64 partial sums for one new token (its
        // vec_dot_f32) and 16 for a batch (its tinyBLAS matmul); we follow, for the same bits.
        let partials = tokens == 1 ? 64 : 16
        // Long rows (late tokens) cost more; one pair per item keeps threads even.
        let grain = tokens == 1 ? max(1, heads / (pool.threads * 2)) : 1
        pool.parallelFor(pairs, grain: grain) { range, worker in
            let scores = scratch + worker &* scratchPerThread
            for pair in range {
                let t = pair / heads, h = pair % heads
                let g = h / group
                let length = firstPosition &+ t &+ 1
                head(q: q + t &* qStride + h &* headDim, keys: cache.keys + g &* headDim,
                     values: cache.values + g &* headDim, stride: cache.stride, length: length,
                     headDim: headDim, scale: scale, scores: scores, partial: scores + context,
                     partials: partials, out: out + t &* outStride + h &* headDim)
            }
        }
    }

    /// One query vector against `length` cached positions: scores by `MatchedMath.dot`, times
    /// `scale`; `MatchedMath.softmax`; then for each output dimension, `partials` (16 or 64)
    /// running fused sums — position p feeds sum p mod `partials` — combined in the order
    /// ggml reduces its accumulators (for 64: four 16-lane vectors as (a₀+a₂)+(a₁+a₃), then
    /// the 16 lanes as `MatchedMath.sum16`).
    /// - `partial`: `64 × headDim` floats of scratch.
    @inline(__always)
    static func head(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                     stride: Int, length: Int, headDim: Int, scale: Float,
                     scores: UnsafeMutablePointer<Float>, partial: UnsafeMutablePointer<Float>,
                     partials: Int, out: UnsafeMutablePointer<Float>) {
        for p in 0..<length {
            scores[p] = MatchedMath.dot(q, keys + p &* stride, headDim) * scale
        }
        MatchedMath.softmax(scores, count: length, padded: true)

        // partial[m, d] = Σ_{p ≡ m} w_p · v[p, d]   ([partials, headDim]); rows past `length`
        // would stay 0 and are left out of the combination below (adding 0 changes nothing).
        let used = min(length, partials)
        partial.update(repeating: 0, count: used &* headDim)
        let vectorised = headDim % 16 == 0
        for p in 0..<length {
            let w = scores[p], v = values + p &* stride
            let row = partial + (p % partials) &* headDim
            if vectorised {
                let wv = F32x16(repeating: w)
                var d = 0
                while d < headDim {
                    store16(load16(row + d).addingProduct(load16(v + d), wv), row + d)
                    d &+= 16
                }
            } else {
                for d in 0..<headDim { row[d] = row[d].addingProduct(v[d], w) }
            }
        }
        if vectorised {
            // 16 output dimensions at a time: lane l of ggml's accumulator is a vector over d.
            var d = 0
            while d < headDim {
                @inline(__always) func at(_ m: Int) -> F32x16 { m < used ? load16(partial + (m &* headDim &+ d)) : .zero }
                var s = (at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7),
                         at(8), at(9), at(10), at(11), at(12), at(13), at(14), at(15))
                if partials == 64 {
                    @inline(__always) func lane(_ l: Int) -> F32x16 { (at(l) + at(32 &+ l)) + (at(16 &+ l) + at(48 &+ l)) }
                    s = (lane(0), lane(1), lane(2), lane(3), lane(4), lane(5), lane(6), lane(7),
                         lane(8), lane(9), lane(10), lane(11), lane(12), lane(13), lane(14), lane(15))
                }
                // MatchedMath.sum16's tree: halves, quarters, then pairs.
                let h0 = s.0 + s.8, h1 = s.1 + s.9, h2 = s.2 + s.10, h3 = s.3 + s.11
                let h4 = s.4 + s.12, h5 = s.5 + s.13, h6 = s.6 + s.14, h7 = s.7 + s.15
                let q0 = h0 + h4, q1 = h1 + h5, q2 = h2 + h6, q3 = h3 + h7
                store16((q0 + q2) + (q1 + q3), out + d)
                d &+= 16
            }
        } else {
            for d in 0..<headDim {
                @inline(__always) func at(_ m: Int) -> Float { m < used ? partial[m &* headDim &+ d] : 0 }
                var lanes = F32x16.zero
                for l in 0..<16 {
                    lanes[l] = partials == 64 ? (at(l) + at(32 &+ l)) + (at(16 &+ l) + at(48 &+ l)) : at(l)
                }
                out[d] = MatchedMath.sum16(lanes)
            }
        }
    }
}
