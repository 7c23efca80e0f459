// `nerve mcp` as a process, driven with raw lines on its stdin against a fake nerved: bad and
// out-of-order messages are answered with errors and the server keeps serving; stdout carries
// protocol messages only; slow tool calls do not hold up others; a cancelled call gets no reply;
// a daemon that is down is a tool error.
import Foundation
import JSON
import MCP
import Posix
import Testing
import TestSupport

@Suite(.serialized) struct StdioTests {
    @Test func malformedAndOutOfOrderMessagesAreAnsweredAndServingGoesOn() throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let p = try MCPProcess(socket: daemon.socket)
        var seen: [JSON] = []
        func expectError(_ r: JSON?, _ code: Int, id: JSON, _ what: String) {
            #expect(r?["error"]?["code"]?.intValue == code, "\(what): \(r?.serialized() ?? "no reply")")
            #expect(r?["id"] == id, "\(what)")
            if let r { seen.append(r) }
        }
        p.send("this is not json")
        expectError(p.nextJSON(), -32700, id: .null, "invalid JSON")
        expectError(p.request(1, "tools/list"), -32600, id: 1, "request before initialize")
        expectError(p.request(2, "tools/call", ["name": "status"]), -32600, id: 2, "tool call before initialize")
        expectError(p.request(3, "no/such/method"), -32601, id: 3, "unknown method")
        let i = p.request(4, "initialize", Handshake.initialize)
        #expect(i?["result"]?["protocolVersion"] == "2025-11-25")
        p.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
        expectError(p.request(5, "tools/call", ["name": "rm", "arguments": [:]]), -32602, id: 5, "unknown tool")
        let missing = p.request(6, "tools/call", ["name": "ask", "arguments": [:]])
        #expect(missing?["result"]?["isError"] == true, "missing argument is a tool error")
        #expect(missing?["result"]?["content"]?[0]?["text"]?.stringValue?.contains("missing required argument 'question'") == true)
        // A line past the 1 MiB limit, then a batch: both refused, and the server reads on.
        var huge = Data(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"ask","arguments":{"question":""#.utf8)
        huge.append(Data(repeating: UInt8(ascii: "a"), count: 3 << 20))
        huge.append(Data("\"}}}\n".utf8))
        p.sendRaw(huge)
        let tooLong = p.nextJSON()
        expectError(tooLong, -32600, id: .null, "huge line")
        #expect(tooLong?["error"]?["message"]?.stringValue?.contains("longer than 1048576 bytes") == true)
        p.send("[{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}]")
        expectError(p.nextJSON(), -32600, id: .null, "batch")
        expectError(p.request(9, "initialize", Handshake.initialize), -32600, id: 9, "second initialize")
        // And a valid call still works.
        let search = p.request(10, "tools/call", ["name": "search", "arguments": ["query": "leave", "top": 1]])
        #expect(search?["result"]?["isError"] == nil)
        #expect(search?["result"]?["structuredContent"] == Canned.search(query: "leave", top: 1))
        #expect(p.request(11, "ping")?["result"] == [:])
        #expect(p.finish() == 0, "exits 0 when stdin closes")
        #expect(p.next(seconds: 1) == nil, "nothing but replies on stdout")
        #expect(seen.count == 8)
        #expect(p.standardError.contains("nerve mcp: serving MCP"), "logs go to stderr")
        #expect(p.standardError.contains("Parse error"))
    }

    @Test func theStatelessRevisionWorksOverStdio() throws {
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let p = try MCPProcess(socket: daemon.socket)
        let d = p.request(1, "server/discover", Handshake.envelope())
        #expect(d?["result"]?["supportedVersions"]?.arrayValue?.contains("2026-07-28") == true)
        let ask = p.request(2, "tools/call", Handshake.envelope(["name": "ask", "arguments": ["question": "leave?"]]))
        #expect(ask?["result"]?["structuredContent"]?["answer"] == "Twelve weeks.")
        #expect(ask?["result"]?["resultType"] == "complete")
        #expect(p.request(3, "initialize", Handshake.initialize)?["error"]?["code"] == -32022)
        #expect(p.finish() == 0)
    }

    @Test func aSlowAskDoesNotHoldUpOtherCallsAndCancelledCallsGetNoReply() throws {
        let daemon = try FakeDaemon(holdAsks: true)
        defer { daemon.stop() }
        let p = try MCPProcess(socket: daemon.socket)
        _ = p.request(1, "initialize", Handshake.initialize)
        p.send(["jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": ["name": "ask", "arguments": ["question": "slow"]]])
        p.send(["jsonrpc": "2.0", "id": "c", "method": "tools/call", "params": ["name": "ask", "arguments": ["question": "cancel me"]]])
        #expect(daemon.waitForHeldAsks(2), "both asks reached the daemon")
        let status = p.request(3, "tools/call", ["name": "status"])
        #expect(status?["id"] == 3, "status answered while the asks wait")
        #expect(status?["result"]?["structuredContent"]?["documents"] == 2)
        p.send(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": "c", "reason": "user gave up"]])
        #expect(p.request(4, "ping")?["id"] == 4)
        daemon.release()
        let slow = p.nextJSON()
        #expect(slow?["id"] == 2)
        #expect(slow?["result"]?["structuredContent"]?["answer"] == "Twelve weeks.")
        #expect(p.finish() == 0, "stdin closed: exits once running calls are done")
        #expect(p.next(seconds: 1) == nil, "the cancelled call got no reply")
    }

    @Test func aDaemonThatIsDownIsAToolErrorNotACrash() throws {
        let dir = try Paths.temporaryDirectory("mcp-down")
        defer { FileSystem.removeTree(dir) }
        let p = try MCPProcess(socket: dir + "/nobody.sock")
        _ = p.request(1, "initialize", Handshake.initialize)
        for (id, tool, args) in [(2, "status", JSON.object([:])), (3, "ask", ["question": "q"]), (4, "search", ["query": "q"])] {
            let r = p.request(id, "tools/call", ["name": .string(tool), "arguments": args])
            #expect(r?["result"]?["isError"] == true, "\(tool)")
            let text = r?["result"]?["content"]?[0]?["text"]?.stringValue ?? ""
            #expect(text.contains("the Nerve daemon is not running"), "\(text)")
            #expect(text.contains(dir + "/nobody.sock"))
        }
        #expect(p.request(5, "tools/list")?["result"]?["tools"]?.arrayValue?.count == 3)
        #expect(p.finish() == 0)
    }

    @Test func helpListsTheCommand() throws {
        let r = try Binaries.run("nerve", ["--help"])
        #expect(r.stdout.contains("  mcp "))
        let h = try Binaries.run("nerve", ["mcp", "--help"])
        #expect(h.status == 0 && h.stdout.hasPrefix("Usage: nerve [--socket PATH] [--json] mcp\n"))
    }
}
