// The dot products QuantDot.swift lacks, for the linear kernels: Q5_0 × Q8_0, Q5_1 × Q8_1, and
// float rows (F32, F16, BF16 weights) against float activations (already rounded to the weight's
// precision by `quantizeActivations`, as ggml rounds src1 to the vec_dot_type).

extension DotKernels {
    /// Q5_0: value (q − 16)·d with q = nibble | bit << 4, the 5th bits packed in `qh` (u32 at 2).
    static func q5_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + b &* 22, y = a + b &* 34
            let qh = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            var s: Int32 = 0
            for j in 0..<16 {
                let q = u8(x, 6 &+ j)
                let lo = (q & 0xF) | Int32(bitPattern: ((qh &>> UInt32(j)) & 1) &<< 4)
                let hi = (q &>> 4) | Int32(bitPattern: ((qh &>> UInt32(j &+ 16)) & 1) &<< 4)
                s &+= (lo &- 16) &* i8(y, 2 &+ j) &+ (hi &- 16) &* i8(y, 18 &+ j)
            }
            sum += Half.load(x, 0) * Half.load(y, 0) * Float(s)
        }
        return sum
    }

    /// Q5_1: value q·d + m; Σ (d·q + m)·(da·a) = d·da·Σq·a + m·s with s = da·Σa from the Q8_1 block.
    static func q5_1(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + b &* 24, y = a + b &* 36
            let qh = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            var s: Int32 = 0
            for j in 0..<16 {
                let q = u8(x, 8 &+ j)
                let lo = (q & 0xF) | Int32(bitPattern: ((qh &>> UInt32(j)) & 1) &<< 4)
                let hi = (q &>> 4) | Int32(bitPattern: ((qh &>> UInt32(j &+ 16)) & 1) &<< 4)
                s &+= lo &* i8(y, 4 &+ j) &+ hi &* i8(y, 20 &+ j)
            }
            sum += Half.load(x, 0) * Half.load(y, 0) * Float(s) + Half.load(x, 2) * Half.load(y, 2)
        }
        return sum
    }

    /// F32 × F32, four 16-lane partial sums.
    static func f32(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ count: Int) -> Float {
        let x = w.assumingMemoryBound(to: Float.self), y = a.assumingMemoryBound(to: Float.self)
        var acc = (F32x16.zero, F32x16.zero, F32x16.zero, F32x16.zero)
        var i = 0
        while i &+ 64 <= count {
            acc.0.addProduct(load16(x + i), load16(y + i))
            acc.1.addProduct(load16(x + (i &+ 16)), load16(y + (i &+ 16)))
            acc.2.addProduct(load16(x + (i &+ 32)), load16(y + (i &+ 32)))
            acc.3.addProduct(load16(x + (i &+ 48)), load16(y + (i &+ 48)))
            i &+= 64
        }
        while i &+ 16 <= count {
            acc.0.addProduct(load16(x + i), load16(y + i))
            i &+= 16
        }
        var sum = VectorMath.sum((acc.0 + acc.1) + (acc.2 + acc.3))
        while i < count {
            sum += x[i] * y[i]
            i &+= 1
        }
        return sum
    }

    /// F16 or BF16 weights × float activations: each 16 weights widened into a vector, then FMA.
    static func half(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ count: Int, brain: Bool) -> Float {
        let y = a.assumingMemoryBound(to: Float.self)
        var acc = F32x16.zero
        var i = 0
        while i &+ 16 <= count {
            var v = F32x16.zero
            for l in 0..<16 {
                let bits = w.loadUnaligned(fromByteOffset: 2 &* (i &+ l), as: UInt16.self)
                v[l] = brain ? BFloat16.toFloat(bits) : Half.toFloat(bits)
            }
            acc.addProduct(v, load16(y + i))
            i &+= 16
        }
        var sum = VectorMath.sum(acc)
        while i < count {
            let bits = w.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self)
            sum += (brain ? BFloat16.toFloat(bits) : Half.toFloat(bits)) * y[i]
            i &+= 1
        }
        return sum
    }

    /// Σ w·a for one row of any linear weight format against activations in its
    /// `linearActivationFormat`.
    @inline(__always)
    static func row(_ format: QuantFormat, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ count: Int) -> Float {
        switch format {
        case .f32: f32(w, a, count)
        case .f16: half(w, a, count, brain: false)
        case .bf16: half(w, a, count, brain: true)
        case .q8_0: q8_0(w, a, count &>> 5)
        case .q4_0: q4_0(w, a, count &>> 5)
        case .q4_1: q4_1(w, a, count &>> 5)
        case .q5_0: q5_0(w, a, count &>> 5)
        case .q5_1: q5_1(w, a, count &>> 5)
        case .q4_K: q4_K(w, a, count &>> 8)
        case .q5_K: q5_K(w, a, count &>> 8)
        case .q6_K: q6_K(w, a, count &>> 8)
        default: 0
        }
    }
}

/// Σ w·a over `count` elements: `w` one row of `format` (any `isLinearWeight` format), `a` the
/// same count in `format.linearActivationFormat` as `quantizeActivations` writes it.
/// Precondition (programmer error): `format.isLinearWeight`, `count` a whole number of blocks.
public func rowDot(_ format: QuantFormat, weights w: UnsafeRawPointer, activations a: UnsafeRawPointer, count: Int) -> Float {
    precondition(format.isLinearWeight && count % format.blockSize == 0, "no row dot for \(format.name) × \(count)")
    return DotKernels.row(format, w, a, count)
}
