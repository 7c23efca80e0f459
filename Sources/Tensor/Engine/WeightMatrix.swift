// A weight matrix as the inference kernels see it (rows of one storage format in memory owned by
// someone else, e.g. a GGUF mmap), and the activation format each weight format multiplies with.
// The pairing follows ggml's `vec_dot_type`, so products round the way llama.cpp's do.
import CKernels

/// `rows` × `columns` weights (`[out, in]`, row-major), each row `rowBytes` bytes of `format`.
/// The memory belongs to the caller (a mapped model file) and must outlive every use.
public struct WeightMatrix: @unchecked Sendable {
    /// Storage format of every row.
    public let format: QuantFormat
    /// Output features.
    public let rows: Int
    /// Input features (a whole number of blocks of `format`).
    public let columns: Int
    /// First byte of row 0.
    public let data: UnsafeRawPointer
    /// Bytes per row.
    public let rowBytes: Int
    /// The same weights repacked for the tiled kernels (`WeightPacking`): rows
    /// `0 ..< rows / 16 · 16` in groups of 16, group g at byte `16·g·rowBytes`; nil when not
    /// packed. Rows past the last whole group are read from `data` only.
    public let packed: UnsafeRawPointer?

    /// Describes `rows` rows of `columns` elements of `format` at `data` (and their packed copy,
    /// if any). Precondition (programmer error): `columns` is a whole number of blocks and
    /// `format` is one the linear kernels handle (`format.isLinearWeight`); loaders check file
    /// data first.
    public init(format: QuantFormat, rows: Int, columns: Int, data: UnsafeRawPointer, packed: UnsafeRawPointer? = nil) {
        precondition(format.isLinearWeight && columns % format.blockSize == 0, "unsupported weight \(format.name) × \(columns)")
        self.format = format
        self.rows = rows
        self.columns = columns
        self.data = data
        self.packed = packed
        rowBytes = format.byteCount(columns)
    }

    /// The first byte of row `r`.
    @inline(__always)
    public func row(_ r: Int) -> UnsafeRawPointer { data + r &* rowBytes }

    /// Rows `range` as a matrix of their own (e.g. one expert of a stacked expert tensor); the
    /// packed copy comes along when the range starts on a 16-row group.
    public func slice(rows range: Range<Int>) -> WeightMatrix {
        let offset = range.lowerBound &* rowBytes
        let keep = range.lowerBound % WeightPacking.rowGroup == 0
        return WeightMatrix(format: format, rows: range.count, columns: columns, data: data + offset,
                            packed: keep ? packed.map { $0 + offset } : nil)
    }

    /// Bytes read by one full pass over the matrix.
    public var byteCount: Int { rows * rowBytes }
}

extension QuantFormat {
    /// Whether the linear kernels take weights in this format: F32, F16, BF16, the 32-element
    /// legacy quants (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0) and Q4_K, Q5_K, Q6_K.
    public var isLinearWeight: Bool {
        switch self {
        case .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K: true
        default: false
        }
    }

    /// The format activations are converted to before they meet weights of this format, as
    /// ggml's `vec_dot_type`: F32 stays F32, F16 and BF16 round the activations to their own
    /// precision, Q4_0/Q5_0/Q8_0 take Q8_0, Q4_1/Q5_1 take Q8_1, the K-quants Q8_K.
    public var linearActivationFormat: QuantFormat {
        switch self {
        case .f16: .f16
        case .bf16: .bf16
        case .q4_0, .q5_0, .q8_0: .q8_0
        case .q4_1, .q5_1: .q8_1
        case .q4_K, .q5_K, .q6_K: .q8_K
        default: .f32
        }
    }
}

/// Converts `count` floats to `format` (one of the `linearActivationFormat` values) at `dst`,
/// rounding as ggml-cpu does for matrix products on x86 (see ActivationQuant).
/// F16 and BF16 activations are stored as floats already rounded to that precision, so the dot
/// products read them like F32. Precondition (programmer error): `count` is a whole number of
/// `format` blocks.
public func quantizeActivations(_ x: UnsafePointer<Float>, count: Int, format: QuantFormat,
                                into dst: UnsafeMutableRawPointer) {
    switch format {
    case .f32:
        dst.copyMemory(from: x, byteCount: count &* 4)
    case .f16:
        let y = dst.assumingMemoryBound(to: Float.self)
        for i in 0..<count { y[i] = Float(Float16(x[i])) }
    case .bf16:
        let y = dst.assumingMemoryBound(to: Float.self)
        for i in 0..<count { y[i] = BFloat16.toFloat(BFloat16.fromFloat(x[i])) }
    case .q8_0 where FastLinear.available:
        nerve_quantize_q8_0(x, dst, count / 32)
    case .q8_0:
        ActivationQuant.q8_0(x, dst, count: count)
    case .q8_1 where FastLinear.available:
        nerve_quantize_q8_1(x, dst, count / 32)
    case .q8_1:
        ActivationQuant.q8_1(x, dst, count: count)
    case .q8_K where FastLinear.available:
        nerve_quantize_q8_K(x, dst, count / 256)
    default:
        quantize(type: format, src: x, dst: dst, count: count)
    }
}

/// Bytes one row of `count` activations takes in `format` (F16/BF16 are kept as floats).
public func activationRowBytes(_ format: QuantFormat, count: Int) -> Int {
    switch format {
    case .f32, .f16, .bf16: count &* 4
    default: format.byteCount(count)
    }
}
