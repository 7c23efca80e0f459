// The mapping from answer features to a probability of being right: logistic regression weights,
// loaded from a calibration file written by `nerve calibrate` (or the shipped default).
import Learn

public struct Calibration: Sendable, Equatable {
    /// Weights in AnswerFeatures.names order.
    public var weights: [Double]
    public var bias: Double

    public init(weights: [Double], bias: Double) {
        self.weights = weights
        self.bias = bias
    }

    /// Hand-set starting weights: coverage and phrase evidence dominate; used until a fitted
    /// calibration file is configured.
    public static let `default` = Calibration(weights: [4.0, 1.5, 1.0, 0.8, 0.5, 0.8, 1.5, 1.0, 0.8], bias: -5.0)

    public func probability(_ f: AnswerFeatures) -> Double {
        var z = bias
        for (w, x) in zip(weights, f.vector) { z += w * x }
        return logistic(z)
    }
}
