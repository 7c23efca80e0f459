// Isotonic regression against the Python PAV reference, interpolation between knots, Platt
// scaling, and the choice between the two by held-out log loss.
import Learn
import Testing
import TestSupport

@Suite struct CalibrationTests {
    @Test func isotonicMatchesPythonReference() throws {
        let data = try LearnFixtures.csv("isotonic.csv")
        let expected = try LearnFixtures.expected("isotonic-expected.toml")
        let m = try IsotonicCalibrator.fit(scores: data.column("score"), labels: data.column("label").map { $0 == 1 },
                                           weights: data.column("weight"))
        #expect(m.x == expected.doubles("x"))
        let y = expected.doubles("y")
        #expect(m.y.count == y.count)
        for (a, b) in zip(m.y, y) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func isotonicPoolsTiesBeforeMerging() throws {
        // Scores 0, 1, 1: fed one at a time the first 1 (label 0) would merge with the 0 block;
        // pooled, the tie has mean 0.5 > 0.4 and stays its own block.
        let m = try IsotonicCalibrator.fit(scores: [0, 0, 0, 0, 0, 1, 1], labels: [true, true, false, false, false, false, true])
        #expect(m.x == [0, 1])
        #expect(m.y == [0.4, 0.5])
    }

    @Test func isotonicInterpolatesBetweenBlocksAndIsFlatOutside() throws {
        let m = IsotonicCalibrator(x: [0, 1, 3], y: [0.2, 0.4, 0.8])
        #expect(m.probability(-5) == 0.2)
        #expect(m.probability(0) == 0.2)
        #expect(abs(m.probability(0.5) - 0.3) < 1e-15)
        #expect(abs(m.probability(2) - 0.6) < 1e-15)
        #expect(m.probability(3) == 0.8)
        #expect(m.probability(9) == 0.8)
        #expect(m.probability(.nan) == 0.2)
    }

    @Test func isotonicIsMonotoneAndKeepsWeightedRate() throws {
        var s = Synthetic(seed: 7)
        let scores = (0..<500).map { _ in s.normal() }
        let labels = scores.map { _ in s.uniform() < 0.3 }
        let m = try IsotonicCalibrator.fit(scores: scores, labels: labels)
        #expect(zip(m.y, m.y.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(zip(m.x, m.x.dropFirst()).allSatisfy { $0 < $1 })
        // PAV preserves the mean: the fitted values at the data average to the base rate.
        let mean = scores.map { m.probability($0) }.reduce(0, +) / 500
        #expect(abs(mean - Double(labels.filter { $0 }.count) / 500) < 1e-12)
    }

    @Test func plattRecoversAKnownSigmoid() throws {
        var s = Synthetic(seed: 11)
        let scores = (0..<20_000).map { _ in 2 * s.normal() }
        let labels = scores.map { s.uniform() < logistic(0.7 * $0 - 0.5) }
        guard case let .platt(a, b) = try Calibrator.fitPlatt(scores: scores, labels: labels) else {
            Issue.record("not Platt")
            return
        }
        #expect(abs(a - 0.7) < 0.05)
        #expect(abs(b + 0.5) < 0.05)
    }

    @Test func choosesIsotonicForAStepAndPlattForASigmoid() throws {
        var s = Synthetic(seed: 3)
        let scores = (0..<4000).map { _ in s.normal() }
        let groups = (0..<4000).map { $0 / 4 }
        var rng = SeededRandom(seed: 99)
        let folds = try GroupedKFold(groups: groups, folds: 5, using: &rng)
        // A step: right 5% of the time below 0.5, 95% above; no sigmoid fits that well.
        let step = scores.map { s.uniform() < ($0 > 0.5 ? 0.95 : 0.05) }
        let a = try Calibrator.choose(scores: scores, labels: step, folds: folds)
        #expect(a.isotonicLogLoss < a.plattLogLoss)
        #expect(abs(Metrics.logLoss(a.heldOut, step) - a.isotonicLogLoss) < 1e-15)
        if case .isotonic = a.calibrator {} else { Issue.record("expected isotonic, got \(a.calibrator)") }
        // A true sigmoid: Platt's two parameters beat isotonic's many.
        let smooth = scores.map { s.uniform() < logistic(1.5 * $0) }
        let b = try Calibrator.choose(scores: scores, labels: smooth, folds: folds)
        #expect(b.plattLogLoss < b.isotonicLogLoss)
        if case .platt = b.calibrator {} else { Issue.record("expected Platt, got \(b.calibrator)") }
    }

    @Test func calibratedProbabilitiesHaveLowECE() throws {
        // Scores that are miscalibrated (true log-odds 0.5·score + 1): after Platt, ECE ≤ 0.05 on new data.
        var s = Synthetic(seed: 21)
        func draw(_ n: Int) -> ([Double], [Bool]) {
            let sc = (0..<n).map { _ in 3 * s.normal() }
            return (sc, sc.map { s.uniform() < logistic(0.5 * $0 + 1) })
        }
        let (fitS, fitY) = draw(5000), (testS, testY) = draw(5000)
        let raw = testS.map(logistic)
        let c = try Calibrator.fitPlatt(scores: fitS, labels: fitY)
        let calibrated = testS.map(c.probability)
        #expect(Metrics.ece(raw, testY) > 0.1)
        #expect(Metrics.ece(calibrated, testY) <= 0.05)
        #expect(Metrics.logLoss(calibrated, testY) < Metrics.logLoss(raw, testY))
    }
}
