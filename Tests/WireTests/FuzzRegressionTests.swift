// Inputs the wire fuzz target (Fuzz/wire.swift) once failed on, Tests/Fixtures/fuzz/wire/, put
// through the same checks: a request line decodes or is refused with a FrameError, and a decoded
// request re-encodes to one line that decodes to the same request.
import JSON
import Testing
import TestSupport
import Wire

@Suite struct FuzzRegressionTests {
    @Test(arguments: FuzzFixtures.names("wire"))
    func decodesOrIsRefusedAndReencodes(_ name: String) throws {
        let line = try FuzzFixtures.bytes("wire", name)
        guard case let .success(request) = Frame.decodeRequest(line) else { return }
        let encoded = request.encoded()
        #expect(!encoded.utf8.contains(0x0A))
        guard case let .success(again) = Frame.decodeRequest(Array(encoded.utf8)) else {
            Issue.record("\(name): the re-encoded request does not decode: \(encoded)")
            return
        }
        #expect(again.method == request.method)
        #expect(again.id == request.id)
        #expect(JSON.object(again.params) == JSON.object(request.params))
    }

    /// A number too large for a double is refused as a protocol error, not passed on as infinity.
    @Test func aNumberBeyondADoubleIsAProtocolError() {
        let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"stats","params":{"since_hours":1e999}}"#.utf8)
        guard case let .failure(e) = Frame.decodeRequest(line) else {
            Issue.record("decoded a request holding 1e999")
            return
        }
        #expect(e.error.code == .EPROTO)
    }
}
