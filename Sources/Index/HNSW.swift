// The HNSW graph over a VectorSlab's slots (Malkov & Yashunin 2018): node i is slot i. Layer-0
// links sit in one flat array of fixed-size records [count, up to 2M ids]; upper-layer records
// [count, up to M ids] are appended to a second array. Insertion is the paper's algorithm 1
// with the neighbour-selection heuristic of algorithm 4; candidates are found with int8
// similarities, links are chosen with exact f32 ones.
import Random
import Tensor

/// Graph parameters, declarable on the `search.vector` stage.
public struct HNSWParameters: Sendable, Equatable {
    /// Links per node on layers ≥ 1; layer 0 allows 2·M (the paper's M_max0).
    public var m: Int
    /// Candidate list size while inserting (the paper's efConstruction).
    public var efConstruction: Int
    /// Seeds the level draws, so a build is reproducible.
    public var seed: UInt64

    public init(m: Int = 16, efConstruction: Int = 200, seed: UInt64 = 0x4E45_5256_4548_4E53) {
        self.m = Swift.max(2, Swift.min(m, 128))
        self.efConstruction = Swift.max(self.m, efConstruction)
        self.seed = seed
    }
}

final class HNSWGraph: @unchecked Sendable {
    let parameters: HNSWParameters
    let m: Int
    let m0: Int
    /// UInt32s per layer-0 record and per upper record.
    let stride0: Int
    let strideUpper: Int
    private(set) var capacity: Int
    /// Nodes (slots) the graph covers: 0..<count.
    private(set) var count = 0
    /// `[capacity, stride0]` layer-0 records.
    private(set) var level0: UnsafeMutablePointer<UInt32>
    /// `[capacity]` top layer of each node.
    private(set) var levels: UnsafeMutablePointer<UInt8>
    /// `[capacity]` index of a node's first upper record in `upper` (records for layers 1...level follow).
    private(set) var upperStart: UnsafeMutablePointer<Int32>
    private(set) var upper: UnsafeMutablePointer<UInt32>
    private(set) var upperCapacity: Int
    /// Upper records in use.
    private(set) var upperCount = 0
    /// Entry point (a node on the top layer), −1 while empty.
    var entry: Int32 = -1
    var maxLevel = 0
    private var rng: SplitMix64

    init(parameters: HNSWParameters, capacity: Int) {
        self.parameters = parameters
        m = parameters.m
        m0 = 2 * parameters.m
        stride0 = 1 + m0
        strideUpper = 1 + m
        self.capacity = Swift.max(capacity, 16)
        level0 = .allocate(capacity: self.capacity * stride0)
        levels = .allocate(capacity: self.capacity)
        upperStart = .allocate(capacity: self.capacity)
        upperCapacity = Swift.max(self.capacity / 8, 16)
        upper = .allocate(capacity: upperCapacity * strideUpper)
        rng = SplitMix64(seed: parameters.seed)
    }

    deinit {
        level0.deallocate()
        levels.deallocate()
        upperStart.deallocate()
        upper.deallocate()
    }

    /// The link record of `node` on `layer`: `[0]` is the count, ids follow.
    @inline(__always)
    func links(_ node: Int, _ layer: Int) -> UnsafeMutablePointer<UInt32> {
        layer == 0 ? level0 + node &* stride0 : upper + (Int(upperStart[node]) &+ layer &- 1) &* strideUpper
    }

    /// Bytes held by the graph's arrays.
    var bytes: Int { capacity * (stride0 * 4 + 1 + 4) + upperCapacity * strideUpper * 4 }

    private func reserve(nodes n: Int) {
        guard n > capacity else { return }
        let c = Swift.max(n, capacity * 2)
        let l0 = UnsafeMutablePointer<UInt32>.allocate(capacity: c * stride0)
        l0.update(from: level0, count: count * stride0)
        level0.deallocate()
        level0 = l0
        let lv = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        lv.update(from: levels, count: count)
        levels.deallocate()
        levels = lv
        let us = UnsafeMutablePointer<Int32>.allocate(capacity: c)
        us.update(from: upperStart, count: count)
        upperStart.deallocate()
        upperStart = us
        capacity = c
    }

    private func reserve(upperRecords n: Int) {
        guard n > upperCapacity else { return }
        let c = Swift.max(n, upperCapacity * 2)
        let u = UnsafeMutablePointer<UInt32>.allocate(capacity: c * strideUpper)
        u.update(from: upper, count: upperCount * strideUpper)
        upper.deallocate()
        upper = u
        upperCapacity = c
    }

    /// Appends node `count` with `level` and empty link records.
    private func addNode(level: Int) -> Int {
        reserve(nodes: count + 1)
        let node = count
        levels[node] = UInt8(level)
        level0[node * stride0] = 0
        if level > 0 {
            reserve(upperRecords: upperCount + level)
            upperStart[node] = Int32(upperCount)
            for l in 0..<level { upper[(upperCount + l) * strideUpper] = 0 }
            upperCount += level
        } else {
            upperStart[node] = -1
        }
        count += 1
        return node
    }

    /// A node that takes part in nothing (a slot already deleted when the graph was built): it
    /// keeps slot numbering aligned and is never linked, so no search reaches it.
    func addIsolated() { _ = addNode(level: 0) }

    /// A level drawn with P(level ≥ l) = M^−l, the paper's mL = 1/ln M (capped at 31).
    private func drawLevel() -> Int {
        var l = 0
        let p = 1 / Double(m)
        while l < 31 && rng.unit() < p { l += 1 }
        return l
    }

    /// Inserts the next slot of `slab` (algorithm 1). `scratch` is the builder's own. The
    /// candidate search walks the graph with int8 similarities (as queries do: a quarter of the
    /// memory traffic); the efConstruction candidates it finds are re-scored in f32, and the
    /// neighbour selection and every stored link use exact similarities.
    func insert(slab: VectorSlab, scratch: Scratch) {
        let level = drawLevel()
        let node = addNode(level: level)
        let exact = F32Probe(slab: slab, query: slab.vector(node))
        Distance.widen(slab.codes(node), count: slab.dimension, into: scratch.query16)
        let probe = I8Probe(slab: slab, query: scratch.query16)
        guard entry >= 0 else {
            entry = Int32(node)
            maxLevel = level
            return
        }
        var ep = Int(entry)
        var sim = probe.similarity(ep)
        var layer = maxLevel
        while layer > level {
            (ep, sim) = greedy(probe, from: ep, similarity: sim, layer: layer)
            layer -= 1
        }
        layer = Swift.min(level, maxLevel)
        var found: [Scored] = []
        while layer >= 0 {
            scratch.begin(nodes: count)
            searchLayer(probe, entry: ep, similarity: sim, ef: parameters.efConstruction, layer: layer, scratch: scratch, deleted: nil)
            found.removeAll(keepingCapacity: true)
            for i in 0..<scratch.results.count {
                let s = scratch.results.storage[i].slot
                found.append(Scored(similarity: exact.similarity(Int(s)), slot: s))
            }
            found.sort { $0.similarity > $1.similarity }
            let chosen = select(found, max: m, slab: slab)
            let own = links(node, layer)
            own[0] = UInt32(chosen.count)
            for (j, c) in chosen.enumerated() { own[j + 1] = c.slot }
            let cap = layer == 0 ? m0 : m
            for c in chosen { connect(Int(c.slot), to: node, similarity: c.similarity, layer: layer, cap: cap, slab: slab) }
            if let best = found.first {
                ep = Int(best.slot)
                sim = probe.similarity(ep)
            }
            layer -= 1
        }
        if level > maxLevel {
            entry = Int32(node)
            maxLevel = level
        }
    }

    /// Algorithm 4 without extension or kept pruned links: walk the candidates from the most
    /// similar; keep one only when it is more similar to the base than to every kept neighbour,
    /// so links spread in different directions instead of clustering.
    private func select(_ candidates: [Scored], max: Int, slab: VectorSlab) -> [Scored] {
        if candidates.count <= max { return candidates }
        var kept: [Scored] = []
        kept.reserveCapacity(max)
        let d = slab.dimension
        for c in candidates {
            if kept.count == max { break }
            let v = slab.vector(Int(c.slot))
            var good = true
            for r in kept where Distance.dot(v, slab.vector(Int(r.slot)), count: d) > c.similarity {
                good = false
                break
            }
            if good { kept.append(c) }
        }
        return kept
    }

    /// Adds the back link `from → to`; a full record is re-selected with the heuristic.
    private func connect(_ from: Int, to: Int, similarity: Float, layer: Int, cap: Int, slab: VectorSlab) {
        let l = links(from, layer)
        let n = Int(l[0])
        if n < cap {
            l[n + 1] = UInt32(to)
            l[0] = UInt32(n + 1)
            return
        }
        let base = slab.vector(from)
        let d = slab.dimension
        var all = [Scored(similarity: similarity, slot: UInt32(to))]
        all.reserveCapacity(n + 1)
        for j in 0..<n {
            let e = l[j + 1]
            all.append(Scored(similarity: Distance.dot(base, slab.vector(Int(e)), count: d), slot: e))
        }
        all.sort { $0.similarity > $1.similarity }
        let chosen = select(all, max: cap, slab: slab)
        l[0] = UInt32(chosen.count)
        for (j, c) in chosen.enumerated() { l[j + 1] = c.slot }
    }

    /// Restores a graph from checked arrays (HNSWFile); `level0`/`upper` are copied.
    init(parameters: HNSWParameters, count: Int, levels lv: [UInt8], level0 l0: UnsafeRawPointer, upperStart us: [Int32],
         upper up: UnsafeRawPointer, upperCount uc: Int, entry: Int32, maxLevel: Int) {
        self.parameters = parameters
        m = parameters.m
        m0 = 2 * parameters.m
        stride0 = 1 + m0
        strideUpper = 1 + m
        capacity = Swift.max(count, 16)
        level0 = .allocate(capacity: capacity * stride0)
        levels = .allocate(capacity: capacity)
        upperStart = .allocate(capacity: capacity)
        upperCapacity = Swift.max(uc, 16)
        upper = .allocate(capacity: upperCapacity * strideUpper)
        UnsafeMutableRawPointer(level0).copyMemory(from: l0, byteCount: count * stride0 * 4)
        UnsafeMutableRawPointer(upper).copyMemory(from: up, byteCount: uc * strideUpper * 4)
        for i in 0..<count {
            levels[i] = lv[i]
            upperStart[i] = us[i]
        }
        self.count = count
        upperCount = uc
        self.entry = entry
        self.maxLevel = maxLevel
        rng = SplitMix64(seed: parameters.seed &+ UInt64(count))
    }
}
