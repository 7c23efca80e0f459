// Elementary functions and reductions that round exactly as llama.cpp's CPU backend does on an
// AVX-512 machine, so the decoder's activations track llama.cpp's bit for bit. Why it matters:
// activations are re-quantised to 8 bits before every projection, and a last-bit difference
// that moves one value across a rounding boundary grows, layer by layer, into logit differences
// of ~0.5 — enough to change a greedy continuation. Facts from ggml-cpu (vec.h ggml_v_expf,
// vec.cpp ggml_vec_soft_max_f32 / ggml_vec_dot_f32, quants.c hsum_float_8); code is our own.
import Foundation   // expf, for the scalar tail as ggml's

/// Functions matching ggml-cpu's rounding.
public enum MatchedMath {
    /// e^x with ggml's AVX-512 approximation: x = n·ln2 + b (ln2 in two parts), a degree-5
    /// polynomial in b evaluated as ggml does (same constants, same fused multiply-adds), scaled
    /// by 2ⁿ; |n| > 192 gives +inf (x > 0) or 0. Accurate to ~1.5 ulp; the point is the same bits.
    @inline(__always)
    public static func exp(_ x: F32x16) -> F32x16 {
        let r = F32x16(repeating: 0x1.8p23)
        let z = r.addingProduct(x, F32x16(repeating: 0x1.715476p+0))          // x·log2(e) + 1.5·2²³
        let n = z - r                                                           // round(x·log2(e))
        let b = x.addingProduct(-n, F32x16(repeating: 0x1.62e4p-1))
            .addingProduct(-n, F32x16(repeating: 0x1.7f7d1cp-20))               // x − n·ln2
        let u = b * b
        let p1 = F32x16(repeating: 0x1.573e2ep-5).addingProduct(F32x16(repeating: 0x1.0e4020p-7), b)
        let p2 = F32x16(repeating: 0x1.fffdb6p-2).addingProduct(F32x16(repeating: 0x1.555e66p-3), b)
        let p3 = F32x16(repeating: 1).addingProduct(F32x16(repeating: 0x1.ffffecp-1), b)
        let j = p3.addingProduct(p2.addingProduct(p1, u), u)
        let big = abs(n) .> 192
        var result = scaleByPowerOfTwo(j, n)
        if any(big) {
            result.replace(with: F32x16.zero.replacing(with: .infinity, where: n .> 0), where: big)
        }
        return result
    }

    /// silu(x) = x / (1 + e^−x), with `exp` as above (ggml_v_silu).
    @inline(__always)
    public static func silu(_ x: F32x16) -> F32x16 {
        x / (1 + exp(0 - x))
    }

    /// silu for a single element (ggml's scalar tail: x / (1 + expf(−x)) with libm's expf).
    @inline(__always)
    public static func silu(_ x: Float) -> Float {
        x / (1 + expf(-x))
    }

    /// j·2ⁿ for integral n in −192...192 (AVX-512 scalef): one multiply when 2ⁿ is a normal
    /// float, two otherwise (only results far below 1e-38 or overflowing take that path).
    @inline(__always)
    static func scaleByPowerOfTwo(_ j: F32x16, _ n: F32x16) -> F32x16 {
        let lo = F32x16(repeating: -126), hi = F32x16(repeating: 127)
        if all(n .>= lo .& n .<= hi) { return j * VectorMath.powerOfTwo(n) }
        let n1 = (n * 0.5).rounded(.down), n2 = n - n1
        let c1 = n1.clamped(lowerBound: lo, upperBound: hi), c2 = n2.clamped(lowerBound: lo, upperBound: hi)
        return j * VectorMath.powerOfTwo(c1) * VectorMath.powerOfTwo(c2)
    }

    /// |x| per lane.
    @inline(__always)
    static func abs(_ v: F32x16) -> F32x16 {
        unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: F32x16.self)
    }

    /// Σ of 16 lanes in _mm512_reduce_add_ps's order (halves, then quarters, then pairs).
    @inline(__always)
    public static func sum16(_ v: F32x16) -> Float {
        VectorMath.sum(v)
    }

    /// Σ of 8 lanes in ggml's hsum_float_8 order: (x₀+x₄ + x₂+x₆) + (x₁+x₅ + x₃+x₇).
    @inline(__always)
    public static func sum8(_ v: SIMD8<Float>) -> Float {
        let r = v.highHalf + v.lowHalf
        return (r[0] + r[2]) + (r[1] + r[3])
    }

    /// Σ x·y over `n` floats in ggml_vec_dot_f32's order on AVX-512: four 16-lane fused
    /// accumulators over each 64 elements, combined as (a₀+a₂)+(a₁+a₃) and reduced like
    /// `sum16`; the tail (n mod 64) accumulated one fused product at a time.
    @inline(__always)
    public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var a0 = F32x16.zero, a1 = F32x16.zero, a2 = F32x16.zero, a3 = F32x16.zero
        var i = 0
        while i &+ 64 <= n {
            a0.addProduct(load16(x + i), load16(y + i))
            a1.addProduct(load16(x + (i &+ 16)), load16(y + (i &+ 16)))
            a2.addProduct(load16(x + (i &+ 32)), load16(y + (i &+ 32)))
            a3.addProduct(load16(x + (i &+ 48)), load16(y + (i &+ 48)))
            i &+= 64
        }
        var s = sum16((a0 + a2) + (a1 + a3))
        while i < n { s = s.addingProduct(x[i], y[i]); i &+= 1 }
        return s
    }

    /// Softmax in place over `count` values (−inf allowed, at least one finite) as
    /// ggml_compute_forward_soft_max_f32 computes it: exponentials by `exp` in 16-lane blocks
    /// from index 0, each block's `sum16` added in double, then every value times
    /// Float(1 / sum). The last partial block: with `padded`, as a full block whose missing lanes
    /// are −inf (llama.cpp pads attention rows to a multiple of 256 with masked positions); without,
    /// one value at a time with libm's expf, each added in double (ggml's scalar tail, e.g. for
    /// a router's 8 or 64 experts).
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int, padded: Bool) {
        var top = -Float.infinity
        for i in 0..<count where x[i] > top { top = x[i] }
        let shift = F32x16(repeating: top)
        var sum: Double = 0
        var i = 0
        while i &+ 16 <= count {
            let e = exp(load16(x + i) - shift)
            store16(e, x + i)
            sum += Double(sum16(e))
            i &+= 16
        }
        if i < count && padded {
            var v = F32x16(repeating: -.infinity)
            for l in 0..<(count &- i) { v[l] = x[i &+ l] }
            let e = exp(v - shift)
            for l in 0..<(count &- i) { x[i &+ l] = e[l] }
            sum += Double(sum16(e))
        } else {
            for j in i..<count {
                let e = expf(x[j] - top)
                sum += Double(e)
                x[j] = e
            }
        }
        let scale = F32x16(repeating: Float(1 / sum))
        i = 0
        while i &+ 16 <= count { store16(load16(x + i) * scale, x + i); i &+= 16 }
        while i < count { x[i] *= scale[0]; i &+= 1 }
    }
}
