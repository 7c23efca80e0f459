// Searching the HNSW graph (Malkov & Yashunin 2018, "Efficient and robust approximate nearest
// neighbor search using Hierarchical Navigable Small World graphs", algorithms 2 and 5): greedy
// descent through the upper layers, then a best-first search of layer 0 with `ef` candidates.
// Per-query state (visited tags and both heaps) lives in a Scratch reused across queries.
import Tensor

/// How similar a slot is to the current query. Two probes: exact f32 (graph construction and
/// re-ranking) and int8 (query traversal: a quarter of the memory traffic per visited node).
protocol SimilarityProbe {
    func similarity(_ slot: Int) -> Float
}

struct F32Probe: SimilarityProbe {
    unowned(unsafe) let slab: VectorSlab
    let query: UnsafePointer<Float>

    @inline(__always)
    func similarity(_ slot: Int) -> Float {
        Distance.dot(query, slab.vector(slot), count: slab.dimension)
    }
}

/// Approximate dot product through int8 codes: scale_q·scale_v·Σ qa·qb. The query's scale is
/// left out — a positive constant does not change the ranking.
struct I8Probe: SimilarityProbe {
    unowned(unsafe) let slab: VectorSlab
    let query: UnsafePointer<Int16>

    @inline(__always)
    func similarity(_ slot: Int) -> Float {
        Float(Distance.dot(query, slab.codes(slot), count: slab.dimension)) * slab.scale(slot)
    }
}

/// Reusable per-query buffers: visited tags (one UInt16 per node; a query bumps the tag instead
/// of clearing, and the array is cleared only when the tag wraps), the two heaps, and the query
/// in int16 form. Allocated once and grown, never per query.
final class Scratch {
    private(set) var tags: UnsafeMutablePointer<UInt16>
    private(set) var tagCapacity: Int
    private(set) var tag: UInt16 = 0
    var candidates = ScoredHeap(order: .max, capacity: 256)
    var results = ScoredHeap(order: .min, capacity: 256)
    var query16: UnsafeMutablePointer<Int16>
    var query8: UnsafeMutablePointer<Int8>
    var queryF32: UnsafeMutablePointer<Float>
    let dimension: Int

    init(nodes: Int, dimension: Int) {
        tagCapacity = Swift.max(nodes, 1024)
        tags = .allocate(capacity: tagCapacity)
        tags.initialize(repeating: 0, count: tagCapacity)
        self.dimension = dimension
        query16 = .allocate(capacity: dimension)
        query8 = .allocate(capacity: dimension)
        queryF32 = .allocate(capacity: dimension)
    }

    deinit {
        tags.deallocate()
        candidates.deallocate()
        results.deallocate()
        query16.deallocate()
        query8.deallocate()
        queryF32.deallocate()
    }

    /// Starts a query over `nodes` nodes: a fresh tag, heaps emptied.
    func begin(nodes: Int) {
        if nodes > tagCapacity {
            tags.deallocate()
            tagCapacity = nodes + nodes / 2
            tags = .allocate(capacity: tagCapacity)
            tags.initialize(repeating: 0, count: tagCapacity)
            tag = 0
        }
        if tag == .max {
            tags.update(repeating: 0, count: tagCapacity)
            tag = 0
        }
        tag &+= 1
        candidates.removeAll()
        results.removeAll()
    }

    /// Marks `node` visited; false when it already was during this query.
    @inline(__always)
    func visit(_ node: Int) -> Bool {
        if tags[node] == tag { return false }
        tags[node] = tag
        return true
    }
}

extension HNSWGraph {
    /// Layer > 0 greedy walk (ef = 1): moves to the most similar neighbour until none is better.
    @inline(__always)
    func greedy<P: SimilarityProbe>(_ probe: P, from start: Int, similarity: Float, layer: Int) -> (Int, Float) {
        var cur = start, best = similarity
        var changed = true
        while changed {
            changed = false
            let l = links(cur, layer)
            let n = Int(l[0])
            for j in 0..<n {
                let e = Int(l[j &+ 1])
                let s = probe.similarity(e)
                if s > best {
                    best = s
                    cur = e
                    changed = true
                }
            }
        }
        return (cur, best)
    }

    /// Best-first search of one layer from `entry` (algorithm 2). Leaves the `ef` most similar
    /// nodes found in `scratch.results` (a min-heap). Deleted nodes are walked through but not
    /// returned when `skipDeleted`, so tombstones never cut the graph.
    @inline(__always)
    func searchLayer<P: SimilarityProbe>(_ probe: P, entry: Int, similarity: Float, ef: Int, layer: Int,
                                         scratch: Scratch, deleted: VectorSlab?) {
        scratch.candidates.removeAll()
        scratch.results.removeAll()
        _ = scratch.visit(entry)
        scratch.candidates.push(Scored(similarity: similarity, slot: UInt32(entry)))
        if deleted?.isDeleted(entry) != true { scratch.results.push(Scored(similarity: similarity, slot: UInt32(entry))) }
        while !scratch.candidates.isEmpty {
            let c = scratch.candidates.top
            if scratch.results.count >= ef && c.similarity < scratch.results.top.similarity { break }
            scratch.candidates.pop()
            let l = links(Int(c.slot), layer)
            let n = Int(l[0])
            for j in 0..<n {
                let e = Int(l[j &+ 1])
                guard scratch.visit(e) else { continue }
                let s = probe.similarity(e)
                if scratch.results.count < ef || s > scratch.results.top.similarity {
                    scratch.candidates.push(Scored(similarity: s, slot: UInt32(e)))
                    if let d = deleted, d.isDeleted(e) { continue }
                    if scratch.results.count < ef {
                        scratch.results.push(Scored(similarity: s, slot: UInt32(e)))
                    } else {
                        scratch.results.replaceTop(Scored(similarity: s, slot: UInt32(e)))
                    }
                }
            }
        }
    }

    /// The `k` nearest live slots to `query` (a unit f32 vector of the slab's dimension),
    /// most similar first, scored exactly: the graph is walked with int8 similarities and the
    /// `ef` best are re-ranked with f32 dot products (algorithm 5 plus a re-ranking step).
    func search(_ query: UnsafePointer<Float>, k: Int, ef: Int, slab: VectorSlab, scratch: Scratch) -> [Scored] {
        guard entry >= 0, k > 0 else { return [] }
        let d = slab.dimension
        scratch.begin(nodes: count)
        _ = Distance.quantize(query, count: d, into: scratch.query8)
        Distance.widen(scratch.query8, count: d, into: scratch.query16)
        let probe = I8Probe(slab: slab, query: scratch.query16)
        var ep = Int(entry)
        var sim = probe.similarity(ep)
        var layer = maxLevel
        while layer > 0 {
            (ep, sim) = greedy(probe, from: ep, similarity: sim, layer: layer)
            layer -= 1
        }
        let width = Swift.max(ef, k)
        searchLayer(probe, entry: ep, similarity: sim, ef: width, layer: 0, scratch: scratch, deleted: slab)
        var top = TopK(k: k)
        let exact = F32Probe(slab: slab, query: query)
        for i in 0..<scratch.results.count {
            let s = Int(scratch.results.storage[i].slot)
            top.offer(exact.similarity(s), UInt32(s))
        }
        return top.finish()
    }
}
