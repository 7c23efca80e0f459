// Metrics on cases small enough to work out by hand, and the risk–coverage threshold rule on
// constructed confidence lists.
import Foundation   // log
import Learn
import Testing

@Suite struct MetricsTests {
    @Test func logLossAndBrierByHand() {
        let p = [0.8, 0.3], y = [true, false]
        #expect(abs(Metrics.logLoss(p, y) - (-(log(0.8) + log(0.7)) / 2)) < 1e-15)
        #expect(abs(Metrics.brier(p, y) - 0.065) < 1e-15)
        // A certain mistake is clipped, not infinite.
        #expect(Metrics.logLoss([1], [false]) == -log(1 - (1 - Metrics.logLossEpsilon)))
    }

    @Test func aucByHand() {
        // Positives 0.35, 0.8; negatives 0.1, 0.4: 3 of 4 pairs ordered.
        #expect(Metrics.auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]) == 0.75)
        #expect(Metrics.auc([0.5, 0.5], [true, false]) == 0.5) // a tie counts one half
        #expect(Metrics.auc([0.1, 0.9], [false, true]) == 1)
        #expect(Metrics.auc([0.1, 0.9], [true, false]) == 0)
        // Ties across classes: positives {0.2, 0.5}, negatives {0.2, 0.5, 0.1}:
        // 0.2 beats 0.1 (1) and ties 0.2 (½); 0.5 beats 0.1, 0.2 (2) and ties 0.5 (½) → 4 / 6.
        #expect(abs(Metrics.auc([0.2, 0.5, 0.2, 0.5, 0.1], [true, true, false, false, false]) - 4.0 / 6) < 1e-15)
        #expect(Metrics.auc([0.3, 0.4], [true, true]) == 0.5)
    }

    @Test func eceWithEqualMassBinsByHand() {
        // Two bins of two: (0.1, 0.2) observed ½ → |0.15 − 0.5|; (0.7, 0.9) observed 1 → |0.8 − 1|.
        let p = [0.9, 0.1, 0.7, 0.2], y = [true, false, true, true]
        #expect(abs(Metrics.ece(p, y, bins: 2) - (2 * 0.35 + 2 * 0.2) / 4) < 1e-15)
        let table = Metrics.reliability(p, y, bins: 2)
        #expect(table.map(\.count) == [2, 2])
        #expect(table.map(\.low) == [0.1, 0.7])
        #expect(table.map(\.high) == [0.2, 0.9])
        #expect(table.map(\.observed) == [0.5, 1])
        // Five rows in two bins: ⌊5/2⌋ = 2 then 3.
        #expect(Metrics.reliability([0.1, 0.2, 0.3, 0.4, 0.5], [false, false, true, true, true], bins: 2).map(\.count) == [2, 3])
        // Fewer rows than bins: empty bins are left out, perfect calibration gives 0.
        #expect(Metrics.reliability([0.0, 1.0], [false, true], bins: 15).count == 2)
        #expect(Metrics.ece([0.0, 1.0], [false, true]) == 0)
    }

    @Test func wilsonBoundNeedsFiftyTwoPerfectAnswersForNinetyFive() {
        #expect(RiskCoverage.wilsonLowerBound(correct: 52, of: 52) >= 0.95)
        #expect(RiskCoverage.wilsonLowerBound(correct: 51, of: 51) < 0.95)
        #expect(RiskCoverage.wilsonLowerBound(correct: 0, of: 0) == 0)
        #expect(abs(RiskCoverage.wilsonLowerBound(correct: 52, of: 52) - 52 / (52 + RiskCoverage.z95 * RiskCoverage.z95)) < 1e-15)
    }

    @Test func riskCoverageTableCountsTiesTogether() {
        let t = RiskCoverage.table([0.9, 0.5, 0.9, 0.2], [true, false, false, true])
        #expect(t.map(\.threshold) == [0.9, 0.5, 0.2])
        #expect(t.map(\.accepted) == [2, 3, 4])
        #expect(t.map(\.correct) == [1, 1, 2])
        #expect(t.map(\.coverage) == [0.5, 0.75, 1])
    }

    /// 400 confidences 1 − k/1000; rows k ≤ 300 right except every 50th, rows above 300 wrong.
    func constructed(wrongEvery: Int) -> (p: [Double], right: [Bool]) {
        let ks = Array(1...400)
        return (ks.map { 1 - Double($0) / 1000 }, ks.map { $0 <= 300 && $0 % wrongEvery != 0 })
    }

    @Test func thresholdIsLowestWhoseAcceptedSetClearsTheWilsonBound() throws {
        let (p, right) = constructed(wrongEvery: 50)
        let table = RiskCoverage.table(p, right)
        // Worked out in Python: the largest accepted set whose bound reaches 0.95 is the top 302
        // rows (294 right, bound 0.9536); 303 rows give 294/303, bound below 0.95.
        let point = try #require(RiskCoverage.threshold(forPrecision: 0.95, table))
        #expect(point.accepted == 302)
        #expect(point.correct == 294)
        #expect(point.threshold == 1 - 302.0 / 1000)
        let t = Threshold.choose(name: "accept", targetPrecision: 0.95, table: table)
        #expect(t.accept == point.threshold && t.samples == 400 && t.accepted == 302 && t.correct == 294)
        // A point-estimate rule would accept more (precision ≥ 0.95 down to 309 rows), the
        // bound does not.
        #expect(table.contains { $0.accepted > 302 && $0.precision >= 0.95 })
    }

    @Test func noThresholdWhenTheDataCannotSupportTheTarget() {
        let (p, right) = constructed(wrongEvery: 25) // 96% right on 300 rows: bound ≈ 0.94
        #expect(RiskCoverage.threshold(forPrecision: 0.95, RiskCoverage.table(p, right)) == nil)
        // 40 answers all right is too few for 0.95.
        #expect(RiskCoverage.threshold(forPrecision: 0.95, RiskCoverage.table((0..<40).map { Double($0) / 40 }, Array(repeating: true, count: 40))) == nil)
        let t = Threshold.choose(name: "accept", targetPrecision: 0.95, table: RiskCoverage.table(p, right))
        #expect(t.accept == nil && t.accepted == 0)
    }

    @Test func escalationThresholdNeverSplitsATie() throws {
        let p = [0.9, 0.8, 0.8, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
        let table = RiskCoverage.table(p, Array(repeating: true, count: 10))
        // Escalate 30%: accept at most 7 rows → threshold 0.3 (7 rows).
        #expect(try #require(RiskCoverage.threshold(forEscalation: 0.3, table)).threshold == 0.3)
        // Escalate 70%: at most 3 rows; the 0.8 tie would make 4, so only 0.9 is accepted.
        #expect(try #require(RiskCoverage.threshold(forEscalation: 0.7, table)).accepted == 1)
        #expect(RiskCoverage.threshold(forEscalation: 1, table) == nil)
        #expect(try #require(RiskCoverage.threshold(forEscalation: 0, table)).accepted == 10)
    }
}
