// The safetensors reader on files written here: a valid file with every supported dtype, and a
// corruption matrix where each kind of damage must produce its own ModelError case.
import Model
import Posix
import Testing
import TestSupport

/// Builds safetensors bytes: 8-byte little-endian header length, JSON header, data.
func safetensorsBytes(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> [UInt8] {
    var h = Array(header.utf8)
    while h.count % 8 != 0 { h.append(0x20) }   // the format pads the header with spaces
    let n = declaredLength ?? UInt64(h.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + h + data
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
}

enum SafetensorsCorruption: String, CaseIterable, Sendable {
    case truncated, headerPastEnd, headerTooLarge, badJSON, notAnObject, missingShape, unknownDType
    case offsetsOutOfBounds, offsetsReversed, sizeMismatch, shapeOverflow

    var bytes: [UInt8] {
        let data = floatBytes([1, 2, 3, 4])   // 16 bytes
        func one(_ entry: String) -> [UInt8] { safetensorsBytes(header: "{\"t\":\(entry)}", data: data) }
        switch self {
        case .truncated: return [0x10, 0, 0, 0, 0]
        case .headerPastEnd: return safetensorsBytes(header: "{}", data: data, declaredLength: 1000)
        case .headerTooLarge: return safetensorsBytes(header: "{}", data: data, declaredLength: 1 << 40)
        case .badJSON: return safetensorsBytes(header: "{\"t\": {\"dtype\": ", data: data)
        case .notAnObject: return safetensorsBytes(header: "[1, 2]", data: data)
        case .missingShape: return one("{\"dtype\":\"F32\",\"data_offsets\":[0,16]}")
        case .unknownDType: return one("{\"dtype\":\"F8_E4M3\",\"shape\":[16],\"data_offsets\":[0,16]}")
        case .offsetsOutOfBounds: return one("{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[0,64]}")
        case .offsetsReversed: return one("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}")
        case .sizeMismatch: return one("{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}")
        case .shapeOverflow: return one("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}")
        }
    }

    func matches(_ e: ModelError) -> Bool {
        switch (self, e) {
        case (.truncated, .truncatedHeader(_, 5)): return true
        case (.headerPastEnd, .headerPastEnd(_, 1000, _)): return true
        case (.headerTooLarge, .headerTooLarge(_, 1 << 40, _)): return true
        case (.badJSON, .headerNotJSON), (.notAnObject, .headerNotJSON): return true
        case (.missingShape, .badTensorEntry(_, "t", "shape")): return true
        case (.unknownDType, .unsupportedDType("t", "F8_E4M3")): return true
        case (.offsetsOutOfBounds, .tensorOutOfBounds("t", 0, 64, 16)): return true
        case (.offsetsReversed, .tensorOutOfBounds("t", 8, 4, 16)): return true
        case (.sizeMismatch, .tensorSizeMismatch("t", [2, 2], "F32", 12)): return true
        case (.shapeOverflow, .tensorTooLarge("t", _)): return true
        default: return false
        }
    }
}

@Suite struct SafetensorsTests {
    static func write(_ bytes: [UInt8]) throws -> (dir: String, path: String) {
        let dir = try Paths.temporaryDirectory("nerve-safetensors")
        let path = dir + "/model.safetensors"
        try FileSystem.writeAtomically(path, bytes)
        return (dir, path)
    }

    @Test(arguments: SafetensorsCorruption.allCases)
    func corruptFileIsRejectedWithItsOwnError(_ c: SafetensorsCorruption) throws {
        let (dir, path) = try Self.write(c.bytes)
        defer { FileSystem.removeTree(dir) }
        do {
            _ = try Safetensors(path: path)
            Issue.record("\(c) was accepted")
        } catch let e as ModelError {
            #expect(c.matches(e), "\(c): got \(e)")
            #expect(!e.description.isEmpty)
        }
    }

    @Test func readsEveryDTypeAndSkipsMetadata() throws {
        // F32 [2,2] at 0..<16, F16 [2] at 16..<20, BF16 [2] at 20..<24, I64 [1] at 24..<32.
        let data = floatBytes([1, -2, 0.5, 3]) + [0x00, 0x3C, 0x00, 0xC0] + [0x80, 0x3F, 0x00, 0x40]
            + [7, 0, 0, 0, 0, 0, 0, 0]
        let header = """
        {"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},\
        "h":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[20,24]},\
        "ids":{"dtype":"I64","shape":[1],"data_offsets":[24,32]}}
        """
        let (dir, path) = try Self.write(safetensorsBytes(header: header, data: data))
        defer { FileSystem.removeTree(dir) }
        let file = try Safetensors(path: path)
        #expect(file.tensors.map(\.name) == ["w", "h", "b", "ids"])
        func floats(_ name: String) throws -> [Float] {
            let t = try #require(file.tensor(name))
            var out = [Float](repeating: .nan, count: t.elementCount)
            try out.withUnsafeMutableBufferPointer { try file.readFloats(t, into: $0.baseAddress!) }
            return out
        }
        #expect(try floats("w") == [1, -2, 0.5, 3])
        #expect(try floats("h") == [1, -2])
        #expect(try floats("b") == [1, 2])
        let ids = try #require(file.tensor("ids"))
        #expect(ids.dtype == .i64 && ids.shape == [1])
        #expect(file.bytes(ids).load(as: Int64.self) == 7)
        #expect(throws: ModelError.dtype(name: "ids", expected: "F32, F16 or BF16", found: "I64")) {
            var sink: Float = 0
            try file.readFloats(ids, into: &sink)
        }
        #expect(file.tensor("__metadata__") == nil)
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            _ = try Safetensors(path: "/nonexistent/model.safetensors")
        } throws: { e in
            if case .io = e as? ModelError { return true }
            return false
        }
    }
}
