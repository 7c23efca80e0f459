// Repacking of weight matrices, once at load, into the row-interleaved layouts of the tiled
// kernels (CKernels/packed_k.c, packed_q32.c): 16 rows per group so that one 512-bit VNNI product advances 16
// rows. A packed copy has exactly the size and row offsets of its source, and the kernels give
// the same bits as on the source layout, so packing never changes a result.
import CKernels

/// Which matrices pack, how large their packed copies are, and the packing itself.
public enum WeightPacking {
    /// Rows per packed group.
    public static let rowGroup = 16

    /// Whether this CPU runs kernels on packed `format` weights (Q4_K, Q6_K, Q8_0, Q5_0 and
    /// Q4_1 with AVX-512 VNNI).
    public static func packs(_ format: QuantFormat) -> Bool {
        guard FastLinear.available else { return false }
        switch format {
        case .q4_K, .q6_K, .q8_0, .q5_0, .q4_1: return true
        default: return false
        }
    }

    /// Bytes of `w`'s packed copy (its whole 16-row groups); 0 when `w` does not pack.
    public static func byteCount(_ w: WeightMatrix) -> Int {
        byteCount(format: w.format, rows: w.rows, columns: w.columns)
    }

    /// Bytes of the packed copy of a `rows` × `columns` matrix of `format`; 0 when it does not pack.
    public static func byteCount(format: QuantFormat, rows: Int, columns: Int) -> Int {
        guard packs(format), columns % format.blockSize == 0 else { return 0 }
        return rows / rowGroup * rowGroup * format.byteCount(columns)
    }

    /// Writes the packed copy of `w` to `dst` (`byteCount(w)` bytes, any alignment), spreading
    /// the groups over `pool`, and returns `w` with `packed` set (or `w` unchanged when it does
    /// not pack).
    public static func pack(_ w: WeightMatrix, into dst: UnsafeMutableRawPointer, pool: ThreadPool) -> WeightMatrix {
        let groups = w.rows / rowGroup
        guard byteCount(w) > 0, groups > 0 else { return w }
        let blocks = w.columns / w.format.blockSize, rowBytes = w.rowBytes, src = w.data
        let packer: (@convention(c) (UnsafeRawPointer?, Int, Int, Int, UnsafeMutableRawPointer?) -> Void)
        switch w.format {
        case .q6_K: packer = nerve_pack_q6_K
        case .q8_0: packer = nerve_pack_q8_0
        case .q5_0: packer = nerve_pack_q5_0
        case .q4_1: packer = nerve_pack_q4_1
        default: packer = nerve_pack_q4_K
        }
        // Groups per work item: about 4 MB of weights, enough to hide the hand-off.
        let grain = max(1, (4 << 20) / max(1, rowGroup * rowBytes))
        pool.parallelFor(groups, grain: grain) { range in
            let from = src + range.lowerBound * rowGroup * rowBytes
            let to = dst + range.lowerBound * rowGroup * rowBytes
            packer(from, rowBytes, range.count, blocks, to)
        }
        return WeightMatrix(format: w.format, rows: w.rows, columns: w.columns, data: w.data, packed: UnsafeRawPointer(dst))
    }
}
