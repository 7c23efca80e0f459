// The training table every fitter takes: a dense row-major matrix of finite Doubles, labels and
// optional sample weights, checked once here so the fitters can trust their input.
import Foundation   // exp, log1p

/// Rows of feature vectors. `values` has shape [rows, columns], row-major: row i is
/// `values[i * columns ..< (i + 1) * columns]`.
public struct FeatureMatrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public let values: [Double]

    /// A matrix from flat row-major values; `values.count` must be a multiple of `columns`
    /// and every value finite.
    public init(values: [Double], columns: Int) throws(LearnError) {
        guard columns > 0 else { throw .invalidParameter(name: "columns", value: Double(columns), requirement: "at least 1") }
        guard values.count % columns == 0 else {
            throw .shapeMismatch(what: "matrix values", count: values.count, expected: (values.count / columns + 1) * columns)
        }
        for (i, v) in values.enumerated() where !v.isFinite {
            throw .notFiniteInput(what: "feature", row: i / columns, column: i % columns)
        }
        self.rows = values.count / columns
        self.columns = columns
        self.values = values
    }

    /// A matrix from one array per row; all rows must have the same length.
    public init(rows: [[Double]]) throws(LearnError) {
        guard let width = rows.first?.count else { throw .emptyData }
        var flat: [Double] = []
        flat.reserveCapacity(rows.count * width)
        for (i, r) in rows.enumerated() {
            guard r.count == width else { throw .shapeMismatch(what: "row \(i)", count: r.count, expected: width) }
            flat.append(contentsOf: r)
        }
        try self.init(values: flat, columns: width)
    }

    /// Row `i` as a slice of `values` (no copy).
    @inlinable public func row(_ i: Int) -> ArraySlice<Double> {
        values[i * columns ..< (i + 1) * columns]
    }

    /// The rows at `indices`, in that order (for cross-validation folds).
    public func selecting(_ indices: [Int]) -> FeatureMatrix {
        var flat: [Double] = []
        flat.reserveCapacity(indices.count * columns)
        for i in indices { flat.append(contentsOf: row(i)) }
        return FeatureMatrix(trusted: flat, rows: indices.count, columns: columns)
    }

    init(trusted values: [Double], rows: Int, columns: Int) {
        self.values = values
        self.rows = rows
        self.columns = columns
    }
}

/// Checks shared by the fitters: one label per row, weights (if any) finite, non-negative and
/// not all zero. Returns the weights, all ones when none were given.
func checkedWeights(_ weights: [Double]?, rows: Int, labels: Int) throws(LearnError) -> [Double] {
    guard rows > 0 else { throw .emptyData }
    guard labels == rows else { throw .shapeMismatch(what: "labels", count: labels, expected: rows) }
    guard let weights else { return [Double](repeating: 1, count: rows) }
    guard weights.count == rows else { throw .shapeMismatch(what: "weights", count: weights.count, expected: rows) }
    var total = 0.0
    for (i, w) in weights.enumerated() {
        guard w.isFinite, w >= 0 else { throw .notFiniteInput(what: "weight (finite, ≥ 0)", row: i, column: -1) }
        total += w
    }
    guard total > 0 else { throw .invalidParameter(name: "weights", value: 0, requirement: "not all zero") }
    return weights
}

/// log(1 + e^z) without overflow, and the logistic function; shared by every fitter and metric.
@inlinable func softplus(_ z: Double) -> Double {
    z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}

/// 1 / (1 + e^-z), computed on the side that cannot overflow.
@inlinable public func logistic(_ z: Double) -> Double {
    if z >= 0 { return 1 / (1 + exp(-z)) }
    let e = exp(z)
    return e / (1 + e)
}
