// 16-bit float storage formats: IEEE half (ggml F16) and bfloat16 (ggml BF16), one value and
// whole rows, both directions. Rows are plain loops that LLVM vectorises (vcvtph2ps with F16C).

/// IEEE 754 binary16, stored as its bit pattern (ggml_fp16_t).
public enum Half {
    /// Exact widening of one half.
    @inline(__always)
    public static func toFloat(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    /// Rounds to the nearest half, ties to even (as F16C's vcvtps2ph, ggml and NumPy do).
    @inline(__always)
    public static func fromFloat(_ x: Float) -> UInt16 { Float16(x).bitPattern }

    /// Reads the half at byte `offset` of `p` (no alignment needed) as a Float.
    @inline(__always)
    public static func load(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        toFloat(p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Widens `count` halves at `src` (any alignment) into `dst`.
    public static func toFloat(src: UnsafeRawPointer, dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] = load(src, 2 &* i) }
    }

    /// Narrows `count` floats into halves at `dst` (any alignment).
    public static func fromFloat(src: UnsafePointer<Float>, dst: UnsafeMutableRawPointer, count: Int) {
        for i in 0..<count { dst.storeBytes(of: fromFloat(src[i]), toByteOffset: 2 &* i, as: UInt16.self) }
    }
}

/// bfloat16: the top half of a float32, stored as its bit pattern (ggml_bf16_t).
public enum BFloat16 {
    /// Exact widening: the bits become the high half of a float32.
    @inline(__always)
    public static func toFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) &<< 16) }

    /// Rounds to nearest, ties to even; a NaN stays a NaN and is made quiet (ggml's rule, so a
    /// NaN whose payload sits only in the low half does not turn into infinity).
    @inline(__always)
    public static func fromFloat(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if u & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(truncatingIfNeeded: u &>> 16) | 0x40 }
        let roundingBias: UInt32 = 0x7FFF &+ ((u &>> 16) & 1)
        return UInt16(truncatingIfNeeded: (u &+ roundingBias) &>> 16)
    }

    /// Widens `count` bfloat16 values at `src` (any alignment) into `dst`.
    public static func toFloat(src: UnsafeRawPointer, dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] = toFloat(src.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self)) }
    }

    /// Narrows `count` floats into bfloat16 at `dst` (any alignment).
    public static func fromFloat(src: UnsafePointer<Float>, dst: UnsafeMutableRawPointer, count: Int) {
        for i in 0..<count { dst.storeBytes(of: fromFloat(src[i]), toByteOffset: 2 &* i, as: UInt16.self) }
    }
}
