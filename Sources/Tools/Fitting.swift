// The fits behind `nerve calibrate`, each measured on data it did not see. A stage that chooses
// among candidates gets a *selector* — boosted trees over every candidate, labelled right or not —
// and a *verifier* of its choice: a model of how clearly the chosen candidate stands out
// (AnswerVerifier), fitted on choices made by selectors that never saw that question's document
// (grouped folds), then calibrated the same way. A stage with one answer gets a *scorer*: a
// logistic regression or small boosted trees on its features (whichever held-out log loss
// favours, as for the verifier), calibrated. Thresholds for each target precision come
// from held-out calibrated probabilities.
import JSON
import Learn
import Random
import Stages

public struct FitResult {
    public let model: LearnedModel
    public let report: String
}

public enum Fitting {
    static let folds = 5
    static let seed: UInt64 = 0x4E45_5256_4543_414C
    static let trees = GradientBoostedTrees.Options(trees: 150, maxDepth: 3, learningRate: 0.1, minSamplesLeaf: 20)
    static let verifierTrees = GradientBoostedTrees.Options(trees: 100, maxDepth: 2, learningRate: 0.1, minSamplesLeaf: 15)

    /// A confidence model's form — logistic regression or small boosted trees — chosen by the
    /// log loss of each on rows it was not fitted on, with those held-out margins and how to fit it.
    struct Form {
        let heldOut: [Double]
        let lossLogistic: Double
        let lossTrees: Double
        let fit: (FeatureMatrix, [Bool], [Double]?) throws(LearnError) -> ScoringModel

        static func choose(_ x: FeatureMatrix, _ labels: [Bool], _ folds: GroupedKFold, logisticL2: Double) throws -> Form {
            let fitLogistic = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
                .logistic(try LogisticRegression.fit(x, labels: y, weights: w, options: .init(l2: logisticL2)))
            }
            let fitTrees = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
                .trees(try GradientBoostedTrees.fit(x, labels: y, weights: w, options: verifierTrees))
            }
            let logisticOOF = try folds.outOfFoldMargins(x, labels: labels, fit: fitLogistic)
            let treesOOF = try folds.outOfFoldMargins(x, labels: labels, fit: fitTrees)
            let lossLogistic = Metrics.logLoss(logisticOOF.map(logistic), labels), lossTrees = Metrics.logLoss(treesOOF.map(logistic), labels)
            let trees = lossTrees < lossLogistic
            return Form(heldOut: trees ? treesOOF : logisticOOF, lossLogistic: lossLogistic, lossTrees: lossTrees,
                        fit: trees ? fitTrees : fitLogistic)
        }

        var useTrees: Bool { lossTrees < lossLogistic }

        var description: String {
            (useTrees ? "trees" : "logistic") + " (held-out log loss logistic \(Decimals.fixed(lossLogistic, places: 4)), trees "
                + "\(Decimals.fixed(lossTrees, places: 4)))"
        }
    }

    /// Feature vectors in `names` order (a missing feature is 0).
    static func matrix(_ rows: [[(String, Double)]], names: [String]) throws -> FeatureMatrix {
        try FeatureMatrix(rows: rows.map { r in
            let d = Dictionary(r, uniquingKeysWith: { a, _ in a })
            return names.map { d[$0] ?? 0 }
        })
    }

    /// A choosing stage's two models: the selector over candidates (`<stage>.selector.toml`) and
    /// the verifier of its choice with calibrator and thresholds (`<stage>.toml`).
    public static func extractive(stage: String, _ records: [StageRecord], questions: [TrainingQuestion], targets: [Double],
                                  provenance: [String]) throws -> [(file: String, fit: FitResult)] {
        let names = AnswerCandidates.featureNames
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
        let weights = balanced(labels, owner)
        var rng = SplitMix64(seed: seed)
        let kfold = try GroupedKFold(groups: groups, folds: folds, using: &rng)
        let fitTrees = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
            .trees(try GradientBoostedTrees.fit(x, labels: y, weights: w, options: trees))
        }
        let oof = try kfold.outOfFoldMargins(x, labels: labels, weights: weights, fit: fitTrees)

        // The verifier's rows: each question's choice under the held-out selector.
        var byQuestion: [Int: [Int]] = [:]
        for i in rows.indices { byQuestion[owner[i], default: []].append(i) }
        let asked = records.indices.filter { byQuestion[$0] != nil }
        var vrows: [[Double]] = [], vlabels: [Bool] = [], vgroups: [String] = []
        for k in asked {
            let mine = byQuestion[k] ?? []
            let (chosen, evidence) = AnswerVerifier.verify(features: mine.map { i in Array(x.row(i)) }, margins: mine.map { oof[$0] })
            vrows.append(evidence)
            vlabels.append(labels[mine[chosen]])
            vgroups.append(questions[records[k].question].group)
        }
        let vx = try FeatureMatrix(rows: vrows)
        var rng2 = SplitMix64(seed: seed)
        let vfold = try GroupedKFold(groups: vgroups, folds: folds, using: &rng2)
        let form = try Form.choose(vx, vlabels, vfold, logisticL2: 1e-2)
        let choice = try Calibrator.choose(scores: form.heldOut, labels: vlabels, folds: vfold)

        let selector = LearnedModel(name: stage + " selector", features: names, model: try fitTrees(x, labels, weights), provenance: provenance)
        let verifier = LearnedModel(name: stage, features: AnswerVerifier.featureNames,
                                    model: try form.fit(vx, vlabels, nil), calibrator: choice.calibrator,
                                    thresholds: thresholds(choice.heldOut, vlabels, targets: targets), provenance: provenance)
        let reachable = asked.filter { k in records[k].candidates.contains(where: \.right) }.count
        let answerable = asked.filter { !questions[records[$0].question].unanswerable }.count
        var report = "stage \(stage): selector over \(rows.count) candidates of \(asked.count) questions (\(answerable) answerable; "
        report += "\(reachable) with a right candidate among those shown)\n"
        report += "  held-out choice right: \(vlabels.filter { $0 }.count) of \(asked.count); verifier \(form.description)\n  "
        report += summary(choice, vlabels)
        report += table(choice.heldOut, vlabels, answerable: answerable, thresholds: verifier.thresholds)
        return [(stage + ".selector.toml", FitResult(model: selector, report: "")), (stage + ".toml", FitResult(model: verifier, report: report))]
    }

    public static func scorer(stage: String, _ records: [StageRecord], questions: [TrainingQuestion], targets: [Double],
                       provenance: [String]) throws -> FitResult {
        guard let names = records.first?.features.map(\.0) else { throw LearnError.emptyData }
        let x = try matrix(records.map(\.features), names: names)
        let labels = records.map(\.right)
        var rng = SplitMix64(seed: seed)
        let kfold = try GroupedKFold(groups: records.map { questions[$0.question].group }, folds: folds, using: &rng)
        let form = try Form.choose(x, labels, kfold, logisticL2: LogisticRegression.Options().l2)
        let choice = try Calibrator.choose(scores: form.heldOut, labels: labels, folds: kfold)
        let answerable = records.filter { !questions[$0.question].unanswerable }.count
        let model = LearnedModel(name: stage, features: names, model: try form.fit(x, labels, nil),
                                 calibrator: choice.calibrator, thresholds: thresholds(choice.heldOut, labels, targets: targets),
                                 provenance: provenance)
        var report = "stage \(stage): scorer over \(records.count) answers (\(answerable) to answerable questions, "
        report += "\(labels.filter { $0 }.count) right); \(form.description)\n  "
        report += summary(choice, labels)
        report += table(choice.heldOut, labels, answerable: answerable, thresholds: model.thresholds)
        return FitResult(model: model, report: report)
    }

    /// How fitted extractive models do on records they were not fitted on: each question's choice
    /// and calibrated confidence as the stage would serve them, against the judged candidates.
    public static func validate(selector: LearnedModel, verifier: LearnedModel, _ records: [StageRecord], questions: [TrainingQuestion],
                                targets: [Double]) throws -> String {
        var p: [Double] = [], right: [Bool] = []
        var answerable = 0
        for r in records where !r.candidates.isEmpty {
            let x = try matrix(r.candidates.map(\.features), names: selector.features)
            let margins = try selector.model.margins(x)
            let (chosen, evidence) = AnswerVerifier.verify(features: (0..<x.rows).map { Array(x.row($0)) }, margins: margins)
            p.append(verifier.probability(margin: try verifier.model.margin(evidence)))
            right.append(r.candidates[chosen].right)
            if !questions[r.question].unanswerable { answerable += 1 }
        }
        var report = "validation on \(p.count) questions (\(answerable) answerable): choice right \(right.filter { $0 }.count); "
        report += "ECE \(Decimals.fixed(Metrics.ece(p, right), places: 4)), AUC \(Decimals.fixed(Metrics.auc(p, right), places: 4))\n"
        // The fitted thresholds applied as they are, then what thresholds these records would have needed.
        for t in verifier.thresholds {
            let accepted = zip(p, right).filter { $0.0 >= (t.accept ?? 1) }
            let ok = accepted.filter(\.1).count
            report += "  fitted accept for \(t.targetPrecision): \(accepted.count) accepted, \(ok) right (precision "
            report += (accepted.isEmpty ? "–" : Decimals.fixed(Double(ok) / Double(accepted.count), places: 4))
            report += ", coverage of answerable \(Decimals.fixed(Double(ok) / Double(max(answerable, 1)), places: 4)))\n"
        }
        return report + table(p, right, answerable: answerable, thresholds: [])
    }

    /// Row weights that give every question the same say in the selector: its right candidates
    /// share half of its weight and its wrong ones the other half (all of it when none is right),
    /// so a question with forty candidates does not outweigh one with four.
    static func balanced(_ labels: [Bool], _ owner: [Int]) -> [Double] {
        var right: [Int: Int] = [:], wrong: [Int: Int] = [:]
        for (i, q) in owner.enumerated() { if labels[i] { right[q, default: 0] += 1 } else { wrong[q, default: 0] += 1 } }
        return owner.indices.map { i in
            let q = owner[i], r = right[q] ?? 0, w = wrong[q] ?? 0
            if labels[i] { return 0.5 / Double(r) }
            return (r > 0 ? 0.5 : 1) / Double(max(w, 1))
        }
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
