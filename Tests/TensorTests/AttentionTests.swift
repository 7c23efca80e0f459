// CausalAttention.run (on this CPU the grouped C kernels) against a plain Swift statement of the
// rounding it promises — scores by MatchedMath.dot times the scale, MatchedMath.softmax, weighted
// values as P running fused sums (p mod P; P = 64 for one token, 16 for a batch) combined in
// ggml's order; for an f16 cache the keys, values, query and weights rounded to f16 — bit for
// bit, for grouped-query heads, head sizes with and without a tail past 64, one token and a batch.
import Tensor
import Testing

@Suite struct AttentionTests {
    /// The reference for one (token, head): `length` positions of rows `stride` floats apart.
    static func reference(q: [Float], keys: [Float], values: [Float], stride: Int, offset: Int, length: Int,
                          headDim n: Int, scale: Float, partials: Int, half: Bool) -> [Float] {
        func r(_ x: Float) -> Float { half ? Float(Float16(x)) : x }
        let qr = q.map(r)
        var scores = [Float](repeating: 0, count: length)
        for p in 0..<length {
            let k = (0..<n).map { r(keys[p * stride + offset + $0]) }
            scores[p] = qr.withUnsafeBufferPointer { a in k.withUnsafeBufferPointer { b in MatchedMath.dot(a.baseAddress!, b.baseAddress!, n) } } * scale
        }
        scores.withUnsafeMutableBufferPointer { MatchedMath.softmax($0.baseAddress!, count: length, padded: true) }
        let w = scores.map(r)
        let used = min(length, partials)
        var out = [Float](repeating: 0, count: n)
        for d in 0..<n {
            var part = [Float](repeating: 0, count: partials)
            for p in 0..<length { part[p % partials] = part[p % partials].addingProduct(r(values[p * stride + offset + d]), w[p]) }
            func at(_ m: Int) -> Float { m < used ? part[m] : 0 }
            var lanes = SIMD16<Float>.zero
            for l in 0..<16 { lanes[l] = partials == 64 ? (at(l) + at(32 + l)) + (at(16 + l) + at(48 + l)) : at(l) }
            out[d] = MatchedMath.sum16(lanes)
        }
        return out
    }

    @Test(arguments: [(KVFormat.f32, 64), (.f16, 64), (.f32, 80), (.f16, 128)])
    func matchesTheStatedRoundingBitForBit(_ format: KVFormat, _ headDim: Int) {
        let heads = 6, kvHeads = 2, group = heads / kvHeads, kvWidth = kvHeads * headDim
        let pool = ThreadPool(threads: 2)
        for (first, tokens) in [(0, 1), (20, 1), (0, 7), (9, 5)] {
            let context = first + tokens
            let keys = testRows(count: context * kvWidth, seed: 3), values = testRows(count: context * kvWidth, seed: 4)
            let q = testRows(count: tokens * heads * headDim, seed: 5)
            let bytes = format.elementBytes
            let kBuf = UnsafeMutableRawPointer.allocate(byteCount: context * kvWidth * bytes, alignment: 64)
            let vBuf = UnsafeMutableRawPointer.allocate(byteCount: context * kvWidth * bytes, alignment: 64)
            defer { kBuf.deallocate(); vBuf.deallocate() }
            // Head-major, as the model's cache.
            let cache = KVRows(keys: kBuf, values: vBuf, stride: headDim, headStride: context * headDim, format: format)
            for p in 0..<context {
                keys.withUnsafeBufferPointer { k in values.withUnsafeBufferPointer { v in
                    cache.store(slot: p, key: k.baseAddress! + p * kvWidth, value: v.baseAddress! + p * kvWidth,
                                heads: kvHeads, headDim: headDim)
                } }
            }
            let perThread = CausalAttention.scratchCount(context: context, headDim: headDim, group: group)
            var scratch = [Float](repeating: 0, count: 2 * perThread)
            var out = [Float](repeating: .nan, count: tokens * heads * headDim)
            q.withUnsafeBufferPointer { qb in
                scratch.withUnsafeMutableBufferPointer { sb in
                    out.withUnsafeMutableBufferPointer { ob in
                        CausalAttention.run(q: qb.baseAddress!, qStride: heads * headDim, cache: cache, tokens: tokens,
                                            firstPosition: first, heads: heads, kvHeads: kvHeads, headDim: headDim,
                                            scale: 0.125, scratch: sb.baseAddress!, scratchPerThread: perThread,
                                            out: ob.baseAddress!, outStride: heads * headDim, pool: pool)
                    }
                }
            }
            for t in 0..<tokens {
                for h in 0..<heads {
                    let qh = Array(q[((t * heads + h) * headDim)..<((t * heads + h + 1) * headDim)])
                    let want = Self.reference(q: qh, keys: keys, values: values, stride: kvWidth, offset: (h / group) * headDim,
                                              length: first + t + 1, headDim: headDim, scale: 0.125,
                                              partials: tokens == 1 ? 64 : 16, half: format == .f16)
                    let got = Array(out[((t * heads + h) * headDim)..<((t * heads + h + 1) * headDim)])
                    #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(format) d\(headDim) first \(first) tokens \(tokens): t\(t) h\(h)")
                }
            }
        }
    }
}
