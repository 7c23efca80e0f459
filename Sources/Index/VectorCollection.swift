// A searchable set of unit vectors keyed by chunk id: the flat slab (exact scans) and, once it
// holds `graphThreshold` live vectors, an HNSW graph kept up to date incrementally. Searches run
// concurrently under a read lock; one writer at a time mutates (the index writer, or a build).
import Posix
import Tensor

/// A search result: a chunk id and its cosine similarity to the query.
public struct VectorMatch: Sendable, Equatable {
    public var id: Int64
    public var score: Float

    public init(id: Int64, score: Float) {
        self.id = id
        self.score = score
    }
}

/// Which search a query runs.
public enum VectorSearchMode: String, Sendable {
    /// The graph when one exists and the collection is at least `graphThreshold` vectors.
    case automatic
    /// A full f32 scan (the ground truth).
    case exact
    /// A full int8 scan whose best candidates are re-scored in f32.
    case exactQuantized
    /// The graph (falls back to an exact scan when there is none).
    case approximate
}

public final class VectorCollection: @unchecked Sendable {
    public let dimension: Int
    /// The graph's parameters (a rebuild applies new ones: `reconfigure`).
    public private(set) var parameters: HNSWParameters
    /// Live vectors from which a graph is built and used; below it, searches scan.
    public private(set) var graphThreshold: Int
    var slab: VectorSlab
    var graph: HNSWGraph?
    let lock = ReadWriteLock()
    /// Serialises mutations, including graph builds that run outside the read-write lock.
    let mutation = PthreadMutex()
    private let poolLock = PthreadMutex()
    private var scratches: [Scratch] = []
    /// What loading found wrong with the files (the graph is then rebuilt), for the status log.
    public internal(set) var loadNotes: [String] = []
    /// The index generation the loaded files covered (nil for a collection built in memory).
    public internal(set) var savedGeneration: Int64?

    /// An empty collection.
    public init(dimension: Int, parameters: HNSWParameters = HNSWParameters(), graphThreshold: Int = 20_000) {
        self.dimension = dimension
        self.parameters = parameters
        self.graphThreshold = Swift.max(graphThreshold, 1)
        slab = VectorSlab(dimension: dimension)
    }

    init(slab: VectorSlab, graph: HNSWGraph?, parameters: HNSWParameters, graphThreshold: Int) {
        dimension = slab.dimension
        self.parameters = parameters
        self.graphThreshold = Swift.max(graphThreshold, 1)
        self.slab = slab
        self.graph = graph
    }

    /// Live vectors.
    public var count: Int { lock.read { slab.liveCount } }
    /// Removed vectors still occupying slots (until compaction).
    public var deletedCount: Int { lock.read { slab.deletedCount } }
    public var hasGraph: Bool { lock.read { graph != nil } }

    public func contains(id: Int64) -> Bool { lock.read { slab.contains(id: id) } }

    /// The live chunk ids.
    public var ids: Set<Int64> { lock.read { Set(slab.liveIDs) } }

    /// Bytes of memory held (slab tail and tables, graph), not counting mapped file pages.
    public var memoryBytes: Int { lock.read { slab.heapBytes + (graph?.bytes ?? 0) } }

    /// Adds vectors (each normalised to unit length); with a graph, each is linked in as it comes.
    /// Without one, a graph is built once the collection reaches `graphThreshold`, unless
    /// `buildGraph` is false (the caller then builds it, e.g. on another thread).
    /// - Throws: `IndexError.vectorDimension` for a vector of the wrong length or with a
    ///   non-finite value, `.invalidVectorID` for an id below 1, `.duplicateVector` for an id
    ///   already present. Nothing is
    ///   added when any item is bad.
    public func add(_ items: [(id: Int64, vector: [Float])], buildGraph: Bool = true) throws {
        try mutation.withLock {
            var seen = Set<Int64>()
            for (id, v) in items {
                guard v.count == dimension, v.allSatisfy(\.isFinite) else {
                    throw IndexError.vectorDimension(id: id, found: v.count, expected: dimension)
                }
                guard id > VectorSlab.tombstone else { throw IndexError.invalidVectorID(id) }
                guard !slab.contains(id: id), seen.insert(id).inserted else { throw IndexError.duplicateVector(id: id) }
            }
            for (id, v) in items {
                try lock.write {
                    v.withUnsafeBufferPointer { if let p = $0.baseAddress { slab.append(id: id, p) } }
                    if let g = graph {
                        try check(g.count == slab.count - 1)
                        g.insert(slab: slab, scratch: builderScratch)
                    }
                }
            }
            if buildGraph && graph == nil && slab.liveCount >= graphThreshold { buildGraphLocked() }
        }
    }

    /// Takes new graph parameters for the next build (`buildGraph`); the current graph serves
    /// until then.
    public func reconfigure(parameters p: HNSWParameters, graphThreshold t: Int) {
        mutation.withLock {
            parameters = p
            graphThreshold = Swift.max(t, 1)
        }
    }

    public func add(id: Int64, vector: [Float]) throws { try add([(id, vector)]) }

    /// Removes vectors (tombstones: searches skip them at once; the slots are reclaimed by
    /// compaction when they reach a quarter of the collection). Returns how many were present.
    @discardableResult
    public func remove(ids: [Int64]) -> Int {
        mutation.withLock {
            let removed = lock.write { ids.reduce(0) { $0 + (slab.delete(id: $1) ? 1 : 0) } }
            if slab.deletedCount > Swift.max(1024, slab.liveCount / 4) { compactLocked() }
            return removed
        }
    }

    /// Builds the graph now (replacing any), whatever the size.
    public func buildGraph() {
        mutation.withLock { buildGraphLocked() }
    }

    /// Drops the graph; searches scan until it is rebuilt.
    public func dropGraph() {
        mutation.withLock { lock.write { graph = nil } }
    }

    /// Rewrites the slab without deleted slots, and the graph with it.
    public func compact() {
        mutation.withLock { compactLocked() }
    }

    /// The scratch the single writer uses for graph inserts.
    private lazy var builderScratch = Scratch(nodes: 1024, dimension: dimension)

    /// Builds a graph over the current slab without holding the read-write lock (readers keep
    /// searching the old state; no writer can run, we hold `mutation`), then swaps it in.
    private func buildGraphLocked() {
        let s = slab
        let g = HNSWGraph(parameters: parameters, capacity: s.count)
        let scratch = Scratch(nodes: s.count, dimension: dimension)
        for slot in 0..<s.count {
            if s.isDeleted(slot) { g.addIsolated() } else { g.insert(slab: s, scratch: scratch) }
        }
        lock.write { graph = g }
    }

    private func compactLocked() {
        let old = slab
        let fresh = VectorSlab(dimension: dimension)
        for slot in 0..<old.count where !old.isDeleted(slot) {
            fresh.append(id: old.ids[slot], old.vector(slot))
        }
        var g: HNSWGraph?
        if fresh.liveCount >= graphThreshold || graph != nil && fresh.liveCount > 0 {
            let built = HNSWGraph(parameters: parameters, capacity: fresh.count)
            let scratch = Scratch(nodes: fresh.count, dimension: dimension)
            for _ in 0..<fresh.count { built.insert(slab: fresh, scratch: scratch) }
            g = built
        }
        lock.write {
            slab = fresh
            graph = g
        }
    }

    private func check(_ ok: Bool) throws {
        if !ok { throw IndexError.vectorFile(path: "(memory)", reason: "graph and slab out of step") }
    }

    // MARK: search

    private func takeScratch() -> Scratch {
        poolLock.withLock { scratches.popLast() } ?? Scratch(nodes: slab.count, dimension: dimension)
    }

    private func giveBack(_ s: Scratch) {
        poolLock.withLock { if scratches.count < 64 { scratches.append(s) } }
    }

    /// The `k` live vectors most similar to `query` (normalised here), most similar first.
    /// `ef` (≥ k) is the graph search's candidate list: larger is slower and more exact.
    /// A query of the wrong length or with non-finite values matches nothing.
    public func search(_ query: [Float], k: Int, ef: Int = 64, mode: VectorSearchMode = .automatic) -> [VectorMatch] {
        guard k > 0, query.count == dimension, query.allSatisfy(\.isFinite) else { return [] }
        var q = query
        q.withUnsafeMutableBufferPointer { if let p = $0.baseAddress { Distance.normalize(p, count: dimension) } }
        let scratch = takeScratch()
        defer { giveBack(scratch) }
        return lock.read {
            let scored: [Scored]
            let useGraph: Bool
            switch mode {
            case .automatic: useGraph = graph != nil && slab.liveCount >= graphThreshold
            case .approximate: useGraph = graph != nil
            case .exact, .exactQuantized: useGraph = false
            }
            scored = q.withUnsafeBufferPointer { qp -> [Scored] in
                guard let p = qp.baseAddress else { return [] }
                if useGraph, let g = graph { return g.search(p, k: k, ef: Swift.max(ef, k), slab: slab, scratch: scratch) }
                return mode == .exactQuantized ? scanQuantized(p, k: k, scratch: scratch) : scan(p, k: k)
            }
            return scored.map { VectorMatch(id: slab.ids[Int($0.slot)], score: $0.similarity) }
        }
    }

    /// Exact f32 scan of every live slot.
    private func scan(_ q: UnsafePointer<Float>, k: Int) -> [Scored] {
        var top = TopK(k: k)
        let d = dimension
        for s in 0..<slab.count where !slab.isDeleted(s) {
            top.offer(Distance.dot(q, slab.vector(s), count: d), UInt32(s))
        }
        return top.finish()
    }

    /// Int8 scan keeping 4·k candidates, re-scored in f32.
    private func scanQuantized(_ q: UnsafePointer<Float>, k: Int, scratch: Scratch) -> [Scored] {
        let d = dimension
        _ = Distance.quantize(q, count: d, into: scratch.query8)
        Distance.widen(scratch.query8, count: d, into: scratch.query16)
        var rough = TopK(k: 4 * k)
        for s in 0..<slab.count where !slab.isDeleted(s) {
            rough.offer(Float(Distance.dot(scratch.query16, slab.codes(s), count: d)) * slab.scale(s), UInt32(s))
        }
        var top = TopK(k: k)
        for c in rough.finish() { top.offer(Distance.dot(q, slab.vector(Int(c.slot)), count: d), c.slot) }
        return top.finish()
    }
}
