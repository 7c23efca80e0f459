// Causal multi-head attention of new query tokens against a KV cache, with grouped-query heads:
// query head h reads key/value head h / (heads / kvHeads), as ggml's broadcasting mul_mat does.
// Scores, softmax and the weighted sum are f32, split over (token, head) pairs. The cache holds
// f32 or f16 keys and values (f16 halves the bytes attention reads per token).

/// How a KV cache stores keys and values.
public enum KVFormat: Sendable {
    case f32, f16

    /// Bytes per stored element.
    public var elementBytes: Int { self == .f32 ? 4 : 2 }
}

/// Where the cached keys and values of one layer live: key/value head g's row for position p at
/// element `g·headStride + p·stride` of `keys` / `values` (headDim elements each, in `format`).
/// A head-major cache (`stride` = headDim) keeps each head's rows contiguous, so attention
/// streams them instead of striding across pages one position at a time.
public struct KVRows: @unchecked Sendable {
    public let keys: UnsafeMutableRawPointer
    public let values: UnsafeMutableRawPointer
    /// Elements from one position's row to the next, within a head.
    public let stride: Int
    /// Elements from one key/value head to the next.
    public let headStride: Int
    public let format: KVFormat

    public init(keys: UnsafeMutableRawPointer, values: UnsafeMutableRawPointer, stride: Int, headStride: Int, format: KVFormat) {
        self.keys = keys
        self.values = values
        self.stride = stride
        self.headStride = headStride
        self.format = format
    }

    /// Stores position `slot`'s key and value, `heads` heads of `headDim` floats each taken from
    /// `key` and `value` (`[heads·headDim]`), rounded to nearest for f16 (as ggml's f32 → f16
    /// copy into the cache).
    public func store(slot: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>, heads: Int, headDim: Int) {
        for g in 0..<heads {
            let offset = g &* headStride &+ slot &* stride, from = g &* headDim
            switch format {
            case .f32:
                (keys.assumingMemoryBound(to: Float.self) + offset).update(from: key + from, count: headDim)
                (values.assumingMemoryBound(to: Float.self) + offset).update(from: value + from, count: headDim)
            case .f16:
                let k = keys.assumingMemoryBound(to: Float16.self) + offset
                let v = values.assumingMemoryBound(to: Float16.self) + offset
                for i in 0..<headDim {
                    k[i] = Float16(key[from &+ i])
                    v[i] = Float16(value[from &+ i])
                }
            }
        }
    }
}

/// An element type of the cache, read as floats by the attention kernel.
protocol KVElement {
    static func load16(_ p: UnsafeRawPointer, _ i: Int) -> F32x16
    static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float
    /// A query or softmax weight as the products with this element type see it: f16 caches
    /// multiply f16-rounded queries and weights (ggml converts the f32 operand of an f16
    /// mul_mat to f16 first).
    static func operand(_ x: Float) -> Float
}

extension Float: KVElement {
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> F32x16 { p.loadUnaligned(fromByteOffset: i &* 4, as: F32x16.self) }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float { p.loadUnaligned(fromByteOffset: i &* 4, as: Float.self) }
    @inline(__always) static func operand(_ x: Float) -> Float { x }
}

extension Float16: KVElement {
    @inline(__always) static func load16(_ p: UnsafeRawPointer, _ i: Int) -> F32x16 {
        F32x16(p.loadUnaligned(fromByteOffset: i &* 2, as: SIMD16<Float16>.self))
    }
    @inline(__always) static func load(_ p: UnsafeRawPointer, _ i: Int) -> Float { Float(p.loadUnaligned(fromByteOffset: i &* 2, as: Float16.self)) }
    @inline(__always) static func operand(_ x: Float) -> Float { Float(Float16(x)) }
}

public enum CausalAttention {
    /// Floats of scratch per thread for a context of `context` positions, heads of `headDim`
    /// and `group` query heads per key/value head: what `head` needs (the scores of one row, 64
    /// partial sums of the weighted values, the query as the cache's products see it) or, when
    /// larger, what the grouped C kernels need (`GroupedAttention`).
    public static func scratchCount(context: Int, headDim: Int, group: Int = 1) -> Int {
        max((context + 15) / 16 * 16 + 65 * headDim, GroupedAttention.scratchCount(context: context, headDim: headDim, group: group))
    }

    /// For each new token t (at position `firstPosition + t`) and head h:
    /// `out[t, h] = Σ_{p ≤ position} softmax_p(scale · q[t, h]·k[p, g]) · v[p, g]`, g = h / (heads / kvHeads).
    /// - `q`: `[tokens, heads·headDim]`, rows `qStride` floats apart.
    /// - `cache`: keys and values for positions `0..<firstPosition + tokens` (the new ones stored).
    /// - `out`: `[tokens, heads·headDim]`, rows `outStride` floats apart.
    /// - `scratch`: `pool.threads × scratchPerThread` floats, at least `scratchCount(context:headDim:group:)` each.
    /// Rounding follows llama.cpp without flash attention (for an F32 cache to the bit): see `head`.
    public static func run(q: UnsafePointer<Float>, qStride: Int, cache: KVRows, tokens: Int,
                           firstPosition: Int, heads: Int, kvHeads: Int, headDim: Int, scale: Float,
                           scratch: UnsafeMutablePointer<Float>, scratchPerThread: Int,
                           out: UnsafeMutablePointer<Float>, outStride: Int, pool: ThreadPool) {
        let group = heads / kvHeads
        if GroupedAttention.run(q: q, qStride: qStride, cache: cache, tokens: tokens, firstPosition: firstPosition,
                                heads: heads, kvHeads: kvHeads, headDim: headDim, scale: scale, scratch: scratch,
                                scratchPerThread: scratchPerThread, out: out, outStride: outStride, pool: pool) {
            return
        }
        let pairs = tokens * heads
        let context = (scratchPerThread - 65 * headDim) / 16 * 16
        // llama.cpp sums the weighted values with 64 partial sums for one new token (its
        // vec_dot_f32) and 16 for a batch (its tinyBLAS matmul); we follow, for the same bits.
        let partials = tokens == 1 ? 64 : 16
        // Long rows (late tokens) cost more; one pair per item keeps threads even.
        let grain = tokens == 1 ? max(1, heads / (pool.threads * 2)) : 1
        let bytes = cache.format.elementBytes
        pool.parallelFor(pairs, grain: grain) { range, worker in
            let scores = scratch + worker &* scratchPerThread
            for pair in range {
                let t = pair / heads, h = pair % heads
                let g = h / group
                let length = firstPosition &+ t &+ 1
                let keys = UnsafeRawPointer(cache.keys) + g &* cache.headStride &* bytes
                let values = UnsafeRawPointer(cache.values) + g &* cache.headStride &* bytes
                let o = out + t &* outStride + h &* headDim, qh = q + t &* qStride + h &* headDim
                switch cache.format {
                case .f32:
                    head(Float.self, q: qh, keys: keys, values: values, stride: cache.stride, length: length,
                         headDim: headDim, scale: scale, scores: scores, partial: scores + context,
                         partials: partials, out: o)
                case .f16:
                    head(Float16.self, q: qh, keys: keys, values: values, stride: cache.stride, length: length,
                         headDim: headDim, scale: scale, scores: scores, partial: scores + context,
                         partials: partials, out: o)
                }
            }
        }
    }

    /// Σ q·k over `n` elements in `MatchedMath.dot`'s order, k read as `E`.
    @inline(__always)
    static func dot<E: KVElement>(_: E.Type, _ x: UnsafePointer<Float>, _ k: UnsafeRawPointer, _ n: Int) -> Float {
        var a0 = F32x16.zero, a1 = F32x16.zero, a2 = F32x16.zero, a3 = F32x16.zero
        var i = 0
        while i &+ 64 <= n {
            a0.addProduct(load16(x + i), E.load16(k, i))
            a1.addProduct(load16(x + (i &+ 16)), E.load16(k, i &+ 16))
            a2.addProduct(load16(x + (i &+ 32)), E.load16(k, i &+ 32))
            a3.addProduct(load16(x + (i &+ 48)), E.load16(k, i &+ 48))
            i &+= 64
        }
        var s = MatchedMath.sum16((a0 + a2) + (a1 + a3))
        while i < n { s = s.addingProduct(x[i], E.load(k, i)); i &+= 1 }
        return s
    }

    /// One query vector against `length` cached positions: scores by `MatchedMath.dot`, times
    /// `scale`; `MatchedMath.softmax`; then for each output dimension, `partials` (16 or 64)
    /// running fused sums — position p feeds sum p mod `partials` — combined in the order
    /// ggml reduces its accumulators (for 64: four 16-lane vectors as (a₀+a₂)+(a₁+a₃), then
    /// the 16 lanes as `MatchedMath.sum16`).
    /// For an f16 cache the query and the weights are rounded to f16 first (`KVElement.operand`).
    /// - `partial`: `65 × headDim` floats of scratch (the last row: the query as `E` sees it).
    @inline(__always)
    static func head<E: KVElement>(_: E.Type, q: UnsafePointer<Float>, keys: UnsafeRawPointer, values: UnsafeRawPointer,
                                   stride: Int, length: Int, headDim: Int, scale: Float,
                                   scores: UnsafeMutablePointer<Float>, partial: UnsafeMutablePointer<Float>,
                                   partials: Int, out: UnsafeMutablePointer<Float>) {
        var query = q
        if E.self != Float.self {
            let rounded = partial + 64 &* headDim
            for d in 0..<headDim { rounded[d] = E.operand(q[d]) }
            query = UnsafePointer(rounded)
        }
        let rowBytes = stride &* MemoryLayout<E>.stride
        for p in 0..<length {
            scores[p] = dot(E.self, query, keys + p &* rowBytes, headDim) * scale
        }
        MatchedMath.softmax(scores, count: length, padded: true)
        if E.self != Float.self {
            for p in 0..<length { scores[p] = E.operand(scores[p]) }
        }

        // partial[m, d] = Σ_{p ≡ m} w_p · v[p, d]   ([partials, headDim]); rows past `length`
        // would stay 0 and are left out of the combination below (adding 0 changes nothing).
        let used = min(length, partials)
        partial.update(repeating: 0, count: used &* headDim)
        let vectorised = headDim % 16 == 0
        for p in 0..<length {
            let w = scores[p], v = values + p &* rowBytes
            let row = partial + (p % partials) &* headDim
            if vectorised {
                let wv = F32x16(repeating: w)
                var d = 0
                while d < headDim {
                    store16(load16(row + d).addingProduct(E.load16(v, d), wv), row + d)
                    d &+= 16
                }
            } else {
                for d in 0..<headDim { row[d] = row[d].addingProduct(E.load(v, d), w) }
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
