// Grouped k-fold cross-validation: every row of a group (a question, a document) lands in the
// same fold, so no fold is scored by a model that saw its question. The generator is the
// caller's (any seeded RandomNumberGenerator — the product's is Generate.RandomSource, the
// tests' TestSupport.SeededRandom), so this module keeps no generator of its own; only its
// raw 64-bit outputs are used, never the standard library's shuffle, whose algorithm may change.

public struct GroupedKFold: Sendable, Equatable {
    /// The fold (0..<folds) of every row.
    public let foldOfRow: [Int]
    public let folds: Int

    /// Assigns groups to `folds` folds: groups are shuffled (Fisher–Yates on the caller's
    /// generator), then each goes, in that order, to the fold holding the fewest rows so far
    /// (lowest fold number on a tie), so folds have nearly equal row counts. Groups are compared
    /// by value and taken in order of first appearance, so the result depends only on the rows
    /// and the generator's outputs, never on hashing.
    public init<Group: Hashable>(groups: [Group], folds: Int,
                                 using rng: inout some RandomNumberGenerator) throws(LearnError) {
        guard !groups.isEmpty else { throw .emptyData }
        guard folds >= 2 else { throw .invalidParameter(name: "folds", value: Double(folds), requirement: "at least 2") }
        var index: [Group: Int] = [:]
        var groupOfRow = [Int](repeating: 0, count: groups.count)
        var sizes: [Int] = []
        for (i, g) in groups.enumerated() {
            if let k = index[g] {
                groupOfRow[i] = k
                sizes[k] += 1
            } else {
                index[g] = sizes.count
                groupOfRow[i] = sizes.count
                sizes.append(1)
            }
        }
        guard sizes.count >= folds else { throw .tooFewGroups(groups: sizes.count, folds: folds) }
        var permutation = Array(0..<sizes.count)
        if permutation.count > 1 {
            for i in stride(from: permutation.count - 1, through: 1, by: -1) {
                permutation.swapAt(i, Self.below(i + 1, &rng))
            }
        }
        var foldOfGroup = [Int](repeating: 0, count: sizes.count)
        var load = [Int](repeating: 0, count: folds)
        for g in permutation {
            var lightest = 0
            for f in 1..<folds where load[f] < load[lightest] { lightest = f }
            foldOfGroup[g] = lightest
            load[lightest] += sizes[g]
        }
        self.folds = folds
        self.foldOfRow = groupOfRow.map { foldOfGroup[$0] }
    }

    /// Rows to train on and rows to test on for fold `k`, each ascending.
    public func split(_ k: Int) -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        for (i, f) in foldOfRow.enumerated() {
            if f == k { test.append(i) } else { train.append(i) }
        }
        return (train, test)
    }

    /// Out-of-fold margins: for each fold, `fit` on the other folds' rows, then score this fold's
    /// rows — so a calibrator can be fitted on scores from a model that never saw their questions.
    public func outOfFoldMargins(_ x: FeatureMatrix, labels: [Bool], weights: [Double]? = nil,
                                 fit: (FeatureMatrix, [Bool], [Double]?) throws(LearnError) -> ScoringModel) throws(LearnError) -> [Double] {
        guard foldOfRow.count == x.rows else { throw .shapeMismatch(what: "fold assignments", count: foldOfRow.count, expected: x.rows) }
        guard labels.count == x.rows else { throw .shapeMismatch(what: "labels", count: labels.count, expected: x.rows) }
        var out = [Double](repeating: 0, count: x.rows)
        for k in 0..<folds {
            let (train, test) = split(k)
            let model = try fit(x.selecting(train), train.map { labels[$0] }, weights.map { w in train.map { w[$0] } })
            let margins = try model.margins(x.selecting(test))
            for (r, m) in zip(test, margins) { out[r] = m }
        }
        return out
    }

    /// A uniform integer in 0..<bound from one 64-bit draw: the high word of draw × bound
    /// (bias below bound / 2⁶⁴, immaterial for shuffling groups).
    static func below(_ bound: Int, _ rng: inout some RandomNumberGenerator) -> Int {
        Int(truncatingIfNeeded: rng.next().multipliedFullWidth(by: UInt64(bound)).high)
    }
}
