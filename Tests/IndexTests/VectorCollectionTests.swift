// The vector collection on its own: exact scans against a naive loop, the int8 kernels against
// integer arithmetic, HNSW recall on seeded clustered data, removed vectors never returned, and
// the graph kept through incremental inserts, compaction and a save/load round trip.
import Foundation
import Index
import Posix
import Tensor
import Testing
import TestSupport

/// Gaussian draws from the seeded generator, so every data set here is reproducible.
typealias VectorRandom = SeededRandom

extension SeededRandom {
    init(_ seed: UInt64) { self.init(seed: seed) }
    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Float {
        let u = max(unitFloat(), 1e-7), v = unitFloat()
        return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
    }
}

/// Clustered unit vectors: `clusters` random centres (drawn from `seed`), each point a centre
/// plus noise (drawn from `pointSeed`, so queries come from the same clusters as the data).
enum SyntheticVectors {
    static func make(count: Int, dimension: Int, clusters: Int, noise: Float, seed: UInt64, pointSeed: UInt64? = nil) -> [[Float]] {
        var r = VectorRandom(seed)
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in r.gaussian() } }
        if let pointSeed { r = VectorRandom(pointSeed) }
        return (0..<count).map { _ in
            let c = centres[Int(r.next() % UInt64(clusters))]
            let v = (0..<dimension).map { c[$0] + noise * r.gaussian() }
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / n }
        }
    }

    static func naiveTop(_ data: [[Float]], ids: [Int64], _ q: [Float], k: Int, skip: Set<Int64> = []) -> [Int64] {
        let n = q.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        var scored: [(Int64, Double)] = []
        for (i, v) in data.enumerated() where !skip.contains(ids[i]) {
            scored.append((ids[i], zip(v, q).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / n))
        }
        return scored.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(k).map(\.0)
    }
}

@Suite struct VectorCollectionTests {
    @Test func kernelsMatchPlainArithmetic() {
        var r = VectorRandom(7)
        for n in [1, 15, 16, 17, 63, 64, 65, 384, 1000] {
            let a = (0..<n).map { _ in r.gaussian() }, b = (0..<n).map { _ in r.gaussian() }
            let want = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let got = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                Distance.dot(pa.baseAddress!, pb.baseAddress!, count: n) } }
            #expect(abs(Double(got) - want) <= 1e-4 * max(1, abs(want)), "f32 dot n=\(n)")
            let qa = (0..<n).map { _ in Int8(truncatingIfNeeded: Int(r.next() % 255) - 127) }
            let qb = (0..<n).map { _ in Int8(truncatingIfNeeded: Int(r.next() % 255) - 127) }
            let wantI = zip(qa, qb).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) }
            let wide = qa.map(Int16.init)
            #expect(qa.withUnsafeBufferPointer { x in qb.withUnsafeBufferPointer { y in Distance.dot(x.baseAddress!, y.baseAddress!, count: n) } } == wantI)
            #expect(wide.withUnsafeBufferPointer { x in qb.withUnsafeBufferPointer { y in Distance.dot(x.baseAddress!, y.baseAddress!, count: n) } } == wantI)
            // Quantisation error: each code is within half a step of the value.
            var codes = [Int8](repeating: 0, count: n)
            let scale = a.withUnsafeBufferPointer { p in codes.withUnsafeMutableBufferPointer { Distance.quantize(p.baseAddress!, count: n, into: $0.baseAddress!) } }
            for i in 0..<n { #expect(abs(a[i] - scale * Float(codes[i])) <= scale * 0.5 + 1e-6) }
        }
    }

    @Test func exactSearchMatchesNaiveScan() throws {
        let data = SyntheticVectors.make(count: 3000, dimension: 48, clusters: 20, noise: 0.6, seed: 11)
        let ids = data.indices.map { Int64($0 * 3 + 5) }
        let c = VectorCollection(dimension: 48)
        try c.add(Array(zip(ids, data)).map { (id: $0.0, vector: $0.1) })
        let queries = SyntheticVectors.make(count: 50, dimension: 48, clusters: 20, noise: 0.6, seed: 11, pointSeed: 12)
        var quantizedAgree = 0
        for q in queries {
            let want = SyntheticVectors.naiveTop(data, ids: ids, q, k: 10)
            let got = c.search(q, k: 10, mode: .exact)
            #expect(got.map(\.id) == want)
            #expect(zip(got, got.dropFirst()).allSatisfy { $0.score >= $1.score })
            quantizedAgree += Set(c.search(q, k: 10, mode: .exactQuantized).map(\.id)).intersection(want).count
        }
        #expect(Double(quantizedAgree) / 500 >= 0.98, "int8 scan + f32 re-rank recall \(Double(quantizedAgree) / 500)")
        #expect(c.search([1, 2], k: 3).isEmpty, "a query of the wrong length matches nothing")
        #expect(throws: IndexError.self) { try c.add(id: 1, vector: [1, 2, 3]) }
        #expect(throws: IndexError.self) { try c.add(id: ids[0], vector: data[0]) }
    }

    /// Recall@10 of the graph against the exact scan on 20,000 clustered 64-d vectors: ≥ 0.95
    /// at ef = 64 (a fixed seed, so the figure is stable; it is printed).
    @Test func hnswRecallOnClusteredData() throws {
        let data = SyntheticVectors.make(count: 20_000, dimension: 64, clusters: 200, noise: 0.35, seed: 21)
        let c = VectorCollection(dimension: 64, parameters: HNSWParameters(m: 16, efConstruction: 100), graphThreshold: 1000)
        let start = ContinuousClock.now
        try c.add(data.enumerated().map { (id: Int64($0.offset + 1), vector: $0.element) })
        let built = ContinuousClock.now - start
        #expect(c.hasGraph)
        let queries = SyntheticVectors.make(count: 300, dimension: 64, clusters: 200, noise: 0.35, seed: 21, pointSeed: 22)
        var hits = 0
        for q in queries {
            let truth = Set(c.search(q, k: 10, mode: .exact).map(\.id))
            hits += c.search(q, k: 10, ef: 64, mode: .approximate).filter { truth.contains($0.id) }.count
        }
        let recall = Double(hits) / Double(queries.count * 10)
        print("hnsw synthetic: recall@10 \(recall) at ef 64 (20,000 × 64-d, built in \(built))")
        #expect(recall >= 0.95)
    }

    /// Insert, remove half, query: no removed id ever comes back, from the scan or the graph,
    /// before or after compaction and a save/load round trip.
    @Test func removedVectorsAreNeverReturned() throws {
        let data = SyntheticVectors.make(count: 6000, dimension: 32, clusters: 30, noise: 0.5, seed: 31)
        let c = VectorCollection(dimension: 32, parameters: HNSWParameters(m: 8, efConstruction: 64), graphThreshold: 500)
        try c.add(data.enumerated().map { (id: Int64($0.offset + 1), vector: $0.element) })
        let gone = Set((0..<6000).filter { $0 % 2 == 0 }.map { Int64($0 + 1) })
        // Removed in slices so some searches run with tombstones in the graph, before compaction.
        let slices = Array(gone).sorted().chunked(into: 500)
        let queries = SyntheticVectors.make(count: 40, dimension: 32, clusters: 30, noise: 0.5, seed: 31, pointSeed: 32)
        var removed = Set<Int64>()
        for slice in slices {
            #expect(c.remove(ids: slice) == slice.count)
            removed.formUnion(slice)
            for q in queries.prefix(5) {
                for mode in [VectorSearchMode.approximate, .exact, .exactQuantized] {
                    let got = c.search(q, k: 20, ef: 40, mode: mode).map(\.id)
                    #expect(got.allSatisfy { !removed.contains($0) }, "\(mode) returned a removed id")
                    #expect(got.count == 20)
                }
            }
        }
        #expect(c.count == 3000)
        #expect(c.deletedCount < 3000, "compaction reclaimed the slots")
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try c.save(directory: dir, generation: 7, indexID: 99)
        let loaded = try #require(try VectorCollection.load(directory: dir, indexID: 99,
                                                             parameters: HNSWParameters(m: 8, efConstruction: 64), graphThreshold: 500))
        #expect(loaded.loadNotes.isEmpty, "\(loaded.loadNotes)")
        // Tombstones are saved as id 0, so the reloaded collection has exactly the live vectors.
        #expect(loaded.hasGraph && loaded.count == 3000 && loaded.deletedCount == c.deletedCount && loaded.savedGeneration == 7)
        try loaded.verifyFiles()
        var agree = 0
        for q in queries {
            let a = loaded.search(q, k: 10, ef: 60, mode: .approximate).map(\.id)
            #expect(a.allSatisfy { !gone.contains($0) })
            agree += Set(a).intersection(SyntheticVectors.naiveTop(data, ids: (0..<6000).map { Int64($0 + 1) }, q, k: 10, skip: gone)).count
        }
        #expect(Double(agree) / 400 >= 0.95, "loaded graph recall \(Double(agree) / 400)")
        // The loaded (mapped) collection keeps taking inserts into its graph.
        try loaded.add(id: 100_000, vector: queries[0])
        #expect(loaded.search(queries[0], k: 1, mode: .approximate).first?.id == 100_000)
    }
}

extension Array {
    func chunked(into n: Int) -> [[Element]] {
        stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) }
    }
}
