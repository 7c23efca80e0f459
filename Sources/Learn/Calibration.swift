// Calibrators: maps from a model's raw score (its log-odds margin) to P(right), fitted on data the
// model did not train on. Platt scaling (a 1-D logistic fit) is smooth and needs little data;
// isotonic regression (pool adjacent violators) assumes only monotonicity. `choose` picks between
// them by cross-fitted held-out log loss.

/// Isotonic regression as a piecewise-linear map: knots `x` strictly increasing, `y`
/// non-decreasing in [0, 1]; linear between knots, flat beyond the ends.
public struct IsotonicCalibrator: Sendable, Equatable {
    public let x: [Double]
    public let y: [Double]

    public init(x: [Double], y: [Double]) {
        self.x = x
        self.y = y
    }

    @inlinable public func probability(_ s: Double) -> Double {
        guard let first = x.first, let last = x.last else { return 0.5 }
        if !(s > first) { return y[0] } // also a NaN score: the most conservative value
        if s >= last { return y[y.count - 1] }
        var low = 0, high = x.count - 1 // x[low] < s < x[high] holds throughout
        while high - low > 1 {
            let mid = (low + high) / 2
            if x[mid] <= s { low = mid } else { high = mid }
        }
        let t = (s - x[low]) / (x[high] - x[low])
        return y[low] + t * (y[high] - y[low])
    }

    /// Weighted pool-adjacent-violators fit of `labels` on `scores`. Equal scores are pooled
    /// first; adjacent blocks are merged while the earlier one's weighted mean is strictly
    /// greater. Each block becomes one knot at its score (or two, at its lowest and highest
    /// score, when it spans several), so the map interpolates between neighbouring blocks.
    public static func fit(scores: [Double], labels: [Bool], weights: [Double]? = nil) throws(LearnError) -> IsotonicCalibrator {
        let w = try checkedWeights(weights, rows: scores.count, labels: labels.count)
        for (i, s) in scores.enumerated() where !s.isFinite { throw .notFiniteInput(what: "score", row: i, column: -1) }
        let order = (0..<scores.count).filter { w[$0] > 0 }.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        struct Block { var sumWY: Double, sumW: Double, low: Double, high: Double }
        // Equal scores are pooled into one point before PAV sees them: fed one by one, the first
        // of a tie could trigger a merge that the pooled tie would not.
        var points: [Block] = []
        for i in order {
            let wy = labels[i] ? w[i] : 0
            if points.last?.high == scores[i] {
                points[points.count - 1].sumWY += wy
                points[points.count - 1].sumW += w[i]
            } else {
                points.append(Block(sumWY: wy, sumW: w[i], low: scores[i], high: scores[i]))
            }
        }
        var blocks: [Block] = []
        for point in points {
            blocks.append(point)
            while blocks.count >= 2 {
                let b = blocks[blocks.count - 1], a = blocks[blocks.count - 2]
                guard a.sumWY / a.sumW > b.sumWY / b.sumW else { break }
                blocks.removeLast()
                blocks[blocks.count - 1] = Block(sumWY: a.sumWY + b.sumWY, sumW: a.sumW + b.sumW, low: a.low, high: b.high)
            }
        }
        var x: [Double] = [], y: [Double] = []
        for b in blocks {
            let v = b.sumWY / b.sumW
            x.append(b.low); y.append(v)
            if b.high > b.low { x.append(b.high); y.append(v) }
        }
        return IsotonicCalibrator(x: x, y: y)
    }
}

/// A fitted calibrator; its input is the model's margin (log-odds score).
public enum Calibrator: Sendable, Equatable {
    /// p = 1 / (1 + e^−(a·score + b)).
    case platt(a: Double, b: Double)
    case isotonic(IsotonicCalibrator)

    @inlinable public func probability(_ score: Double) -> Double {
        switch self {
        case let .platt(a, b): return logistic(a * score + b)
        case let .isotonic(m): return m.probability(score)
        }
    }

    /// Platt scaling: a logistic fit of the labels on the score, with a negligible L2 penalty
    /// (λ = 1e-6 on the standardised slope) so separable scores still give a finite slope.
    public static func fitPlatt(scores: [Double], labels: [Bool], weights: [Double]? = nil) throws(LearnError) -> Calibrator {
        guard !scores.isEmpty else { throw .emptyData }
        let m = try LogisticRegression.fit(FeatureMatrix(values: scores, columns: 1), labels: labels, weights: weights,
                                           options: .init(l2: 1e-6))
        let raw = m.unstandardised
        return .platt(a: raw.weights[0], b: raw.bias)
    }

    public static func fitIsotonic(scores: [Double], labels: [Bool], weights: [Double]? = nil) throws(LearnError) -> Calibrator {
        .isotonic(try IsotonicCalibrator.fit(scores: scores, labels: labels, weights: weights))
    }

    /// The outcome of `choose`: the chosen calibrator refitted on all rows, each kind's held-out
    /// log loss over the folds, and the chosen kind's held-out probability for every row — the
    /// honest input for a risk–coverage table (the refitted calibrator has seen every row).
    public struct Choice: Sendable, Equatable {
        public var calibrator: Calibrator
        public var plattLogLoss: Double
        public var isotonicLogLoss: Double
        public var heldOut: [Double]
    }

    /// Fits Platt and isotonic on every fold's training rows, scores its held-out rows, and keeps
    /// the kind with the lower log loss over all held-out rows (Platt on a tie: fewer
    /// parameters); that kind is then refitted on every row.
    public static func choose(scores: [Double], labels: [Bool], folds: GroupedKFold) throws(LearnError) -> Choice {
        guard folds.foldOfRow.count == scores.count else {
            throw .shapeMismatch(what: "fold assignments", count: folds.foldOfRow.count, expected: scores.count)
        }
        guard labels.count == scores.count else { throw .shapeMismatch(what: "labels", count: labels.count, expected: scores.count) }
        var platt = [Double](repeating: 0, count: scores.count), isotonic = platt
        for k in 0..<folds.folds {
            let (train, test) = folds.split(k)
            let s = train.map { scores[$0] }, l = train.map { labels[$0] }
            let p = try fitPlatt(scores: s, labels: l), i = try fitIsotonic(scores: s, labels: l)
            for r in test {
                platt[r] = p.probability(scores[r])
                isotonic[r] = i.probability(scores[r])
            }
        }
        let lp = Metrics.logLoss(platt, labels), li = Metrics.logLoss(isotonic, labels)
        if li < lp {
            return Choice(calibrator: try fitIsotonic(scores: scores, labels: labels), plattLogLoss: lp, isotonicLogLoss: li, heldOut: isotonic)
        }
        return Choice(calibrator: try fitPlatt(scores: scores, labels: labels), plattLogLoss: lp, isotonicLogLoss: li, heldOut: platt)
    }
}
