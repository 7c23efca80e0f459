// The f32 kernels against naive reference loops in Double on seeded random data: matmul (every
// tile/remainder/partial-panel/thread-split path), layer norm, GELU, exp, softmax, attention,
// mean pooling and L2 normalisation. Each tolerance is stated where it is checked.
import Foundation
import Tensor
import Testing
import TestSupport

extension SeededRandom {
    init(_ seed: UInt64) { self.init(seed: seed) }
    /// Uniform in [lo, hi).
    mutating func float(_ lo: Float = -1, _ hi: Float = 1) -> Float { lo + (hi - lo) * unitFloat() }
    mutating func floats(_ n: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<n).map { _ in float(lo, hi) }
    }
}

func referenceGelu(_ x: Double) -> Double { 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }

@Suite struct F32KernelTests {
    struct MatmulCase: CustomTestStringConvertible, Sendable {
        let rows: Int, n: Int, k: Int, threads: Int
        let bias: Bool, residual: Bool, activation: Activation
        var testDescription: String { "\(rows)×\(k)·(\(n)×\(k))ᵀ t\(threads) b\(bias) r\(residual) \(activation)" }
    }

    static let matmulCases: [MatmulCase] = [
        MatmulCase(rows: 1, n: 32, k: 1, threads: 1, bias: false, residual: false, activation: .none),
        MatmulCase(rows: 8, n: 32, k: 128, threads: 1, bias: true, residual: false, activation: .none),
        MatmulCase(rows: 9, n: 64, k: 129, threads: 2, bias: true, residual: true, activation: .none),
        MatmulCase(rows: 37, n: 96, k: 384, threads: 2, bias: true, residual: false, activation: .gelu),
        MatmulCase(rows: 100, n: 48, k: 300, threads: 3, bias: true, residual: true, activation: .none),
        MatmulCase(rows: 5, n: 200, k: 70, threads: 2, bias: true, residual: false, activation: .gelu),
        MatmulCase(rows: 70, n: 1, k: 17, threads: 2, bias: false, residual: true, activation: .none),
        MatmulCase(rows: 19, n: 40, k: 33, threads: 2, bias: true, residual: true, activation: .gelu),
        MatmulCase(rows: 130, n: 384, k: 1536, threads: 2, bias: true, residual: true, activation: .none),
    ]

    /// |y − ref| ≤ 1e-5·(Σ|x·w| + |b| + |r|) + 1e-6: f32 summation of k terms, each rounded once
    /// by the FMA, stays far inside that (blocked sums grow like √k·ε, not k·ε).
    @Test(arguments: matmulCases)
    func matmulMatchesNaiveLoop(_ c: MatmulCase) {
        var rng = SeededRandom(UInt64(c.rows * 1_000_003 + c.n * 1009 + c.k))
        let x = rng.floats(c.rows * c.k), w = rng.floats(c.n * c.k)
        let b = rng.floats(c.n), r = rng.floats(c.rows * c.n)
        let packed = w.withUnsafeBufferPointer { PackedMatrix(weights: $0.baseAddress!, rows: c.n, columns: c.k) }
        var y = [Float](repeating: .nan, count: c.rows * c.n)
        x.withUnsafeBufferPointer { xp in b.withUnsafeBufferPointer { bp in r.withUnsafeBufferPointer { rp in
            y.withUnsafeMutableBufferPointer { yp in
                F32.matmul(xp.baseAddress!, rows: c.rows, weights: packed, bias: c.bias ? bp.baseAddress! : nil,
                           residual: c.residual ? rp.baseAddress! : nil, activation: c.activation,
                           into: yp.baseAddress!, threads: c.threads)
            }
        } } }
        var worst = 0.0
        for i in 0..<c.rows {
            for j in 0..<c.n {
                var s = c.bias ? Double(b[j]) : 0, mag = abs(s)
                for t in 0..<c.k {
                    let p = Double(x[i * c.k + t]) * Double(w[j * c.k + t])
                    s += p
                    mag += abs(p)
                }
                if case .gelu = c.activation { s = referenceGelu(s) }
                if c.residual { s += Double(r[i * c.n + j]); mag += abs(Double(r[i * c.n + j])) }
                worst = max(worst, abs(Double(y[i * c.n + j]) - s) / (1e-5 * mag + 1e-6))
            }
        }
        #expect(worst <= 1, "worst error / tolerance = \(worst)")
    }

    /// A row's result does not depend on the tile it was computed in (8, 4, 2 or 1 rows): the
    /// same products are summed in the same order, so a question's embedding has the same bits
    /// whatever its length.
    @Test func rowTilesGiveTheBitsOfOneRowAtATime() {
        var rng = SeededRandom(15)
        let rows = 15, n = 64, k = 384
        let x = rng.floats(rows * k), w = rng.floats(n * k), b = rng.floats(n)
        let packed = w.withUnsafeBufferPointer { PackedMatrix(weights: $0.baseAddress!, rows: n, columns: k) }
        var tiled = [Float](repeating: .nan, count: rows * n), single = tiled
        x.withUnsafeBufferPointer { xp in b.withUnsafeBufferPointer { bp in
            tiled.withUnsafeMutableBufferPointer { yp in
                F32.matmul(xp.baseAddress!, rows: rows, weights: packed, bias: bp.baseAddress!, activation: .gelu,
                           into: yp.baseAddress!, threads: 1)
            }
            single.withUnsafeMutableBufferPointer { yp in
                for r in 0..<rows {
                    F32.matmul(xp.baseAddress! + r * k, rows: 1, weights: packed, bias: bp.baseAddress!, activation: .gelu,
                               into: yp.baseAddress! + r * n, threads: 1)
                }
            }
        } }
        #expect(tiled.map(\.bitPattern) == single.map(\.bitPattern))
    }

    /// exp: relative error ≤ 4e-7 (≈3 ulp) against Foundation's exp over [-87, 88].
    @Test func expIsAccurate() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            var v = F32x16.zero
            for l in 0..<16 { v[l] = x + Float(l) * 0.0007 }
            let e = VectorMath.exp(v)
            for l in 0..<16 {
                let ref = Foundation.exp(Double(v[l]))
                worst = max(worst, Float(abs(Double(e[l]) - ref) / ref))
            }
            x += 0.0113
        }
        #expect(worst < 4e-7, "max relative error \(worst)")
        #expect(VectorMath.exp(F32x16(repeating: -.infinity))[0] == 0)
        #expect(VectorMath.exp(F32x16(repeating: -200))[3] == 0)
        #expect(VectorMath.exp(F32x16(repeating: 0))[0] == 1)
    }

    /// GELU: |y − ref| ≤ 1e-6·max(1, |x|) on [-12, 12] (the Chebyshev erfc fit is good to 1.2e-7
    /// relative; the rest is float rounding).
    @Test func geluMatchesErfForm() {
        var worst = 0.0
        let xs = (0..<24_001).map { Float($0) * 0.001 - 12 }
        var ys = xs
        ys.withUnsafeMutableBufferPointer { F32.gelu($0.baseAddress!, count: $0.count) }
        for (x, y) in zip(xs, ys) {
            worst = max(worst, abs(Double(y) - referenceGelu(Double(x))) / max(1, abs(Double(x))))
        }
        #expect(worst < 1e-6, "max scaled error \(worst)")
        var tail: [Float] = [-1, 0.5, 3]   // shorter than one vector: the tail path alone
        tail.withUnsafeMutableBufferPointer { F32.gelu($0.baseAddress!, count: 3) }
        #expect(abs(Double(tail[2]) - referenceGelu(3)) < 1e-6)
    }

    /// Layer norm: |y − ref| ≤ 1e-5 (unit-variance outputs scaled by gamma ≤ 2).
    @Test(arguments: [(1, 384), (33, 384), (5, 7), (40, 100)])
    func layerNormMatchesNaiveLoop(_ shape: (Int, Int)) {
        let (rows, n) = shape
        var rng = SeededRandom(UInt64(rows * 7 + n))
        let x = rng.floats(rows * n, -3, 5), g = rng.floats(n, 0, 2), b = rng.floats(n)
        var y = [Float](repeating: .nan, count: rows * n)
        x.withUnsafeBufferPointer { xp in g.withUnsafeBufferPointer { gp in b.withUnsafeBufferPointer { bp in
            y.withUnsafeMutableBufferPointer {
                F32.layerNorm(xp.baseAddress!, rows: rows, width: n, gamma: gp.baseAddress!, beta: bp.baseAddress!,
                              eps: 1e-12, into: $0.baseAddress!, threads: 2)
            }
        } } }
        var worst = 0.0
        for r in 0..<rows {
            let row = x[(r * n)..<((r + 1) * n)].map(Double.init)
            let mean = row.reduce(0, +) / Double(n)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
            for j in 0..<n {
                let ref = (row[j] - mean) / (variance + 1e-12).squareRoot() * Double(g[j]) + Double(b[j])
                worst = max(worst, abs(Double(y[r * n + j]) - ref))
            }
        }
        #expect(worst < 1e-5, "max error \(worst)")
    }

    /// Softmax: |p − ref| ≤ 1e-7 + 1e-6·ref; masked (−inf) entries are exactly 0; sums to 1.
    @Test(arguments: [1, 5, 16, 33, 256])
    func softmaxIsStableAndMasked(_ n: Int) {
        var rng = SeededRandom(UInt64(n))
        var x = rng.floats(n, -30, 30)
        x[0] += 1000   // a large logit: the naive exp would overflow
        if n > 3 { x[n - 1] = -.infinity }
        let input = x
        x.withUnsafeMutableBufferPointer { F32.softmax($0.baseAddress!, count: n) }
        let top = input.max()!
        let es = input.map { $0 == -.infinity ? 0 : Foundation.exp(Double($0 - top)) }
        let total = es.reduce(0, +)
        for j in 0..<n {
            let ref = es[j] / total
            #expect(abs(Double(x[j]) - ref) <= 1e-7 + 1e-6 * ref)
        }
        if n > 3 { #expect(x[n - 1] == 0) }
        #expect(abs(x.reduce(0, +) - 1) < 1e-5)
        var allMasked = [Float](repeating: -.infinity, count: 4)
        allMasked.withUnsafeMutableBufferPointer { F32.softmax($0.baseAddress!, count: 4) }
        #expect(allMasked == [0, 0, 0, 0])
    }

    /// Attention over three packed sequences (lengths 1, 17 and 40) against the textbook formula
    /// per head in Double: |out − ref| ≤ 1e-5.
    @Test(arguments: [(12, 32, 2), (2, 64, 1), (3, 20, 3)])
    func attentionMatchesNaiveFormula(_ shape: (Int, Int, Int)) {
        let (heads, headDim, threads) = shape
        let lengths = [1, 17, 40], hidden = heads * headDim
        let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
        let tokens = offsets.last!
        var rng = SeededRandom(UInt64(hidden))
        let qkv = rng.floats(tokens * 3 * hidden, -2, 2)
        var out = [Float](repeating: .nan, count: tokens * hidden)
        var scratch = [Float](repeating: .nan, count: F32.attentionScratchCount(maxLength: 40, headDim: headDim, threads: threads))
        qkv.withUnsafeBufferPointer { q in offsets.withUnsafeBufferPointer { o in
            scratch.withUnsafeMutableBufferPointer { s in out.withUnsafeMutableBufferPointer { op in
                F32.attention(qkv: q.baseAddress!, offsets: o, heads: heads, headDim: headDim,
                              scratch: s.baseAddress!, into: op.baseAddress!, threads: threads)
            } }
        } }
        var worst = 0.0
        for (s, length) in lengths.enumerated() {
            let start = offsets[s]
            func at(_ t: Int, _ part: Int, _ h: Int, _ d: Int) -> Double {
                Double(qkv[(start + t) * 3 * hidden + part * hidden + h * headDim + d])
            }
            for h in 0..<heads {
                for i in 0..<length {
                    var logits = (0..<length).map { j in
                        (0..<headDim).reduce(0.0) { $0 + at(i, 0, h, $1) * at(j, 1, h, $1) } / Double(headDim).squareRoot()
                    }
                    let top = logits.max()!
                    logits = logits.map { Foundation.exp($0 - top) }
                    let total = logits.reduce(0, +)
                    for d in 0..<headDim {
                        let ref = (0..<length).reduce(0.0) { $0 + logits[$1] / total * at($1, 2, h, d) }
                        worst = max(worst, abs(Double(out[(start + i) * hidden + h * headDim + d]) - ref))
                    }
                }
            }
        }
        #expect(worst < 1e-5, "max error \(worst)")
    }

    /// Mean pooling with a mask and L2 normalisation: |y − ref| ≤ 1e-6.
    @Test func meanPoolAndNormalise() {
        var rng = SeededRandom(42)
        let rows = 9, n = 37
        let x = rng.floats(rows * n)
        let mask: [Float] = [1, 1, 0, 1, 1, 1, 0, 0, 1]
        var y = [Float](repeating: .nan, count: n)
        x.withUnsafeBufferPointer { xp in mask.withUnsafeBufferPointer { mp in y.withUnsafeMutableBufferPointer {
            F32.meanPool(xp.baseAddress!, rows: rows, width: n, mask: mp.baseAddress!, into: $0.baseAddress!)
        } } }
        let kept = (0..<rows).filter { mask[$0] == 1 }
        for j in 0..<n {
            let ref = kept.reduce(0.0) { $0 + Double(x[$1 * n + j]) } / Double(kept.count)
            #expect(abs(Double(y[j]) - ref) < 1e-6)
        }
        let before = y
        y.withUnsafeMutableBufferPointer { F32.l2Normalize($0.baseAddress!, count: n) }
        let norm = before.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        for j in 0..<n { #expect(abs(Double(y[j]) - Double(before[j]) / norm) < 1e-6) }
        var zero = [Float](repeating: 0, count: 20)
        zero.withUnsafeMutableBufferPointer { F32.l2Normalize($0.baseAddress!, count: 20) }
        #expect(zero.allSatisfy { $0 == 0 })
        var none = [Float](repeating: .nan, count: n)
        let allMasked = [Float](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { xp in allMasked.withUnsafeBufferPointer { mp in none.withUnsafeMutableBufferPointer {
            F32.meanPool(xp.baseAddress!, rows: rows, width: n, mask: mp.baseAddress!, into: $0.baseAddress!)
        } } }
        #expect(none.allSatisfy { $0 == 0 })
    }

    @Test func sliceCoversEverythingOnce() {
        for count in [0, 1, 7, 8, 9, 100, 1001] {
            for parts in 1...5 {
                var seen = [Int](repeating: 0, count: count)
                for p in 0..<parts {
                    let r = Parallel.slice(count, parts: parts, part: p, granule: 8)
                    if r.lowerBound < count { #expect(r.lowerBound % 8 == 0) }
                    for i in r { seen[i] += 1 }
                }
                #expect(seen.allSatisfy { $0 == 1 })
            }
        }
    }
}
