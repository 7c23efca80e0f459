// The packed kernels (weights repacked 16 rows per group by WeightPacking) against the
// one-row Swift dots they must equal bit for bit: whole groups, tail rows past the last group,
// row ranges that start inside a group, one token (decode) and token counts around the tile
// width, gathered activation rows.
import Tensor
import Testing

@Suite struct PackedLinearTests {
    @Test(arguments: [QuantFormat.q4_K, .q6_K, .q8_0, .q5_0, .q4_1])
    func packedEqualsRowDotsBitForBit(_ format: QuantFormat) throws {
        guard WeightPacking.packs(format) else {
            print("PackedLinearTests: this CPU has no packed \(format.name) kernel; skipped")
            return
        }
        let columns = 768
        let pool = ThreadPool(threads: 2)
        for (rows, tokens, range) in [(16, 1, 0..<16), (35, 1, 0..<35), (48, 5, 0..<48), (40, 9, 3..<37), (32, 4, 16..<32)] {
            let w = randomBlocks(format, count: rows * columns, seed: UInt64(rows * 7 + tokens))
            let act = format.linearActivationFormat
            let x = testRows(count: tokens * columns, seed: UInt64(tokens + 50))
            let rowBytes = activationRowBytes(act, count: columns)
            var a = [UInt8](repeating: 0, count: tokens * rowBytes)
            x.withUnsafeBufferPointer { xs in
                a.withUnsafeMutableBytes { ab in
                    for t in 0..<tokens {
                        quantizeActivations(xs.baseAddress! + t * columns, count: columns, format: act, into: ab.baseAddress! + t * rowBytes)
                    }
                }
            }
            let order = (0..<Int32(tokens)).reversed().map { $0 }
            var packedOut = [Float](repeating: .nan, count: tokens * rows)
            var single = [Float](repeating: .nan, count: tokens * rows)
            var packedBytes = [UInt8](repeating: 0, count: max(1, WeightPacking.byteCount(format: format, rows: rows, columns: columns)))
            w.withUnsafeBytes { wb in
                a.withUnsafeBytes { ab in
                    order.withUnsafeBufferPointer { ob in
                        packedBytes.withUnsafeMutableBytes { pb in
                            let plain = WeightMatrix(format: format, rows: rows, columns: columns, data: wb.baseAddress!)
                            let m = WeightPacking.pack(plain, into: pb.baseAddress!, pool: pool)
                            #expect(m.packed != nil)
                            let rowsIn = ActivationRows(base: ab.baseAddress!, stride: rowBytes, index: ob.baseAddress!)
                            packedOut.withUnsafeMutableBufferPointer {
                                Linear.multiply(m, rows: range, x: rowsIn, tokens: tokens, y: $0.baseAddress!, yStride: rows)
                            }
                            for t in 0..<tokens {
                                for r in range {
                                    single[t * rows + r] = rowDot(format, weights: plain.row(r), activations: rowsIn.row(t), count: columns)
                                }
                            }
                        }
                    }
                }
            }
            #expect(packedOut.map(\.bitPattern) == single.map(\.bitPattern), "\(format.name) \(rows)×\(tokens) rows \(range)")
        }
    }

    @Test func packedCopyIsAsLargeAsItsWholeGroups() {
        guard WeightPacking.packs(.q4_K) else { return }
        #expect(WeightPacking.byteCount(format: .q4_K, rows: 35, columns: 512) == 32 * 2 * 144)
        #expect(WeightPacking.byteCount(format: .q6_K, rows: 15, columns: 256) == 0)
        #expect(WeightPacking.byteCount(format: .q8_0, rows: 64, columns: 256) == 64 * 8 * 34)
        #expect(WeightPacking.byteCount(format: .q4_1, rows: 64, columns: 256) == 64 * 8 * 20)
        #expect(WeightPacking.byteCount(format: .q5_1, rows: 64, columns: 256) == 0)
    }
}
