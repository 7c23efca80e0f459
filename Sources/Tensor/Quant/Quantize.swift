// Quantisers from float32: Q8_0, Q8_1 and Q8_K (activations for quantised dot products) and
// Q4_0, Q4_1 (writing models), following ggml's reference rules so files match llama.cpp's
// `quantize_row_*_ref` output. Q4_K has its own file. NaN inputs give garbage, never a trap.

/// Rounds `v` to the nearest integer (ties away from zero, C's roundf) and clamps it to
/// `lo...hi`; NaN becomes `lo`. Float-to-int conversion traps on NaN, and file data may hold NaN.
@inline(__always)
func roundClamped(_ v: Float, _ lo: Int32, _ hi: Int32) -> Int32 {
    let r = v.rounded()
    return r >= Float(hi) ? hi : (r > Float(lo) ? Int32(r) : lo)
}

/// Truncates `v` toward zero and clamps it to `lo...hi`; NaN becomes `lo` (C's `(int)` cast).
@inline(__always)
func truncClamped(_ v: Float, _ lo: Int32, _ hi: Int32) -> Int32 {
    v >= Float(hi) ? hi : (v > Float(lo) ? Int32(v) : lo)
}

extension BlockQ8_0 {
    /// Quantises `count` floats (a multiple of 32) into `count / 32` blocks at `dst`:
    /// d = max|x| / 127, q = round(x / d) — ggml's `quantize_row_q8_0_ref`, bit for bit.
    public static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        precondition(count % elements == 0, "Q8_0: count must be a multiple of 32")
        for b in 0..<(count / elements) {
            let x = src + b &* elements
            let p = dst + b &* bytes
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            p.storeBytes(of: Half.fromFloat(d), toByteOffset: 0, as: UInt16.self)
            for j in 0..<32 {
                p.storeBytes(of: Int8(truncatingIfNeeded: roundClamped(x[j] * id, -127, 127)),
                             toByteOffset: 2 &+ j, as: Int8.self)
            }
        }
    }
}

extension BlockQ8_1 {
    /// Quantises like Q8_0 and also stores s = f16(d × Σq) (with d before f16 rounding, as ggml).
    public static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        precondition(count % elements == 0, "Q8_1: count must be a multiple of 32")
        for b in 0..<(count / elements) {
            let x = src + b &* elements
            let p = dst + b &* bytes
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[j])) }
            let d = amax / 127
            let id: Float = d != 0 ? 1 / d : 0
            var sum: Int32 = 0
            for j in 0..<32 {
                let q = roundClamped(x[j] * id, -127, 127)
                sum &+= q
                p.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: 4 &+ j, as: Int8.self)
            }
            p.storeBytes(of: Half.fromFloat(d), toByteOffset: 0, as: UInt16.self)
            p.storeBytes(of: Half.fromFloat(Float(sum) * d), toByteOffset: 2, as: UInt16.self)
        }
    }
}

extension BlockQ4_0 {
    /// Quantises `count` floats (a multiple of 32): d = (the value of largest magnitude) / −8,
    /// q = min(15, trunc(x / d + 8.5)) — ggml's `quantize_row_q4_0_ref`.
    public static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        precondition(count % elements == 0, "Q4_0: count must be a multiple of 32")
        for b in 0..<(count / elements) {
            let x = src + b &* elements
            let p = dst + b &* bytes
            var amax: Float = 0, extreme: Float = 0
            for j in 0..<32 where abs(x[j]) > amax {
                amax = abs(x[j])
                extreme = x[j]
            }
            let d = extreme / -8
            let id: Float = d != 0 ? 1 / d : 0
            p.storeBytes(of: Half.fromFloat(d), toByteOffset: 0, as: UInt16.self)
            for j in 0..<16 {
                let lo = truncClamped(x[j] * id + 8.5, 0, 15)
                let hi = truncClamped(x[j &+ 16] * id + 8.5, 0, 15)
                p.storeBytes(of: UInt8(lo) | UInt8(hi) &<< 4, toByteOffset: 2 &+ j, as: UInt8.self)
            }
        }
    }
}

extension BlockQ4_1 {
    /// Quantises `count` floats (a multiple of 32): m = min, d = (max − min) / 15,
    /// q = min(15, trunc((x − m) / d + 0.5)) — ggml's `quantize_row_q4_1_ref`.
    public static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        precondition(count % elements == 0, "Q4_1: count must be a multiple of 32")
        for b in 0..<(count / elements) {
            let x = src + b &* elements
            let p = dst + b &* bytes
            var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
            for j in 0..<32 {
                if x[j] < lo { lo = x[j] }
                if x[j] > hi { hi = x[j] }
            }
            let d = (hi - lo) / 15
            let id: Float = d != 0 ? 1 / d : 0
            p.storeBytes(of: Half.fromFloat(d), toByteOffset: 0, as: UInt16.self)
            p.storeBytes(of: Half.fromFloat(lo), toByteOffset: 2, as: UInt16.self)
            for j in 0..<16 {
                let a = truncClamped((x[j] - lo) * id + 0.5, 0, 15)
                let c = truncClamped((x[j &+ 16] - lo) * id + 0.5, 0, 15)
                p.storeBytes(of: UInt8(a) | UInt8(c) &<< 4, toByteOffset: 4 &+ j, as: UInt8.self)
            }
        }
    }
}

extension BlockQ8_K {
    /// Quantises `count` floats (a multiple of 256): with m the value of largest magnitude,
    /// iscale = −127 / m, q = min(127, round-half-even(iscale × x)), d = 1 / iscale, plus the
    /// sums of each 16 quants — ggml's `quantize_row_q8_K_ref`. An all-zero block gets d = 0.
    public static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        precondition(count % elements == 0, "Q8_K: count must be a multiple of 256")
        for b in 0..<(count / elements) {
            let x = src + b &* elements
            let p = dst + b &* bytes
            var amax: Float = 0, extreme: Float = 0
            for j in 0..<256 where abs(x[j]) > amax {
                amax = abs(x[j])
                extreme = x[j]
            }
            if amax == 0 {
                p.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
                continue
            }
            let iscale = -127 / extreme
            for g in 0..<16 {
                var sum: Int32 = 0
                for i in 0..<16 {
                    let v = (iscale * x[16 &* g &+ i]).rounded(.toNearestOrEven)
                    let q: Int32 = v >= 127 ? 127 : (v > -128 ? Int32(v) : -128)
                    sum &+= q
                    p.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: 4 &+ 16 &* g &+ i, as: Int8.self)
                }
                p.storeBytes(of: Int16(truncatingIfNeeded: sum).littleEndian, toByteOffset: 260 &+ 2 &* g, as: Int16.self)
            }
            p.storeBytes(of: (1 / iscale).bitPattern.littleEndian, toByteOffset: 0, as: UInt32.self)
        }
    }
}

extension QuantFormat {
    /// Whether `quantize(type:src:dst:count:)` can produce this format.
    public var canQuantize: Bool {
        switch self {
        case .f32, .f16, .bf16, .q4_0, .q4_1, .q8_0, .q8_1, .q4_K, .q8_K: true
        default: false
        }
    }
}

/// Encodes `count` floats as `type` into `dst` (`type.byteCount(count)` bytes, any alignment).
/// Precondition (programmer error): `type.canQuantize` and `count` is a multiple of the block size.
public func quantize(type: QuantFormat, src: UnsafePointer<Float>, dst: UnsafeMutableRawPointer, count: Int) {
    precondition(type.canQuantize, "no quantiser for \(type.name)")
    precondition(count >= 0 && count % type.blockSize == 0, "\(type.name): \(count) is not a whole number of blocks")
    switch type {
    case .f32: dst.copyMemory(from: src, byteCount: count * 4)
    case .f16: Half.fromFloat(src: src, dst: dst, count: count)
    case .bf16: BFloat16.fromFloat(src: src, dst: dst, count: count)
    case .q4_0: BlockQ4_0.quantize(src, dst, count: count)
    case .q4_1: BlockQ4_1.quantize(src, dst, count: count)
    case .q8_0: BlockQ8_0.quantize(src, dst, count: count)
    case .q8_1: BlockQ8_1.quantize(src, dst, count: count)
    case .q4_K: BlockQ4_K.quantize(src, dst, count: count)
    case .q8_K: BlockQ8_K.quantize(src, dst, count: count)
    default: break
    }
}
