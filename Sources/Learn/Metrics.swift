// How good a set of probabilities is against outcomes: log loss, Brier score, expected calibration
// error with its reliability table, and AUC. All unweighted (one row, one vote).
import Foundation   // log

public enum Metrics {
    /// Probabilities are clipped to [ε, 1 − ε] before the log, so one confident mistake costs
    /// about 34.5 nats instead of infinity (the same ε as scikit-learn's float64 default).
    public static let logLossEpsilon = 1e-15

    /// Mean negative log-likelihood, in nats.
    public static func logLoss(_ p: [Double], _ y: [Bool]) -> Double {
        guard !p.isEmpty else { return 0 }
        var s = 0.0
        for (q, label) in zip(p, y) {
            let c = min(max(q, logLossEpsilon), 1 - logLossEpsilon)
            s -= label ? log(c) : log(1 - c)
        }
        return s / Double(p.count)
    }

    /// Mean squared difference between probability and outcome (0 or 1).
    public static func brier(_ p: [Double], _ y: [Bool]) -> Double {
        guard !p.isEmpty else { return 0 }
        var s = 0.0
        for (q, label) in zip(p, y) {
            let e = q - (label ? 1 : 0)
            s += e * e
        }
        return s / Double(p.count)
    }

    /// One bin of a reliability table.
    public struct Bin: Sendable, Equatable {
        public var count: Int
        /// Smallest and largest probability in the bin.
        public var low: Double, high: Double
        /// Mean predicted probability, and the fraction of positive outcomes.
        public var meanPredicted: Double, observed: Double
    }

    /// Equal-mass bins: rows sorted by probability (ties kept in row order), then cut into
    /// `bins` runs of ⌊n/bins⌋ or ⌈n/bins⌉ rows — bin b holds sorted rows ⌊b·n/bins⌋ ..<
    /// ⌊(b+1)·n/bins⌋. Equal mass keeps every bin's observed rate meaningful where equal-width
    /// bins would leave most rows in one or two bins. Empty bins (n < bins) are left out.
    public static func reliability(_ p: [Double], _ y: [Bool], bins: Int = 15) -> [Bin] {
        let n = p.count
        guard n > 0, bins > 0 else { return [] }
        let sorted = (0..<n).sorted { p[$0] < p[$1] || (p[$0] == p[$1] && $0 < $1) }
        var out: [Bin] = []
        for b in 0..<bins {
            let lo = b * n / bins, hi = (b + 1) * n / bins
            guard hi > lo else { continue }
            var sp = 0.0, sy = 0.0
            for k in lo..<hi {
                sp += p[sorted[k]]
                if y[sorted[k]] { sy += 1 }
            }
            let c = Double(hi - lo)
            out.append(Bin(count: hi - lo, low: p[sorted[lo]], high: p[sorted[hi - 1]],
                           meanPredicted: sp / c, observed: sy / c))
        }
        return out
    }

    /// Expected calibration error: Σ_b (n_b / n) · |mean predicted_b − observed_b| over the
    /// equal-mass bins of `reliability` (15 by default; the target is ECE ≤ 0.05).
    public static func ece(_ p: [Double], _ y: [Bool], bins: Int = 15) -> Double {
        guard !p.isEmpty else { return 0 }
        var s = 0.0
        for b in reliability(p, y, bins: bins) { s += Double(b.count) * abs(b.meanPredicted - b.observed) }
        return s / Double(p.count)
    }

    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative, ties counting one half (the Mann–Whitney statistic). 0.5 when a class is absent.
    public static func auc(_ score: [Double], _ y: [Bool]) -> Double {
        let order = (0..<score.count).sorted { score[$0] < score[$1] }
        var negativesBelow = 0.0, pairs = 0.0, positives = 0.0, negatives = 0.0
        var i = 0
        while i < order.count {
            var j = i, pos = 0.0, neg = 0.0
            while j < order.count && score[order[j]] == score[order[i]] {
                if y[order[j]] { pos += 1 } else { neg += 1 }
                j += 1
            }
            pairs += pos * (negativesBelow + 0.5 * neg)
            negativesBelow += neg
            positives += pos
            negatives += neg
            i = j
        }
        return positives == 0 || negatives == 0 ? 0.5 : pairs / (positives * negatives)
    }
}
