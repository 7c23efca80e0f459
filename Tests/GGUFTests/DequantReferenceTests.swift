// Tensor's decoders and quantisers against gguf-py 0.19.0 (Tests/Fixtures/gguf/dequant.gguf,
// written by scripts/fixtures/make_gguf_fixtures.py): random valid blocks of every format and
// the values gguf.quants.dequantize gives for them; quantiser outputs for the same inputs.
import GGUF
import Tensor
import Testing
import TestSupport

@Suite struct DequantReferenceTests {
    static let file = Result { try GGUFFile(path: Paths.fixtures + "/gguf/dequant.gguf") }

    @Test func typeTablesAgree() {
        // Tensor.QuantFormat mirrors a subset of GGUF.GGMLType (Tensor cannot import GGUF).
        for f in QuantFormat.allCases {
            let g = GGMLType(rawValue: f.rawValue)
            #expect(g != nil, "\(f.name)")
            #expect(g?.blockSize == f.blockSize && g?.blockBytes == f.blockBytes && g?.name == f.name, "\(f.name)")
        }
    }

    @Test(arguments: QuantFormat.allCases)
    func dequantizeMatchesGGUFPy(_ format: QuantFormat) throws {
        let file = try Self.file.get()
        let blocks = try file.view(named: "\(format.name).blocks")
        let expected = floats(try file.view(named: "\(format.name).expected").bytes)
        #expect(blocks.type.rawValue == format.rawValue)
        let n = blocks.info.rowLength
        var out = [Float](repeating: .nan, count: expected.count)
        // Row by row, as a matvec kernel would.
        for r in 0..<blocks.info.rowCount {
            out.withUnsafeMutableBufferPointer { dst in
                dequantize(type: format, src: blocks.row(r).baseAddress!, dst: dst.baseAddress! + r * n, count: n)
            }
        }
        var mismatches = 0
        for i in out.indices where out[i].bitPattern != expected[i].bitPattern {
            mismatches += 1
            if mismatches <= 3 { Issue.record("\(format.name)[\(i)]: \(out[i]) vs gguf-py \(expected[i])") }
        }
        #expect(mismatches == 0, "\(format.name): \(mismatches) of \(out.count) values differ from gguf-py")
    }

    @Test(arguments: [QuantFormat.q8_0, .q4_0, .q4_1, .f16, .bf16])
    func quantizeMatchesGGUFPy(_ format: QuantFormat) throws {
        let file = try Self.file.get()
        let input = floats(try file.view(named: "quant.input").bytes)
        let expected = Array(try file.view(named: "quant.\(format.name)").bytes)
        var out = [UInt8](repeating: 0, count: format.byteCount(input.count))
        input.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBytes { quantize(type: format, src: x.baseAddress!, dst: $0.baseAddress!, count: x.count) }
        }
        let differing = zip(out, expected).filter { $0 != $1 }.count
        #expect(out.count == expected.count)
        #expect(differing == 0, "\(format.name): \(differing) of \(out.count) bytes differ from gguf-py")
    }
}
