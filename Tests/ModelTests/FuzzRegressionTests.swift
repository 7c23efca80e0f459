// Inputs the safetensors fuzz target (Fuzz/safetensors.swift) once failed on,
// Tests/Fixtures/fuzz/safetensors/, put through the same steps: open a copy, then read and convert
// every tensor; plus the in-memory initializer the fuzzer uses, against the mapped one.
import Model
import Posix
import Testing
import TestSupport

@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzFixtures.names("safetensors"))
    func opensOrThrowsAndEveryTensorReads(_ name: String) throws {
        let bytes = try FuzzFixtures.bytes("safetensors", name)
        guard let file = try? Safetensors(copying: bytes) else { return }
        for t in file.tensors {
            #expect(file.bytes(t).count == t.byteCount)
            let floats = UnsafeMutablePointer<Float>.allocate(capacity: max(t.elementCount, 1))
            defer { floats.deallocate() }
            _ = try? file.readFloats(t, into: floats)
        }
    }

    @Test func copyingReadsWhatMappingReads() throws {
        let bytes = safetensorsBytes(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"a":"b"}}"#,
                                     data: floatBytes([1.5, -2]))
        let (dir, path) = try SafetensorsTests.write(bytes)
        defer { FileSystem.removeTree(dir) }
        let mapped = try Safetensors(path: path)
        let copied = try Safetensors(copying: bytes, name: "w.safetensors")
        #expect(copied.tensors == mapped.tensors)
        #expect(copied.path == "w.safetensors")
        let t = try #require(copied.tensor("w"))
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { out.deallocate() }
        try copied.readFloats(t, into: out)
        #expect([out[0], out[1]] == [1.5, -2])
    }

    @Test(arguments: SafetensorsCorruption.allCases)
    func copyingRefusesEachCorruptionLikeMapping(_ c: SafetensorsCorruption) {
        do {
            _ = try Safetensors(copying: c.bytes)
            Issue.record("\(c) was accepted")
        } catch let e as ModelError {
            #expect(c.matches(e), "\(c): \(e)")
        } catch {
            Issue.record("\(c): \(error)")
        }
    }
}
