// The fits behind `nerve calibrate`, on synthetic questions whose right candidate is known: the
// selector learns to pick it, the verifier's calibrated confidence is honest on held-out documents
// (ECE), the files are the same byte for byte when fitted again, and a scorer fits one-answer
// stages.
import Learn
import Stages
import Testing
import TestSupport
import Tools

@Suite struct FittingTests {
    /// `n` questions in `n / 4` documents; each has 6 candidates, one right for answerable ones,
    /// whose `coverage` is higher on average (and `dense_score` is noise; the rest are 0).
    static func data(_ n: Int, seed: UInt64) -> ([TrainingQuestion], [StageRecord]) {
        var rng = SeededRandom(seed: seed)
        var questions: [TrainingQuestion] = [], records: [StageRecord] = []
        for q in 0..<n {
            let answerable = rng.unit() < 0.8
            questions.append(TrainingQuestion(id: "q\(q)", question: "question \(q)", answers: answerable ? ["x"] : [], unanswerable: !answerable,
                                              files: [], group: "doc\(q / 4)"))
            let rightIndex = answerable ? rng.next(below: 6) : -1
            let candidates = (0..<6).map { k -> (features: [(String, Double)], right: Bool) in
                let a = (k == rightIndex ? 1.5 : 0) + rng.unit() * 1.6
                return ([("coverage", a), ("dense_score", rng.unit()), ("passage_rank", 1 / Double(1 + k))], k == rightIndex)
            }
            records.append(StageRecord(question: q, confidence: 0, features: candidates[0].features, right: false, candidates: candidates))
        }
        return (questions, records)
    }

    @Test func theSelectorPicksAndIsCalibrated() throws {
        let (questions, records) = Self.data(600, seed: 7)
        let fits = try Fitting.extractive(stage: "extract", records, questions: questions, targets: [0.9, 0.95], provenance: ["test"])
        #expect(fits.map(\.file) == ["extract.selector.toml", "extract.toml"])
        let selector = fits[0].fit.model, fit = fits[1].fit
        print(fit.report)
        #expect(selector.features == AnswerCandidates.featureNames && selector.calibrator == nil)
        #expect(fit.model.features == AnswerVerifier.featureNames)
        #expect(fit.model.calibrator != nil)
        #expect(fit.model.thresholds.map(\.targetPrecision) == [0.9, 0.95])
        // The held-out choice is right far more often than a random pick (1 in 6 of 80%).
        let right = fit.report.split(separator: "\n").first { $0.contains("held-out choice right") }.map(String.init) ?? ""
        let count = Int(right.split(separator: " ").dropFirst(3).first ?? "") ?? 0
        #expect(count > 300, "\(right)")
        // Calibrated: the held-out ECE the report prints is small.
        let ece = fit.report.split(separator: ",").first { $0.contains("held-out ECE") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 1
        #expect(ece <= 0.06, "held-out ECE \(ece)")
    }

    @Test func refittingReproducesTheFileByteForByte() throws {
        let (questions, records) = Self.data(200, seed: 11)
        let a = try Fitting.extractive(stage: "extract", records, questions: questions, targets: [0.95], provenance: ["test"])
        let b = try Fitting.extractive(stage: "extract", records, questions: questions, targets: [0.95], provenance: ["test"])
        for (x, y) in zip(a, b) {
            #expect(x.fit.model.render() == y.fit.model.render(), "\(x.file)")
            #expect(try LearnedModel.parse(bytes: Array(x.fit.model.render().utf8), file: "x") == x.fit.model)
        }
    }

    @Test func theScorerFitsOneAnswerStages() throws {
        var rng = SeededRandom(seed: 3)
        var questions: [TrainingQuestion] = [], records: [StageRecord] = []
        for q in 0..<300 {
            questions.append(TrainingQuestion(id: "q\(q)", question: "q", answers: ["x"], unanswerable: false, files: [], group: "d\(q / 3)"))
            let right = rng.unit() < 0.6
            let support = (right ? 0.6 : 0.2) + rng.unit() * 0.4
            records.append(StageRecord(question: q, confidence: 0, features: [("support", support), ("declined", 0)], right: right, candidates: []))
        }
        let fit = try Fitting.scorer(stage: "local", records, questions: questions, targets: [0.9], provenance: [])
        #expect(fit.model.features == ["support", "declined"])
        #expect(try fit.model.probability([0.95, 0]) > fit.model.probability([0.25, 0]))
    }
}
