// Boosted trees: a hand-worked stump, beating logistic regression on a non-linear problem,
// determinism, leaf sizes and option checks.
import Foundation   // log
import Learn
import Testing

@Suite struct GradientBoostedTreesTests {
    @Test func stumpByHand() throws {
        // p = ½ everywhere at the start: g = p − y, h = ¼. Left {1, 2} (labels 0): G = 1, H = ½;
        // right: G = −1, H = ½. With λ = 0 and learning rate 1 the leaves are ∓2, and the cut is
        // the data value 2 (x ≤ 2 goes left).
        let x = try FeatureMatrix(rows: [[1], [2], [3], [4]])
        let m = try GradientBoostedTrees.fit(x, labels: [false, false, true, true],
                                             options: .init(trees: 1, maxDepth: 1, learningRate: 1, minSamplesLeaf: 1, l2: 0))
        #expect(m.baseScore == 0)
        #expect(m.trees == [[.init(feature: 0, threshold: 2, left: 1, right: 2, value: 0), .leaf(-2), .leaf(2)]])
        #expect(try ScoringModel.trees(m).margin([2]) == -2)
        #expect(try ScoringModel.trees(m).margin([2.0000001]) == 2)
        #expect(try ScoringModel.trees(m).margin([.nan]) == 2) // NaN goes right
    }

    /// An XOR-like problem: the sign of x0·x1 decides, three noise features. No linear model can.
    func xor(_ seed: UInt64, _ n: Int) throws -> (x: FeatureMatrix, y: [Bool]) {
        var s = Synthetic(seed: seed)
        return try s.rows(n, 5) { r in r[0] * r[1] > 0 ? 2.5 : -2.5 }
    }

    @Test func beatsLogisticRegressionOnANonLinearProblem() throws {
        let train = try xor(1, 4000), test = try xor(2, 4000)
        let trees = ScoringModel.trees(try GradientBoostedTrees.fit(train.x, labels: train.y))
        let linear = ScoringModel.logistic(try LogisticRegression.fit(train.x, labels: train.y))
        let pt = try trees.margins(test.x).map(logistic), pl = try linear.margins(test.x).map(logistic)
        let aucTrees = Metrics.auc(pt, test.y), aucLinear = Metrics.auc(pl, test.y)
        #expect(aucTrees > 0.85, "trees AUC \(aucTrees)")
        #expect(aucLinear < 0.6, "linear AUC \(aucLinear)")
        #expect(Metrics.logLoss(pt, test.y) < Metrics.logLoss(pl, test.y) - 0.15)
    }

    @Test func deterministic() throws {
        let data = try xor(3, 2000)
        let a = try GradientBoostedTrees.fit(data.x, labels: data.y, options: .init(trees: 30))
        let b = try GradientBoostedTrees.fit(data.x, labels: data.y, options: .init(trees: 30))
        #expect(a == b)
        let bits = { (m: GradientBoostedTrees) in m.trees.flatMap { $0.flatMap { [$0.threshold.bitPattern, $0.value.bitPattern] } } }
        #expect(bits(a) == bits(b))
    }

    @Test func everyLeafHoldsAtLeastMinSamplesLeafRows() throws {
        let data = try xor(4, 1500)
        let m = try GradientBoostedTrees.fit(data.x, labels: data.y, options: .init(trees: 10, maxDepth: 4, minSamplesLeaf: 40))
        for tree in m.trees {
            var hits = [Int](repeating: 0, count: tree.count)
            for i in 0..<data.x.rows {
                var k = 0
                while tree[k].feature >= 0 {
                    k = Int(data.x.row(i)[data.x.row(i).startIndex + Int(tree[k].feature)] <= tree[k].threshold ? tree[k].left : tree[k].right)
                }
                hits[k] += 1
            }
            for (k, node) in tree.enumerated() where node.feature < 0 { #expect(hits[k] >= 40) }
            #expect(tree.count <= 31)
        }
    }

    @Test func constantFeaturesGiveSingleLeafTrees() throws {
        let x = try FeatureMatrix(rows: (0..<100).map { _ in [1, 2] })
        let y = (0..<100).map { $0 % 4 == 0 }
        let m = try GradientBoostedTrees.fit(x, labels: y, options: .init(trees: 3))
        #expect(m.trees.allSatisfy { $0.count == 1 })
        #expect(abs(m.baseScore - log(25.0 / 75)) < 1e-15)
        #expect(abs(m.trees[0][0].value) < 1e-12) // the base rate already fits: the gradients sum to ~0
    }

    @Test func rejectsBadOptions() throws {
        let x = try FeatureMatrix(rows: [[0], [1]])
        let y = [false, true]
        #expect(throws: LearnError.invalidParameter(name: "maxDepth", value: 13, requirement: "1...12")) {
            try GradientBoostedTrees.fit(x, labels: y, options: .init(maxDepth: 13))
        }
        #expect(throws: LearnError.invalidParameter(name: "learningRate", value: 0, requirement: "in (0, 1]")) {
            try GradientBoostedTrees.fit(x, labels: y, options: .init(learningRate: 0))
        }
        #expect(throws: LearnError.invalidParameter(name: "maxBins", value: 300, requirement: "2...256")) {
            try GradientBoostedTrees.fit(x, labels: y, options: .init(maxBins: 300))
        }
        #expect(throws: LearnError.oneClass(label: false)) { try GradientBoostedTrees.fit(x, labels: [false, false]) }
    }
}
