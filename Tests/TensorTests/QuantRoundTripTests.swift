// Quantise → dequantise error bounds for every quantiser, the side fields (Q8_1 s, Q8_K bsums),
// hand-built blocks whose values follow from the layout alone, and hostile inputs (zeros, NaN).
import Tensor
import Testing

/// Gaussian-ish test data with per-row scale and a few outliers (deterministic).
func testRows(count: Int, seed: UInt64) -> [Float] {
    var s = seed
    func uniform() -> Float {
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return Float(s >> 40) / Float(1 << 24)
    }
    return (0..<count).map { i in
        let g = (0..<4).map { _ in uniform() }.reduce(0, +) - 2  // sum of 4 uniforms, centred
        let scale: Float = i % 512 < 256 ? 0.02 : 1.5
        return g * scale * (i % 97 == 0 ? 6 : 1)
    }
}

func roundTrip(_ format: QuantFormat, _ x: [Float]) -> [Float] {
    var q = [UInt8](repeating: 0, count: format.byteCount(x.count))
    var y = [Float](repeating: .nan, count: x.count)
    x.withUnsafeBufferPointer { xs in q.withUnsafeMutableBytes { quantize(type: format, src: xs.baseAddress!, dst: $0.baseAddress!, count: xs.count) } }
    q.withUnsafeBytes { qs in y.withUnsafeMutableBufferPointer { dequantize(type: format, src: qs.baseAddress!, dst: $0.baseAddress!, count: x.count) } }
    return y
}

/// ‖x − y‖ / ‖x‖.
func relativeRMSE(_ x: [Float], _ y: [Float]) -> Float {
    let e = zip(x, y).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    return (e / x.map { $0 * $0 }.reduce(0, +)).squareRoot()
}

@Suite struct QuantRoundTripTests {
    let x = testRows(count: 4096, seed: 1)

    /// Per block of `n`: every element within `bound(block)` of the input.
    func checkBlocks(_ format: QuantFormat, _ n: Int, bound: ([Float]) -> Float) {
        let y = roundTrip(format, x)
        for b in 0..<(x.count / n) {
            let block = Array(x[(b * n)..<((b + 1) * n)])
            let limit = bound(block)
            for i in 0..<n where abs(y[b * n + i] - x[b * n + i]) > limit {
                Issue.record("\(format.name) block \(b) element \(i): \(x[b * n + i]) → \(y[b * n + i]), limit \(limit)")
                return
            }
        }
    }

    @Test func q8_0() {
        // half a step plus the f16 rounding of d (relative 2^-11 of up to 127 steps)
        checkBlocks(.q8_0, 32) { b in let a = b.map(abs).max()!; return a * (0.501 / 127 + 1.0 / 2048) }
        checkBlocks(.q8_1, 32) { b in let a = b.map(abs).max()!; return a * (0.501 / 127 + 1.0 / 2048) }
    }

    @Test func q8_K() {
        checkBlocks(.q8_K, 256) { b in b.map(abs).max()! * (0.501 / 127 + 1e-6) }
    }

    @Test func q4_0() {
        // d = extreme / −8: the opposite end reaches only 7d, so the worst error is one step.
        checkBlocks(.q4_0, 32) { b in let a = b.map(abs).max()!; return a / 8 * 1.001 + a / 1024 }
    }

    @Test func q4_1() {
        checkBlocks(.q4_1, 32) { b in
            let lo = b.min()!, hi = b.max()!
            return (hi - lo) / 30 * 1.001 + (abs(lo) + (hi - lo)) / 1024
        }
    }

    @Test func q4_KIsAccurateAndBeatsLegacy4Bit() {
        let k = relativeRMSE(x, roundTrip(.q4_K, x))
        let legacy0 = relativeRMSE(x, roundTrip(.q4_0, x))
        let legacy1 = relativeRMSE(x, roundTrip(.q4_1, x))
        #expect(k < 0.1, "Q4_K relative RMSE \(k)")
        #expect(k < legacy0 && k < legacy1 * 1.05, "Q4_K \(k), Q4_0 \(legacy0), Q4_1 \(legacy1)")
        // No element is further than two steps of its sub-block's range from the input.
        let y = roundTrip(.q4_K, x)
        for s in 0..<(x.count / 32) {
            let sub = x[(s * 32)..<((s + 1) * 32)]
            let step = (sub.max()! - min(sub.min()!, 0)) / 15
            for i in (s * 32)..<((s + 1) * 32) where abs(y[i] - x[i]) > 2 * step + 1e-6 {
                Issue.record("Q4_K element \(i): \(x[i]) → \(y[i]), step \(step)")
                return
            }
        }
    }

    @Test func sideFields() {
        var q8k = [UInt8](repeating: 0, count: BlockQ8_K.bytes * 16)
        x.withUnsafeBufferPointer { xs in q8k.withUnsafeMutableBytes { BlockQ8_K.quantize(xs.baseAddress!, $0.baseAddress!, count: 4096) } }
        q8k.withUnsafeBytes { raw in
            for b in 0..<16 {
                for g in 0..<16 {
                    let sum = (0..<16).map { Int(raw.load(fromByteOffset: b * 292 + 4 + 16 * g + $0, as: Int8.self)) }.reduce(0, +)
                    #expect(Int(raw.loadUnaligned(fromByteOffset: b * 292 + 260 + 2 * g, as: Int16.self)) == sum)
                }
            }
        }
        var q81 = [UInt8](repeating: 0, count: BlockQ8_1.bytes)
        x.withUnsafeBufferPointer { xs in q81.withUnsafeMutableBytes { BlockQ8_1.quantize(xs.baseAddress!, $0.baseAddress!, count: 32) } }
        q81.withUnsafeBytes { raw in
            let d = Half.toFloat(raw.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
            let s = Half.toFloat(raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
            let sum = (0..<32).map { Float(raw.load(fromByteOffset: 4 + $0, as: Int8.self)) }.reduce(0, +)
            #expect(abs(s - d * sum) <= abs(d * sum) * 2e-3 + 1e-6)
        }
    }

    @Test func handBuiltQ4_KBlock() {
        // d = 1, dmin = 0.5; sub-block k has scale k+1 and min k (all < 16, so no high bits);
        // every qs byte is 0x21: low nibble 1 (even sub-blocks), high nibble 2 (odd ones).
        var b = [UInt8](repeating: 0, count: 144)
        b[0] = 0x00; b[1] = 0x3C   // f16 1.0
        b[2] = 0x00; b[3] = 0x38   // f16 0.5
        for k in 0..<4 { b[4 + k] = UInt8(k + 1); b[8 + k] = UInt8(k) }
        for k in 4..<8 { b[4 + k + 4] = UInt8(k + 1) | UInt8(k) << 4 }
        for i in 16..<144 { b[i] = 0x21 }
        var y = [Float](repeating: 0, count: 256)
        b.withUnsafeBytes { r in y.withUnsafeMutableBufferPointer { dequantize(type: .q4_K, src: r.baseAddress!, dst: $0.baseAddress!, count: 256) } }
        for k in 0..<8 {
            let q: Float = k % 2 == 0 ? 1 : 2
            let want = Float(k + 1) * q - 0.5 * Float(k)
            #expect(y[(32 * k)..<(32 * k + 32)].allSatisfy { $0 == want }, "sub-block \(k)")
        }
    }

    @Test func handBuiltQ6_KBlock() {
        // d = 1, scale of group g (16 elements) = g − 8, every 6-bit value = 33 (→ q − 32 = 1):
        // low nibble 1 everywhere, high bits 2 (binary 10) in each 2-bit field of qh.
        var b = [UInt8](repeating: 0, count: 210)
        for i in 0..<128 { b[i] = 0x11 }
        for i in 128..<192 { b[i] = 0xAA }
        for g in 0..<16 { b[192 + g] = UInt8(bitPattern: Int8(g - 8)) }
        b[208] = 0x00; b[209] = 0x3C
        var y = [Float](repeating: 0, count: 256)
        b.withUnsafeBytes { r in y.withUnsafeMutableBufferPointer { dequantize(type: .q6_K, src: r.baseAddress!, dst: $0.baseAddress!, count: 256) } }
        for i in 0..<256 { #expect(y[i] == Float(i / 16 - 8), "element \(i)") }
    }

    @Test(arguments: QuantFormat.allCases.filter(\.canQuantize))
    func zerosAndNaNsNeverTrap(_ format: QuantFormat) {
        let zeros = [Float](repeating: 0, count: 256)
        #expect(roundTrip(format, zeros) == zeros)
        var hostile = testRows(count: 256, seed: 9)
        hostile[3] = .nan; hostile[100] = .infinity; hostile[200] = -.infinity
        _ = roundTrip(format, hostile)  // garbage is fine; a trap is not
    }
}
