// Elementary functions on SIMD16<Float> (exp, erfc, GELU) and unaligned 16-lane loads/stores.
// Written here rather than taken from libm so that they vectorise: a libm call per element would
// dominate GELU and softmax. Accuracy is stated on each function and checked in TensorTests.

/// The lane type of every f32 kernel: one AVX-512 register with `-target-cpu native`.
public typealias F32x16 = SIMD16<Float>

@inline(__always)
func load16(_ p: UnsafePointer<Float>) -> F32x16 {
    UnsafeRawPointer(p).loadUnaligned(as: F32x16.self)
}

@inline(__always)
func load16(_ p: UnsafeMutablePointer<Float>) -> F32x16 {
    UnsafeRawPointer(p).loadUnaligned(as: F32x16.self)
}

@inline(__always)
func store16(_ v: F32x16, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: F32x16.self)
}

public enum VectorMath {
    /// e^x per lane, relative error below 2 ulp on [-87, 88]; inputs below −87.3 give 0 and above
    /// 88.7 give +inf (so softmax of −inf masks works). NaN is not propagated (callers never feed it).
    /// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact n·ln2), then
    /// a degree-7 Taylor polynomial (truncation error r⁸/8! < 6e-9), then a scale by 2ⁿ built
    /// from the exponent bits.
    @inline(__always)
    public static func exp(_ x: F32x16) -> F32x16 {
        let lo: F32x16 = .init(repeating: -87.3), hi: F32x16 = .init(repeating: 88.7)
        let underflow = x .< lo, overflow = x .> hi
        let xc = x.replacing(with: lo, where: underflow).replacing(with: hi, where: overflow)
        let n = (xc * 1.442_695_04).rounded(.toNearestOrEven)
        // ln2 = 0.693359375 − 2.12194440e-4: the high part has 9 significant bits, so n·high is
        // exact for every n here and x − n·high loses nothing (Cody–Waite reduction).
        var r = xc.addingProduct(n, F32x16(repeating: -0.693_359_375))
        r = r.addingProduct(n, F32x16(repeating: 2.121_944_4e-4))
        var p = F32x16(repeating: 1.0 / 5040)
        p = F32x16(repeating: 1.0 / 720).addingProduct(p, r)
        p = F32x16(repeating: 1.0 / 120).addingProduct(p, r)
        p = F32x16(repeating: 1.0 / 24).addingProduct(p, r)
        p = F32x16(repeating: 1.0 / 6).addingProduct(p, r)
        p = F32x16(repeating: 0.5).addingProduct(p, r)
        p = F32x16(repeating: 1).addingProduct(p, r)
        p = F32x16(repeating: 1).addingProduct(p, r)
        // 2^n: n is in [-126, 128]; split it in two halves so that n = 128 and n = −126 with a
        // subnormal result stay representable (each half scale is a normal float).
        let ni = SIMD16<Int32>(n, rounding: .towardZero)
        let n1 = ni &>> 1, n2 = ni &- n1
        let s1 = unsafeBitCast((n1 &+ 127) &<< 23, to: F32x16.self)
        let s2 = unsafeBitCast((n2 &+ 127) &<< 23, to: F32x16.self)
        var result = p * s1 * s2
        result.replace(with: 0, where: underflow)
        result.replace(with: .infinity, where: overflow)
        return result
    }

    /// erfc(z) per lane with relative error below 1.2e-7 (plus float rounding) for every z.
    /// ref: the Chebyshev fit "erfcc" of Numerical Recipes (2nd ed., §6.2), evaluated for |z|
    /// and reflected with erfc(−z) = 2 − erfc(z).
    @inline(__always)
    public static func erfc(_ z: F32x16) -> F32x16 {
        let a = z.replacing(with: -z, where: z .< 0)
        let t = 1 / F32x16(repeating: 1).addingProduct(a, 0.5)
        var p = F32x16(repeating: 0.170_872_77)
        p = F32x16(repeating: -0.822_152_23).addingProduct(p, t)
        p = F32x16(repeating: 1.488_515_87).addingProduct(p, t)
        p = F32x16(repeating: -1.135_203_98).addingProduct(p, t)
        p = F32x16(repeating: 0.278_868_07).addingProduct(p, t)
        p = F32x16(repeating: -0.186_288_06).addingProduct(p, t)
        p = F32x16(repeating: 0.096_784_18).addingProduct(p, t)
        p = F32x16(repeating: 0.374_091_96).addingProduct(p, t)
        p = F32x16(repeating: 1.000_023_68).addingProduct(p, t)
        p = F32x16(repeating: -1.265_512_23).addingProduct(p, t)
        let e = t * exp(p - a * a)
        return e.replacing(with: 2 - e, where: z .< 0)
    }

    /// GELU in its exact (erf) form, as BERT uses it: x·Φ(x) = ½·x·erfc(−x/√2).
    @inline(__always)
    public static func gelu(_ x: F32x16) -> F32x16 {
        0.5 * x * erfc(x * -0.707_106_77)
    }
}
