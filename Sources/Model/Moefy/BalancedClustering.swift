// Balanced spherical k-means: splits the FFN's neurons into experts of exactly equal size, so
// every expert is one tensor slice of the same shape (GGUF's stacked expert tensors need that).
// Points are compared by cosine; each round recomputes the centroids and re-assigns greedily
// from the most similar (point, cluster) pairs down, skipping clusters that are full.

import Random

enum BalancedClustering {
    /// Groups the `count` rows of `points` (`[count, dim]`) into `clusters` lists of
    /// `count / clusters` indices each, each list sorted. Precondition (checked by the caller):
    /// `count` is a positive multiple of `clusters`.
    static func cluster(_ points: [Float], count: Int, dim: Int, clusters: Int, iterations: Int = 12,
                        seed: UInt64 = 0x5EED) -> [[Int]] {
        let size = count / clusters
        var unit = points // [count, dim], each row L2-normalised
        for p in 0..<count { normalise(&unit, row: p, dim: dim) }

        // Start from a seeded random balanced split: k-means++ seeding buys little when the
        // capacity constraint re-shapes the clusters anyway.
        var rng = SplitMix64(seed: seed)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var assignment = [Int](repeating: 0, count: count)
        for (i, p) in order.enumerated() { assignment[p] = i / size }

        var centroids = [Float](repeating: 0, count: clusters * dim) // [clusters, dim]
        var similarity = [Float](repeating: 0, count: count * clusters) // [count, clusters]
        for _ in 0..<iterations {
            centroids.withUnsafeMutableBufferPointer { c in
                for i in c.indices { c[i] = 0 }
                unit.withUnsafeBufferPointer { u in
                    for p in 0..<count {
                        let base = assignment[p] * dim, src = p * dim
                        for d in 0..<dim { c[base + d] += u[src + d] }
                    }
                }
            }
            for c in 0..<clusters { normalise(&centroids, row: c, dim: dim) }
            unit.withUnsafeBufferPointer { u in
                centroids.withUnsafeBufferPointer { c in
                    similarity.withUnsafeMutableBufferPointer { s in
                        guard let ub = u.baseAddress, let cb = c.baseAddress else { return }
                        for p in 0..<count {
                            for k in 0..<clusters { s[p * clusters + k] = dot(ub + p * dim, cb + k * dim, dim) }
                        }
                    }
                }
            }
            let next = assign(similarity, count: count, clusters: clusters, size: size)
            if next == assignment { break }
            assignment = next
        }
        var groups = [[Int]](repeating: [], count: clusters)
        for p in 0..<count { groups[assignment[p]].append(p) }
        return groups
    }

    /// Greedy capacity-constrained assignment: pairs taken by descending similarity.
    static func assign(_ similarity: [Float], count: Int, clusters: Int, size: Int) -> [Int] {
        let pairs = (0..<(count * clusters)).sorted { similarity[$0] > similarity[$1] }
        var assignment = [Int](repeating: -1, count: count)
        var filled = [Int](repeating: 0, count: clusters)
        var left = count
        for pair in pairs where left > 0 {
            let p = pair / clusters, k = pair % clusters
            if assignment[p] >= 0 || filled[k] == size { continue }
            assignment[p] = k
            filled[k] += 1
            left -= 1
        }
        return assignment
    }

    static func normalise(_ v: inout [Float], row: Int, dim: Int) {
        var s: Float = 0
        for d in 0..<dim { s += v[row * dim + d] * v[row * dim + d] }
        let inv = s > 0 ? 1 / s.squareRoot() : 0
        for d in 0..<dim { v[row * dim + d] *= inv }
    }

    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: 0)
        var i = 0
        while i + 16 <= n {
            acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }
}
