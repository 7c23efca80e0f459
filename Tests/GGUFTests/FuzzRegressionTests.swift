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
}
