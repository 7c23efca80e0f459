// The official MCP Python SDK (pinned by scripts/lib/mcp-venv) as the peer: its client starts
// `nerve mcp`, connects — once the SDK's default way (server/discover, revision 2026-07-28) and
// once with the initialize handshake (2025-11-25) — lists the tools, calls them against a real
// nerved with a small indexed folder, and the SDK validates every structured result against the
// tool's output schema. Skips with a printed reason when the venv cannot be made (no network).
import Foundation
import JSON
import Posix
import Testing
import TestSupport
import Wire

@Suite(.serialized) struct PeerTests {
    static let script = Paths.packageRoot + "/Tests/MCPTests/mcp_peer.py"

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    /// Runs a program with a time limit, capturing its output.
    static func run(_ exe: String, _ args: [String], environment: [String: String] = [:], seconds: Int) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let box = OutputBox()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let d = pipe.fileHandleForReading.readDataToEndOfFile()
                box.set(d, isOut)
                group.leave()
            }
        }
        if group.wait(timeout: .now() + .seconds(seconds)) == .timedOut {
            p.terminate()
            group.wait()
        }
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: box.out, stderr: box.err)
    }

    final class OutputBox: @unchecked Sendable {
        private let lock = PthreadMutex()
        private var o = Data(), e = Data()
        func set(_ d: Data, _ isOut: Bool) { lock.withLock { if isOut { o = d } else { e = d } } }
        var out: String { lock.withLock { String(decoding: o, as: UTF8.self) } }
        var err: String { lock.withLock { String(decoding: e, as: UTF8.self) } }
    }

    /// The venv's python, made by scripts/lib/mcp-venv when missing; nil (with the reason printed) when it cannot be.
    static let python: String? = {
        let r = try? run("/bin/bash", [Paths.packageRoot + "/scripts/lib/mcp-venv"], environment: ["NERVE_CACHE": Paths.cache], seconds: 600)
        let path = r?.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let r, r.status == 0, FileSystem.exists(path) else {
            print("PeerTests: skipped: the mcp SDK venv could not be created (no network?): \(r?.stderr.suffix(400) ?? "scripts/lib/mcp-venv did not run")")
            return nil
        }
        return path
    }()

    /// Runs the peer script and returns what it saw.
    static func peer(_ python: String, socket: String, mode: String, question: String, query: String, folder: String) throws -> JSON {
        let r = try run(python, ["-W", "ignore", script, Binaries.folder + "/nerve", socket, mode, question, query, folder], seconds: 120)
        guard r.status == 0, let line = r.stdout.split(separator: "\n").last else {
            Issue.record("mcp_peer.py (\(mode)) exited \(r.status): \(r.stderr.suffix(2000))")
            return .null
        }
        return try JSON.parse(String(line))
    }

    /// What both modes must see, whatever the daemon.
    static func checkCommon(_ seen: JSON, mode: String) {
        #expect(seen["server_info"]?["name"] == "nerve", "\(mode)")
        #expect(seen["capabilities"]?["tools"] != nil)
        let tools = seen["tools"]?.arrayValue ?? []
        #expect(tools.compactMap { $0["name"]?.stringValue } == ["ask", "search", "status"], "\(mode)")
        for t in tools {
            #expect(t["inputSchema"]?["type"] == "object" && t["outputSchema"]?["type"] == "object")
        }
        #expect(seen["ask_missing_argument"]?["isError"] == true)
        #expect(seen["ask_missing_argument"]?["text"]?.stringValue?.contains("missing required argument 'question'") == true)
        #expect(seen["search_bad_top"]?["isError"] == true)
        #expect(seen["unknown_tool"]?["error"]?["code"] == -32602, "an unknown tool is a protocol error")
        #expect(seen["status_again"]?["isError"] == false, "still serving after the errors")
        for k in ["status", "ask", "search", "status_again"] {
            #expect(seen[k]?["exception"] == nil, "\(mode) \(k): \(seen[k]?["exception"]?.stringValue ?? "")")
        }
    }

    @Test func theSDKClientUsesEveryToolAgainstARealDaemon() throws {
        guard let python = Self.python else { return }
        let dir = try Paths.temporaryDirectory("mcp-peer")
        defer { FileSystem.removeTree(dir) }
        let docs = dir + "/docs"
        try FileSystem.makeDirectories(docs + "/travel")
        try FileSystem.writeAtomically(docs + "/leave.md", Array("""
        # Parental leave

        Employees get twelve weeks of paid parental leave after the birth or adoption of a child.
        Leave can be split into two blocks within the first year.

        """.utf8))
        try FileSystem.writeAtomically(docs + "/travel/flights.md", Array("""
        # Flights

        Economy class is required for flights shorter than six hours.
        Business class needs a director's approval.

        """.utf8))
        let sock = dir + "/nerved.sock"
        let daemon = try Binaries.start("nerved", ["--socket", sock, "--index", dir + "/index", "--pipelines", DaemonHarness.copyOfRepositoryPipelines(in: dir, extractAccept: 0.5),
                                                   "--embedding-model", "none"])
        defer { daemon.terminate() }
        try Binaries.waitFor(socket: sock)
        let client = try WireClient(path: sock)
        _ = try client.call("ingest", ["path": .string(docs)])
        client.close()

        for (mode, revision) in [("auto", "2026-07-28"), ("legacy", "2025-11-25")] {
            let seen = try Self.peer(python, socket: sock, mode: mode, question: "How many weeks of paid parental leave do employees get?",
                                     query: "economy class flights", folder: docs + "/travel")
            #expect(seen["protocol_version"]?.stringValue == revision, "the SDK's \(mode) mode negotiates \(revision)")
            Self.checkCommon(seen, mode: mode)
            if mode == "legacy" { #expect(seen["ping"] == "ok") }

            let status = seen["status"]?["structured"]
            #expect(status?["documents"] == 2, "\(mode)")
            #expect(seen["status"]?["text"]?.stringValue?.contains("2 documents") == true)

            let ask = seen["ask"]
            #expect(ask?["isError"] == false, "\(mode): \(ask?["text"]?.stringValue ?? "")")
            #expect(ask?["structured"]?["accepted"] == true)
            #expect(ask?["structured"]?["answer"]?.stringValue?.contains("twelve weeks") == true)
            #expect(ask?["structured"]?["citations"]?[0]?["path"] == .string(docs + "/leave.md"))
            #expect(ask?["text"]?.stringValue?.contains(docs + "/leave.md:3") == true)
            #expect(ask?["structured"]?["route"]?.stringValue?.isEmpty == false)

            // The SDK validated the daemon's search result against the tool's output schema.
            let search = seen["search"]
            #expect(search?["isError"] == false, "\(mode): \(search?["text"]?.stringValue ?? "")")
            let s = search?["structured"]
            #expect(s?["query"] == "economy class flights")
            #expect(s?["generation"]?.intValue ?? 0 >= 1)
            let passages = s?["passages"]?.arrayValue ?? []
            #expect(!passages.isEmpty && passages.count <= 3)
            #expect(passages.enumerated().allSatisfy { $0.element["rank"]?.intValue == $0.offset + 1 }, "ranks count from 1")
            #expect(passages.allSatisfy { $0["citation"]?["path"]?.stringValue?.hasPrefix(docs + "/travel/") == true }, "path filter")
            #expect(passages.first?["text"]?.stringValue?.contains("Economy class") == true)
        }
    }

    @Test func theSDKValidatesSearchResultsFromTheContract() throws {
        // The fake nerved answers `search` exactly as the contract says, so the search tool's
        // output schema is checked by the SDK today, whatever the real daemon offers.
        guard let python = Self.python else { return }
        let daemon = try FakeDaemon()
        defer { daemon.stop() }
        let seen = try Self.peer(python, socket: daemon.socket, mode: "auto", question: "leave?", query: "leave", folder: "/docs")
        Self.checkCommon(seen, mode: "auto/fake")
        #expect(seen["search"]?["isError"] == false)
        #expect(seen["search"]?["structured"] == Canned.search(query: "leave", top: 2))
        #expect(seen["ask"]?["structured"]?["citations"] == [Canned.citation])
        #expect(seen["status"]?["structured"] == Canned.status)
    }
}
