// Reading files written by the reference Python writer (gguf-py 0.19.0, see
// scripts/fixtures/make_gguf_fixtures.py): every metadata type, alignment 64, tensor layout.
import GGUF
import Testing
import TestSupport

@Suite struct ReaderTests {
    let path = Paths.fixtures + "/gguf/pywritten.gguf"

    @Test func headerAndLayout() throws {
        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.metadata.count == 21)
        #expect(file.metadata.keys.prefix(3) == ["general.architecture", "general.alignment", "t.u8"])
        #expect(file.tensors.map(\.name) == ["f32", "f16", "i32", "q8_0", "cube"])
        for t in file.tensors { #expect(t.offset % 64 == 0) }
    }

    @Test func scalarsOfEveryType() throws {
        let m = try GGUFFile(path: path).metadata
        #expect(try m.string("general.architecture") == "fixture")
        #expect(try m.uint32("general.alignment") == 64)
        #expect(m["t.u8"] == .uint8(200))
        #expect(m["t.i8"] == .int8(-100))
        #expect(m["t.u16"] == .uint16(60000))
        #expect(m["t.i16"] == .int16(-30000))
        #expect(try m.uint32("t.u32") == 4_000_000_000)
        #expect(try m.int32("t.i32") == -2_000_000_000)
        #expect(try m.float32("t.f32") == 1.5)
        #expect(try m.uint64("t.u64") == 1 << 40)
        #expect(m["t.i64"] == .int64(-(1 << 40)))
        #expect(m["t.f64"] == .float64(3.141592653589793))
        #expect(try m.bool("t.true") == true)
        #expect(try m.bool("t.false") == false)
        #expect(try m.string("t.str") == "héllo, ✓ wörld")
        // lenient accessors
        #expect(try m.int("t.u8") == 200)
        #expect(try m.int("t.i64") == -(1 << 40))
        #expect(try m.float("t.f64") == Float(3.141592653589793))
        #expect(try m.int("missing", default: 5) == 5)
    }

    @Test func arrays() throws {
        let m = try GGUFFile(path: path).metadata
        #expect(try m.ints("t.arr_i32") == [1, -2, 3])
        #expect(try m.array("t.arr_i32").scalars(Int32.self) == [1, -2, 3])
        #expect(try m.floats("t.arr_f32") == [0.5, -0.25])
        #expect(try m.strings("t.arr_str") == ["a", "", "Ġthe", "<0x0A>", "日本"])
        let strings = try m.array("t.arr_str")
        #expect(strings.count == 5 && strings.typeName == "array[string]")
        #expect(strings.string(at: 4) == "日本")
        #expect(strings.withStringBytes(at: 3) { Array($0) } == Array("<0x0A>".utf8))
        #expect(strings[2] == .string("Ġthe"))
        #expect(try m.array("t.arr_bool").scalars(Bool.self) == [true, false, true])
        #expect(try m.array("t.arr_u64").scalars(UInt64.self) == [1, 1 << 40])
        let nested = try m.array("t.nested")
        #expect(nested.typeName == "array[array[int32]]")
        guard case let .array(first) = nested[0], case let .array(second) = nested[1] else {
            Issue.record("nested elements are not arrays")
            return
        }
        #expect(first.ints() == [1, 2] && second.ints() == [3])
    }

    @Test func typedAccessorErrors() throws {
        let m = try GGUFFile(path: path).metadata
        #expect(throws: GGUFError.missingKey("nope")) { try m.uint32("nope") }
        #expect(throws: GGUFError.wrongType(key: "t.str", expected: "uint32", found: "string")) {
            try m.uint32("t.str")
        }
        #expect(throws: GGUFError.wrongType(key: "t.arr_i32", expected: "array[string]", found: "array[int32]")) {
            try m.strings("t.arr_i32")
        }
        #expect(throws: GGUFError.wrongType(key: "t.u32", expected: "a float", found: "uint32")) {
            try m.float("t.u32")
        }
    }

    @Test func tensorsAndViews() throws {
        let file = try GGUFFile(path: path)
        // NumPy shape (2, 3) is ggml ne [3, 2]: ne[0] is the row length.
        let f32 = try #require(file.tensor(named: "f32"))
        #expect(f32.type == .f32 && f32.dims == [3, 2] && f32.rowLength == 3 && f32.rowCount == 2)
        #expect(f32.byteCount == 24 && f32.rowBytes == 12)
        let v = file.view(of: f32)
        #expect(floats(v.bytes) == [0, 1, 2, 3, 4, 5])
        #expect(floats(v.row(1)) == [3, 4, 5])

        let cube = try file.view(named: "cube")
        #expect(cube.dims == [4, 3, 2] && cube.info.rowCount == 6 && cube.info.dimension(3) == 1)
        #expect(floats(cube.bytes) == (0..<24).map(Float.init))

        let i32 = try file.view(named: "i32")
        #expect(i32.type == .i32)
        #expect(i32.bytes.loadUnaligned(fromByteOffset: 4, as: Int32.self) == -7)

        let f16 = try file.view(named: "f16")
        #expect(f16.type == .f16 && f16.dims == [4, 1] && f16.bytes.count == 8)
        let q8 = try file.view(named: "q8_0")
        #expect(q8.type == .q8_0 && q8.dims == [64, 1] && q8.bytes.count == 68)
        #expect(throws: GGUFError.missingTensor("zzz")) { try file.view(named: "zzz") }
    }

    @Test func bigEndianFileIsRecognised() {
        #expect {
            try GGUFFile(path: Paths.fixtures + "/gguf/bigendian.gguf")
        } throws: { error in
            if case .byteSwapped? = error as? GGUFError { return true }
            return false
        }
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            try GGUFFile(path: "/nonexistent/model.gguf")
        } throws: { error in
            guard case let .io(text)? = error as? GGUFError else { return false }
            return text.contains("/nonexistent/model.gguf")
        }
    }

    @Test func errorDescriptionsAreSpecific() {
        #expect(GGUFError.futureVersion(found: 4, supported: 3).description == "file is version 4; this build supports up to 3")
        #expect(GGUFError.badMagic(found: 0x5855_4747).description.contains("'GGUX'"))
        #expect(GGUFError.obsoleteVersion(1).description.contains("obsolete"))
        #expect(GGUFError.byteSwapped(version: 0x0300_0000).description.contains("big-endian"))
    }
}

/// The float32 values in `bytes`.
func floats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
    (0..<(bytes.count / 4)).map { bytes.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
}
