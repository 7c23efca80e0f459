// The risk–coverage table of a stage's calibrated confidences on held-apart data, and the accept
// threshold for a target precision.
//
// The rule: accept at the LOWEST threshold t whose accepted set {p ≥ t} has a one-sided 95%
// Wilson lower bound on its precision of at least the target. Why this rule:
// - The promise is about the answers actually shown: "of the accepted answers, at least 95% are
//   right". That is the precision of the whole accepted set at t, so that is what is bounded.
// - A point estimate (precision ≥ target) would pass on 20 lucky answers; the Wilson bound
//   charges for small samples on its own (all right needs ≥ 52 answers before the bound reaches
//   0.95), so no separate minimum count is needed, and unlike the normal approximation it stays
//   inside [0, 1] and behaves near precision 1, where we operate.
// - Among thresholds that pass, the lowest gives the most coverage. When none passes the stage
//   accepts nothing (threshold nil): the data do not support the promise.
import Foundation   // sqrt

public enum RiskCoverage {
    /// z for a one-sided 95% bound.
    public static let z95 = 1.6448536269514722

    /// One row: accept every answer with confidence ≥ `threshold`.
    public struct Point: Sendable, Equatable {
        public var threshold: Double
        public var accepted: Int
        public var correct: Int
        /// Number of rows in the table's data (the coverage denominator).
        public var total: Int

        public var precision: Double { accepted == 0 ? 1 : Double(correct) / Double(accepted) }
        public var coverage: Double { total == 0 ? 0 : Double(accepted) / Double(total) }
        /// One-sided Wilson lower bound on the precision (z = 1.645).
        public var precisionLowerBound: Double { RiskCoverage.wilsonLowerBound(correct: correct, of: accepted) }
    }

    /// One row per distinct confidence, highest threshold first.
    public static func table(_ p: [Double], _ correct: [Bool]) -> [Point] {
        let order = (0..<p.count).sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        var out: [Point] = []
        var accepted = 0, right = 0, i = 0
        while i < order.count {
            let t = p[order[i]]
            while i < order.count && p[order[i]] == t {
                accepted += 1
                if correct[order[i]] { right += 1 }
                i += 1
            }
            out.append(Point(threshold: t, accepted: accepted, correct: right, total: p.count))
        }
        return out
    }

    /// Wilson score interval's lower end for `correct` successes in `n` trials; 0 when n = 0.
    public static func wilsonLowerBound(correct: Int, of n: Int, z: Double = z95) -> Double {
        guard n > 0 else { return 0 }
        let nn = Double(n), phat = Double(correct) / nn, z2 = z * z
        let centre = phat + z2 / (2 * nn)
        let spread = z * sqrt(phat * (1 - phat) / nn + z2 / (4 * nn * nn))
        return max(0, (centre - spread) / (1 + z2 / nn))
    }

    /// The lowest threshold whose accepted set's Wilson lower bound reaches `target`, with its
    /// table row; nil when no threshold does (accept nothing).
    public static func threshold(forPrecision target: Double, _ table: [Point]) -> Point? {
        var best: Point?
        for point in table where point.precisionLowerBound >= target { best = point } // rows go downwards
        return best
    }

    /// The lowest threshold that accepts at most ⌊(1 − rate)·n⌋ rows, so at least `rate` of the
    /// questions escalate (a tie is never split: all of it is accepted or none). nil when even the
    /// highest threshold would accept more.
    public static func threshold(forEscalation rate: Double, _ table: [Point]) -> Point? {
        guard let total = table.first?.total else { return nil }
        let keep = Int((1 - min(max(rate, 0), 1)) * Double(total))
        var best: Point?
        for point in table where point.accepted <= keep { best = point }
        return best
    }
}
