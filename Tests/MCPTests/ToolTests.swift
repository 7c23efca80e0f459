// The tools against a fake daemon link: what each forwards to nerved, the structured content
// and readable text of its result, and how argument problems and daemon failures become tool
// errors (isError results the model can read) rather than protocol errors.
import JSON
import MCP
import Testing
import Wire

struct ToolTests {
    /// Runs one tools/call on an initialized session and returns its `result`.
    func call(_ name: String, _ arguments: JSON, link: FakeLink = FakeLink(), modern: Bool = false) throws -> JSON {
        let s = Session(version: "1")
        var params: JSONObject = ["name": .string(name), "arguments": arguments]
        if modern {
            params["_meta"] = [Revisions.protocolVersionKey: "2026-07-28", Revisions.clientCapabilitiesKey: [:]]
        } else {
            _ = s.receive(Array(JSON.object(["jsonrpc": "2.0", "id": 0, "method": "initialize", "params": Handshake.initialize]).serialized().utf8))
        }
        let line = JSON.object(["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": .object(params)]).serialized()
        guard case let .call(c) = s.receive(Array(line.utf8)) else {
            Issue.record("tools/call \(name) did not become a tool call")
            return .null
        }
        let reply = try JSON.parse(s.complete(c, link: link).line)
        #expect(reply["id"] == 1)
        return reply["result"] ?? .null
    }

    func text(_ r: JSON) -> String { r["content"]?[0]?["text"]?.stringValue ?? "" }

    @Test func askForwardsTheQuestionAndReturnsAnswerRouteConfidenceCitations() throws {
        let link = FakeLink()
        let r = try call("ask", ["question": "How long is parental leave?"], link: link)
        #expect(link.calls.map(\.method) == ["ask"])
        #expect(link.calls.first?.params == ["question": "How long is parental leave?"])
        #expect(r["isError"] == nil)
        #expect(r["content"]?[0]?["type"] == "text")
        let s = try #require(r["structuredContent"])
        #expect(s["answer"] == "Twelve weeks." && s["route"] == "extract" && s["confidence"] == 0.93 && s["accepted"] == true)
        #expect(s["generation"] == 4)
        #expect(s["citations"] == [Canned.citation])
        #expect(s["stages"] == nil && s["total_ms"] == nil, "only what the output schema describes")
        #expect(text(r).hasPrefix("Twelve weeks.\n"))
        #expect(text(r).contains("[1] /docs/leave.md:3-4 — Parental leave"))
        #expect(text(r).contains("Route: extract · confidence 0.93 · accepted · index generation 4"))
    }

    @Test func anUnconfidentAnswerSaysSoAndShowsThePassages() throws {
        let r = try call("ask", ["question": "travel?"], link: FakeLink { _, _ in Canned.unsure })
        #expect(r["isError"] == nil)
        #expect(text(r).hasPrefix("Not confident: No stage was confident enough.\n"))
        #expect(text(r).contains("[1] /docs/travel.md\n    Travel is booked in economy."))
        #expect(r["structuredContent"]?["accepted"] == false)
        #expect(r["structuredContent"]?["passages"]?[0]?["score"] == 0.41)
        #expect(r["structuredContent"]?["note"] == "No stage was confident enough.")
    }

    @Test func searchKeepsTheDaemonContract() throws {
        let link = FakeLink()
        let r = try call("search", ["query": "parental leave", "top": 2, "path": "/docs"], link: link)
        #expect(link.calls.first?.method == "search")
        #expect(link.calls.first?.params == ["query": "parental leave", "top": 2, "path": "/docs"])
        #expect(r["isError"] == nil)
        #expect(r["structuredContent"] == Canned.search(query: "parental leave", top: 2))
        #expect(text(r).hasPrefix("2 passages for \"parental leave\" (index generation 4):\n"))
        #expect(text(r).contains("[1] /docs/leave.md:3-4 — Parental leave · score 0.87\n    Employees get twelve weeks"))
        #expect(text(r).contains("[2] /docs/travel.md (page 2) · score 0.31"))
        // `top` defaults to 10 and `path` is optional.
        let d = FakeLink()
        _ = try call("search", ["query": "x"], link: d)
        #expect(d.calls.first?.params == ["query": "x", "top": 10])
        let none = try call("search", ["query": "nothing"], link: FakeLink { _, p in ["query": p["query"] ?? "", "generation": 4, "passages": []] })
        #expect(text(none) == "No passages match \"nothing\" (index generation 4).")
    }

    @Test func badArgumentsAreToolErrorsAndReachNoDaemon() throws {
        let cases: [(String, JSON, String)] = [
            ("ask", [:], "ask: missing required argument 'question'"),
            ("ask", ["question": 3], "ask: 'question' must be a string, found number"),
            ("ask", ["question": "  \n"], "ask: 'question' is empty"),
            ("ask", ["question": "q", "explain": true], "ask: unknown argument 'explain' (known: question)"),
            ("search", ["top": 3], "search: missing required argument 'query'"),
            ("search", ["query": "q", "top": 0], "search: 'top' must be between 1 and 100, found 0"),
            ("search", ["query": "q", "top": 101], "search: 'top' must be between 1 and 100, found 101"),
            ("search", ["query": "q", "top": "5"], "search: 'top' must be an integer, found string"),
            ("search", ["query": "q", "top": 2.5], "search: 'top' must be an integer, found 2.5"),
            ("search", ["query": "q", "path": "docs/hr"], "'path' must be an absolute path"),
            ("status", ["verbose": true], "status: unknown argument 'verbose' (it takes none)"),
        ]
        for (tool, args, message) in cases {
            let link = FakeLink()
            let r = try call(tool, args, link: link)
            #expect(r["isError"] == true, "\(tool) \(args.serialized())")
            #expect(text(r).contains(message), "\(text(r))")
            #expect(r["structuredContent"] == nil)
            #expect(link.calls.isEmpty)
        }
    }

    @Test func daemonFailuresAreToolErrorsInPlainWords() throws {
        let down = try call("status", [:], link: FakeLink { _, _ in throw WireError.daemonNotRunning(path: "/run/n.sock", reason: "no socket file") })
        #expect(down["isError"] == true)
        #expect(text(down).contains("the Nerve daemon is not running"))
        #expect(text(down).contains("/run/n.sock"))
        let old = try call("search", ["query": "q"], link: FakeLink { _, _ in throw WireError.failure(.EMETHOD, "unknown method 'search'") })
        #expect(text(old).contains("this nerved does not offer 'search'"))
        let empty = try call("ask", ["question": "q"], link: FakeLink { _, _ in throw WireError.failure(.ENOINDEX, "the index is empty") })
        #expect(text(empty) == "nerved refused the request (ENOINDEX): the index is empty")
        let long = try call("ask", ["question": "q"], link: FakeLink { _, _ in throw WireError.failure(.ETOOBIG, "question longer than 4096 characters") })
        #expect(text(long) == "nerved refused the request (ETOOBIG): question longer than 4096 characters")
        let cut = try call("ask", ["question": "q"], link: FakeLink { _, _ in throw WireError.connection(reason: "reset") })
        #expect(text(cut).hasPrefix("lost the connection to nerved"))
        for r in [old, empty, long, cut] { #expect(r["isError"] == true) }
    }

    @Test func aReplyMissingWhatTheSchemaRequiresIsAToolError() throws {
        let r = try call("ask", ["question": "q"], link: FakeLink { _, _ in ["route": "x"] })
        #expect(r["isError"] == true)
        #expect(text(r).contains("ask reply lacks 'answer'"))
        let bad = try call("search", ["query": "q"], link: FakeLink { _, _ in ["query": "q", "generation": 1, "passages": [["rank": 1, "text": "t"]]] })
        #expect(text(bad).contains("search passage 1 reply lacks 'score'"))
        let typed = try call("status", [:], link: FakeLink { _, _ in ["documents": "many", "generation": 1] })
        #expect(text(typed).contains("'documents' is string, not integer"))
    }

    @Test func statusPassesTheDaemonsObjectThrough() throws {
        let r = try call("status", [:])
        #expect(r["structuredContent"] == Canned.status)
        #expect(text(r) == "nerved 0.1.0: 2 documents, 7 chunks indexed · index generation 4 · asks running 0, queued 0")
    }

    @Test func modernToolResultsAreStamped() throws {
        let r = try call("status", [:], modern: true)
        #expect(r["resultType"] == "complete")
        #expect(r["_meta"]?[Revisions.serverInfoKey]?["name"] == "nerve")
        let e = try call("ask", [:], modern: true)
        #expect(e["isError"] == true && e["resultType"] == "complete")
    }
}
