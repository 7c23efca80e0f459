// Least-squares fit of a linear map from streamed samples: the normal equations are accumulated
// in double precision (XᵀX and XᵀY), so calibration never holds all samples at once, then solved
// with a small ridge term by Cholesky factorisation.

struct RidgeRegression {
    let inputs: Int
    let outputs: Int
    /// XᵀX, `[inputs, inputs]`.
    private(set) var gram: [Double]
    /// XᵀY, `[inputs, outputs]`.
    private(set) var cross: [Double]
    private(set) var samples = 0

    init(inputs: Int, outputs: Int) {
        self.inputs = inputs
        self.outputs = outputs
        gram = [Double](repeating: 0, count: inputs * inputs)
        cross = [Double](repeating: 0, count: inputs * outputs)
    }

    /// Adds one sample: `x` is `[inputs]`, `y` is `[outputs]`.
    mutating func add(x: UnsafePointer<Float>, y: UnsafePointer<Float>) {
        let n = inputs, m = outputs
        gram.withUnsafeMutableBufferPointer { g in
            for i in 0..<n {
                let xi = Double(x[i])
                if xi == 0 { continue }
                // Upper triangle only; mirrored in solve().
                for j in i..<n { g[i * n + j] += xi * Double(x[j]) }
            }
        }
        cross.withUnsafeMutableBufferPointer { c in
            for i in 0..<n {
                let xi = Double(x[i])
                for k in 0..<m { c[i * m + k] += xi * Double(y[k]) }
            }
        }
        samples += 1
    }

    /// The weights `W` (`[outputs, inputs]`, row k predicts output k) minimising
    /// ‖XW − Y‖² + λ‖W‖², with λ = `ridge` × mean diagonal of XᵀX. Nil when the system is
    /// singular even with the ridge (no samples).
    func solve(ridge: Double = 1e-3) -> [Float]? {
        let n = inputs, m = outputs
        var a = gram
        var trace = 0.0
        for i in 0..<n { trace += a[i * n + i] }
        let lambda = max(ridge * trace / Double(n), 1e-12)
        for i in 0..<n {
            a[i * n + i] += lambda
            for j in 0..<i { a[i * n + j] = a[j * n + i] }
        }
        // Cholesky: a = L Lᵀ, L stored in the lower triangle.
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0 else { return nil }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(n, j + 1) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        var w = [Float](repeating: 0, count: m * n)
        var z = [Double](repeating: 0, count: n)
        for k in 0..<m {
            // Forward: L z = b; backward: Lᵀ x = z.
            for i in 0..<n {
                var s = cross[i * m + k]
                for j in 0..<i { s -= a[i * n + j] * z[j] }
                z[i] = s / a[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = z[i]
                for j in (i + 1)..<max(n, i + 1) { s -= a[j * n + i] * z[j] }
                z[i] = s / a[i * n + i]
            }
            for i in 0..<n { w[k * n + i] = Float(z[i]) }
        }
        return w
    }
}
