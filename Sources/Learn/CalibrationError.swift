// How sure a measured calibration error is. The binned ECE of a few hundred answers is biased
// upwards: even a perfectly calibrated stage shows |mean predicted − observed| in every bin from
// sampling alone (with 15 bins of ~10 answers, about 0.1). Two answers to that: the ECE such a
// perfect stage would show on the same confidences (the noise floor, by simulation), and the
// debiased squared calibration error of Kumar, Liang & Ma ("Verified uncertainty calibration",
// NeurIPS 2019), which subtracts each bin's sampling variance.
import Random

extension Metrics {
    /// The ECE (same bins as `ece`) of a perfectly calibrated stage with confidences `p`:
    /// outcomes drawn as Bernoulli(p) `draws` times with a fixed seed, so a report repeats.
    /// - Returns: the mean over draws and the 95th percentile.
    public static func eceNoiseFloor(_ p: [Double], bins: Int = 15, draws: Int = 1000, seed: UInt64 = 14)
        -> (mean: Double, p95: Double) {
        guard !p.isEmpty, draws > 0 else { return (0, 0) }
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(draws)
        for _ in 0..<draws {
            let y = p.map { rng.unit() < $0 }
            values.append(ece(p, y, bins: bins))
        }
        values.sort()
        return (values.reduce(0, +) / Double(draws), values[min(draws - 1, Int(0.95 * Double(draws)))])
    }

    /// The debiased L2 calibration error over the equal-mass bins of `reliability`:
    /// √max(0, Σ_b (n_b/n)·[(p̄_b − ȳ_b)² − ȳ_b(1 − ȳ_b)/(n_b − 1)]). The subtracted term is the
    /// unbiased estimate of the bin's sampling variance, so a calibrated stage scores near 0
    /// whatever the sample size. An L2 error is never below the L1 (ECE) of the same bins'
    /// true rates, so comparing it to an ECE goal is conservative.
    public static func debiasedCalibrationError(_ p: [Double], _ y: [Bool], bins: Int = 15) -> Double {
        guard !p.isEmpty else { return 0 }
        var s = 0.0
        for b in reliability(p, y, bins: bins) where b.count > 1 {
            let n = Double(b.count), d = b.meanPredicted - b.observed
            s += n * (d * d - b.observed * (1 - b.observed) / (n - 1))
        }
        return (max(0, s) / Double(p.count)).squareRoot()
    }
}
