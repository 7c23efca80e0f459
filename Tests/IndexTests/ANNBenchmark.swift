// The Swift side of scripts/bench/ann, gated by NERVE_BENCH_ANN_DIR (skipped otherwise): builds
// a VectorCollection over base.f32, then for each ef measures recall@10 against the exact
// neighbours in gt.i32 and single-threaded queries per second (best of 3 rounds). Prints one line per figure.
import Foundation
import Index
import Posix
import Testing
import TestSupport

@Suite struct ANNBenchmark {
    /// Row-major little-endian float32 `[rows, dimension]`.
    static func readF32(_ path: String, dimension: Int) throws -> [[Float]] {
        let bytes = try FileSystem.read(path)
        let rows = bytes.count / (4 * dimension)
        return bytes.withUnsafeBytes { b in
            (0..<rows).map { r in (0..<dimension).map { b.loadUnaligned(fromByteOffset: 4 * (r * dimension + $0), as: Float.self) } }
        }
    }

    @Test func annBenchmark() throws {
        guard let dir = Identity.environment("NERVE_BENCH_ANN_DIR") else { return }
        let env = { (k: String, d: String) in Identity.environment(k) ?? d }
        let dimension = Int(env("NERVE_BENCH_ANN_DIM", "384")) ?? 384
        let m = Int(env("NERVE_BENCH_ANN_M", "16")) ?? 16
        let efc = Int(env("NERVE_BENCH_ANN_EFC", "200")) ?? 200
        let efs = env("NERVE_BENCH_ANN_EF", "10,16,24,32,48,64,96,128,192,256").split(separator: ",").compactMap { Int($0) }
        let limit = Int(env("NERVE_BENCH_ANN_LIMIT", "0")) ?? 0

        var base = Identity.environment("NERVE_BENCH_ANN_LOAD") == nil ? try Self.readF32(dir + "/base.f32", dimension: dimension) : []
        if limit > 0 { base = Array(base.prefix(limit)) }
        let queries = try Self.readF32(dir + "/queries.f32", dimension: dimension)
        let gtBytes = try FileSystem.read(dir + "/gt.i32")
        // `[queries, 10]` int32 row numbers of base.f32, nearest first.
        let truth: [Set<Int64>] = gtBytes.withUnsafeBytes { b in
            (0..<queries.count).map { q in Set((0..<10).map { Int64(b.loadUnaligned(fromByteOffset: 4 * (q * 10 + $0), as: Int32.self)) + 1 }) }
        }
        #expect(truth.count == queries.count)

        let c: VectorCollection
        if let saved = Identity.environment("NERVE_BENCH_ANN_LOAD") {
            // A later round: the files a first round saved, mapped as the daemon maps them.
            let start = ContinuousClock.now
            guard let l = try VectorCollection.load(directory: saved, indexID: 1, graphThreshold: .max) else {
                Issue.record("no vector files in \(saved)")
                return
            }
            c = l
            print("ann-load: \(c.count) vectors in \((ContinuousClock.now - start) / .seconds(1)) s")
        } else {
            let rssBefore = Identity.residentBytes()
            c = VectorCollection(dimension: dimension, parameters: HNSWParameters(m: m, efConstruction: efc), graphThreshold: .max)
            try c.add(base.enumerated().map { (id: Int64($0.offset + 1), vector: $0.element) }, buildGraph: false)
            let loaded = Identity.residentBytes()
            let start = ContinuousClock.now
            c.buildGraph()
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            let rssAfter = Identity.residentBytes()
            print("ann-build: \(base.count) vectors \(dimension)-d M=\(m) efConstruction=\(efc) \(seconds) s, memory \(c.memoryBytes) bytes (rss +\(rssAfter - rssBefore), graph +\(rssAfter - loaded))")
            if let dir = Identity.environment("NERVE_BENCH_ANN_SAVE") { try c.save(directory: dir, generation: 1, indexID: 1) }
        }
        #expect(c.hasGraph)

        for ef in efs {
            var hits = 0
            _ = c.search(queries[0], k: 10, ef: ef, mode: .approximate)   // warm the scratch pool
            var results: [[VectorMatch]] = []
            var dt = Double.infinity
            for _ in 0..<3 {   // best of 3: the machine is shared
                results.removeAll(keepingCapacity: true)
                let t0 = ContinuousClock.now
                for q in queries { results.append(c.search(q, k: 10, ef: ef, mode: .approximate)) }
                dt = Swift.min(dt, (ContinuousClock.now - t0) / .seconds(1))
            }
            for (r, t) in zip(results, truth) { hits += r.filter { t.contains($0.id) }.count }
            let recall = Double(hits) / Double(queries.count * 10)
            print("ann-search: ef=\(ef) recall=\(recall) qps=\(Double(queries.count) / dt)")
        }
    }
}
