// Activation quantisers for the linear kernels, rounding exactly as ggml-cpu's x86 versions do
// (ggml-cpu/arch/x86/quants.c quantize_row_q8_0 / quantize_row_q8_1): the multiplier is
// 127 / max|x| (not 1 / (max|x| / 127), which differs in the last bit) and values round to
// nearest, ties to even. The reference quantisers in Quant/Quantize.swift follow ggml's *_ref
// rules instead, which is right for writing files but would flip an occasional activation here.
// Q8_K is the reference rule on x86 too (quantize_row_q8_K calls quantize_row_q8_K_ref).

enum ActivationQuant {
    /// max|x| over 32 floats.
    @inline(__always)
    static func absMax32(_ x: UnsafePointer<Float>) -> Float {
        let m0 = VectorMath.maximum(abs16(load16(x)), abs16(load16(x + 16)))
        return VectorMath.max(m0)
    }

    @inline(__always)
    static func abs16(_ v: F32x16) -> F32x16 {
        unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: F32x16.self)
    }

    /// A rounded value in −127...127 as Int8; NaN (from a corrupt model) becomes 0 instead of trapping.
    @inline(__always)
    static func int8(_ v: Float) -> Int8 {
        v >= -128 && v <= 127 ? Int8(v) : 0
    }

    /// Q8_0: d = f16(max/127), q = round_even(x · 127/max).
    static func q8_0(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        for b in 0..<(count / 32) {
            let xb = x + b &* 32, p = dst + b &* 34
            let amax = absMax32(xb)
            let id: Float = amax != 0 ? 127 / amax : 0
            p.storeBytes(of: Half.fromFloat(amax / 127), toByteOffset: 0, as: UInt16.self)
            let m = F32x16(repeating: id)
            let lo = VectorMath.roundToNearest(load16(xb) * m), hi = VectorMath.roundToNearest(load16(xb + 16) * m)
            for j in 0..<16 {
                p.storeBytes(of: int8(lo[j]), toByteOffset: 2 &+ j, as: Int8.self)
                p.storeBytes(of: int8(hi[j]), toByteOffset: 18 &+ j, as: Int8.self)
            }
        }
    }

    /// Q8_1: as Q8_0, plus s = f16(d · Σq) with d unrounded.
    static func q8_1(_ x: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        for b in 0..<(count / 32) {
            let xb = x + b &* 32, p = dst + b &* 36
            let amax = absMax32(xb)
            let d = amax / 127
            let id: Float = amax != 0 ? 127 / amax : 0
            p.storeBytes(of: Half.fromFloat(d), toByteOffset: 0, as: UInt16.self)
            let m = F32x16(repeating: id)
            let lo = VectorMath.roundToNearest(load16(xb) * m), hi = VectorMath.roundToNearest(load16(xb + 16) * m)
            var sum: Int32 = 0
            for j in 0..<16 {
                let a = Int32(int8(lo[j])), c = Int32(int8(hi[j]))
                sum &+= a &+ c
                p.storeBytes(of: Int8(truncatingIfNeeded: a), toByteOffset: 4 &+ j, as: Int8.self)
                p.storeBytes(of: Int8(truncatingIfNeeded: c), toByteOffset: 20 &+ j, as: Int8.self)
            }
            p.storeBytes(of: Half.fromFloat(d * Float(sum)), toByteOffset: 2, as: UInt16.self)
        }
    }
}
