// What the file says about each tensor (name, type, ggml dims, where its bytes are) and a view
// of those bytes inside the mapped file. Interpreting the bytes is the Tensor module's job.

/// One entry of the tensor-info section, validated against the file.
public struct TensorInfo: Sendable, Equatable {
    /// The tensor's GGUF name, e.g. "blk.0.attn_q.weight".
    public let name: String
    /// Element type.
    public let type: GGMLType
    /// Dimensions in ggml order ("ne"): `dims[0]` is the innermost, fastest-varying dimension
    /// (the row length), i.e. the reverse of the NumPy shape. Up to 4 entries; may be empty
    /// (a scalar), in which case every dimension counts as 1.
    public let dims: [Int]
    /// Offset of the first byte, relative to the start of the data section.
    public let offset: Int
    /// Bytes the tensor occupies (rows × blocks per row × bytes per block, no padding).
    public let byteCount: Int

    /// Builds an info; the reader validates fields before calling this.
    public init(name: String, type: GGMLType, dims: [Int], offset: Int, byteCount: Int) {
        self.name = name
        self.type = type
        self.dims = dims
        self.offset = offset
        self.byteCount = byteCount
    }

    /// ne[i], counting missing dimensions as 1 (ggml pads shapes to 4 dims with ones).
    public func dimension(_ i: Int) -> Int { i < dims.count ? dims[i] : 1 }

    /// Total number of elements.
    public var elementCount: Int { dims.reduce(1, *) }

    /// Elements per row: ne[0].
    public var rowLength: Int { dimension(0) }

    /// Number of rows: ne[1] × ne[2] × ne[3].
    public var rowCount: Int { dims.dropFirst().reduce(1, *) }

    /// Bytes per row (rows are whole blocks; the reader checked that ne[0] is a multiple of the block size).
    public var rowBytes: Int { rowLength / type.blockSize * type.blockBytes }
}

/// A tensor's bytes inside a `GGUFFile`, valid only while that file object is alive.
public struct TensorView: @unchecked Sendable {
    /// The tensor's description.
    public let info: TensorInfo
    /// Exactly `info.byteCount` bytes; read-only (the map is private and read-only).
    public let bytes: UnsafeRawBufferPointer

    /// Element type.
    public var type: GGMLType { info.type }
    /// ggml dims (ne); `dims[0]` is the row length.
    public var dims: [Int] { info.dims }

    /// The bytes of row `r` (a row is ne[0] elements). Precondition (programmer error): `r` in range.
    public func row(_ r: Int) -> UnsafeRawBufferPointer {
        precondition(r >= 0 && r < info.rowCount, "row out of range")
        let n = info.rowBytes
        return UnsafeRawBufferPointer(rebasing: bytes[(r * n)..<((r + 1) * n)])
    }
}
