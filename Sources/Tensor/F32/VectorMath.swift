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

/// Vectorised elementary functions and reductions for the f32 kernels.
public enum VectorMath {
    // Swift's generic SIMD helpers (rounded, pointwiseMax, max(), sum(), integer conversion)
    // handle NaN and rounding modes lane by lane and compile to scalar loops; the kernels use
    // these instead, which LLVM turns into a few vector instructions.

    /// Round to nearest (ties to even) for |x| < 2²²: adding and subtracting 1.5·2²³ leaves
    /// no fraction bits.
    @inline(__always)
    public static func roundToNearest(_ x: F32x16) -> F32x16 {
        (x + 12_582_912) - 12_582_912
    }

    /// Lane-wise maximum (no NaN inputs).
    @inline(__always)
    public static func maximum(_ a: F32x16, _ b: F32x16) -> F32x16 {
        a.replacing(with: b, where: b .> a)
    }

    /// Σ lanes, as a tree over halves.
    @inline(__always)
    public static func sum(_ v: F32x16) -> Float {
        let s8 = v.lowHalf + v.highHalf, s4 = s8.lowHalf + s8.highHalf, s2 = s4.lowHalf + s4.highHalf
        return s2[0] + s2[1]
    }

    /// Largest lane (no NaN inputs), as a tree over halves.
    @inline(__always)
    public static func max(_ v: F32x16) -> Float {
        let m8 = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let m4 = m8.lowHalf.replacing(with: m8.highHalf, where: m8.highHalf .> m8.lowHalf)
        let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
        return m2[0] > m2[1] ? m2[0] : m2[1]
    }

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
        let n = roundToNearest(xc * 1.442_695_04)
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
        // 2^n from exponent bits: n is in [-126, 128]; split it in two halves so that n = 128,
        // and n = −126 with a subnormal result, stay representable (each half scale is normal).
        let n1 = roundToNearest(n * 0.5 - 0.25), n2 = n - n1             // n1 = ⌊n/2⌋
        let s1 = Self.powerOfTwo(n1), s2 = Self.powerOfTwo(n2)
        var result = p * s1 * s2
        result.replace(with: 0, where: underflow)
        result.replace(with: .infinity, where: overflow)
        return result
    }

    /// 2^k for integral k in [-126, 127], built as exponent bits. Adding 1.5·2²³ puts k + 127 in
    /// the low mantissa bits (exact for small integers), and the shift by 23 moves it into the
    /// exponent field while the magic bits fall off the top. (Swift's SIMD float-to-int
    /// conversion is a per-lane generic call, about 50× slower.)
    @inline(__always)
    static func powerOfTwo(_ k: F32x16) -> F32x16 {
        let biased = unsafeBitCast(k + (12_582_912 + 127), to: SIMD16<UInt32>.self)
        return unsafeBitCast(biased &<< 23, to: F32x16.self)
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
