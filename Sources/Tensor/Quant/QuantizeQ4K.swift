// Q4_K quantiser for writing models. Our own search, not llama.cpp's exact choice: for each
// 32-element sub-block try a few scales, refit scale and min by least squares, keep the best;
// then quantise the 8 scales and 8 mins to 6 bits against f16 super-scales. Any output is a
// valid block; tests bound the round-trip error.

extension BlockQ4_K {
    /// Quantises `count` floats (a multiple of 256) into `count / 256` Q4_K blocks at `dst`.
    /// Each sub-block is modelled as x ≈ scale × q − min with q in 0...15 and min ≥ 0.
    public static func quantize(_ src: UnsafePointer<Float>, _ dst: UnsafeMutableRawPointer, count: Int) {
        precondition(count % elements == 0, "Q4_K: count must be a multiple of 256")
        var scales = [Float](repeating: 0, count: 8)   // [8] per sub-block
        var mins = [Float](repeating: 0, count: 8)     // [8] per sub-block, ≥ 0
        var levels = [UInt8](repeating: 0, count: 256) // [256] final 4-bit values
        for b in 0..<(count / elements) {
            let x = src + b &* elements
            let p = dst + b &* bytes
            for j in 0..<8 {
                (scales[j], mins[j]) = fitSubBlock(x + 32 &* j)
            }
            let maxScale = scales.max() ?? 0
            let maxMin = mins.max() ?? 0
            // Super-scales are stored as f16; quantise the 6-bit factors against the stored values.
            let dBits = Half.fromFloat(maxScale / 63), dminBits = Half.fromFloat(maxMin / 63)
            let d = Half.toFloat(dBits), dmin = Half.toFloat(dminBits)
            var ls = [UInt8](repeating: 0, count: 8), lm = [UInt8](repeating: 0, count: 8)
            for j in 0..<8 {
                ls[j] = d > 0 ? UInt8(roundClamped(scales[j] / d, 0, 63)) : 0
                lm[j] = dmin > 0 ? UInt8(roundClamped(mins[j] / dmin, 0, 63)) : 0
                let dl = d * Float(ls[j]), ml = dmin * Float(lm[j])
                for i in 0..<32 {
                    let v = dl > 0 ? (x[32 &* j &+ i] + ml) / dl : 0
                    levels[32 &* j &+ i] = UInt8(roundClamped(v, 0, 15))
                }
            }
            p.storeBytes(of: dBits, toByteOffset: 0, as: UInt16.self)
            p.storeBytes(of: dminBits, toByteOffset: 2, as: UInt16.self)
            packScales(ls, lm, into: p + 4)
            for c in 0..<4 {
                for l in 0..<32 {
                    let q = levels[64 &* c &+ l] | levels[64 &* c &+ 32 &+ l] &<< 4
                    p.storeBytes(of: q, toByteOffset: 16 &+ 32 &* c &+ l, as: UInt8.self)
                }
            }
        }
    }

    /// Writes the 12-byte scale/min table (the inverse of `kScaleMin`): values 0–3 whole in
    /// bytes 0–3 / 4–7, values 4–7 split into a low nibble (bytes 8–11) and two top bits
    /// (bits 6–7 of bytes 0–3 for scales, 4–7 for mins).
    static func packScales(_ ls: [UInt8], _ lm: [UInt8], into s: UnsafeMutableRawPointer) {
        var t = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            t[j] = ls[j] & 63
            t[j + 4] = lm[j] & 63
        }
        for j in 4..<8 {
            t[j + 4] = (ls[j] & 0xF) | ((lm[j] & 0xF) &<< 4)
            t[j - 4] |= (ls[j] &>> 4) &<< 6
            t[j] |= (lm[j] &>> 4) &<< 6
        }
        for i in 0..<12 { s.storeBytes(of: t[i], toByteOffset: i, as: UInt8.self) }
    }

    /// Best (scale, min) for 32 values x ≈ scale × q − min, q in 0...15, min ≥ 0.
    /// Tries inverse scales around 15 / (max − lo), refits each by least squares, keeps the one
    /// with the smallest squared error weighted towards large values (they dominate dot products).
    static func fitSubBlock(_ x: UnsafePointer<Float>) -> (scale: Float, min: Float) {
        var lo = x[0], hi = x[0], sumSquares: Float = 0
        for i in 0..<32 {
            lo = Swift.min(lo, x[i])
            hi = Swift.max(hi, x[i])
            sumSquares += x[i] * x[i]
        }
        lo = Swift.min(lo, 0)  // the min term can only subtract
        guard hi > lo, hi.isFinite, lo.isFinite else { return (0, lo.isFinite ? -lo : 0) }
        let rms = (sumSquares / 32).squareRoot()
        var w = [Float](repeating: 0, count: 32)
        var sw: Float = 0, swx: Float = 0
        for i in 0..<32 {
            w[i] = rms + abs(x[i])
            sw += w[i]
            swx += w[i] * x[i]
        }
        var bestScale = (hi - lo) / 15, bestMin = -lo
        var bestError = error(x, w, bestScale, bestMin)
        for step in 0...20 {
            let iscale = (14 + 0.1 * Float(step)) / (hi - lo)
            var sl: Float = 0, sll: Float = 0, sxl: Float = 0
            var q = [Float](repeating: 0, count: 32)
            for i in 0..<32 {
                q[i] = Float(roundClamped(iscale * (x[i] - lo), 0, 15))
                sl += w[i] * q[i]
                sll += w[i] * q[i] * q[i]
                sxl += w[i] * q[i] * x[i]
            }
            // Weighted least squares for x ≈ a·q + c; c must be ≤ 0 (c = −min).
            let det = sw * sll - sl * sl
            guard det > 0 else { continue }
            var a = (sw * sxl - swx * sl) / det
            var c = (sll * swx - sl * sxl) / det
            if c > 0 {
                c = 0
                a = sxl / sll
            }
            guard a > 0 else { continue }
            let e = error(x, w, a, -c, levels: q)
            if e < bestError {
                bestError = e
                bestScale = a
                bestMin = -c
            }
        }
        return (bestScale, bestMin)
    }

    /// Weighted squared error of x ≈ scale × q − min, with q either given or the nearest level.
    private static func error(_ x: UnsafePointer<Float>, _ w: [Float], _ scale: Float, _ min: Float,
                              levels: [Float]? = nil) -> Float {
        var e: Float = 0
        for i in 0..<32 {
            let q = levels?[i] ?? Float(roundClamped((x[i] + min) / scale, 0, 15))
            let diff = scale * q - min - x[i]
            e += w[i] * diff * diff
        }
        return e
    }
}
