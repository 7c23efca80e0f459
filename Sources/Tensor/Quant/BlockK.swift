// Layouts and decoders of ggml's K-quant super-blocks (QK_K = 256 elements): Q2_K, Q3_K, Q4_K,
// Q5_K, Q6_K, Q8_K. Facts from ggml-common.h. Each super-block has 8 or 16 sub-blocks whose
// scales are themselves quantised against the f16 super-scale `d` (and `dmin` for the mins).

/// The 6-bit scale and min of sub-block `j` (0..<8) of a Q4_K/Q5_K block, packed in 12 bytes:
/// bytes 0–3 hold scales 0–3 (low 6 bits) and the top 2 bits of scales 4–7; bytes 4–7 the same
/// for mins; bytes 8–11 the low 4 bits of scales 4–7 (low nibble) and mins 4–7 (high nibble).
@inline(__always)
func kScaleMin(_ s: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
    func byte(_ i: Int) -> UInt8 { s.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 { return (byte(j) & 63, byte(j &+ 4) & 63) }
    let scale = (byte(j &+ 4) & 0xF) | ((byte(j &- 4) &>> 6) &<< 4)
    let min = (byte(j &+ 4) &>> 4) | ((byte(j) &>> 6) &<< 4)
    return (scale, min)
}

/// Q2_K (84 bytes): `scales: [16] u8` at 0 (low nibble scale, high nibble min, per 16 elements),
/// `qs: [64] u8` at 16 (2 bits each), `d: f16` at 80, `dmin: f16` at 82.
/// Element 128h + 32s + l (h < 2, s < 4, l < 32) = 2-bit field s of qs[32h + l], sub-block
/// 8h + 2s + l/16; value = (d × scale) × q − (dmin × min).
public enum BlockQ2_K {
    /// Elements per block.
    public static let elements = 256
    /// Bytes per block.
    public static let bytes = 84

    /// Decodes `blocks` consecutive super-blocks at `src` into `blocks × 256` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 80)
            let dmin = Half.load(p, 82)
            for h in 0..<2 {
                for s in 0..<4 {
                    for half in 0..<2 {
                        let sub: Int = 8 &* h &+ 2 &* s &+ half
                        let sc = p.load(fromByteOffset: sub, as: UInt8.self)
                        let dl = d * Float(sc & 0xF)
                        let ml = dmin * Float(sc &>> 4)
                        let start: Int = 128 &* h &+ 32 &* s &+ 16 &* half
                        let out = y + start
                        let qOffset: Int = 16 &+ 32 &* h &+ 16 &* half
                        let q = p + qOffset
                        for l in 0..<16 {
                            let v = (q.load(fromByteOffset: l, as: UInt8.self) &>> (2 &* s)) & 3
                            out[l] = dl * Float(v) - ml
                        }
                    }
                }
            }
        }
    }
}

/// Q3_K (110 bytes): `hmask: [32] u8` at 0 (high bits), `qs: [64] u8` at 32 (low 2 bits),
/// `scales: [12] u8` at 96 (sixteen 6-bit signed scales, offset 32), `d: f16` at 108.
/// Element 128h + 32s + l: low bits = field s of qs[32h + l]; its high bit is bit 4h + s of
/// hmask[l], and a *clear* bit subtracts 4; scale index 8h + 2s + l/16; value = (d × scale) × q.
public enum BlockQ3_K {
    /// Elements per block.
    public static let elements = 256
    /// Bytes per block.
    public static let bytes = 110

    /// Scale `j` (0..<16): low 4 bits from byte j (j < 8) or the high nibble of byte j − 8;
    /// top 2 bits from byte 8 + j % 4 at bit 2 × (j / 4); minus 32.
    @inline(__always)
    static func scale(_ s: UnsafeRawPointer, _ j: Int) -> Int32 {
        let low = j < 8 ? s.load(fromByteOffset: j, as: UInt8.self) & 0xF
                        : s.load(fromByteOffset: j &- 8, as: UInt8.self) &>> 4
        let high = (s.load(fromByteOffset: 8 &+ (j & 3), as: UInt8.self) &>> (2 &* (j &>> 2))) & 3
        return Int32(low | (high &<< 4)) &- 32
    }

    /// Decodes `blocks` consecutive super-blocks at `src` into `blocks × 256` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 108)
            for h in 0..<2 {
                for s in 0..<4 {
                    let bit = UInt8(1) &<< (4 &* h &+ s)
                    for half in 0..<2 {
                        let sub: Int = 8 &* h &+ 2 &* s &+ half
                        let dl = d * Float(scale(p + 96, sub))
                        let start: Int = 128 &* h &+ 32 &* s &+ 16 &* half
                        let out = y + start
                        for l in 0..<16 {
                            let i = 16 &* half &+ l
                            let qOffset: Int = 32 &+ 32 &* h &+ i
                            let low = (p.load(fromByteOffset: qOffset, as: UInt8.self) &>> (2 &* s)) & 3
                            let set = p.load(fromByteOffset: i, as: UInt8.self) & bit != 0
                            out[l] = dl * Float(Int32(low) &- (set ? 0 : 4))
                        }
                    }
                }
            }
        }
    }
}

/// Q4_K (144 bytes): `d: f16` at 0, `dmin: f16` at 2, `scales: [12] u8` at 4 (see `kScaleMin`),
/// `qs: [128] u8` at 16. Sub-block 2c holds the low nibbles of qs[32c ..< 32c + 32], sub-block
/// 2c + 1 their high nibbles; value = (d × scale) × q − (dmin × min).
public enum BlockQ4_K {
    /// Elements per block.
    public static let elements = 256
    /// Bytes per block.
    public static let bytes = 144

    /// Decodes `blocks` consecutive super-blocks at `src` into `blocks × 256` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            let dmin = Half.load(p, 2)
            for c in 0..<4 {
                let (s1, m1) = kScaleMin(p + 4, 2 &* c)
                let (s2, m2) = kScaleMin(p + 4, 2 &* c &+ 1)
                let d1 = d * Float(s1), dm1 = dmin * Float(m1)
                let d2 = d * Float(s2), dm2 = dmin * Float(m2)
                let out = y + 64 &* c
                for l in 0..<32 {
                    let q = p.load(fromByteOffset: 16 &+ 32 &* c &+ l, as: UInt8.self)
                    out[l] = d1 * Float(q & 0xF) - dm1
                    out[32 &+ l] = d2 * Float(q &>> 4) - dm2
                }
            }
        }
    }
}

/// Q5_K (176 bytes): like Q4_K plus `qh: [32] u8` at 16 and `qs: [128] u8` at 48; the fifth bit
/// of element l of sub-block k is bit k of qh[l].
public enum BlockQ5_K {
    /// Elements per block.
    public static let elements = 256
    /// Bytes per block.
    public static let bytes = 176

    /// Decodes `blocks` consecutive super-blocks at `src` into `blocks × 256` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            let dmin = Half.load(p, 2)
            for c in 0..<4 {
                let (s1, m1) = kScaleMin(p + 4, 2 &* c)
                let (s2, m2) = kScaleMin(p + 4, 2 &* c &+ 1)
                let d1 = d * Float(s1), dm1 = dmin * Float(m1)
                let d2 = d * Float(s2), dm2 = dmin * Float(m2)
                let out = y + 64 &* c
                for l in 0..<32 {
                    let q = p.load(fromByteOffset: 48 &+ 32 &* c &+ l, as: UInt8.self)
                    let h = p.load(fromByteOffset: 16 &+ l, as: UInt8.self) &>> (2 &* c)
                    out[l] = d1 * Float((q & 0xF) | ((h & 1) &<< 4)) - dm1
                    out[32 &+ l] = d2 * Float((q &>> 4) | ((h & 2) &<< 3)) - dm2
                }
            }
        }
    }
}

/// Q6_K (210 bytes): `ql: [128] u8` at 0 (low 4 bits), `qh: [64] u8` at 128 (high 2 bits),
/// `scales: [16] i8` at 192 (one per 16 elements), `d: f16` at 208.
/// In half h (128 elements), for l < 32: elements l, l+32, l+64, l+96 take the low nibble of
/// ql[64h + l], low nibble of ql[64h + l + 32], high nibble of ql[64h + l], high nibble of
/// ql[64h + l + 32], and 2-bit fields 0, 1, 2, 3 of qh[32h + l]; value = (d × scale) × (q − 32).
public enum BlockQ6_K {
    /// Elements per block.
    public static let elements = 256
    /// Bytes per block.
    public static let bytes = 210

    /// Decodes `blocks` consecutive super-blocks at `src` into `blocks × 256` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 208)
            for h in 0..<2 {
                let ql = p + 64 &* h
                let qh = p + (128 &+ 32 &* h)
                let out = y + 128 &* h
                for quarter in 0..<4 {
                    // quarter 0: low nibble of ql[l]; 1: low of ql[l+32]; 2: high of ql[l]; 3: high of ql[l+32]
                    let lowBase = 32 &* (quarter & 1)
                    let nibbleShift = 4 &* (quarter &>> 1)
                    for half in 0..<2 {
                        let scOffset: Int = 192 &+ 8 &* h &+ 2 &* quarter &+ half
                        let sc = p.load(fromByteOffset: scOffset, as: Int8.self)
                        let dl = d * Float(sc)
                        for i in 0..<16 {
                            let l = 16 &* half &+ i
                            let low = (ql.load(fromByteOffset: lowBase &+ l, as: UInt8.self) &>> nibbleShift) & 0xF
                            let high = (qh.load(fromByteOffset: l, as: UInt8.self) &>> (2 &* quarter)) & 3
                            out[32 &* quarter &+ l] = dl * Float(Int32(low | (high &<< 4)) &- 32)
                        }
                    }
                }
            }
        }
    }
}

/// Q8_K (292 bytes): `d: f32` at 0, `qs: [256] i8` at 4, `bsums: [16] i16` at 260 (sum of each
/// 16 quants, for the K-quant dot products' min terms). Element j = d × q. Activations only:
/// ggml never stores weights in Q8_K.
public enum BlockQ8_K {
    /// Elements per block.
    public static let elements = 256
    /// Bytes per block.
    public static let bytes = 292

    /// Decodes `blocks` consecutive super-blocks at `src` into `blocks × 256` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            for j in 0..<256 { y[j] = d * Float(p.load(fromByteOffset: 4 &+ j, as: Int8.self)) }
        }
    }
}
