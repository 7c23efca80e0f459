// Layouts and decoders of ggml's 32-element blocks: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1.
// Facts from ggml-common.h; values are (q - offset) × d, or q × d + m, in float32.
// The 4- and 5-bit formats keep element j in the low nibble of byte j and element j+16 in its
// high nibble (not j, j+1), so one byte vector yields the two halves of the block.

/// Q4_0: `d: f16` at 0, `qs: [16] u8` at 2. Element j = (nibble − 8) × d.
public enum BlockQ4_0 {
    /// Elements per block.
    public static let elements = 32
    /// Bytes per block.
    public static let bytes = 18

    /// Decodes `blocks` consecutive blocks at `src` into `blocks × 32` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            for j in 0..<16 {
                let q = p.load(fromByteOffset: 2 &+ j, as: UInt8.self)
                y[j] = d * Float(Int32(q & 0xF) &- 8)
                y[j &+ 16] = d * Float(Int32(q &>> 4) &- 8)
            }
        }
    }
}

/// Q4_1: `d: f16` at 0, `m: f16` at 2, `qs: [16] u8` at 4. Element j = nibble × d + m.
public enum BlockQ4_1 {
    /// Elements per block.
    public static let elements = 32
    /// Bytes per block.
    public static let bytes = 20

    /// Decodes `blocks` consecutive blocks at `src` into `blocks × 32` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            let m = Half.load(p, 2)
            for j in 0..<16 {
                let q = p.load(fromByteOffset: 4 &+ j, as: UInt8.self)
                y[j] = d * Float(q & 0xF) + m
                y[j &+ 16] = d * Float(q &>> 4) + m
            }
        }
    }
}

/// Q5_0: `d: f16` at 0, `qh: u32` (little-endian, bit j = 5th bit of element j) at 2,
/// `qs: [16] u8` at 6. Element j = ((nibble | bit << 4) − 16) × d.
public enum BlockQ5_0 {
    /// Elements per block.
    public static let elements = 32
    /// Bytes per block.
    public static let bytes = 22

    /// Decodes `blocks` consecutive blocks at `src` into `blocks × 32` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            for j in 0..<16 {
                let q = UInt32(p.load(fromByteOffset: 6 &+ j, as: UInt8.self))
                let lo = (q & 0xF) | (((qh &>> j) & 1) &<< 4)
                let hi = (q &>> 4) | (((qh &>> (j &+ 16)) & 1) &<< 4)
                y[j] = d * Float(Int32(bitPattern: lo) &- 16)
                y[j &+ 16] = d * Float(Int32(bitPattern: hi) &- 16)
            }
        }
    }
}

/// Q5_1: `d: f16` at 0, `m: f16` at 2, `qh: u32` at 4, `qs: [16] u8` at 8.
/// Element j = (nibble | bit << 4) × d + m.
public enum BlockQ5_1 {
    /// Elements per block.
    public static let elements = 32
    /// Bytes per block.
    public static let bytes = 24

    /// Decodes `blocks` consecutive blocks at `src` into `blocks × 32` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            let m = Half.load(p, 2)
            let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            for j in 0..<16 {
                let q = UInt32(p.load(fromByteOffset: 8 &+ j, as: UInt8.self))
                let lo = (q & 0xF) | (((qh &>> j) & 1) &<< 4)
                let hi = (q &>> 4) | (((qh &>> (j &+ 16)) & 1) &<< 4)
                y[j] = d * Float(lo) + m
                y[j &+ 16] = d * Float(hi) + m
            }
        }
    }
}

/// Q8_0: `d: f16` at 0, `qs: [32] i8` at 2. Element j = q × d. Also the activation format of
/// the Q4_0/Q5_0/Q8_0 dot products.
public enum BlockQ8_0 {
    /// Elements per block.
    public static let elements = 32
    /// Bytes per block.
    public static let bytes = 34

    /// Decodes `blocks` consecutive blocks at `src` into `blocks × 32` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            for j in 0..<32 { y[j] = Float(p.load(fromByteOffset: 2 &+ j, as: Int8.self)) * d }
        }
    }
}

/// Q8_1: `d: f16` at 0, `s: f16` (= d × Σq, precomputed for the Q4_1/Q5_1 dot products) at 2,
/// `qs: [32] i8` at 4. Element j = q × d; `s` does not take part in decoding.
public enum BlockQ8_1 {
    /// Elements per block.
    public static let elements = 32
    /// Bytes per block.
    public static let bytes = 36

    /// Decodes `blocks` consecutive blocks at `src` into `blocks × 32` floats at `dst`.
    public static func dequantize(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, blocks: Int) {
        for b in 0..<blocks {
            let p = src + b &* bytes
            let y = dst + b &* elements
            let d = Half.load(p, 0)
            for j in 0..<32 { y[j] = Float(p.load(fromByteOffset: 4 &+ j, as: Int8.self)) * d }
        }
    }
}
