// The packed copies of a model's Q4_K/Q6_K matrices (WeightPacking), made once at load into one
// anonymous region. Once a matrix is packed its source pages in the file mapping are given back,
// so a packed model is resident about once, not twice.
import GGUF
import Posix
import Tensor

/// One region holding every packed matrix of a model; matrices are packed as they are bound.
final class PackedWeights: @unchecked Sendable {
    private let memory: AnonymousMemory
    private let pool: ThreadPool
    /// Whether source pages may be dropped (only for a file mapping: dropping pages of a buffer
    /// in memory would lose its contents).
    private let releasesSource: Bool
    private var used = 0

    /// A region large enough for every packable tensor of `file`; nil when none packs on this
    /// CPU or the memory cannot be had (the model then runs on the unpacked kernels).
    init?(file: GGUFFile, pool: ThreadPool) {
        var total = 0
        for t in file.tensors where t.dims.count >= 2 {
            guard let f = QuantFormat(rawValue: t.type.rawValue) else { continue }
            total += WeightPacking.byteCount(format: f, rows: t.elementCount / max(1, t.rowLength), columns: t.rowLength)
        }
        guard total > 0, let memory = try? AnonymousMemory(count: total) else { return nil }
        self.memory = memory
        self.pool = pool
        releasesSource = file.path != nil
    }

    /// `w` with a packed copy, when it packs and fits (it always fits for a tensor of the file).
    func pack(_ w: WeightMatrix) -> WeightMatrix {
        let bytes = WeightPacking.byteCount(w)
        guard bytes > 0, used + bytes <= memory.count else { return w }
        let packed = WeightPacking.pack(w, into: memory.pointer + used, pool: pool)
        used += bytes
        if releasesSource { releaseMappedPages(w.data, count: bytes) }
        return packed
    }
}
