// An 8-bit copy of a BERT encoder's matrices, for questions. At a dozen tokens the f32 matmul
// runs at the FMA units' limit (~4.5 ms for MiniLM here, on the critical path of every ask);
// Q8_0 weights (one scale per 32) against Q8_0 activations go through the engine's VNNI kernels,
// which do four times the multiply-adds per instruction. Documents stay f32: ingest is batched
// and not latency-bound, and a question's 8-bit vector has cosine ≥ 0.998 to the float64
// reference on the fixture texts (QueryEncoderTests), with SQuAD retrieval unchanged.
import Tensor

final class BERTInt8: @unchecked Sendable {
    struct Layer {
        let qkv: WeightMatrix             // [3·hidden, hidden]  Q8_0, packed in 16-row groups
        let attentionOutput: WeightMatrix // [hidden, hidden]
        let up: WeightMatrix              // [intermediate, hidden]
        let down: WeightMatrix            // [hidden, intermediate]
    }
    let layers: [Layer]
    /// The quantized rows and their packed copies, owned here.
    private let buffers: [UnsafeMutableRawPointer]

    /// nil where it would not pay: without the VNNI kernels, or with widths that are not whole
    /// Q8_0 blocks.
    init?(_ w: BERTWeights, _ config: BERTConfig) {
        guard Linear.hasFastKernels, config.hiddenSize % 32 == 0, config.intermediateSize % 32 == 0 else { return nil }
        var buffers: [UnsafeMutableRawPointer] = []
        let pool = ThreadPool(threads: 1)
        func q8(_ m: PackedMatrix) -> WeightMatrix {
            let rowBytes = QuantFormat.q8_0.byteCount(m.columns)
            let data = UnsafeMutableRawPointer.allocate(byteCount: m.rows * rowBytes, alignment: 64)
            let row = UnsafeMutablePointer<Float>.allocate(capacity: m.columns)        // [columns]
            defer { row.deallocate() }
            for r in 0..<m.rows {
                m.copyRow(r, into: row)
                quantize(type: .q8_0, src: row, dst: data + r * rowBytes, count: m.columns)
            }
            buffers.append(data)
            let plain = WeightMatrix(format: .q8_0, rows: m.rows, columns: m.columns, data: data)
            let packed = UnsafeMutableRawPointer.allocate(byteCount: max(1, WeightPacking.byteCount(plain)), alignment: 64)
            buffers.append(packed)
            return WeightPacking.pack(plain, into: packed, pool: pool)
        }
        layers = w.layers.map { Layer(qkv: q8($0.qkv), attentionOutput: q8($0.attentionOutput), up: q8($0.up), down: q8($0.down)) }
        self.buffers = buffers
    }

    deinit { buffers.forEach { $0.deallocate() } }

    /// `y[rows, n] = act(x[rows, k]·Wᵀ + bias) (+ residual)` on one thread: x's rows to Q8_0 in
    /// `scratch` (at least `rows · activationRowBytes(.q8_0, k)` bytes), the product, then bias,
    /// activation and residual row by row. `residual` must not overlap `y`: the product is
    /// written to `y` before the residual is read.
    static func matmul(_ x: UnsafePointer<Float>, rows: Int, weights w: WeightMatrix, bias: UnsafePointer<Float>,
                       residual: UnsafePointer<Float>? = nil, activation: Activation = .none,
                       into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutableRawPointer) {
        let k = w.columns, n = w.rows, stride = activationRowBytes(.q8_0, count: k)
        for t in 0..<rows { quantizeActivations(x + t * k, count: k, format: .q8_0, into: scratch + t * stride) }
        Linear.multiply(w, rows: 0..<n, x: ActivationRows(base: scratch, stride: stride), tokens: rows, y: y, yStride: n)
        for t in 0..<rows {
            let row = y + t * n                                                     // [n]
            F32.add(row, bias, count: n, into: row)
            if case .gelu = activation { F32.gelu(row, count: n) }
            if let residual { F32.add(row, residual + t * n, count: n, into: row) }
        }
    }
}
