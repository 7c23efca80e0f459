// What a model file holds: a named scoring model (logistic or trees) over named features, an
// optional calibrator from its margin to P(right), accept thresholds, and provenance comments.
// The format is docs/learned-models.md; writing is in ModelFileWriter.swift, reading (with every
// bounds check) in ModelFileReader.swift.

/// Caps on what a model file (and a fit) may hold, so a corrupt or hostile file cannot make the
/// reader allocate or loop without bound.
public enum ModelLimits {
    public static let fileBytes = 64 << 20
    public static let features = 10_000
    public static let trees = 10_000
    /// Levels of splits in one tree; also the fitter's maximum `maxDepth`.
    public static let treeDepth = 12
    /// Nodes in one tree: a full tree of `treeDepth` levels.
    public static let nodesPerTree = (1 << (treeDepth + 1)) - 1
    /// Nodes over all trees.
    public static let totalNodes = 4_000_000
    public static let isotonicKnots = 1_000_000
    public static let thresholds = 100
}

/// The scoring model of either kind.
public enum ScoringModel: Sendable, Equatable {
    case logistic(LogisticRegression)
    case trees(GradientBoostedTrees)

    public var featureCount: Int {
        switch self {
        case let .logistic(m): return m.featureCount
        case let .trees(m): return m.featureCount
        }
    }

    /// Whether the score can depend on feature `index` at all: a non-zero logistic weight, or a
    /// split on it in some tree. A feature fitted only ever as 0 gets weight 0 and no split.
    public func uses(feature index: Int) -> Bool {
        switch self {
        case let .logistic(m): return m.weights.indices.contains(index) && m.weights[index] != 0
        case let .trees(m): return m.trees.contains { $0.contains { Int($0.feature) == index } }
        }
    }

    /// The log-odds for a row of exactly `featureCount` values (the caller checks). No allocation.
    @inlinable public func margin(_ row: UnsafeBufferPointer<Double>) -> Double {
        switch self {
        case let .logistic(m): return m.margin(row)
        case let .trees(m): return m.margin(row)
        }
    }

    /// The log-odds for one row; throws when its length is not `featureCount`.
    public func margin(_ row: [Double]) throws(LearnError) -> Double {
        guard row.count == featureCount else { throw .shapeMismatch(what: "row", count: row.count, expected: featureCount) }
        return row.withUnsafeBufferPointer { margin($0) }
    }

    /// Margins of every row of `x` (columns must match).
    public func margins(_ x: FeatureMatrix) throws(LearnError) -> [Double] {
        guard x.columns == featureCount else { throw .shapeMismatch(what: "matrix columns", count: x.columns, expected: featureCount) }
        var out = [Double](repeating: 0, count: x.rows)
        x.values.withUnsafeBufferPointer { all in
            for i in 0..<x.rows {
                out[i] = margin(UnsafeBufferPointer(rebasing: all[(i * x.columns)..<((i + 1) * x.columns)]))
            }
        }
        return out
    }
}

/// An accept threshold chosen for a target precision, with the evidence it was chosen on.
public struct Threshold: Sendable, Equatable {
    /// What the threshold is for, e.g. "accept".
    public var name: String
    public var targetPrecision: Double
    /// Accept when the calibrated probability is ≥ this; nil: no threshold met the target, accept nothing.
    public var accept: Double?
    /// Calibration rows, rows accepted at `accept`, and how many of those were right.
    public var samples: Int
    public var accepted: Int
    public var correct: Int

    public init(name: String, targetPrecision: Double, accept: Double?, samples: Int, accepted: Int, correct: Int) {
        self.name = name
        self.targetPrecision = targetPrecision
        self.accept = accept
        self.samples = samples
        self.accepted = accepted
        self.correct = correct
    }

    /// The threshold the RiskCoverage rule picks on `table` (rows of calibrated p vs. right).
    public static func choose(name: String, targetPrecision: Double, table: [RiskCoverage.Point]) -> Threshold {
        let point = RiskCoverage.threshold(forPrecision: targetPrecision, table)
        return Threshold(name: name, targetPrecision: targetPrecision, accept: point?.threshold,
                         samples: table.first?.total ?? 0, accepted: point?.accepted ?? 0, correct: point?.correct ?? 0)
    }
}

/// The contents of one model file.
public struct LearnedModel: Sendable, Equatable {
    /// The format version this build writes and reads.
    public static let version = 1

    public var name: String
    /// Feature names, in the order rows hold them.
    public var features: [String]
    public var model: ScoringModel
    public var calibrator: Calibrator?
    public var thresholds: [Threshold]
    /// Free-form lines (command, data, date) written as `#` comments at the top of the file.
    public var provenance: [String]

    public init(name: String, features: [String], model: ScoringModel, calibrator: Calibrator? = nil,
                thresholds: [Threshold] = [], provenance: [String] = []) {
        self.name = name
        self.features = features
        self.model = model
        self.calibrator = calibrator
        self.thresholds = thresholds
        self.provenance = provenance
    }

    /// P(right) for a row: the calibrator applied to the margin, or the logistic of the margin
    /// when there is no calibrator. Throws only on a row of the wrong length.
    public func probability(_ row: [Double]) throws(LearnError) -> Double {
        let z = try model.margin(row)
        return calibrator?.probability(z) ?? logistic(z)
    }
}
