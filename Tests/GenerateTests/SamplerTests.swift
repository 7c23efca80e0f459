// The sampler on hand-made logits (no model needed): greedy argmax, each filter's effect,
// seeded reproducibility, the penalty rule, the confidence numbers; and stop strings.
import Foundation
import Generate
import Testing

/// Logits as the sampler reads them.
private func withLogits<R>(_ l: [Float], _ body: (UnsafeBufferPointer<Float>) -> R) -> R {
    l.withUnsafeBufferPointer(body)
}

@Suite struct SamplerTests {
    @Test func greedyPicksTheLargestLogitLowestIdOnTies() throws {
        let s = try Sampler(options: .greedy, vocabulary: 5)
        #expect(withLogits([0, 3, 1, 3, -2]) { s.sample($0).id } == 1)
        #expect(withLogits([-5, -4, -9, -4.5, -8]) { s.sample($0).id } == 1)
    }

    @Test func logProbabilityAndEntropyAreThoseOfTheRawSoftmax() throws {
        let s = try Sampler(options: .greedy, vocabulary: 4)
        let logits: [Float] = [1, 2, 3, 4]
        let c = withLogits(logits) { s.sample($0) }
        let e = logits.map { exp(Double($0)) }, z = e.reduce(0, +)
        let p = e.map { $0 / z }
        let entropy = -p.map { $0 * log($0) }.reduce(0, +)
        #expect(c.id == 3)
        #expect(abs(Double(c.logProbability) - log(p[3])) < 1e-5)
        #expect(abs(Double(c.entropy) - entropy) < 1e-5)
        // A certain model: one logit far above the rest → ln p ≈ 0, entropy ≈ 0.
        let sure = withLogits([0, 50, 0, 0]) { s.sample($0) }
        #expect(sure.logProbability > -1e-6 && sure.entropy < 1e-6)
    }

    @Test func sameSeedSameTokensOtherSeedOtherTokens() throws {
        let logits = (0..<100).map { Float(($0 * 37) % 11) * 0.3 }
        func run(_ seed: UInt64) throws -> [Int32] {
            let s = try Sampler(options: SamplingOptions(temperature: 1, seed: seed), vocabulary: 100)
            return (0..<50).map { _ in withLogits(logits) { s.sample($0).id } }
        }
        #expect(try run(7) == run(7))
        #expect(try run(7) != run(8))
        // reset() restarts the sequence.
        let s = try Sampler(options: SamplingOptions(temperature: 1, seed: 3), vocabulary: 100)
        let a = (0..<20).map { _ in withLogits(logits) { s.sample($0).id } }
        s.reset()
        #expect(a == (0..<20).map { _ in withLogits(logits) { s.sample($0).id } })
    }

    @Test func topKKeepsOnlyTheKBest() throws {
        let logits: [Float] = [5, 1, 4.9, 0, 4.8, 2]
        let s = try Sampler(options: SamplingOptions(temperature: 5, topK: 2, seed: 1), vocabulary: 6)
        let seen = Set((0..<300).map { _ in withLogits(logits) { s.sample($0).id } })
        #expect(seen == [0, 2])
    }

    @Test func topPKeepsTheSmallestSetReachingP() throws {
        // p ≈ [0.665, 0.245, 0.090]: top-p 0.8 keeps the first two.
        let logits: [Float] = [2, 1, 0]
        let s = try Sampler(options: SamplingOptions(temperature: 1, topP: 0.8, seed: 1), vocabulary: 3)
        let seen = Set((0..<400).map { _ in withLogits(logits) { s.sample($0).id } })
        #expect(seen == [0, 1])
    }

    @Test func minPDropsTokensFarBelowTheBest() throws {
        // p1/p0 = e^-1 ≈ 0.37, p2/p0 = e^-3 ≈ 0.05: min-p 0.1 keeps 0 and 1.
        let logits: [Float] = [3, 2, 0]
        let s = try Sampler(options: SamplingOptions(temperature: 1, minP: 0.1, seed: 2), vocabulary: 3)
        let seen = Set((0..<400).map { _ in withLogits(logits) { s.sample($0).id } })
        #expect(seen == [0, 1])
    }

    @Test func temperatureDrawFollowsTheDistribution() throws {
        // Two tokens with p = 0.75 / 0.25 at T = 1 (logit gap ln 3).
        let logits: [Float] = [Float(log(3.0)), 0]
        let s = try Sampler(options: SamplingOptions(temperature: 1, seed: 11), vocabulary: 2)
        let n = 4000
        let zeros = (0..<n).filter { _ in withLogits(logits) { s.sample($0).id } == 0 }.count
        #expect(abs(Double(zeros) / Double(n) - 0.75) < 0.03)
    }

    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() throws {
        let s = try Sampler(options: SamplingOptions(repetitionPenalty: 2), vocabulary: 3)
        // 1 was generated: 4 → 2, so 2 (logit 3) wins.
        #expect(withLogits([0, 4, 3]) { s.sample($0, history: [1]).id } == 2)
        // Negative logits are made more negative: −1 → −2 loses to −1.5.
        #expect(withLogits([-1, -1.5, -9]) { s.sample($0, history: [0]).id } == 1)
        // Outside the window the penalty no longer applies.
        let w = try Sampler(options: SamplingOptions(repetitionPenalty: 2, repetitionWindow: 1), vocabulary: 3)
        #expect(withLogits([0, 4, 3]) { w.sample($0, history: [1, 0]).id } == 1)
    }

    @Test(arguments: [
        SamplingOptions(temperature: -1 / 0.0), SamplingOptions(topK: -1), SamplingOptions(topP: 0),
        SamplingOptions(topP: 1.5), SamplingOptions(minP: 1), SamplingOptions(repetitionPenalty: 0),
    ])
    func badOptionsAreRejected(_ o: SamplingOptions) {
        #expect(throws: GenerateError.self) { try Sampler(options: o, vocabulary: 4) }
    }

    @Test func confidenceStatistics() {
        let c = Confidence([TokenChoice(id: 1, logProbability: -0.5, entropy: 1),
                            TokenChoice(id: 2, logProbability: -2.5, entropy: 3)])
        #expect(c.tokens == 2 && c.meanLogProbability == -1.5 && c.minimumLogProbability == -2.5 && c.meanEntropy == 2)
        #expect(Confidence([]).tokens == 0)
    }
}

@Suite struct StopStringTests {
    @Test func textBeforeTheStopStringIsReleasedAndTheRestDropped() {
        var s = StopStrings(["\nUser:"])
        var out = ""
        var stopped = false
        for piece in ["Paris", " is", "\n", "Us", "er:", " more"] where !stopped {
            let r = s.append(piece)
            out += r.released
            stopped = r.stopped
        }
        #expect(stopped)
        #expect(out == "Paris is")
    }

    @Test func aPossibleStartIsHeldBackThenReleasedWhenItDiverges() {
        var s = StopStrings(["</answer>"])
        #expect(s.append("yes </an").released == "yes ")
        let r = s.append("d more")
        #expect(r.released == "</and more" && !r.stopped)
        #expect(s.append("</").released == "")
        #expect(s.flush() == "</")
    }

    @Test func earliestOfSeveralStopsWins() {
        var s = StopStrings(["END", "STOP"])
        let r = s.append("a STOP b END")
        #expect(r.stopped && r.released == "a ")
    }

    @Test func multiByteTextIsNeverSplit() {
        var s = StopStrings(["é!"])
        let r = s.append("café")
        #expect(r.released == "caf" && !r.stopped)
        #expect(s.append("?").released == "é?")
    }
}
