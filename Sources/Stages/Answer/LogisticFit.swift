// Fits the calibration map: logistic regression of "the answer was right" on a stage's features,
// by Newton's method with a small L2 penalty (features are standardised first, so the penalty
// treats them alike), plus the threshold choice for a target precision or escalation rate.
import Foundation

public enum LogisticFit {
    /// Weights and bias in the original (unstandardised) feature space.
    public static func fit(_ x: [[Double]], _ y: [Bool], l2: Double = 1e-2, iterations: Int = 50) -> (weights: [Double], bias: Double) {
        guard let d = x.first?.count, !x.isEmpty else { return ([], 0) }
        let n = Double(x.count)
        var mean = [Double](repeating: 0, count: d), sd = [Double](repeating: 0, count: d)
        for row in x { for j in 0..<d { mean[j] += row[j] / n } }
        for row in x { for j in 0..<d { sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n } }
        sd = sd.map { max(sqrt($0), 1e-9) }
        let z = x.map { row in (0..<d).map { (row[$0] - mean[$0]) / sd[$0] } + [1] } // bias column last
        var w = [Double](repeating: 0, count: d + 1)
        for _ in 0..<iterations {
            var g = [Double](repeating: 0, count: d + 1)
            var h = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d + 1)
            for (i, row) in z.enumerated() {
                let p = sigmoid(zip(w, row).reduce(0) { $0 + $1.0 * $1.1 })
                let r = p - (y[i] ? 1 : 0)
                let s = max(p * (1 - p), 1e-12)
                for a in 0...d {
                    g[a] += r * row[a]
                    for b in 0...d { h[a][b] += s * row[a] * row[b] }
                }
            }
            for a in 0..<d { g[a] += l2 * n * w[a]; h[a][a] += l2 * n }
            guard let step = solve(h, g) else { break }
            for a in 0...d { w[a] -= step[a] }
            if step.map(abs).max() ?? 0 < 1e-9 { break }
        }
        // Back to the original scale: w_j' = w_j / sd_j, b' = b - Σ w_j mean_j / sd_j.
        let weights = (0..<d).map { w[$0] / sd[$0] }
        let bias = w[d] - (0..<d).reduce(0) { $0 + w[$1] * mean[$1] / sd[$1] }
        return (weights, bias)
    }

    public static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    /// Gaussian elimination with partial pivoting; nil for a singular system.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a
        var v = b
        let n = v.count
        for c in 0..<n {
            guard let p = (c..<n).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[p][c]) > 1e-12 else { return nil }
            m.swapAt(c, p)
            v.swapAt(c, p)
            for r in (c + 1)..<n where m[r][c] != 0 {
                let f = m[r][c] / m[c][c]
                for k in c..<n { m[r][k] -= f * m[c][k] }
                v[r] -= f * v[c]
            }
        }
        var out = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            out[r] = (v[r] - ((r + 1)..<n).reduce(0) { $0 + m[r][$1] * out[$1] }) / m[r][r]
        }
        return out
    }

    /// One row of a risk-coverage table: accepting answers with confidence ≥ threshold.
    public struct Point: Sendable, Equatable {
        public var threshold: Double
        /// Answers accepted, and how many of them were right.
        public var accepted: Int
        public var correct: Int
        public var precision: Double { accepted == 0 ? 1 : Double(correct) / Double(accepted) }
    }

    /// The table over every distinct confidence, highest threshold first.
    public static func riskCoverage(_ scored: [(p: Double, correct: Bool)]) -> [Point] {
        let sorted = scored.sorted { $0.p > $1.p }
        var out: [Point] = []
        var acc = 0, cor = 0
        var i = 0
        while i < sorted.count {
            let t = sorted[i].p
            while i < sorted.count && sorted[i].p == t {
                acc += 1
                if sorted[i].correct { cor += 1 }
                i += 1
            }
            out.append(Point(threshold: t, accepted: acc, correct: cor))
        }
        return out
    }

    /// The lowest threshold whose accepted set keeps at least `precision` (ignoring sets smaller
    /// than `minAccepted`, whose precision is noise); 1.0 (accept nothing) when none does.
    public static func threshold(forPrecision precision: Double, _ table: [Point], minAccepted: Int = 20) -> Double {
        var best = 1.0
        for p in table where p.accepted >= minAccepted && p.precision >= precision { best = p.threshold }
        return best
    }

    /// The threshold that escalates about `rate` of all questions.
    public static func threshold(forEscalation rate: Double, _ scored: [Double]) -> Double {
        let sorted = scored.sorted(by: >)
        guard !sorted.isEmpty else { return 1 }
        let keep = Int((1 - rate) * Double(sorted.count))
        return keep <= 0 ? 1 : sorted[min(keep, sorted.count) - 1]
    }
}
