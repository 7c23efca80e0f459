// The tiled linear kernels (Linear.multiply, which uses the C VNNI kernels when the CPU has
// them) against the one-row Swift dots (rowDot) they must equal bit for bit: every format, tile
// shapes with row and token remainders, gathered activation rows.
import Tensor
import Testing

@Suite struct LinearKernelTests {
    @Test(arguments: [QuantFormat.q4_1, .q8_0, .q4_0, .q4_K, .q6_K, .q5_K, .q5_0, .f16, .f32])
    func tilesEqualRowDotsBitForBit(_ format: QuantFormat) throws {
        let columns = format.blockSize == 256 ? 512 : 96
        let act = format.linearActivationFormat
        for (rows, tokens) in [(13, 1), (8, 1), (9, 5), (4, 4), (3, 7)] {
            let w = format.blockSize == 1
                ? testRows(count: rows * columns, seed: 5).withUnsafeBufferPointer { f in
                    var b = [UInt8](repeating: 0, count: format.byteCount(rows * columns))
                    b.withUnsafeMutableBytes { quantize(type: format, src: f.baseAddress!, dst: $0.baseAddress!, count: rows * columns) }
                    return b
                }
                : randomBlocks(format, count: rows * columns, seed: UInt64(rows * 31 + tokens))
            let x = testRows(count: tokens * columns, seed: UInt64(tokens))
            let rowBytes = activationRowBytes(act, count: columns)
            var a = [UInt8](repeating: 0, count: tokens * rowBytes)
            x.withUnsafeBufferPointer { xs in
                a.withUnsafeMutableBytes { ab in
                    for t in 0..<tokens {
                        quantizeActivations(xs.baseAddress! + t * columns, count: columns, format: act, into: ab.baseAddress! + t * rowBytes)
                    }
                }
            }
            // Gathered rows in reverse order exercise the index path.
            let order = (0..<Int32(tokens)).reversed().map { $0 }
            var tiled = [Float](repeating: .nan, count: tokens * rows)
            var single = [Float](repeating: .nan, count: tokens * rows)
            w.withUnsafeBytes { wb in
                a.withUnsafeBytes { ab in
                    order.withUnsafeBufferPointer { ob in
                        let m = WeightMatrix(format: format, rows: rows, columns: columns, data: wb.baseAddress!)
                        let rowsIn = ActivationRows(base: ab.baseAddress!, stride: rowBytes, index: ob.baseAddress!)
                        tiled.withUnsafeMutableBufferPointer { Linear.multiply(m, rows: 0..<rows, x: rowsIn, tokens: tokens, y: $0.baseAddress!, yStride: rows) }
                        for t in 0..<tokens {
                            for r in 0..<rows {
                                single[t * rows + r] = rowDot(format, weights: m.row(r), activations: rowsIn.row(t), count: columns)
                            }
                        }
                    }
                }
            }
            #expect(tiled.map(\.bitPattern) == single.map(\.bitPattern), "\(format.name) \(rows)×\(tokens)")
        }
    }
}
