// L2-regularised logistic regression fitted by Newton's method (IRLS) with a backtracking line
// search. Features are standardised inside (weighted mean and population standard deviation,
// stored with the model) so one penalty treats them alike; the intercept is not penalised.
//
// Objective, with W = Σ wᵢ and x̃ the standardised features:
//     f(β, b) = (1/W) Σ wᵢ [log(1 + e^zᵢ) − yᵢ zᵢ] + (λ/2) Σⱼ βⱼ²,   zᵢ = b + Σⱼ βⱼ x̃ᵢⱼ
// For λ > 0 it is strictly convex in β, so Newton converges even on separable data (where the
// unpenalised optimum is at infinity). Same data and options → the same operations in the same
// order → bit-identical parameters.
import Foundation   // log1p, exp

public struct LogisticRegression: Sendable, Equatable {
    /// Per-feature mean and standard deviation used to standardise (sd is 1 for a constant feature).
    public let mean: [Double]
    public let sd: [Double]
    /// Coefficients on the standardised features, and the intercept.
    public let weights: [Double]
    public let bias: Double

    public struct Options: Sendable, Equatable {
        /// λ in the objective above; must be > 0.
        public var l2: Double = 1e-3
        public var maxIterations: Int = 100
        public init(l2: Double = 1e-3, maxIterations: Int = 100) {
            self.l2 = l2
            self.maxIterations = maxIterations
        }
    }

    /// A model from stored parameters (the file reader checks them first).
    public init(mean: [Double], sd: [Double], weights: [Double], bias: Double) {
        self.mean = mean
        self.sd = sd
        self.weights = weights
        self.bias = bias
    }

    public var featureCount: Int { weights.count }

    /// The log-odds for one row of `featureCount` values. No allocation.
    @inlinable public func margin(_ row: UnsafeBufferPointer<Double>) -> Double {
        var z = bias
        for j in 0..<weights.count { z += weights[j] * ((row[j] - mean[j]) / sd[j]) }
        return z
    }

    /// Coefficients and intercept on the original (unstandardised) features:
    /// wⱼ' = βⱼ / sdⱼ, b' = b − Σⱼ βⱼ meanⱼ / sdⱼ.
    public var unstandardised: (weights: [Double], bias: Double) {
        var b = bias
        var w = [Double](repeating: 0, count: weights.count)
        for j in 0..<weights.count {
            w[j] = weights[j] / sd[j]
            b -= weights[j] * mean[j] / sd[j]
        }
        return (w, b)
    }

    /// Fits `labels` (true = positive) on `x`, with optional non-negative sample weights.
    public static func fit(_ x: FeatureMatrix, labels: [Bool], weights: [Double]? = nil,
                           options: Options = Options()) throws(LearnError) -> LogisticRegression {
        guard options.l2 > 0, options.l2.isFinite else {
            throw .invalidParameter(name: "l2", value: options.l2, requirement: "a finite number > 0")
        }
        let w = try checkedWeights(weights, rows: x.rows, labels: labels.count)
        try requireBothClasses(labels, w)
        let n = x.rows, d = x.columns, p = d + 1 // parameters: d coefficients, then the intercept
        let totalWeight = w.reduce(0, +)
        let y = labels.map { $0 ? 1.0 : 0.0 }

        // Weighted mean and population sd per feature.
        var mean = [Double](repeating: 0, count: d), sd = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += w[i] * x.values[i * d + j] } }
        for j in 0..<d { mean[j] /= totalWeight }
        for i in 0..<n { for j in 0..<d { let c = x.values[i * d + j] - mean[j]; sd[j] += w[i] * c * c } }
        for j in 0..<d {
            let s = (sd[j] / totalWeight).squareRoot()
            sd[j] = s > 1e-12 * max(abs(mean[j]), 1) ? s : 1 // constant feature: centred to 0, sd 1
        }
        // z̃: standardised design with a trailing 1 for the intercept, shape [n, p] row-major.
        var z = [Double](repeating: 1, count: n * p)
        for i in 0..<n { for j in 0..<d { z[i * p + j] = (x.values[i * d + j] - mean[j]) / sd[j] } }

        let scale = 1 / totalWeight
        func objective(_ beta: [Double]) -> Double {
            var loss = 0.0
            for i in 0..<n where w[i] > 0 {
                var m = 0.0
                for k in 0..<p { m += beta[k] * z[i * p + k] }
                loss += w[i] * (softplus(m) - y[i] * m)
            }
            var penalty = 0.0
            for k in 0..<d { penalty += beta[k] * beta[k] }
            return loss * scale + 0.5 * options.l2 * penalty
        }

        var beta = [Double](repeating: 0, count: p)
        var value = objective(beta)
        var gradient = [Double](repeating: 0, count: p)
        var hessian = [Double](repeating: 0, count: p * p) // shape [p, p], lower triangle filled
        for _ in 0..<options.maxIterations {
            for k in 0..<p { gradient[k] = 0 }
            for k in 0..<(p * p) { hessian[k] = 0 }
            for i in 0..<n where w[i] > 0 {
                var m = 0.0
                for k in 0..<p { m += beta[k] * z[i * p + k] }
                let prob = logistic(m)
                let r = w[i] * (prob - y[i])
                let s = w[i] * prob * (1 - prob)
                for a in 0..<p {
                    let za = z[i * p + a]
                    gradient[a] += r * za
                    let sa = s * za
                    for b in 0...a { hessian[a * p + b] += sa * z[i * p + b] }
                }
            }
            for k in 0..<p { gradient[k] *= scale }
            for k in 0..<(p * p) { hessian[k] *= scale }
            for k in 0..<d { gradient[k] += options.l2 * beta[k]; hessian[k * p + k] += options.l2 }
            // Newton direction; if rounding makes the Hessian look indefinite (an intercept whose
            // curvature underflows), add damping until it factors.
            var direction: [Double]?
            var damping = 0.0
            while direction == nil && damping < 1e6 {
                var h = hessian
                if damping > 0 { for k in 0..<p { h[k * p + k] += damping } }
                direction = Cholesky.solve(h, gradient)
                damping = damping == 0 ? 1e-10 : damping * 100
            }
            guard let step = direction else { break }
            let slope = -zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 } // gᵀd with d = −step
            if -slope < 1e-28 { break } // Newton decrement² ~ 0: at the optimum to rounding
            var t = 1.0
            var accepted = false
            for _ in 0..<60 {
                let candidate = (0..<p).map { beta[$0] - t * step[$0] }
                let v = objective(candidate)
                if v <= value + 1e-4 * t * slope {
                    beta = candidate
                    value = v
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted { break } // no decrease representable: converged to rounding
            let size = step.reduce(0) { max($0, abs($1)) } * t
            if size <= 1e-13 * (1 + beta.reduce(0) { max($0, abs($1)) }) { break }
        }
        return LogisticRegression(mean: mean, sd: sd, weights: Array(beta[0..<d]), bias: beta[d])
    }
}

/// Logistic losses need both labels among the rows that carry weight (else the optimum
/// intercept is ±∞).
func requireBothClasses(_ labels: [Bool], _ weights: [Double]) throws(LearnError) {
    var positive = false, negative = false
    for (l, w) in zip(labels, weights) where w > 0 {
        if l { positive = true } else { negative = true }
    }
    if !(positive && negative) { throw .oneClass(label: positive) }
}
