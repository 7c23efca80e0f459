// A Linear layer's f32 weight matrix, repacked once (at load time) into the panel layout the
// matmul micro-kernel streams: 32 output features side by side for each input index.

/// Weights `W[n, k]` (row-major [out, in], as PyTorch's Linear stores them) rearranged into
/// ⌈n/32⌉ panels of `[k][32]`: `panel[p][i][j] = W[32·p + j][i]`, zero past row n. The kernel
/// then reads 32 consecutive floats (two vector registers) per input index, for every row tile,
/// instead of gathering one float from 32 rows.
public final class PackedMatrix: @unchecked Sendable {
    /// Output features (rows of W).
    public let rows: Int
    /// Input features (columns of W).
    public let columns: Int
    /// Output features per panel: two 16-lane registers.
    public static let panelWidth = 32
    /// `[panels, columns, 32]`, 64-byte aligned.
    let storage: UnsafeMutablePointer<Float>

    /// Number of 32-wide panels (the last one zero-padded when rows is not a multiple of 32).
    public var panels: Int { (rows + Self.panelWidth - 1) / Self.panelWidth }

    /// Packs `weights` (`[rows, columns]`, row-major). Precondition (programmer error): both
    /// dimensions positive; callers check shapes from files before calling.
    public init(weights: UnsafePointer<Float>, rows: Int, columns: Int) {
        precondition(rows > 0 && columns > 0, "PackedMatrix needs positive dimensions")
        self.rows = rows
        self.columns = columns
        let w = Self.panelWidth
        let count = (rows + w - 1) / w * w * columns
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
        storage = raw.bindMemory(to: Float.self, capacity: count)
        storage.initialize(repeating: 0, count: count)
        for r in 0..<rows {
            let panel = storage + (r / w) * columns * w, lane = r % w
            let src = weights + r * columns
            for c in 0..<columns { panel[c * w + lane] = src[c] }
        }
    }

    /// Row `r` of W (`columns` floats) into `dst`: the inverse of the packing.
    public func copyRow(_ r: Int, into dst: UnsafeMutablePointer<Float>) {
        let w = Self.panelWidth, panel = storage + (r / w) * columns * w, lane = r % w
        for c in 0..<columns { dst[c] = panel[c * w + lane] }
    }

    deinit { storage.deallocate() }
}
