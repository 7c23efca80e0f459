// Row-wise and element-wise f32 kernels: layer norm, add, GELU, softmax, masked mean pooling and
// L2 normalisation. 16-lane loops with a scalar-free tail (padded vector) so any length works.

extension F32 {
    /// Loads `count` (< 16) floats into the low lanes, `fill` in the rest.
    @inline(__always)
    static func loadTail(_ p: UnsafePointer<Float>, _ count: Int, fill: Float) -> F32x16 {
        var v = F32x16(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inline(__always)
    static func storeTail(_ v: F32x16, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        for i in 0..<count { p[i] = v[i] }
    }

    /// Σ x over `count` elements.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = F32x16.zero, i = 0
        while i + 16 <= count { acc += load16(x + i); i += 16 }
        return VectorMath.sum(acc + loadTail(x + i, count - i, fill: 0))
    }

    /// `y[rows, n] = (x − mean) / sqrt(var + eps) · gamma + beta` per row, with the biased
    /// variance (as PyTorch's LayerNorm). `y` may be `x`. Two passes over each row (mean, then
    /// variance of the centred values), which keeps precision when the mean is large.
    public static func layerNorm(_ x: UnsafePointer<Float>, rows: Int, width n: Int,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
                                 into y: UnsafeMutablePointer<Float>, threads: Int = 1) {
        let jobs = max(1, min(Parallel.jobs(for: threads), rows / 32))
        Parallel.run(jobs: jobs, threads: threads) { job in
            for r in Parallel.slice(rows, parts: jobs, part: job) {
                let xr = x + r * n, yr = y + r * n
                let mean = sum(xr, n) / Float(n)
                let m = F32x16(repeating: mean)
                var acc = F32x16.zero, i = 0
                while i + 16 <= n { let d = load16(xr + i) - m; acc.addProduct(d, d); i += 16 }
                var tail = loadTail(xr + i, n - i, fill: mean) - m
                acc.addProduct(tail, tail)
                let rstd = F32x16(repeating: 1 / (VectorMath.sum(acc) / Float(n) + eps).squareRoot())
                i = 0
                while i + 16 <= n {
                    store16((load16(xr + i) - m) * rstd * load16(gamma + i) + load16(beta + i), yr + i)
                    i += 16
                }
                tail = (loadTail(xr + i, n - i, fill: 0) - m) * rstd
                storeTail(tail * loadTail(gamma + i, n - i, fill: 0) + loadTail(beta + i, n - i, fill: 0), yr + i, n - i)
            }
        }
    }

    /// `y[i] = a[i] + b[i]` for `count` elements; `y` may be `a` or `b`.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                           into y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 16 <= count { store16(load16(a + i) + load16(b + i), y + i); i += 16 }
        while i < count { y[i] = a[i] + b[i]; i += 1 }
    }

    /// GELU (erf form) in place over `count` elements.
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count { store16(VectorMath.gelu(load16(x + i)), x + i); i += 16 }
        storeTail(VectorMath.gelu(loadTail(x + i, count - i, fill: 0)), x + i, count - i)
    }

    /// Softmax in place over `count` (> 0) elements, shifted by the maximum so no exponent
    /// overflows; −inf entries (masked) become 0. A row that is all −inf becomes all 0.
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var mx = F32x16(repeating: -.infinity), i = 0
        while i + 16 <= count { mx = VectorMath.maximum(mx, load16(x + i)); i += 16 }
        let top = VectorMath.max(VectorMath.maximum(mx, loadTail(x + i, count - i, fill: -.infinity)))
        if top == -.infinity {
            for j in 0..<count { x[j] = 0 }
            return
        }
        let shift = F32x16(repeating: top)
        var acc = F32x16.zero
        i = 0
        while i + 16 <= count {
            let e = VectorMath.exp(load16(x + i) - shift)
            acc += e
            store16(e, x + i)
            i += 16
        }
        let e = VectorMath.exp(loadTail(x + i, count - i, fill: -.infinity) - shift)
        acc += e
        storeTail(e, x + i, count - i)
        let scale = F32x16(repeating: 1 / VectorMath.sum(acc))
        i = 0
        while i + 16 <= count { store16(load16(x + i) * scale, x + i); i += 16 }
        while i < count { x[i] *= scale[0]; i += 1 }
    }

    /// `y[width] = Σ_r mask[r]·x[r] / max(Σ_r mask[r], 1e-9)` over `rows` rows of `x[rows, width]`
    /// (sentence-transformers' mean pooling; the clamp keeps an all-masked input finite: zeros).
    /// A nil `mask` weights every row 1.
    public static func meanPool(_ x: UnsafePointer<Float>, rows: Int, width n: Int, mask: UnsafePointer<Float>?,
                                into y: UnsafeMutablePointer<Float>) {
        y.update(repeating: 0, count: n)
        var total: Float = 0
        for r in 0..<rows {
            let w = mask?[r] ?? 1
            if w == 0 { continue }
            total += w
            let xr = x + r * n
            let wv = F32x16(repeating: w)
            var i = 0
            while i + 16 <= n { store16(load16(y + i).addingProduct(wv, load16(xr + i)), y + i); i += 16 }
            while i < n { y[i] += w * xr[i]; i += 1 }
        }
        let scale = 1 / max(total, 1e-9)
        for i in 0..<n { y[i] *= scale }
    }

    /// Scales `count` elements in place to unit Euclidean length: `x / max(‖x‖, 1e-12)` (as
    /// PyTorch's F.normalize, so a zero vector stays zero).
    public static func l2Normalize(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var acc = F32x16.zero, i = 0
        while i + 16 <= count { let v = load16(x + i); acc.addProduct(v, v); i += 16 }
        let t = loadTail(x + i, count - i, fill: 0)
        acc.addProduct(t, t)
        let scale = 1 / max(VectorMath.sum(acc).squareRoot(), 1e-12)
        for j in 0..<count { x[j] *= scale }
    }
}
