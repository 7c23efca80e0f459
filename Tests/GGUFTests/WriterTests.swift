// GGUFWriter: round trips through our reader, streaming producers, input errors, atomic writes,
// and a golden file (Tests/Fixtures/gguf/ours.gguf) that scripts/fixtures/check_gguf_py_reads_ours.py
// verifies with gguf-py. Regenerate it with NERVE_UPDATE_FIXTURES=1 after an intended change.
import GGUF
import Posix
import Tensor
import Testing
import TestSupport

/// A deterministic file exercising every metadata type and several tensor types and producers.
func goldenWriter(alignment: Int = 32) throws -> GGUFWriter {
    var w = try GGUFWriter(alignment: alignment)
    try w.add("general.architecture", .string("golden"))
    try w.add("golden.u8", .uint8(255))
    try w.add("golden.i8", .int8(-128))
    try w.add("golden.u16", .uint16(65535))
    try w.add("golden.i16", .int16(-32768))
    try w.add("golden.u32", .uint32(123_456_789))
    try w.add("golden.i32", .int32(-123_456_789))
    try w.add("golden.u64", .uint64(UInt64.max))
    try w.add("golden.i64", .int64(Int64.min))
    try w.add("golden.f32", .float32(-0.1))
    try w.add("golden.f64", .float64(1e300))
    try w.add("golden.bool", .bool(true))
    try w.add("golden.str", .string("ünïcödé ✓"))
    try w.add("golden.tokens", .array(MetadataArray(strings: ["<s>", "</s>", "", "Ġhello", "▁wörld"])))
    try w.add("golden.scores", .array(MetadataArray([Float(0), -1.5, 2.25])))
    try w.add("golden.types", .array(MetadataArray([Int32(1), 2, 3, 6])))
    try w.add("golden.flags", .array(MetadataArray([true, false])))
    try w.add("golden.nested", .array(MetadataArray(arrays: [MetadataArray([UInt8(1), 2]), MetadataArray([UInt8(3)])])))

    let f32: [Float] = (0..<12).map { Float($0) * 0.5 - 2 }  // [3, 4] numpy → ne [4, 3]
    try w.addTensor(name: "f32", type: .f32, dims: [4, 3], data: f32.withUnsafeBytes { Array($0) })
    // Q8_0 from a producer writing one 34-byte block per call.
    let source: [Float] = (0..<64).map(wave)
    try w.addTensor(name: "q8_0", type: .q8_0, dims: [32, 2]) { sink in
        for row in 0..<2 {
            var block = [UInt8](repeating: 0, count: 34)
            source.withUnsafeBufferPointer { x in
                block.withUnsafeMutableBytes { BlockQ8_0.quantize(x.baseAddress! + 32 * row, $0.baseAddress!, count: 32) }
            }
            try sink.write(block)
        }
    }
    // Q4_K, one 256-wide row, quantised while writing.
    try w.addTensor(name: "blk.0.ffn_down.weight", type: .q4_K, dims: [256, 1]) { sink in
        let x: [Float] = (0..<256).map { i in wave(i) * Float(i % 7) }
        var out = [UInt8](repeating: 0, count: 144)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBytes { quantize(type: .q4_K, src: xs.baseAddress!, dst: $0.baseAddress!, count: 256) }
        }
        try sink.write(out)
    }
    try w.addTensor(name: "f16", type: .f16, dims: [3]) { sink in
        try sink.write([Half.fromFloat(1), Half.fromFloat(-2), Half.fromFloat(0.5)].withUnsafeBytes { Array($0) })
    }
    return w
}

/// Deterministic test values in [-1, 1] (no libm in tests).
func wave(_ i: Int) -> Float { Float((i * 37) % 29) / 14 - 1 }

@Suite struct WriterTests {
    @Test(arguments: [32, 128])
    func roundTripThroughOurReader(alignment: Int) throws {
        let w = try goldenWriter(alignment: alignment)
        let file = try GGUFFile(copying: try w.serialize())
        #expect(file.alignment == alignment)
        #expect(file.metadata == w.metadata)
        #expect(try file.metadata.strings("golden.tokens") == ["<s>", "</s>", "", "Ġhello", "▁wörld"])
        #expect(file.metadata["golden.u64"] == .uint64(UInt64.max))
        #expect(file.tensors.map(\.name) == ["f32", "q8_0", "blk.0.ffn_down.weight", "f16"])
        #expect(file.tensors.map(\.type) == [.f32, .q8_0, .q4_K, .f16])
        #expect(file.tensors.map(\.dims) == [[4, 3], [32, 2], [256, 1], [3]])
        for t in file.tensors { #expect(t.offset % alignment == 0) }
        #expect(floats(try file.view(named: "f32").bytes) == (0..<12).map { Float($0) * 0.5 - 2 })
        let q = try file.view(named: "q8_0")
        var back = [Float](repeating: 0, count: 64)
        back.withUnsafeMutableBufferPointer { dequantize(type: .q8_0, src: q.bytes.baseAddress!, dst: $0.baseAddress!, count: 64) }
        for i in 0..<64 { #expect(abs(back[i] - wave(i)) < 0.01) }
    }

    @Test func writesToAPathAtomically() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let path = dir + "/model.gguf"
        let w = try goldenWriter()
        try w.write(to: path)
        #expect(!FileSystem.exists(path + ".partial"))
        let file = try GGUFFile(path: path)
        #expect(Array(file.bytes) == (try w.serialize()))

        // A failing producer leaves neither the file nor the partial behind.
        var bad = try GGUFWriter()
        try bad.addTensor(name: "x", type: .f32, dims: [4]) { sink in try sink.write([1, 2, 3]) }
        #expect(throws: GGUFError.tensorDataMismatch(name: "x", expected: 16, written: 3)) {
            try bad.write(to: dir + "/bad.gguf")
        }
        #expect(!FileSystem.exists(dir + "/bad.gguf") && !FileSystem.exists(dir + "/bad.gguf.partial"))
    }

    @Test func rejectsBadInput() throws {
        var w = try GGUFWriter()
        try w.add("k", .uint32(1))
        #expect(throws: GGUFError.duplicateKey("k")) { try w.add("k", .uint32(2)) }
        #expect(throws: GGUFError.emptyKey(index: 1)) { try w.add("", .uint32(2)) }
        #expect(throws: GGUFError.badAlignment(48)) { try w.add("general.alignment", .uint32(48)) }
        #expect(throws: GGUFError.wrongType(key: "general.alignment", expected: "uint32", found: "uint64")) {
            try w.add("general.alignment", .uint64(64))
        }
        #expect(throws: GGUFError.badAlignment(3)) { try GGUFWriter(alignment: 3) }
        try w.addTensor(name: "t", type: .f32, dims: [1], data: [0, 0, 0, 0])
        #expect(throws: GGUFError.duplicateTensor("t")) { try w.addTensor(name: "t", type: .f32, dims: [1], data: [0, 0, 0, 0]) }
        #expect(throws: GGUFError.tensorDataMismatch(name: "u", expected: 4, written: 3)) {
            try w.addTensor(name: "u", type: .f32, dims: [1], data: [0, 0, 0])
        }
        #expect(throws: GGUFError.rowNotBlockAligned(tensor: "v", rowLength: 100, blockSize: 256, type: "Q4_K")) {
            try w.addTensor(name: "v", type: .q4_K, dims: [100]) { _ in }
        }
        let long = String(repeating: "n", count: 64)
        #expect(throws: GGUFError.nameTooLong(name: long, length: 64, limit: 63)) {
            try w.addTensor(name: long, type: .f32, dims: [1]) { _ in }
        }
        #expect(throws: GGUFError.tooManyDimensions(tensor: "w", count: 5, limit: 4)) {
            try w.addTensor(name: "w", type: .f32, dims: [1, 1, 1, 1, 1]) { _ in }
        }
        #expect(throws: GGUFError.mixedArray(expected: "uint8", found: "string")) {
            try MetadataArray(values: [.uint8(1), .string("x")])
        }
    }

    @Test func matchesGoldenFile() throws {
        let golden = Paths.fixtures + "/gguf/ours.gguf"
        let bytes = try goldenWriter().serialize()
        if Identity.environment("NERVE_UPDATE_FIXTURES") == "1" {
            try FileSystem.writeAtomically(golden, bytes)
        }
        #expect(try FileSystem.read(golden) == bytes, "GGUFWriter output changed; see the header of this file")
    }
}
