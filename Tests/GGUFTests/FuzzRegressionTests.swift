// Inputs the gguf fuzz target (Fuzz/gguf.swift) once failed on, Tests/Fixtures/fuzz/gguf/, put
// through the same steps: open a copy, view every tensor, read every metadata key every typed way.
import GGUF
import Testing
import TestSupport

@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzFixtures.names("gguf"))
    func opensOrThrowsAndEveryViewFits(_ name: String) throws {
        let bytes = try FuzzFixtures.bytes("gguf", name)
        guard let file = try? GGUFFile(copying: bytes) else { return }
        for info in file.tensors {
            let view = file.view(of: info)
            #expect(view.bytes.count == info.byteCount)
            _ = (info.elementCount, info.rowCount, info.rowBytes)
        }
        for key in file.metadata.keys {
            _ = try? file.metadata.int(key)
            _ = try? file.metadata.float(key)
            _ = try? file.metadata.string(key)
            _ = try? file.metadata.strings(key)
            _ = try? file.metadata.ints(key)
            _ = try? file.metadata.floats(key)
        }
    }

    /// The gguf target's first finding: a tensor with a zero dimension is empty, so it fits any
    /// file, but its other dimensions overflowed `rowBytes` or `rowCount` when a loader asked.
    @Test(arguments: [[Int64(0), 1 << 40, 1 << 40], [1 << 62, 0], [0, 1 << 62, 4]])
    func emptyTensorWithHugeDimensionsIsRefused(_ dims: [Int64]) {
        var raw = RawGGUF()
        raw.tensors = [RawTensor(name: "e", dims: dims, type: 0, offset: 0)]
        #expect(throws: GGUFError.tensorTooLarge(tensor: "e", dims: dims.map { Int($0) })) {
            try GGUFFile(copying: raw.bytes())
        }
    }

    /// An empty tensor with sane dimensions still opens, with no rows of no bytes.
    @Test func emptyTensorWithSmallDimensionsOpens() throws {
        var raw = RawGGUF()
        raw.tensors = [RawTensor(name: "e", dims: [8, 0], type: 0, offset: 0)]
        let file = try GGUFFile(copying: raw.bytes())
        let info = try #require(file.tensors.first)
        #expect((info.elementCount, info.byteCount, info.rowCount, info.rowBytes) == (0, 0, 0, 32))
    }
}
