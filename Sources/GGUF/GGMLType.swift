// The ggml tensor type ids that may appear in a GGUF file, with each type's block geometry, so
// the reader can size tensors. Decoding the blocks is Tensor's job (Tensor.QuantFormat mirrors the
// subset it can decode; a GGUFTests case checks that the two tables agree).

/// A ggml tensor element type. Raw values are ggml's `enum ggml_type` ids as stored in GGUF
/// (ggml.h); ids 4, 5 (Q4_2, Q4_3), 31–33 and 36–38 were removed from ggml and are unknown here.
public enum GGMLType: UInt32, CaseIterable, Sendable {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22
    case iq4_xs = 23, i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41, q2_0 = 42

    /// Elements per block (1 for plain types; 256 = QK_K for the K-quants and most IQ types).
    public var blockSize: Int { geometry.elements }

    /// Bytes per block (ggml's `type_size`).
    public var blockBytes: Int { geometry.bytes }

    /// ggml's name for the type, e.g. "Q4_K", "BF16".
    public var name: String { String(describing: self).uppercased() }

    /// Bytes needed for `elements` elements, or nil when `elements` is negative, not a whole
    /// number of blocks, or the product overflows.
    public func byteCount(elements: Int) -> Int? {
        if elements < 0 || elements % blockSize != 0 { return nil }
        let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }

    // Sizes from ggml-common.h's block structs (QK_K = 256); e.g. block_q4_K is
    // d, dmin (2 × f16) + 12 packed 6-bit scales/mins + 128 bytes of nibbles = 144.
    private var geometry: (elements: Int, bytes: Int) {
        switch self {
        case .f32: (1, 4)
        case .f16, .bf16: (1, 2)
        case .f64: (1, 8)
        case .i8: (1, 1)
        case .i16: (1, 2)
        case .i32: (1, 4)
        case .i64: (1, 8)
        case .q4_0: (32, 18)
        case .q4_1: (32, 20)
        case .q5_0: (32, 22)
        case .q5_1: (32, 24)
        case .q8_0: (32, 34)
        case .q8_1: (32, 36)
        case .q2_K: (256, 84)
        case .q3_K: (256, 110)
        case .q4_K: (256, 144)
        case .q5_K: (256, 176)
        case .q6_K: (256, 210)
        case .q8_K: (256, 292)
        case .iq2_xxs: (256, 66)
        case .iq2_xs: (256, 74)
        case .iq3_xxs: (256, 98)
        case .iq1_s: (256, 50)
        case .iq4_nl: (32, 18)
        case .iq3_s: (256, 110)
        case .iq2_s: (256, 82)
        case .iq4_xs: (256, 136)
        case .iq1_m: (256, 56)
        case .tq1_0: (256, 54)
        case .tq2_0: (256, 66)
        case .mxfp4: (32, 17)
        case .nvfp4: (64, 36)
        case .q1_0: (128, 18)
        case .q2_0: (64, 18)
        }
    }
}
