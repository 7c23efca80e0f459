// The activation quantiser the linear kernels use (`quantizeActivations`, on this CPU possibly
// the C one) against the reference quantisers (`quantize(type:)`), byte for byte: random rows,
// an all-zero block, a block whose extreme magnitude appears with both signs (the first one
// sets the scale's sign), tiny values, and a NaN.
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
}
