// Fused dot products of one quantised weight row with activations quantised to ggml's matching
// "vec_dot_type" (Q8_0, Q8_1 or Q8_K): integer sums per block, one float multiply-add per block,
// no dequantised copy. Building blocks for matvec kernels; tests compare with dequantise-then-dot.

extension QuantFormat {
    /// The activation format whose blocks line up with this weight format in a fused dot product
    /// (ggml's `vec_dot_type`): Q8_0 for Q4_0/Q8_0, Q8_1 for Q4_1, Q8_K for the K-quants;
    /// nil for formats without a fused dot here.
    public var dotActivationFormat: QuantFormat? {
        switch self {
        case .q4_0, .q8_0: .q8_0
        case .q4_1: .q8_1
        case .q4_K, .q5_K, .q6_K: .q8_K
        default: nil
        }
    }
}

/// Σ w·a over `count` elements: `w` a row of `type`, `a` the same count quantised to
/// `type.dotActivationFormat`. Precondition (programmer error): that format exists and `count`
/// is a multiple of the block size.
public func dot(type: QuantFormat, weights w: UnsafeRawPointer, activations a: UnsafeRawPointer, count: Int) -> Float {
    precondition(type.dotActivationFormat != nil && count % type.blockSize == 0, "no fused dot for \(type.name) × \(count)")
    let blocks = count / type.blockSize
    switch type {
    case .q8_0: return DotKernels.q8_0(w, a, blocks)
    case .q4_0: return DotKernels.q4_0(w, a, blocks)
    case .q4_1: return DotKernels.q4_1(w, a, blocks)
    case .q4_K: return DotKernels.q4_K(w, a, blocks)
    case .q5_K: return DotKernels.q5_K(w, a, blocks)
    case .q6_K: return DotKernels.q6_K(w, a, blocks)
    default: return 0
    }
}

/// The per-format loops. Integer parts are plain loops over fixed-size blocks, which LLVM turns
/// into widening multiply-adds (vpmaddwd) with -target-cpu native.
enum DotKernels {
    @inline(__always)
    static func i8(_ p: UnsafeRawPointer, _ i: Int) -> Int32 { Int32(p.load(fromByteOffset: i, as: Int8.self)) }

    @inline(__always)
    static func u8(_ p: UnsafeRawPointer, _ i: Int) -> Int32 { Int32(p.load(fromByteOffset: i, as: UInt8.self)) }

    /// The 32 quants of a block as bytes.
    @inline(__always)
    static func bytes32(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD32<Int8> {
        p.loadUnaligned(fromByteOffset: offset, as: SIMD32<Int8>.self)
    }

    /// The 32 4-bit quants of a 16-byte nibble block, in ggml's unpacked order: the low nibbles
    /// of bytes 0–15, then the high nibbles.
    @inline(__always)
    static func nibbles32(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD32<Int8> {
        let b = p.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
        let lo = unsafeBitCast(b & 0xF, to: SIMD16<Int8>.self), hi = unsafeBitCast(b &>> 4, to: SIMD16<Int8>.self)
        return SIMD32(lowHalf: lo, highHalf: hi)
    }

    /// Eight lane sums of four consecutive products each, x[4j..4j+3]·y[4j..4j+3], as floats
    /// (exact: |sum| < 2²⁴). This is the shape of ggml's x86 block dots (mul_sum_i8_pairs_float),
    /// which accumulate these 8 lanes separately across blocks and add them at the end.
    @inline(__always)
    static func laneSums(_ x: SIMD32<Int8>, _ y: SIMD32<Int8>) -> SIMD8<Float> {
        // Widening by shifts on wider views: Swift's SIMD conversions and evenHalf/oddHalf
        // compile to lane-by-lane loops. Viewed as Int16, byte 2k is the low half (little-endian).
        // |x·y| ≤ 127·127, so two products add without overflow in Int16.
        let xv = unsafeBitCast(x, to: SIMD16<Int16>.self), yv = unsafeBitCast(y, to: SIMD16<Int16>.self)
        let pairs = ((xv &<< 8) &>> 8) &* ((yv &<< 8) &>> 8) &+ (xv &>> 8) &* (yv &>> 8)
        let v = unsafeBitCast(pairs, to: SIMD8<Int32>.self)
        return SIMD8<Float>(((v &<< 16) &>> 16) &+ (v &>> 16))
    }

    /// ggml x86 order: acc = fma(dx·dy, lanes, acc) per block, then hsum_float_8.
    static func q8_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var acc = SIMD8<Float>.zero
        for b in 0..<blocks {
            let x = w + b &* 34, y = a + b &* 34
            let d = Half.load(x, 0) * Half.load(y, 0)
            acc.addProduct(SIMD8(repeating: d), laneSums(bytes32(x, 2), bytes32(y, 2)))
        }
        return MatchedMath.sum8(acc)
    }

    /// As q8_0, with the nibbles offset by −8.
    static func q4_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var acc = SIMD8<Float>.zero
        for b in 0..<blocks {
            let x = w + b &* 18, y = a + b &* 34
            let d = Half.load(x, 0) * Half.load(y, 0)
            acc.addProduct(SIMD8(repeating: d), laneSums(nibbles32(x, 2) &- 8, bytes32(y, 2)))
        }
        return MatchedMath.sum8(acc)
    }

    /// Σ (d·q + m)·(da·a) = d·da·Σq·a + m·(da·Σa); the Q8_1 block carries da·Σa as `s`.
    /// ggml x86 order: the m·s terms summed (fused) in a scalar, the rest as q8_0.
    static func q4_1(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var acc = SIMD8<Float>.zero
        var mins: Float = 0
        for b in 0..<blocks {
            let x = w + b &* 20, y = a + b &* 36
            mins = mins.addingProduct(Half.load(x, 2), Half.load(y, 2))
            let d = Half.load(x, 0) * Half.load(y, 0)
            acc.addProduct(SIMD8(repeating: d), laneSums(nibbles32(x, 4), bytes32(y, 4)))
        }
        return MatchedMath.sum8(acc) + mins
    }

    /// Per super-block: d·da·Σ_j scale_j·(Σ q·a over sub-block j) − dmin·da·Σ_j min_j·(Σ a over j),
    /// the last sums coming from the Q8_K bsums (two 16-sums per 32-element sub-block).
    static func q4_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + b &* 144, y = a + b &* 292
            let da = Float(bitPattern: y.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            var scaled: Int32 = 0, mins: Int32 = 0
            for c in 0..<4 {
                var lo: Int32 = 0, hi: Int32 = 0
                for l in 0..<32 {
                    let q = u8(x, 16 &+ 32 &* c &+ l)
                    lo &+= (q & 0xF) &* i8(y, 4 &+ 64 &* c &+ l)
                    hi &+= (q &>> 4) &* i8(y, 36 &+ 64 &* c &+ l)
                }
                let (s1, m1) = kScaleMin(x + 4, 2 &* c)
                let (s2, m2) = kScaleMin(x + 4, 2 &* c &+ 1)
                scaled &+= Int32(s1) &* lo &+ Int32(s2) &* hi
                mins &+= Int32(m1) &* bsum(y, 4 &* c, 2) &+ Int32(m2) &* bsum(y, 4 &* c &+ 2, 2)
            }
            sum += Half.load(x, 0) * da * Float(scaled) - Half.load(x, 2) * da * Float(mins)
        }
        return sum
    }

    static func q5_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + b &* 176, y = a + b &* 292
            let da = Float(bitPattern: y.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            var scaled: Int32 = 0, mins: Int32 = 0
            for c in 0..<4 {
                var lo: Int32 = 0, hi: Int32 = 0
                for l in 0..<32 {
                    let q = u8(x, 48 &+ 32 &* c &+ l)
                    let h = u8(x, 16 &+ l) &>> (2 &* c)
                    lo &+= ((q & 0xF) | ((h & 1) &<< 4)) &* i8(y, 4 &+ 64 &* c &+ l)
                    hi &+= ((q &>> 4) | ((h & 2) &<< 3)) &* i8(y, 36 &+ 64 &* c &+ l)
                }
                let (s1, m1) = kScaleMin(x + 4, 2 &* c)
                let (s2, m2) = kScaleMin(x + 4, 2 &* c &+ 1)
                scaled &+= Int32(s1) &* lo &+ Int32(s2) &* hi
                mins &+= Int32(m1) &* bsum(y, 4 &* c, 2) &+ Int32(m2) &* bsum(y, 4 &* c &+ 2, 2)
            }
            sum += Half.load(x, 0) * da * Float(scaled) - Half.load(x, 2) * da * Float(mins)
        }
        return sum
    }

    /// Σ_g scale_g·Σ (q − 32)·a = Σ_g scale_g·(Σ q·a − 32·bsum_g), q the unsigned 6-bit value.
    static func q6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, _ blocks: Int) -> Float {
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + b &* 210, y = a + b &* 292
            let da = Float(bitPattern: y.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            var total: Int32 = 0
            for h in 0..<2 {
                for quarter in 0..<4 {
                    let lowBase = 64 &* h &+ 32 &* (quarter & 1)
                    let shift = 4 &* (quarter &>> 1)
                    for half in 0..<2 {
                        var s: Int32 = 0
                        for i in 0..<16 {
                            let l = 16 &* half &+ i
                            let low = (u8(x, lowBase &+ l) &>> shift) & 0xF
                            let high = (u8(x, 128 &+ 32 &* h &+ l) &>> (2 &* quarter)) & 3
                            s &+= (low | (high &<< 4)) &* i8(y, 4 &+ 128 &* h &+ 32 &* quarter &+ l)
                        }
                        let group = 8 &* h &+ 2 &* quarter &+ half
                        total &+= i8(x, 192 &+ group) &* (s &- 32 &* bsum(y, group, 1))
                    }
                }
            }
            sum += Half.load(x, 208) * da * Float(total)
        }
        return sum
    }

    /// Sum of `n` consecutive Q8_K bsums starting at group `g` (each is Σ of 16 quants).
    @inline(__always)
    static func bsum(_ y: UnsafeRawPointer, _ g: Int, _ n: Int) -> Int32 {
        var s: Int32 = 0
        for k in 0..<n { s &+= Int32(Int16(littleEndian: y.loadUnaligned(fromByteOffset: 260 &+ 2 &* (g &+ k), as: Int16.self))) }
        return s
    }
}
