// The block formats the Tensor module can decode, keyed by ggml type id, and the one entry point
// that dequantises a row of any of them. Block layouts live beside each decoder (Block*.swift).
//
// Why a second table: GGUF (which may depend only on Posix) has `GGMLType` with every id a file
// may contain, for sizing tensors; Tensor has no dependencies, so it mirrors the subset it decodes
// here with the same raw values. GGUFTests checks that the two agree for every case below.

/// A tensor storage format this module decodes. Raw values are ggml type ids (ggml.h).
public enum QuantFormat: UInt32, CaseIterable, Sendable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15, bf16 = 30

    /// Elements per block: 1 for F32/F16/BF16, 32 for the legacy quants, 256 (QK_K) for K-quants.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1: 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K: 256
        }
    }

    /// Bytes per block (ggml's type_size).
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: BlockQ4_0.bytes
        case .q4_1: BlockQ4_1.bytes
        case .q5_0: BlockQ5_0.bytes
        case .q5_1: BlockQ5_1.bytes
        case .q8_0: BlockQ8_0.bytes
        case .q8_1: BlockQ8_1.bytes
        case .q2_K: BlockQ2_K.bytes
        case .q3_K: BlockQ3_K.bytes
        case .q4_K: BlockQ4_K.bytes
        case .q5_K: BlockQ5_K.bytes
        case .q6_K: BlockQ6_K.bytes
        case .q8_K: BlockQ8_K.bytes
        }
    }

    /// ggml's name, e.g. "Q4_K".
    public var name: String { String(describing: self).uppercased() }

    /// Bytes of `count` elements. Precondition (programmer error): `count` is a multiple of `blockSize`.
    public func byteCount(_ count: Int) -> Int {
        precondition(count >= 0 && count % blockSize == 0, "\(name): \(count) is not a whole number of blocks")
        return count / blockSize * blockBytes
    }
}

/// Decodes `count` elements of `type` at `src` into floats at `dst`.
///
/// `src` needs no alignment (GGUF data is 32-byte aligned but rows of odd-sized blocks are not).
/// Results equal ggml's `dequantize_row_*` and gguf-py's `dequantize` bit for bit: each value is
/// computed with the same float32 operations in the same order, unfused.
/// Precondition (programmer error): `count` is a multiple of `type.blockSize` — the GGUF reader
/// rejects tensors whose rows are not, so callers passing whole rows satisfy it.
public func dequantize(type: QuantFormat, src: UnsafeRawPointer, dst: UnsafeMutablePointer<Float>, count: Int) {
    precondition(count >= 0 && count % type.blockSize == 0, "\(type.name): \(count) is not a whole number of blocks")
    let blocks = count / type.blockSize
    switch type {
    case .f32: UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
    case .f16: Half.toFloat(src: src, dst: dst, count: count)
    case .bf16: BFloat16.toFloat(src: src, dst: dst, count: count)
    case .q4_0: BlockQ4_0.dequantize(src, dst, blocks: blocks)
    case .q4_1: BlockQ4_1.dequantize(src, dst, blocks: blocks)
    case .q5_0: BlockQ5_0.dequantize(src, dst, blocks: blocks)
    case .q5_1: BlockQ5_1.dequantize(src, dst, blocks: blocks)
    case .q8_0: BlockQ8_0.dequantize(src, dst, blocks: blocks)
    case .q8_1: BlockQ8_1.dequantize(src, dst, blocks: blocks)
    case .q2_K: BlockQ2_K.dequantize(src, dst, blocks: blocks)
    case .q3_K: BlockQ3_K.dequantize(src, dst, blocks: blocks)
    case .q4_K: BlockQ4_K.dequantize(src, dst, blocks: blocks)
    case .q5_K: BlockQ5_K.dequantize(src, dst, blocks: blocks)
    case .q6_K: BlockQ6_K.dequantize(src, dst, blocks: blocks)
    case .q8_K: BlockQ8_K.dequantize(src, dst, blocks: blocks)
    }
}
