// The flat vector store behind exact search and the HNSW graph: one slot per vector holding its
// chunk id, the unit-length f32 vector and its int8 codes with their scale. Slots loaded from the
// vector files stay in the memory map; slots added since live in a growable in-memory tail.
// Slots are never reused: a removed vector is only marked deleted until the next compaction.
import Tensor

final class VectorSlab: @unchecked Sendable {
    let dimension: Int
    /// Slots `0..<baseCount` are in the mapped files.
    let baseCount: Int
    private let baseF32: UnsafePointer<Float>
    private let baseI8: UnsafePointer<Int8>
    private let baseScale: UnsafePointer<Float>
    /// Keeps the maps alive.
    let files: [VectorFile]

    private var tailF32: UnsafeMutablePointer<Float>
    private var tailI8: UnsafeMutablePointer<Int8>
    private var tailScale: UnsafeMutablePointer<Float>
    private var tailCapacity: Int
    private(set) var tailCount = 0

    /// Chunk id of each slot.
    private(set) var ids: [Int64]
    private(set) var slotOf: [Int64: UInt32]
    private var deletedBits: [UInt64]
    private(set) var deletedCount = 0

    var count: Int { baseCount + tailCount }
    var liveCount: Int { count - deletedCount }

    /// An empty slab.
    init(dimension: Int) {
        self.dimension = dimension
        baseCount = 0
        let dummyF = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        let dummyI = UnsafeMutablePointer<Int8>.allocate(capacity: 1)
        dummyF.initialize(to: 0)
        dummyI.initialize(to: 0)
        baseF32 = UnsafePointer(dummyF)
        baseScale = UnsafePointer(dummyF)
        baseI8 = UnsafePointer(dummyI)
        files = []
        ids = []
        slotOf = [:]
        deletedBits = []
        tailCapacity = 64
        tailF32 = .allocate(capacity: tailCapacity * dimension)
        tailI8 = .allocate(capacity: tailCapacity * dimension)
        tailScale = .allocate(capacity: tailCapacity)
        ownsDummies = true
    }

    private let ownsDummies: Bool

    /// A slab over a matching pair of mapped files (same ids, dimension and build).
    /// - Throws: `IndexError.vectorFile` when the pair does not match or an id repeats.
    init(f32: VectorFile, i8: VectorFile) throws {
        guard f32.element == .f32, i8.element == .i8, f32.dimension == i8.dimension, f32.count == i8.count,
              f32.buildID == i8.buildID else {
            throw IndexError.vectorFile(path: i8.path, reason: "does not match \(f32.path) (element, dimension, count or build differ)")
        }
        dimension = f32.dimension
        baseCount = f32.count
        files = [f32, i8]
        var ids: [Int64] = []
        var slotOf: [Int64: UInt32] = [:]
        ids.reserveCapacity(baseCount)
        slotOf.reserveCapacity(baseCount)
        var deleted = [UInt64](repeating: 0, count: (baseCount + 63) / 64)
        var deletedCount = 0
        if let a = f32.ids, let b = i8.ids {
            for s in 0..<baseCount {
                guard a[s] == b[s] else { throw IndexError.vectorFile(path: i8.path, reason: "slot \(s) holds id \(b[s]), \(f32.path) says \(a[s])") }
                ids.append(a[s])
                // Id 0 (never a chunk id) marks a removed vector whose slot the graph still numbers.
                if a[s] == Self.tombstone {
                    deleted[s >> 6] |= 1 << UInt64(s & 63)
                    deletedCount += 1
                    continue
                }
                guard slotOf.updateValue(UInt32(s), forKey: a[s]) == nil else {
                    throw IndexError.vectorFile(path: f32.path, reason: "chunk id \(a[s]) appears twice")
                }
            }
        }
        self.ids = ids
        self.slotOf = slotOf
        deletedBits = deleted
        self.deletedCount = deletedCount
        if let f = f32.data, let q = i8.data, let sc = i8.scales {
            baseF32 = f.assumingMemoryBound(to: Float.self)
            baseI8 = q.assumingMemoryBound(to: Int8.self)
            baseScale = sc
            ownsDummies = false
        } else {
            let dummyF = UnsafeMutablePointer<Float>.allocate(capacity: 1)
            let dummyI = UnsafeMutablePointer<Int8>.allocate(capacity: 1)
            dummyF.initialize(to: 0)
            dummyI.initialize(to: 0)
            baseF32 = UnsafePointer(dummyF)
            baseScale = UnsafePointer(dummyF)
            baseI8 = UnsafePointer(dummyI)
            ownsDummies = true
        }
        tailCapacity = 64
        tailF32 = .allocate(capacity: tailCapacity * dimension)
        tailI8 = .allocate(capacity: tailCapacity * dimension)
        tailScale = .allocate(capacity: tailCapacity)
    }

    deinit {
        tailF32.deallocate()
        tailI8.deallocate()
        tailScale.deallocate()
        if ownsDummies {
            UnsafeMutablePointer(mutating: baseF32).deallocate()
            UnsafeMutablePointer(mutating: baseI8).deallocate()
        }
    }

    // MARK: slot access (slot < count; callers hold the index's read or write lock)

    /// `[dimension]` unit-length f32 vector of a slot.
    @inline(__always)
    func vector(_ s: Int) -> UnsafePointer<Float> {
        s < baseCount ? baseF32 + s &* dimension : UnsafePointer(tailF32 + (s &- baseCount) &* dimension)
    }

    /// `[dimension]` int8 codes of a slot.
    @inline(__always)
    func codes(_ s: Int) -> UnsafePointer<Int8> {
        s < baseCount ? baseI8 + s &* dimension : UnsafePointer(tailI8 + (s &- baseCount) &* dimension)
    }

    /// The dequantisation scale of a slot's codes.
    @inline(__always)
    func scale(_ s: Int) -> Float {
        s < baseCount ? baseScale[s] : tailScale[s &- baseCount]
    }

    @inline(__always)
    func isDeleted(_ s: Int) -> Bool {
        deletedBits[s &>> 6] & (1 &<< UInt64(s & 63)) != 0
    }

    // MARK: mutation (the index's single writer)

    /// Appends a vector (normalised here) for `id`; returns its slot.
    /// Precondition (checked by the caller): `id` is not present and `v.count == dimension`.
    @discardableResult
    func append(id: Int64, _ v: UnsafePointer<Float>) -> Int {
        if tailCount == tailCapacity { grow() }
        let t = tailCount
        let f = tailF32 + t * dimension
        f.update(from: v, count: dimension)
        Distance.normalize(f, count: dimension)
        tailScale[t] = Distance.quantize(f, count: dimension, into: tailI8 + t * dimension)
        tailCount += 1
        let slot = baseCount + t
        ids.append(id)
        slotOf[id] = UInt32(slot)
        if deletedBits.count * 64 < count { deletedBits.append(0) }
        return slot
    }

    private func grow() {
        let n = tailCapacity * 2
        let f = UnsafeMutablePointer<Float>.allocate(capacity: n * dimension)
        let q = UnsafeMutablePointer<Int8>.allocate(capacity: n * dimension)
        let s = UnsafeMutablePointer<Float>.allocate(capacity: n)
        f.update(from: tailF32, count: tailCount * dimension)
        q.update(from: tailI8, count: tailCount * dimension)
        s.update(from: tailScale, count: tailCount)
        tailF32.deallocate()
        tailI8.deallocate()
        tailScale.deallocate()
        tailF32 = f
        tailI8 = q
        tailScale = s
        tailCapacity = n
    }

    /// Marks `id` deleted; returns false when it is absent or already deleted.
    @discardableResult
    func delete(id: Int64) -> Bool {
        guard let s = slotOf.removeValue(forKey: id) else { return false }
        deletedBits[Int(s) >> 6] |= 1 << UInt64(s & 63)
        deletedCount += 1
        return true
    }

    func contains(id: Int64) -> Bool { slotOf[id] != nil }

    /// Live chunk ids (unordered).
    var liveIDs: Dictionary<Int64, UInt32>.Keys { slotOf.keys }

    /// Bytes of memory this slab holds outside the maps (tail buffers, ids, maps).
    var heapBytes: Int {
        tailCapacity * (dimension * 5 + 4) + ids.capacity * 8 + slotOf.capacity * 16 + deletedBits.capacity * 8
    }

    /// The id a file stores for a removed vector's slot.
    static let tombstone: Int64 = 0

    /// The two version-1 files (f32, i8) of every slot, deleted ones included with id 0 (slot
    /// numbers are what the graph file refers to).
    func encodeFiles(generation: Int64, indexID: UInt64, buildID: UInt64) -> (f32: [UInt8], i8: [UInt8]) {
        let id = { (s: Int) -> Int64 in self.isDeleted(s) ? Self.tombstone : self.ids[s] }
        let f = VectorFile.encode(element: .f32, dimension: dimension, count: count, generation: generation, indexID: indexID,
                                  buildID: buildID, id: id, scale: { _ in 0 }, vector: { UnsafeRawPointer(self.vector($0)) })
        let q = VectorFile.encode(element: .i8, dimension: dimension, count: count, generation: generation, indexID: indexID,
                                  buildID: buildID, id: id, scale: { self.scale($0) }, vector: { UnsafeRawPointer(self.codes($0)) })
        return (f, q)
    }
}
