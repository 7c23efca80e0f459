// The flow docs/learned-models.md shows, end to end on synthetic grouped data: out-of-fold
// margins, calibrator choice, ECE of the held-out probabilities, the threshold, the file.
import Learn
import Testing
import TestSupport

@Suite struct EndToEndTests {
    @Test func documentedFlowGivesACalibratedModelFile() throws {
        // 800 questions × 5 candidates; a candidate's chance of being right depends non-linearly
        // on two features and on a per-question difficulty shared by its candidates.
        var s = Synthetic(seed: 31)
        var values: [Double] = [], labels: [Bool] = [], questions: [Int] = []
        for q in 0..<800 {
            let difficulty = s.normal()
            for _ in 0..<5 {
                let a = s.normal(), b = s.normal(), noise = s.normal()
                values += [a, b, difficulty, noise]
                labels.append(s.uniform() < logistic(1.5 * a + (a * b > 0 ? 1 : -1) - 0.8 * difficulty - 1))
                questions.append(q)
            }
        }
        let x = try FeatureMatrix(values: values, columns: 4)
        var rng = SeededRandom(seed: 5)
        let folds = try GroupedKFold(groups: questions, folds: 5, using: &rng)
        let fit = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
            .trees(try GradientBoostedTrees.fit(x, labels: y, weights: w, options: .init(trees: 60)))
        }
        let margins = try folds.outOfFoldMargins(x, labels: labels, fit: fit)
        let choice = try Calibrator.choose(scores: margins, labels: labels, folds: folds)
        #expect(Metrics.ece(choice.heldOut, labels) <= 0.05, "ECE \(Metrics.ece(choice.heldOut, labels))")
        #expect(Metrics.auc(choice.heldOut, labels) > 0.8)
        let accept = Threshold.choose(name: "accept", targetPrecision: 0.9,
                                      table: RiskCoverage.table(choice.heldOut, labels))
        let threshold = try #require(accept.accept)
        print("end to end: \(choice.calibrator.kindName) (log loss Platt \(choice.plattLogLoss), isotonic \(choice.isotonicLogLoss)), "
              + "ECE \(Metrics.ece(choice.heldOut, labels)), accept ≥ \(threshold): \(accept.correct)/\(accept.accepted) of \(accept.samples)")
        #expect(accept.accepted > 100)
        // The promise, checked on the held-out rows: what is accepted is right ≥ 90% of the time.
        let taken = choice.heldOut.indices.filter { choice.heldOut[$0] >= threshold }
        #expect(Double(taken.filter { labels[$0] }.count) / Double(taken.count) >= 0.9)

        let model = LearnedModel(name: "answer.extract", features: ["a", "b", "difficulty", "noise"],
                                 model: try fit(x, labels, nil), calibrator: choice.calibrator,
                                 thresholds: [accept], provenance: ["EndToEndTests"])
        let text = model.render()
        let back = try LearnedModel.parse(bytes: Array(text.utf8), file: "e2e.toml")
        #expect(back == model)
        let row = Array(x.row(7))
        #expect(try back.probability(row) == choice.calibrator.probability(try model.model.margin(row)))
    }
}

extension Calibrator {
    var kindName: String {
        switch self {
        case .platt: "platt"
        case .isotonic: "isotonic"
        }
    }
}
