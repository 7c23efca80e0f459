// y = W·x for quantised (or float) weights against activations already converted to the
// weight's activation format: the one kernel behind every projection of the decoder. Decode is
// the one-token case (matvec), prefill the many-token case (matmul, weights reused across tokens
// while a row is in L1). Work is split over rows by the caller (see `Linear.apply`).
import CKernels

/// Activation rows in one `linearActivationFormat`, as the linear kernels read them.
public struct ActivationRows: @unchecked Sendable {
    /// Row 0.
    public let base: UnsafeRawPointer
    /// Bytes from one row to the next.
    public let stride: Int
    /// When set, logical row i is physical row `index[i]` (tokens gathered for one expert).
    public let index: UnsafePointer<Int32>?

    /// Rows at `base`, `stride` bytes apart, optionally gathered through `index`.
    public init(base: UnsafeRawPointer, stride: Int, index: UnsafePointer<Int32>? = nil) {
        self.base = base
        self.stride = stride
        self.index = index
    }

    /// The bytes of logical row `i`.
    @inline(__always)
    public func row(_ i: Int) -> UnsafeRawPointer {
        if let index { return base + Int(index[i]) &* stride }
        return base + i &* stride
    }
}

/// The linear-layer kernels.
public enum Linear {
    /// Whether the tiled C kernels (AVX-512 VNNI) serve this CPU; without them the quantized
    /// products fall back to Swift row kernels, slower than the f32 tiles for small inputs.
    public static var hasFastKernels: Bool { FastLinear.available }

    /// Rows of W per work item: a multiple of the row tile, small enough that 2 threads get
    /// several items of a 576-row matrix.
    public static let rowGrain = 16

    /// Row ranges per thread in a parallel `apply`: threads finish a matrix together only to
    /// within one range, and a big matrix takes ~100 ms in prefill, so ranges are kept short
    /// (4 per thread left one thread idle for ~1/8 of each matrix on average).
    static let chunksPerThread = 16

    /// Weight bytes × tokens below which a product stays on the calling thread: a few
    /// microseconds of work (a router, a tiny expert batch) costs less than a hand-off, and on
    /// a busy machine every hand-off may wait for a descheduled worker.
    static let inlineBytes = 256 << 10

    /// `y[t·yStride + r] = Σ_c W[r, c]·x_t[c]` for r in `rows` and t in `0..<tokens`.
    /// `x` holds `tokens` rows in `w.format.linearActivationFormat`. Single-threaded; see `apply`.
    /// Whole 16-row groups of a packed matrix go to the packed kernels, other rows to the row
    /// kernels; both give the bits of `DotKernels.row`.
    public static func multiply(_ w: WeightMatrix, rows: Range<Int>, x: ActivationRows, tokens: Int,
                                y: UnsafeMutablePointer<Float>, yStride: Int) {
        if rows.isEmpty || tokens <= 0 { return }
        if let packed = w.packed {
            let g = WeightPacking.rowGroup
            let g0 = (rows.lowerBound + g - 1) / g, g1 = min(rows.upperBound, w.rows / g * g) / g
            if g0 < g1 && FastLinear.multiplyPacked(w, packed, groups: g0..<g1, x: x, tokens: tokens, y: y, yStride: yStride) {
                rowwise(w, rows: rows.lowerBound..<(g0 * g), x: x, tokens: tokens, y: y, yStride: yStride)
                rowwise(w, rows: (g1 * g)..<rows.upperBound, x: x, tokens: tokens, y: y, yStride: yStride)
                return
            }
        }
        rowwise(w, rows: rows, x: x, tokens: tokens, y: y, yStride: yStride)
    }

    /// `multiply` on the source layout: the tiled C kernels when the CPU has them, else Swift.
    static func rowwise(_ w: WeightMatrix, rows: Range<Int>, x: ActivationRows, tokens: Int,
                        y: UnsafeMutablePointer<Float>, yStride: Int) {
        if rows.isEmpty { return }
        if FastLinear.multiply(w, rows: rows, x: x, tokens: tokens, y: y, yStride: yStride) { return }
        let format = w.format, n = w.columns
        for r in rows {
            let wr = w.row(r)
            for t in 0..<tokens {
                y[t &* yStride &+ r] = DotKernels.row(format, wr, x.row(t), n)
            }
        }
    }

    /// One matrix of a parallel `apply`: `y[t·yStride + r] = W[r]·x_t` for all rows r.
    public struct Job: @unchecked Sendable {
        public let w: WeightMatrix
        public let x: ActivationRows
        public let y: UnsafeMutablePointer<Float>
        public let yStride: Int

        public init(_ w: WeightMatrix, x: ActivationRows, y: UnsafeMutablePointer<Float>, yStride: Int) {
            self.w = w
            self.x = x
            self.y = y
            self.yStride = yStride
        }
    }

    /// Up to three matrices over the same `tokens`, in one parallel pass (q, k and v, or gate
    /// and up, cost one hand-off to the workers instead of three).
    public static func apply(_ a: Job, _ b: Job? = nil, _ c: Job? = nil, tokens: Int, pool: ThreadPool) {
        let total = a.w.rows + (b?.w.rows ?? 0) + (c?.w.rows ?? 0)
        let g = max(rowGrain, pool.grain(total, perThread: chunksPerThread, minimum: rowGrain) / rowGrain * rowGrain)
        let na = (a.w.rows + g - 1) / g, nb = ((b?.w.rows ?? 0) + g - 1) / g, nc = ((c?.w.rows ?? 0) + g - 1) / g
        let bytes = (a.w.byteCount + (b?.w.byteCount ?? 0) + (c?.w.byteCount ?? 0)) * tokens
        pool.parallelFor(na + nb + nc, grain: bytes <= inlineBytes ? na + nb + nc : 1) { items in
            for item in items {
                let job: Job, chunk: Int
                if item < na { job = a; chunk = item }
                else if item < na + nb, let b { job = b; chunk = item - na }
                else if let c { job = c; chunk = item - na - nb }
                else { continue }
                let lo = chunk * g, hi = min(lo + g, job.w.rows)
                multiply(job.w, rows: lo..<hi, x: job.x, tokens: tokens, y: job.y, yStride: job.yStride)
            }
        }
    }

    /// `multiply` over all rows of `w`, split over the pool's threads by row ranges.
    public static func apply(_ w: WeightMatrix, x: ActivationRows, tokens: Int,
                             y: UnsafeMutablePointer<Float>, yStride: Int, pool: ThreadPool) {
        let grain = pool.grain(w.rows, perThread: chunksPerThread, minimum: rowGrain) / rowGrain * rowGrain
        pool.parallelFor(w.rows, grain: w.byteCount * tokens <= inlineBytes ? w.rows : max(rowGrain, grain)) { range in
            multiply(w, rows: range, x: x, tokens: tokens, y: y, yStride: yStride)
        }
    }
}

/// The tiled C kernels (CKernels: AVX-512 VNNI), when the CPU has them; they give the same bits
/// as `DotKernels.row` (see nerve_kernels.h), so the choice never changes a result.
enum FastLinear {
    static let available = nerve_kernels_available() != 0

    @inline(__always)
    static func multiply(_ w: WeightMatrix, rows: Range<Int>, x: ActivationRows, tokens: Int,
                         y: UnsafeMutablePointer<Float>, yStride: Int) -> Bool {
        guard available else { return false }
        let kernel: (@convention(c) (UnsafeRawPointer?, Int, Int, Int, Int, nerve_rows, Int, UnsafeMutablePointer<Float>?, Int) -> Void)
        switch w.format {
        case .q4_1: kernel = nerve_linear_q4_1
        case .q8_0: kernel = nerve_linear_q8_0
        case .q4_0: kernel = nerve_linear_q4_0
        case .q4_K: kernel = nerve_linear_q4_K
        case .q6_K: kernel = nerve_linear_q6_K
        default: return false
        }
        let rowsIn = nerve_rows(base: x.base, stride: x.stride, index: x.index)
        kernel(w.data, w.rowBytes, rows.lowerBound, rows.upperBound, w.columns / w.format.blockSize,
               rowsIn, tokens, y, yStride)
        return true
    }

    /// Row groups `groups` of a packed matrix (see WeightPacking); false when the format has no
    /// packed kernel here or its rows are too long for one (the caller then goes row by row).
    @inline(__always)
    static func multiplyPacked(_ w: WeightMatrix, _ packed: UnsafeRawPointer, groups: Range<Int>, x: ActivationRows,
                               tokens: Int, y: UnsafeMutablePointer<Float>, yStride: Int) -> Bool {
        guard available else { return false }
        let kernel: (@convention(c) (UnsafeRawPointer?, Int, Int, Int, nerve_rows, Int, UnsafeMutablePointer<Float>?, Int) -> Int32)
        switch w.format {
        case .q4_K: kernel = nerve_linear_packed_q4_K
        case .q6_K: kernel = nerve_linear_packed_q6_K
        case .q8_0: kernel = nerve_linear_packed_q8_0
        case .q5_0: kernel = nerve_linear_packed_q5_0
        case .q4_1: kernel = nerve_linear_packed_q4_1
        default: return false
        }
        let rowsIn = nerve_rows(base: x.base, stride: x.stride, index: x.index)
        return kernel(packed, groups.lowerBound, groups.upperBound, w.columns / w.format.blockSize,
                      rowsIn, tokens, y, yStride) != 0
    }
}
