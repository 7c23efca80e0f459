// The calibration-error estimators that say how much of a small sample's ECE is noise.
import Learn
import Random
import Testing

@Suite struct CalibrationErrorTests {
    /// n confidences spread over (0, 1) and outcomes drawn from them: calibrated by construction.
    func calibrated(_ n: Int, seed: UInt64) -> ([Double], [Bool]) {
        var rng = SplitMix64(seed: seed)
        let p = (0..<n).map { _ in 0.05 + 0.9 * rng.unit() }
        return (p, p.map { rng.unit() < $0 })
    }

    /// On 157 calibrated answers the binned ECE is far above 0.05 from sampling alone; the noise
    /// floor predicts it, and the debiased error is near 0 on average (single samples vary).
    @Test func aCalibratedSmallSampleIsWithinTheNoiseFloor() {
        let (p, y) = calibrated(157, seed: 3)
        let floor = Metrics.eceNoiseFloor(p)
        #expect(floor.mean > 0.07, "15 bins of ~10 answers: \(floor.mean)")
        #expect(Metrics.ece(p, y) <= floor.p95)
        var binned = 0.0, debiased = 0.0
        for seed in 100..<140 {
            let (p, y) = calibrated(157, seed: UInt64(seed))
            binned += Metrics.ece(p, y) / 40
            debiased += Metrics.debiasedCalibrationError(p, y) / 40
        }
        #expect(binned > 0.08, "\(binned)")
        #expect(debiased < 0.045, "\(debiased)")
    }

    /// A stage that says 0.8 where it is right half the time is outside the noise and its
    /// debiased error is near the true 0.3.
    @Test func aMiscalibratedStageIsFlagged() {
        let (p, _) = calibrated(300, seed: 5)
        var rng = SplitMix64(seed: 6)
        let claimed = p.map { min(0.99, $0 + 0.3) }, y = p.map { rng.unit() < $0 }
        #expect(Metrics.ece(claimed, y) > Metrics.eceNoiseFloor(claimed).p95)
        let e = Metrics.debiasedCalibrationError(claimed, y)
        #expect(e > 0.2 && e < 0.4, "\(e)")
    }

    /// The floor falls like 1/√(answers per bin), and a report repeats (fixed seed).
    @Test func theNoiseFloorShrinksWithTheSampleAndRepeats() {
        let small = calibrated(150, seed: 8).0, large = calibrated(6000, seed: 9).0
        #expect(Metrics.eceNoiseFloor(large).mean < Metrics.eceNoiseFloor(small).mean / 4)
        #expect(Metrics.eceNoiseFloor(small) == Metrics.eceNoiseFloor(small))
        #expect(Metrics.eceNoiseFloor([]) == (0, 0))
    }
}
