// The protocol state machine in process: version negotiation in both eras, requests refused
// before initialize, JSON-RPC error codes for every kind of bad message, and the shape of
// tools/list and tools/call replies. No daemon, no process: lines in, lines out.
import JSON
import MCP
import Testing
import TestSupport

struct SessionTests {
    let link = FakeLink()

    /// Feeds one message; returns the reply (tool calls are run against `link`), nil for none.
    func send(_ s: Session, _ message: JSON) -> JSON? { send(s, message.serialized()) }

    func send(_ s: Session, _ line: String) -> JSON? {
        switch s.receive(Array(line.utf8)) {
        case .none, .cancel: return nil
        case let .reply(l): return try? JSON.parse(l)
        case let .call(c): return try? JSON.parse(s.complete(c, link: link).line)
        }
    }

    func request(_ s: Session, _ id: Int64, _ method: String, _ params: JSON? = nil) -> JSON? {
        var m: JSONObject = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
        if let params { m["params"] = params }
        return send(s, .object(m))
    }

    func initialized(_ version: String = "2025-11-25") -> Session {
        let s = Session(version: "9.9")
        _ = request(s, 0, "initialize", ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]])
        return s
    }

    func errorCode(_ reply: JSON?) -> Int? { reply?["error"]?["code"]?.intValue }

    @Test func initializeAnswersTheClientsRevisionWhenSupportedElseOurs() {
        for (asked, answered) in [("2025-11-25", "2025-11-25"), ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-11-25"),
                                  ("2024-11-05", "2025-11-25"), ("2099-01-01", "2025-11-25")] {
            let s = Session(version: "9.9")
            let r = request(s, 1, "initialize", ["protocolVersion": .string(asked), "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]])
            #expect(r?["id"] == 1)
            #expect(r?["result"]?["protocolVersion"]?.stringValue == answered, "asked \(asked)")
            #expect(r?["result"]?["serverInfo"] == ["name": "nerve", "title": "Nerve", "version": "9.9"])
            #expect(r?["result"]?["capabilities"] == ["tools": ["listChanged": false]])
            #expect(r?["result"]?["resultType"] == nil, "handshake-era results carry no resultType")
            #expect(s.era == .handshake(version: answered))
        }
    }

    @Test func initializeParamsAreChecked() {
        let s = Session(version: "1")
        #expect(errorCode(request(s, 1, "initialize", ["capabilities": [:], "clientInfo": ["name": "t", "version": "1"]])) == -32602)
        #expect(errorCode(request(s, 2, "initialize", ["protocolVersion": 7, "capabilities": [:], "clientInfo": ["name": "t", "version": "1"]])) == -32602)
        #expect(errorCode(request(s, 3, "initialize", ["protocolVersion": "2025-11-25", "clientInfo": ["name": "t", "version": "1"]])) == -32602)
        #expect(errorCode(request(s, 4, "initialize", ["protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "t"]])) == -32602)
        #expect(errorCode(request(s, 5, "initialize")) == -32602)
        #expect(s.era == .undecided, "a refused initialize settles nothing")
        let ok = request(s, 6, "initialize", Handshake.initialize)
        #expect(ok?["result"]?["protocolVersion"] == "2025-11-25")
        let again = request(s, 7, "initialize", Handshake.initialize)
        #expect(errorCode(again) == -32600)
        #expect(again?["error"]?["message"]?.stringValue?.contains("already initialized") == true)
    }

    @Test func requestsBeforeInitializeAreRefusedButPingIsAnswered() {
        let s = Session(version: "1")
        let early = request(s, 1, "tools/list")
        #expect(errorCode(early) == -32600)
        #expect(early?["id"] == 1)
        #expect(early?["error"]?["message"]?.stringValue?.contains("not initialized") == true)
        #expect(errorCode(request(s, 2, "tools/call", ["name": "status"])) == -32600)
        #expect(request(s, 3, "ping")?["result"] == [:])
        _ = request(s, 4, "initialize", Handshake.initialize)
        #expect(request(s, 5, "tools/list")?["result"]?["tools"]?.arrayValue?.count == 3)
        #expect(request(s, 6, "ping")?["result"] == [:])
    }

    @Test func malformedLinesGetJSONRPCErrors() {
        let s = initialized()
        let cases: [(String, Int, JSON)] = [
            ("{not json", -32700, .null),
            ("", 0, .null), // blank: ignored
            ("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", -32600, .null),
            ("42", -32600, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", -32600, .null),
            ("{\"id\":7,\"method\":\"ping\"}", -32600, 7),
            ("{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"ping\"}", -32600, "x"),
            ("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":3}", -32600, 8),
            ("{\"jsonrpc\":\"2.0\",\"id\":9}", -32600, 9),
            ("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\",\"params\":[1]}", -32602, 10),
            ("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":\"x\"}", -32602, 11),
            (String(repeating: "[", count: 10_000), -32700, .null),
        ]
        for (line, code, id) in cases {
            let r = send(s, line)
            if code == 0 { #expect(r == nil); continue }
            #expect(errorCode(r) == code, "\(line.prefix(60))")
            #expect(r?["id"] == id, "\(line.prefix(60))")
            #expect(r?["jsonrpc"] == "2.0")
            #expect(r?["error"]?["message"]?.stringValue?.isEmpty == false)
        }
        #expect(request(s, 12, "ping")?["result"] == [:], "still serving")
    }

    @Test func unknownMethodsAreMethodNotFoundInEveryState() {
        let fresh = Session(version: "1")
        let r = request(fresh, 1, "resources/list")
        #expect(errorCode(r) == -32601)
        #expect(r?["error"]?["data"] == "resources/list")
        #expect(errorCode(request(initialized(), 2, "prompts/list")) == -32601)
        #expect(errorCode(request(initialized(), 3, "logging/setLevel", ["level": "info"])) == -32601)
    }

    @Test func notificationsAndResponsesGetNoReply() {
        let s = Session(version: "1")
        #expect(send(s, ["jsonrpc": "2.0", "method": "notifications/initialized"]) == nil)
        #expect(send(s, ["jsonrpc": "2.0", "method": "notifications/whatever", "params": ["x": 1]]) == nil)
        #expect(send(s, ["jsonrpc": "2.0", "method": "tools/list"]) == nil, "a request without id is a notification")
        #expect(send(s, ["jsonrpc": "2.0", "id": 5, "result": [:]]) == nil)
        #expect(send(s, ["jsonrpc": "2.0", "id": 6, "error": ["code": 1, "message": "x"]]) == nil)
        let i = initialized()
        #expect(send(i, ["jsonrpc": "2.0", "method": "notifications/initialized"]) == nil)
        #expect(i.clientInitialized)
        if case let .cancel(id) = i.receive(Array(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r1"}}"#.utf8)) {
            #expect(id == "r1")
        } else {
            Issue.record("notifications/cancelled did not become a cancel step")
        }
    }

    @Test func toolsListDescribesEveryToolWithBothSchemas() throws {
        let r = try #require(request(initialized(), 1, "tools/list")?["result"])
        let tools = try #require(r["tools"]?.arrayValue)
        #expect(tools.compactMap { $0["name"]?.stringValue } == ["ask", "search", "status"])
        for t in tools {
            #expect(t["inputSchema"]?["type"] == "object")
            #expect(t["outputSchema"]?["type"] == "object")
            #expect(t["description"]?.stringValue?.isEmpty == false)
            #expect(t["annotations"]?["readOnlyHint"] == true)
        }
        #expect(tools[0]["inputSchema"]?["required"] == ["question"])
        #expect(tools[1]["inputSchema"]?["required"] == ["query"])
        #expect(tools[1]["inputSchema"]?["properties"]?["top"]?["maximum"] == 100)
        #expect(tools[0]["outputSchema"]?["required"] == ["answer", "route", "confidence", "accepted", "generation", "citations"])
        #expect(tools[1]["outputSchema"]?["required"] == ["query", "generation", "passages"])
        #expect(r["ttlMs"] == nil && r["resultType"] == nil, "2026 fields stay out of handshake-era replies")
        #expect(errorCode(request(initialized(), 2, "tools/list", ["cursor": "abc"])) == -32602)
    }

    @Test func toolsCallProtocolErrorsAreInvalidParams() {
        let s = initialized()
        let unknown = request(s, 1, "tools/call", ["name": "delete_everything", "arguments": [:]])
        #expect(errorCode(unknown) == -32602)
        #expect(unknown?["error"]?["message"]?.stringValue?.contains("Unknown tool: 'delete_everything'") == true)
        #expect(errorCode(request(s, 2, "tools/call", ["arguments": [:]])) == -32602)
        #expect(errorCode(request(s, 3, "tools/call", ["name": 5])) == -32602)
        #expect(errorCode(request(s, 4, "tools/call", ["name": "ask", "arguments": ["q", "x"]])) == -32602)
        #expect(link.calls.isEmpty, "nothing reached the daemon")
        let ok = request(s, 5, "tools/call", ["name": "status"])
        #expect(ok?["result"]?["isError"] == nil)
        #expect(ok?["result"]?["structuredContent"]?["documents"] == 2)
    }

    @Test func modernRequestsCarryTheirOwnEnvelope() throws {
        let s = Session(version: "9.9")
        let d = try #require(request(s, 1, "server/discover", Handshake.envelope())?["result"])
        #expect(d["supportedVersions"] == ["2025-06-18", "2025-11-25", "2026-07-28"])
        #expect(d["capabilities"] == ["tools": ["listChanged": false]])
        #expect(d["resultType"] == "complete")
        #expect(d["cacheScope"] == "public" && d["ttlMs"]?.intValue != nil)
        #expect(d["_meta"]?[Revisions.serverInfoKey]?["name"] == "nerve")
        #expect(s.era == .modern)
        let list = try #require(request(s, 2, "tools/list", Handshake.envelope())?["result"])
        #expect(list["tools"]?.arrayValue?.count == 3)
        #expect(list["resultType"] == "complete" && list["ttlMs"]?.intValue != nil && list["cacheScope"] == "public")
        let call = try #require(request(s, 3, "tools/call", Handshake.envelope(["name": "ask", "arguments": ["question": "leave?"]]))?["result"])
        #expect(call["resultType"] == "complete")
        #expect(call["structuredContent"]?["answer"] == "Twelve weeks.")
        #expect(call["_meta"]?[Revisions.serverInfoKey]?["version"] == "9.9")
    }

    @Test func modernEnvelopeProblemsAreRefused() {
        let s = Session(version: "1")
        _ = request(s, 1, "server/discover", Handshake.envelope())
        #expect(errorCode(request(s, 2, "tools/list")) == -32602, "no envelope on a 2026 connection")
        #expect(errorCode(request(s, 3, "tools/list", ["_meta": [Revisions.protocolVersionKey: "2026-07-28"]])) == -32602)
        #expect(errorCode(request(s, 4, "tools/list", ["_meta": [Revisions.protocolVersionKey: 2026, Revisions.clientCapabilitiesKey: [:]]])) == -32602)
        let future = request(s, 5, "tools/list", Handshake.envelope(version: "2030-01-01"))
        #expect(errorCode(future) == -32022)
        #expect(future?["error"]?["data"] == ["supported": ["2026-07-28"], "requested": "2030-01-01"])
        let late = request(s, 6, "initialize", Handshake.initialize)
        #expect(errorCode(late) == -32022, "no handshake on a 2026 connection")
        #expect(late?["error"]?["data"]?["supported"] == ["2026-07-28"])
        #expect(errorCode(request(s, 7, "ping")) == -32601, "ping is gone at 2026-07-28")
        #expect(errorCode(request(s, 8, "ping", Handshake.envelope())) == -32601)
        #expect(request(s, 9, "tools/list", Handshake.envelope())?["result"] != nil, "still serving")
    }

    @Test func mutatedMessagesAlwaysGetAWellFormedAnswerOrNone() {
        // Byte-level mutations of valid messages (flips, cuts, insertions of JSON punctuation):
        // whatever arrives, the reply is one JSON-RPC 2.0 object with a result or an error.
        let seeds = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"search","arguments":{"query":"q","top":3,"path":"/d"}}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a"}}"#,
        ].map { Array($0.utf8) }
        let punctuation = Array(#"{}[]":,\ 0-e."#.utf8) + [0, 0xff, 0xc3]
        var rng = SeededRandom(seed: 7)
        var answered = 0
        for round in 0..<3000 {
            let s = round % 3 == 0 ? Session(version: "1") : initialized()
            var m = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<m.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: m[at] = punctuation.randomElement(using: &rng) ?? 0
                case 1: m.removeSubrange(at..<min(m.count, at + Int.random(in: 1...8, using: &rng)))
                default: m.insert(punctuation.randomElement(using: &rng) ?? 0, at: at)
                }
                if m.isEmpty { m = [0x7b] }
            }
            let reply: String?
            switch s.receive(m) {
            case .none, .cancel: reply = nil
            case let .reply(l): reply = l
            case let .call(c): reply = s.complete(c, link: link).line
            }
            guard let reply else { continue }
            answered += 1
            let v = try? JSON.parse(reply)
            #expect(v?["jsonrpc"] == "2.0", "\(String(decoding: m, as: UTF8.self))")
            #expect((v?["result"] != nil) != (v?["error"] != nil))
            #expect(!reply.contains("\n"))
        }
        #expect(answered > 2000)
    }

    @Test func eraIsSettledOnceByTheFirstRequestServed() {
        // A probe at a revision we do not serve settles nothing: the handshake still works after it.
        let s = Session(version: "1")
        #expect(errorCode(request(s, 1, "server/discover", Handshake.envelope(version: "2031-01-01"))) == -32022)
        #expect(s.era == .undecided)
        #expect(errorCode(request(s, 2, "ping", Handshake.envelope())) == -32601, "no ping at 2026-07-28")
        #expect(s.era == .undecided)
        #expect(request(s, 3, "initialize", Handshake.initialize)?["result"] != nil)
        // Once the handshake is done, 2026 envelopes are refused.
        #expect(errorCode(request(s, 4, "tools/list", Handshake.envelope())) == -32600)
        #expect(errorCode(request(s, 5, "server/discover", Handshake.envelope())) == -32600)
        #expect(request(s, 6, "tools/list")?["result"] != nil)
    }
}
