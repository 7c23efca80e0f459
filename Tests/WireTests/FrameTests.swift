// JSON-RPC framing: each malformed request gets its own stable code, and the id is kept when it
// could be read so the error reply still reaches the right caller.
import JSON
import Testing
import Wire

@Suite struct FrameTests {
    func decode(_ s: String) -> Result<Request, FrameError> { Frame.decodeRequest(Array(s.utf8)) }

    @Test func decodesAValidRequest() throws {
        let r = try decode(#"{"jsonrpc":"2.0","id":7,"method":"ask","params":{"question":"hi"}}"#).get()
        #expect(r.id == .int(7))
        #expect(r.method == "ask")
        #expect(r.params["question"] == "hi")
    }

    @Test func absentParamsAreAnEmptyObject() throws {
        let r = try decode(#"{"jsonrpc":"2.0","id":"x","method":"status"}"#).get()
        #expect(r.params.count == 0)
        #expect(r.id == .string("x"))
    }

    @Test(arguments: [
        ("not json", ErrorCode.EPROTO, nil as JSON?),
        ("[1,2]", .EPROTO, nil),
        (#"{"id":1,"method":"ask"}"#, .EPROTO, .int(1)),
        (#"{"jsonrpc":"2.0","id":2}"#, .EPROTO, .int(2)),
        (#"{"jsonrpc":"2.0","id":3,"method":5}"#, .EPROTO, .int(3)),
        (#"{"jsonrpc":"2.0","id":4,"method":"ask","params":[1]}"#, .EPARAMS, .int(4)),
        (#"{"jsonrpc":"2.0","id":[1],"method":"ask"}"#, .EPROTO, nil),
    ])
    func rejectsMalformedFrames(_ line: String, _ code: ErrorCode, _ id: JSON?) {
        guard case let .failure(f) = decode(line) else {
            Issue.record("\(line) decoded")
            return
        }
        #expect(f.error.code == code)
        #expect(f.id == id)
    }

    @Test func errorRepliesCarryTheSymbolicCode() throws {
        let line = Frame.error(id: .int(9), code: .EBUSY, message: "busy")
        let v = try JSON.parse(line)
        #expect(v["id"] == .int(9))
        #expect(v["error"]?["code"] == .int(-32001))
        #expect(v["error"]?["data"]?["code"] == "EBUSY")
        #expect(!line.contains("\n"))
    }

    @Test func everyCodeHasADistinctNumberWithinItsClass() {
        let server = ErrorCode.allCases.filter { $0.rpcCode > -32100 && $0.rpcCode <= -32000 }
        #expect(Set(server.map(\.rpcCode)).count == server.count)
    }

    @Test func paramsNameTheFieldThatIsWrong() {
        let p = Params(method: "ask", JSONObject([("question", .int(3)), ("extra", true)]))
        #expect(throws: WireError.self) { try p.string("question") }
        do { _ = try p.string("question") } catch let e as WireError {
            #expect(e.code == .EPARAMS)
            #expect(e.description.contains("'question'"))
        } catch { Issue.record("\(error)") }
        do { try p.allowOnly(["question"]) } catch let e as WireError {
            #expect(e.code == .EPARAMS)
            #expect(e.description.contains("'extra'"))
        } catch { Issue.record("\(error)") }
        #expect(throws: WireError.self) { try p.string("missing") }
        #expect(throws: WireError.self) { try Params(method: "m", JSONObject([("n", 5)])).optionalInt("n", range: 0...3) }
    }
}
