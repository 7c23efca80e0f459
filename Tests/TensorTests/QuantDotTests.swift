// Fused quantised dot products against the naive reference: dequantise both sides, then a
// float64 dot. Integer block sums are exact, so only float rounding may differ.
import Tensor
import Testing

/// Random valid blocks: random bytes with the f16 scale fields set to modest finite values.
func randomBlocks(_ format: QuantFormat, count: Int, seed: UInt64) -> [UInt8] {
    var s = seed
    func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s >> 33 }
    var bytes = (0..<format.byteCount(count)).map { _ in UInt8(truncatingIfNeeded: next()) }
    let halves: [Int] = switch format {
    case .q4_0, .q8_0, .q5_0: [0]
    case .q4_1, .q4_K, .q5_K: [0, 2]
    case .q6_K: [208]
    default: []
    }
    for b in 0..<(bytes.count / format.blockBytes) {
        for o in halves {
            let v = Half.fromFloat((Float(next() % 2000) / 1000 - 1) * 0.01)
            bytes[b * format.blockBytes + o] = UInt8(v & 0xFF)
            bytes[b * format.blockBytes + o + 1] = UInt8(v >> 8)
        }
    }
    return bytes
}

@Suite struct QuantDotTests {
    @Test(arguments: [QuantFormat.q8_0, .q4_0, .q4_1, .q4_K, .q5_K, .q6_K])
    func fusedDotMatchesReference(_ format: QuantFormat) throws {
        let n = 4096
        let actFormat = try #require(format.dotActivationFormat)
        for seed in 1...4 as ClosedRange<UInt64> {
            let w = randomBlocks(format, count: n, seed: seed)
            let x = testRows(count: n, seed: seed &+ 100)
            var a = [UInt8](repeating: 0, count: actFormat.byteCount(n))
            x.withUnsafeBufferPointer { xs in a.withUnsafeMutableBytes { quantize(type: actFormat, src: xs.baseAddress!, dst: $0.baseAddress!, count: n) } }
            var wf = [Float](repeating: 0, count: n), af = [Float](repeating: 0, count: n)
            w.withUnsafeBytes { r in wf.withUnsafeMutableBufferPointer { dequantize(type: format, src: r.baseAddress!, dst: $0.baseAddress!, count: n) } }
            a.withUnsafeBytes { r in af.withUnsafeMutableBufferPointer { dequantize(type: actFormat, src: r.baseAddress!, dst: $0.baseAddress!, count: n) } }
            var reference = 0.0, magnitude = 0.0
            for i in 0..<n {
                reference += Double(wf[i]) * Double(af[i])
                magnitude += abs(Double(wf[i]) * Double(af[i]))
            }
            let fused = w.withUnsafeBytes { wr in a.withUnsafeBytes { ar in
                dot(type: format, weights: wr.baseAddress!, activations: ar.baseAddress!, count: n)
            } }
            // Q4_1's min term uses the f16-rounded s = da·Σa stored in the Q8_1 block (as ggml does).
            let tolerance = format == .q4_1 ? 2e-3 : 1e-5
            #expect(abs(Double(fused) - reference) <= tolerance * magnitude,
                    "\(format.name) seed \(seed): fused \(fused), reference \(reference), Σ|wa| \(magnitude)")
        }
    }

    @Test func activationFormats() {
        #expect(QuantFormat.q4_0.dotActivationFormat == .q8_0)
        #expect(QuantFormat.q4_1.dotActivationFormat == .q8_1)
        #expect(QuantFormat.q6_K.dotActivationFormat == .q8_K)
        #expect(QuantFormat.f16.dotActivationFormat == nil)
    }
}
