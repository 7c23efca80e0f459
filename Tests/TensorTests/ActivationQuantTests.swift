// The activation quantisers the linear kernels use (`quantizeActivations`, on this CPU possibly
// the C ones), byte for byte: Q8_K against the reference quantiser (`quantize(type:)`) on random
// rows, an all-zero block, a block whose extreme magnitude appears with both signs (the first
// one sets the scale's sign), tiny values and a NaN; Q8_0 and Q8_1 against the x86 rule stated
// here (ggml-cpu's quantize_row_q8_0/_q8_1: multiplier 127/max, ties to even).
import Tensor
import Testing

@Suite struct ActivationQuantTests {
    @Test func q8KMatchesTheReferenceByteForByte() {
        var x = testRows(count: 8 * 256, seed: 11)
        for i in 256..<512 { x[i] = 0 }                 // block 1: all zero
        x[600] = 3.5; x[700] = -3.5                     // block 2: ± the same extreme, + first
        x[800] = -4.25; x[900] = 4.25                   // block 3: − first
        for i in 1024..<1280 { x[i] *= 1e-30 }          // block 4: tiny
        x[1300] = .nan                                  // block 5: a NaN
        var fast = [UInt8](repeating: 0xAA, count: QuantFormat.q8_K.byteCount(x.count))
        var reference = [UInt8](repeating: 0x55, count: fast.count)
        x.withUnsafeBufferPointer { xs in
            fast.withUnsafeMutableBytes { quantizeActivations(xs.baseAddress!, count: x.count, format: .q8_K, into: $0.baseAddress!) }
            reference.withUnsafeMutableBytes { quantize(type: .q8_K, src: xs.baseAddress!, dst: $0.baseAddress!, count: x.count) }
        }
        for b in 0..<8 {
            let r = (b * 292)..<((b + 1) * 292)
            #expect(Array(fast[r]) == Array(reference[r]), "block \(b)")
        }
    }

    /// ggml-cpu's x86 Q8_0 (or, with `sum`, Q8_1) block of 32.
    static func x86Block(_ x: ArraySlice<Float>, sum: Bool) -> [UInt8] {
        let amax = x.map { abs($0) }.max() ?? 0
        let d = amax / 127, id: Float = amax != 0 ? 127 / amax : 0
        let q = x.map { Int8(($0 * id).rounded(.toNearestOrEven)) }
        func half(_ f: Float) -> [UInt8] { let b = Float16(f).bitPattern; return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        let total = q.reduce(0) { $0 + Int32($1) }
        return half(d) + (sum ? half(d * Float(total)) : []) + q.map { UInt8(bitPattern: $0) }
    }

    @Test(arguments: [QuantFormat.q8_0, .q8_1])
    func q8_0And8_1FollowTheX86Rule(_ format: QuantFormat) {
        var x = testRows(count: 16 * 32, seed: 12)
        for i in 32..<64 { x[i] = 0 }                   // block 1: all zero
        x[70] = 2.5; x[71] = -2.5                       // block 2: a tie of magnitudes
        for i in 96..<128 { x[i] = Float(i - 112) * 0.5 }   // block 3: exact halves (ties in rounding)
        var fast = [UInt8](repeating: 0xAA, count: format.byteCount(x.count))
        x.withUnsafeBufferPointer { xs in
            fast.withUnsafeMutableBytes { quantizeActivations(xs.baseAddress!, count: x.count, format: format, into: $0.baseAddress!) }
        }
        let bytes = format.blockBytes
        for b in 0..<16 {
            #expect(Array(fast[(b * bytes)..<((b + 1) * bytes)]) == Self.x86Block(x[(b * 32)..<((b + 1) * 32)], sum: format == .q8_1), "block \(b)")
        }
    }
}
