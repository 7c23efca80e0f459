// Solves the small symmetric positive-definite systems of Newton's method (the L2-penalised
// Hessian is positive definite), by Cholesky factorisation in place.

enum Cholesky {
    /// Solves `a · x = b` for symmetric positive-definite `a` (shape [n, n], row-major; only the
    /// lower triangle is read). Returns nil when a pivot is not positive (not positive definite,
    /// within rounding).
    static func solve(_ a: [Double], _ b: [Double]) -> [Double]? {
        let n = b.count
        var l = a // becomes the factor L, shape [n, n], lower triangle used
        for j in 0..<n {
            var d = l[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            let root = d.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<n {
                var s = l[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / root
            }
        }
        var y = b // forward: L y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) { // backward: Lᵀ x = y
            var s = y[i]
            for k in (i + 1)..<n { s -= l[k * n + i] * y[k] }
            y[i] = s / l[i * n + i]
        }
        return y
    }
}
