// F16 and BF16 conversions: exactness of widening, round-to-nearest-even narrowing, specials.
import Tensor
import Testing

@Suite struct HalfTests {
    @Test func halfWideningIsExactForEveryPattern() {
        for bits in 0...UInt16.max {
            let f = Half.toFloat(bits)
            if f.isNaN { continue }
            #expect(Half.fromFloat(f) == bits)
        }
    }

    @Test func halfNarrowingRoundsToNearestEven() {
        #expect(Half.fromFloat(1) == 0x3C00)
        #expect(Half.fromFloat(65504) == 0x7BFF)
        #expect(Half.fromFloat(65520) == 0x7C00)                // rounds up to infinity
        #expect(Half.fromFloat(1 + 1.0 / 2048) == 0x3C00)       // tie → even (down)
        #expect(Half.fromFloat(1 + 3.0 / 2048) == 0x3C02)       // tie → even (up)
        #expect(Half.fromFloat(Float.leastNonzeroMagnitude) == 0)
        #expect(Half.toFloat(0x0001) == 5.9604645e-08)          // smallest subnormal
        #expect(Half.toFloat(0xFC00) == -.infinity)
    }

    @Test func bfloat16() {
        #expect(BFloat16.toFloat(0x3F80) == 1)
        #expect(BFloat16.fromFloat(1) == 0x3F80)
        #expect(BFloat16.fromFloat(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie → even
        #expect(BFloat16.fromFloat(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie → even
        #expect(BFloat16.fromFloat(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(BFloat16.fromFloat(.infinity) == 0x7F80)
        // A NaN whose payload is only in the low half must stay NaN (quiet), not become inf.
        let nan = BFloat16.fromFloat(Float(bitPattern: 0x7F80_0001))
        #expect(BFloat16.toFloat(nan).isNaN)
        for bits in stride(from: UInt16(0), to: UInt16.max, by: 7) where !BFloat16.toFloat(bits).isNaN {
            #expect(BFloat16.fromFloat(BFloat16.toFloat(bits)) == bits)
        }
    }

    @Test func rowsConvertUnaligned() {
        let values: [Float] = [1, -2, 0.5, 3.75, -0.125]
        var raw = [UInt8](repeating: 0, count: 1 + 2 * values.count)  // odd offset: unaligned
        values.withUnsafeBufferPointer { v in
            raw.withUnsafeMutableBytes { Half.fromFloat(src: v.baseAddress!, dst: $0.baseAddress! + 1, count: v.count) }
        }
        var back = [Float](repeating: 0, count: values.count)
        raw.withUnsafeBytes { r in
            back.withUnsafeMutableBufferPointer { Half.toFloat(src: r.baseAddress! + 1, dst: $0.baseAddress!, count: values.count) }
        }
        #expect(back == values)
    }
}
