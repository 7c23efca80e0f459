// The fits behind `nerve calibrate`, each measured on data it did not see. A *selector* (for a
// stage that chooses among candidates) is boosted trees over every candidate, labelled right or
// not; its calibrator maps the margin of each question's chosen candidate to P(right), fitted on
// margins from models that never saw that question's document (grouped folds). A *scorer* (for a
// stage with one answer) is a logistic regression on the answer's features, calibrated the same
// way. Thresholds for each target precision come from the held-out calibrated probabilities.
import JSON
import Learn
import Random

public struct FitResult {
    public let model: LearnedModel
    public let report: String
}

public enum Fitting {
    static let folds = 5
    static let seed: UInt64 = 0x4E45_5256_4543_414C
    static let trees = GradientBoostedTrees.Options(trees: 150, maxDepth: 3, learningRate: 0.1, minSamplesLeaf: 20)

    /// Feature vectors in `names` order (a missing feature is 0).
    static func matrix(_ rows: [[(String, Double)]], names: [String]) throws -> FeatureMatrix {
        try FeatureMatrix(rows: rows.map { r in
            let d = Dictionary(r, uniquingKeysWith: { a, _ in a })
            return names.map { d[$0] ?? 0 }
        })
    }

    public static func selector(stage: String, _ records: [StageRecord], questions: [TrainingQuestion], targets: [Double],
                         provenance: [String]) throws -> FitResult {
        guard let names = records.first(where: { !$0.candidates.isEmpty })?.candidates.first?.features.map(\.0) else {
            throw LearnError.emptyData
        }
        // Candidate rows, grouped by the document of their question.
        var rows: [[(String, Double)]] = [], labels: [Bool] = [], owner: [Int] = [], groups: [String] = []
        for (k, r) in records.enumerated() {
            for c in r.candidates {
                rows.append(c.features)
                labels.append(c.right)
                owner.append(k)
                groups.append(questions[r.question].group)
            }
        }
        let x = try matrix(rows, names: names)
        var rng = SplitMix64(seed: seed)
        let kfold = try GroupedKFold(groups: groups, folds: folds, using: &rng)
        let fit = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
            .trees(try GradientBoostedTrees.fit(x, labels: y, weights: w, options: trees))
        }
        let oof = try kfold.outOfFoldMargins(x, labels: labels, fit: fit)
        // Each question's choice under the held-out selector, and whether it was right.
        var best: [Int: Int] = [:]
        for i in rows.indices where best[owner[i]].map({ oof[i] > oof[$0] }) ?? true { best[owner[i]] = i }
        let chosen = records.indices.filter { best[$0] != nil }
        let margins = chosen.map { oof[best[$0] ?? 0] }
        let right = chosen.map { labels[best[$0] ?? 0] }
        var rng2 = SplitMix64(seed: seed)
        let questionFolds = try GroupedKFold(groups: chosen.map { questions[records[$0].question].group }, folds: folds, using: &rng2)
        let choice = try Calibrator.choose(scores: margins, labels: right, folds: questionFolds)
        let final = try fit(x, labels, nil)
        let reachable = records.indices.filter { k in records[k].candidates.contains(where: \.right) }.count
        let answerable = Set(records.map(\.question)).filter { !questions[$0].unanswerable }.count
        let model = LearnedModel(name: stage, features: names, model: final, calibrator: choice.calibrator,
                                 thresholds: thresholds(choice.heldOut, right, targets: targets), provenance: provenance)
        var report = "stage \(stage): selector over \(rows.count) candidates of \(records.count) questions (\(answerable) answerable; "
        report += "\(reachable) with a right candidate among those shown)\n"
        report += "  held-out choice right: \(right.filter { $0 }.count) of \(records.count); "
        report += summary(choice, right)
        report += table(choice.heldOut, right, answerable: answerable, thresholds: model.thresholds)
        return FitResult(model: model, report: report)
    }

    public static func scorer(stage: String, _ records: [StageRecord], questions: [TrainingQuestion], targets: [Double],
                       provenance: [String]) throws -> FitResult {
        guard let names = records.first?.features.map(\.0) else { throw LearnError.emptyData }
        let x = try matrix(records.map(\.features), names: names)
        let labels = records.map(\.right)
        var rng = SplitMix64(seed: seed)
        let kfold = try GroupedKFold(groups: records.map { questions[$0.question].group }, folds: folds, using: &rng)
        let fit = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
            .logistic(try LogisticRegression.fit(x, labels: y, weights: w))
        }
        let oof = try kfold.outOfFoldMargins(x, labels: labels, fit: fit)
        let choice = try Calibrator.choose(scores: oof, labels: labels, folds: kfold)
        let answerable = records.filter { !questions[$0.question].unanswerable }.count
        let model = LearnedModel(name: stage, features: names, model: try fit(x, labels, nil), calibrator: choice.calibrator,
                                 thresholds: thresholds(choice.heldOut, labels, targets: targets), provenance: provenance)
        var report = "stage \(stage): scorer over \(records.count) answers (\(answerable) to answerable questions, "
        report += "\(labels.filter { $0 }.count) right)\n  "
        report += summary(choice, labels)
        report += table(choice.heldOut, labels, answerable: answerable, thresholds: model.thresholds)
        return FitResult(model: model, report: report)
    }

    static func thresholds(_ p: [Double], _ right: [Bool], targets: [Double]) -> [Threshold] {
        let table = RiskCoverage.table(p, right)
        return targets.map { Threshold.choose(name: "accept", targetPrecision: $0, table: table) }
    }

    static func summary(_ c: Calibrator.Choice, _ right: [Bool]) -> String {
        let kind: String
        switch c.calibrator {
        case .platt: kind = "Platt"
        case .isotonic: kind = "isotonic"
        }
        return "calibrator \(kind) (held-out log loss Platt \(Decimals.fixed(c.plattLogLoss, places: 4)), isotonic "
            + "\(Decimals.fixed(c.isotonicLogLoss, places: 4))); held-out ECE \(Decimals.fixed(Metrics.ece(c.heldOut, right), places: 4)), "
            + "AUC \(Decimals.fixed(Metrics.auc(c.heldOut, right), places: 4))\n"
    }

    /// The held-out risk–coverage table at about ten evenly spaced coverages, and each threshold.
    static func table(_ p: [Double], _ right: [Bool], answerable: Int, thresholds: [Threshold]) -> String {
        let rows = RiskCoverage.table(p, right)
        var s = "  threshold  accepted  right  precision  wilson95  coverage of answerable\n"
        var next = 0.0
        for r in rows where Double(r.accepted) / Double(max(r.total, 1)) >= next {
            s += "  " + [Decimals.fixed(r.threshold, places: 4), "\(r.accepted)", "\(r.correct)", Decimals.fixed(r.precision, places: 4),
                         Decimals.fixed(r.precisionLowerBound, places: 4),
                         Decimals.fixed(Double(r.correct) / Double(max(answerable, 1)), places: 4)].map { $0.leftPad(9) }.joined(separator: "  ") + "\n"
            next = Double(r.accepted) / Double(max(r.total, 1)) + 0.1
        }
        for t in thresholds {
            let accept = t.accept.map { Decimals.fixed($0, places: 4) } ?? "none"
            s += "  target precision \(t.targetPrecision): accept ≥ \(accept) — \(t.accepted) accepted, \(t.correct) right, "
            s += "coverage of answerable \(Decimals.fixed(Double(t.correct) / Double(max(answerable, 1)), places: 4))\n"
        }
        return s
    }
}

extension String {
    func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
