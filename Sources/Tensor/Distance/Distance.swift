// Similarity kernels for vector retrieval: f32 dot products (embeddings are unit length, so the
// dot is the cosine), int8 dot products with symmetric per-vector scales, and the quantiser.
// Raw pointers in, scalars out; `@inlinable` so the ANN's inner loop inlines them across modules.

public enum Distance {
    @inlinable @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Σ a[i]·b[i] over `count` floats, any count. Four independent 16-lane FMA chains hide the
    /// FMA latency; the tail is scalar.
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var i = 0
        while i &+ 64 <= count {
            s0 = s0.addingProduct(load16(a + i), load16(b + i))
            s1 = s1.addingProduct(load16(a + (i &+ 16)), load16(b + (i &+ 16)))
            s2 = s2.addingProduct(load16(a + (i &+ 32)), load16(b + (i &+ 32)))
            s3 = s3.addingProduct(load16(a + (i &+ 48)), load16(b + (i &+ 48)))
            i &+= 64
        }
        while i &+ 16 <= count {
            s0 = s0.addingProduct(load16(a + i), load16(b + i))
            i &+= 16
        }
        let t = (s0 + s1) + (s2 + s3)
        let h8 = t.lowHalf + t.highHalf, h4 = h8.lowHalf + h8.highHalf, h2 = h4.lowHalf + h4.highHalf
        var r = h2[0] + h2[1]
        while i < count {
            r += a[i] * b[i]
            i &+= 1
        }
        return r
    }

    /// Σ a[i]·b[i] of an int8 vector `b` against a query `a` already widened to int16 (widening
    /// once per query saves one sign extension per element in the scan). Exact in Int32 for
    /// count < 2¹⁷. LLVM turns the loop into widening multiply-adds (vpmaddwd); measured here
    /// at about half the time of the f32 dot for 384 dimensions, on a quarter of the bytes.
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        var s: Int32 = 0
        for j in 0..<count { s &+= Int32(a[j]) &* Int32(b[j]) }
        return s
    }

    /// Σ a[i]·b[i] of two int8 vectors, exact in Int32 for count < 2¹⁷.
    @inlinable
    public static func dot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        var s: Int32 = 0
        for j in 0..<count { s &+= Int32(a[j]) &* Int32(b[j]) }
        return s
    }

    /// Symmetric int8 quantisation of one vector: `scale = max|x| / 127`, `q[i] = round(x[i] / scale)`
    /// in −127…127, so `x[i] ≈ scale · q[i]` and `a·b ≈ scaleA · scaleB · Σ qa·qb`. Returns the
    /// scale (0 for an all-zero vector, whose codes are all 0). Non-finite inputs give code 0.
    public static func quantize(_ x: UnsafePointer<Float>, count: Int, into q: UnsafeMutablePointer<Int8>) -> Float {
        var m: Float = 0
        for i in 0..<count where x[i].isFinite { m = Swift.max(m, abs(x[i])) }
        guard m > 0 else {
            q.initialize(repeating: 0, count: count)
            return 0
        }
        let inv = 127 / m
        for i in 0..<count {
            let v = x[i].isFinite ? (x[i] * inv).rounded(.toNearestOrEven) : 0
            q[i] = Int8(Swift.max(-127, Swift.min(127, v)))
        }
        return m / 127
    }

    /// Widens int8 codes to int16 (the query side of `dot(_:Int16, _:Int8)`).
    public static func widen(_ q: UnsafePointer<Int8>, count: Int, into w: UnsafeMutablePointer<Int16>) {
        for i in 0..<count { w[i] = Int16(q[i]) }
    }

    /// Scales `x` to unit length in place; a zero vector stays zero. Returns the original norm.
    @discardableResult
    public static func normalize(_ x: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let n = dot(x, x, count: count).squareRoot()
        guard n > 0, n.isFinite else { return n }
        let inv = 1 / n
        for i in 0..<count { x[i] *= inv }
        return n
    }
}
