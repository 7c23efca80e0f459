// The daemon end to end, each body run in process and over a live socket: ingest then ask, the
// answer contract, and every kind of bad input answered with its own stable code while the
// daemon keeps serving.
import Daemon
import JSON
import Posix
import Testing
import TestSupport
import Wire

@Suite struct DaemonTests {
    static let docs = [
        "handbook/leave.md": """
        ---
        title: Leave policy
        ---
        # Paid parental leave

        You are entitled to 12 weeks of paid parental leave for the birth or adoption of a child.
        Leave must be used within a year.

        # Sick leave

        Sick leave accrues at four hours per pay period.
        """,
        "handbook/travel.txt": "Book travel through the agency at least two weeks ahead.\nReceipts are due within five days.\n",
    ]

    @Test(arguments: DaemonHarness.Mode.allCases)
    func ingestThenAskAnswersWithACitation(_ mode: DaemonHarness.Mode) throws {
        // The shipped cascade with a set extract threshold: this is about the daemon's plumbing,
        // not about what the shipped calibration accepts.
        let h = try DaemonHarness(mode, extractAccept: 0.5)
        let root = try h.makeFolder(Self.docs)
        let log = NotificationLog()
        let report = try h.call("ingest", ["path": .string(root)], notifications: log)
        #expect(report["added"] == 2)
        #expect(report["failed"] == 0)
        let a = try h.call("ask", ["question": "How many weeks of paid parental leave do I get?"])
        #expect(a["answer"]?.stringValue?.contains("12 weeks") == true)
        #expect(a["route"] == "extract")
        #expect(a["accepted"] == true)
        #expect(a["generation"] == 1)
        let conf = try #require(a["confidence"]?.doubleValue)
        #expect(conf > 0 && conf <= 1)
        let cite = try #require(a["citations"]?[0])
        #expect(cite["path"]?.stringValue == root + "/handbook/leave.md")
        #expect(cite["line_start"] == 6)
        #expect(cite["chunk"]?.stringValue?.count == 16)
        let stages = try #require(a["stages"]?.arrayValue)
        // The default route is hybrid; with no embedding model the query embedding fails (saying
        // why), the vector search is skipped and fusion passes the BM25 hits through.
        // The local model and the frontier are not needed once the extractive answer is accepted.
        #expect(stages.map { $0["id"]?.stringValue } == ["question", "bm25", "qvec", "dense", "fuse", "extract", "local", "frontier"])
        #expect(stages.map { $0["status"]?.stringValue } == ["ran", "ran", "failed", "skipped", "ran", "ran", "skipped", "skipped"])
        #expect(stages[2]["note"]?.stringValue?.contains("no embedding model is configured") == true)
        #expect(stages[6]["note"] == "an earlier stage's answer was accepted")
        #expect(stages.allSatisfy { $0["ms"]?.doubleValue != nil })
        let status = try h.call("status")
        #expect(status["documents"] == 2)
        #expect(status["generation"] == 1)
    }

    @Test(arguments: DaemonHarness.Mode.allCases)
    func badRequestsGetTheirOwnCodes(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode)
        #expect(h.errorCode("ask", ["question": "anything?"]) == .ENOINDEX)
        #expect(h.errorCode("frobnicate") == .EMETHOD)
        #expect(h.errorCode("ask", ["question": 42]) == .EPARAMS)
        #expect(h.errorCode("ask") == .EPARAMS)
        #expect(h.errorCode("ask", ["question": "  "]) == .EPARAMS)
        #expect(h.errorCode("ask", ["question": .string(String(repeating: "x", count: 5000))]) == .ETOOBIG)
        #expect(h.errorCode("ingest", ["path": "/definitely/not/here"]) == .ENOENT)
        #expect(h.errorCode("ingest", ["path": "relative/path"]) == .EPARAMS)
        #expect(h.errorCode("forget", ["path": "/not/indexed"]) == .ENOENT)
        #expect(h.errorCode("status", ["verbose": true]) == .EPARAMS)
        // Still serving after all that.
        #expect(try h.call("status")["documents"] == 0)
    }

    @Test(arguments: DaemonHarness.Mode.allCases)
    func reloadWithABrokenPipelineKeepsTheOldOneServing(_ mode: DaemonHarness.Mode) throws {
        let pipelines = try Paths.temporaryDirectory("pipelines")
        defer { FileSystem.removeTree(pipelines) }
        try Paths.copyRepositoryPipelines(to: pipelines)
        let h = try DaemonHarness(mode, pipelines: pipelines)
        let root = try h.makeFolder(Self.docs)
        _ = try h.call("ingest", ["path": .string(root)])
        var broken = String(decoding: try FileSystem.read(pipelines + "/ask.toml"), as: UTF8.self)
        broken = broken.replacing("top_k = 20", with: "topk = 20")
        try FileSystem.writeAtomically(pipelines + "/ask.toml", Array(broken.utf8))
        do {
            _ = try h.call("reload")
            Issue.record("reload accepted a broken pipeline")
        } catch let e as WireError {
            #expect(e.code == .EPIPELINE)
            guard case let .rpc(_, _, data) = e else { return }
            let diags = data["diagnostics"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(diags.contains { $0.contains("ask.toml:") && $0.contains("unknown parameter 'topk'") })
        }
        let a = try h.call("ask", ["question": "How long before travel should I book?"])
        #expect(a["answer"]?.stringValue?.contains("two weeks") == true)
    }

    @Test(arguments: DaemonHarness.Mode.allCases)
    func changedAndDeletedFilesAreMirrored(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode)
        let root = try h.makeFolder(Self.docs)
        _ = try h.call("ingest", ["path": .string(root)])
        try FileSystem.remove(root + "/handbook/travel.txt")
        try FileSystem.writeAtomically(root + "/handbook/new.md", Array("# Parking\n\nParking permits cost nine dollars.\n".utf8))
        let r = try h.call("ingest", ["path": .string(root)])
        #expect(r["removed"] == 1 && r["added"] == 1 && r["unchanged"] == 1)
        #expect(r["generation"] == 2)
        let a = try h.call("ask", ["question": "What do parking permits cost?"])
        #expect(a["answer"]?.stringValue?.contains("nine dollars") == true)
        let gone = try h.call("ask", ["question": "When are travel receipts due?"])
        let paths = (gone["citations"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        #expect(!paths.contains { $0.hasSuffix("travel.txt") })
        let f = try h.call("forget", ["path": .string(root + "/handbook")])
        #expect(f["removed"] == 2)
        #expect(try h.call("status")["documents"] == 0)
    }

    @Test func lowConfidenceSaysSoAndReturnsPassages() throws {
        let h = try DaemonHarness(.inProcess)
        _ = try h.call("ingest", ["path": .string(try h.makeFolder(Self.docs))])
        let a = try h.call("ask", ["question": "What is the airspeed velocity of an unladen swallow carrying leave?"])
        #expect(a["accepted"] == false)
        #expect(a["note"]?.stringValue?.hasPrefix("The documents do not seem to answer this") == true)
        #expect(a["note"]?.stringValue?.contains("no later stage did better") == true)
        #expect((a["passages"]?.arrayValue?.count ?? 0) > 0)
        // No worker serves the local model here, and the frontier has no key: both say so.
        let stages = a["stages"]?.arrayValue ?? []
        #expect(stages.first { $0["id"] == "local" }?["status"] == "failed")
        let frontier = stages.first { $0["id"] == "frontier" }
        #expect(frontier?["status"] == "skipped")
        #expect(frontier?["note"]?.stringValue?.contains("set \(DaemonHarness.noKeyVariable)") == true)
    }

    @Test func ingestStreamsProgressWithTheRequestID() throws {
        let h = try DaemonHarness(.live)
        var files: [String: String] = [:]
        for i in 0..<400 { files["f\(i).txt"] = "Document number \(i) talks about topic \(i % 7)." }
        let root = try h.makeFolder(files)
        let client = try WireClient(path: h.socket)
        defer { client.close() }
        try client.send(#"{"jsonrpc":"2.0","id":"ing-1","method":"ingest","params":{"path":"\#(root)"}}"#)
        var sawProgress = false
        while let line = try client.readLine() {
            let v = try JSON.parse(line)
            if v["method"] == "progress" {
                #expect(v["params"]?["id"] == "ing-1")
                #expect(v["id"] == nil)
                sawProgress = true
            } else {
                #expect(v["id"] == "ing-1")
                #expect(v["result"]?["added"] == 400)
                break
            }
        }
        #expect(sawProgress)
    }
}

@Suite struct LiveSocketTests {
    @Test func malformedAndOversizedLinesDoNotCloseTheConnection() throws {
        let h = try DaemonHarness(.live) { $0.maxRequestBytes = 4096 }
        let c = try WireClient(path: h.socket)
        defer { c.close() }
        try c.send("this is not json")
        #expect(try JSON.parse(try #require(try c.readLine()))["error"]?["data"]?["code"] == "EPROTO")
        try c.send(String(repeating: "x", count: 10_000))
        let big = try JSON.parse(try #require(try c.readLine()))
        #expect(big["error"]?["data"]?["code"] == "ETOOBIG")
        #expect(big["error"]?["code"] == -32600)
        try c.send(#"{"jsonrpc":"2.0","id":5,"method":"status","params":[]}"#)
        let p = try JSON.parse(try #require(try c.readLine()))
        #expect(p["id"] == 5 && p["error"]?["data"]?["code"] == "EPARAMS")
        try c.send(#"{"jsonrpc":"2.0","id":6,"method":"status"}"#)
        let ok = try JSON.parse(try #require(try c.readLine()))
        #expect(ok["id"] == 6 && ok["result"]?["documents"] == 0)
    }

    @Test func socketIsPrivateByDefault() throws {
        let h = try DaemonHarness(.live)
        #expect(try FileSystem.status(h.socket, followSymlinks: false).mode == 0o600)
    }

    @Test func aSecondDaemonOnTheSameIndexIsRefused() throws {
        let h = try DaemonHarness(.live)
        var c = DaemonConfig()
        c.socket = h.dir + "/other.sock"
        c.index = h.dir + "/index"
        c.pipelines = Paths.packageRoot + "/pipelines"
        let second = Daemon(config: c, log: Logger(level: .error, sink: { _ in }))
        #expect(throws: DaemonError.self) { try second.start() }
        do { try second.start() } catch let e as DaemonError {
            #expect(e.exitCode == 75)
            #expect(e.description.contains("in use by another nerved"))
        }
    }

    @Test func stopDrainsAndRemovesTheSocket() throws {
        let h = try DaemonHarness(.live)
        #expect(FileSystem.exists(h.socket))
        h.daemon.stop()
        #expect(!FileSystem.exists(h.socket))
        #expect(throws: WireError.self) { try WireClient(path: h.socket) }
    }
}

@Suite struct WatchTests {
    /// Polls `ask` until `check` holds or 10 s pass (watch syncs are debounced by 300 ms).
    func eventually(_ h: DaemonHarness, _ question: String, _ check: (JSON) -> Bool) throws -> Bool {
        for _ in 0..<100 {
            if let a = try? h.call("ask", ["question": .string(question)]), check(a) { return true }
            Threads.sleep(ms: 100)
        }
        return false
    }

    @Test func watchedFolderFollowsCreatesEditsMovesAndDeletes() throws {
        let h = try DaemonHarness(.live)
        let root = try h.makeFolder(["a.md": "# Start\n\nThe office opens at nine."])
        let r = try h.call("watch", ["path": .string(root)])
        #expect(r["added"] == 1)
        #expect(r["watching"]?.arrayValue?.count == 1)

        try FileSystem.makeDirectories(root + "/new/deeper")
        try FileSystem.writeAtomically(root + "/new/deeper/b.md", Array("Flamingos arrive in spring.".utf8))
        #expect(try eventually(h, "When do flamingos arrive?") { $0["answer"]?.stringValue?.contains("spring") == true })

        try FileSystem.writeAtomically(root + "/a.md", Array("# Start\n\nThe office now opens at ten.".utf8))
        #expect(try eventually(h, "When does the office open?") { $0["answer"]?.stringValue?.contains("ten") == true })

        try FileSystem.rename(root + "/new/deeper/b.md", to: root + "/b-moved.md")
        #expect(try eventually(h, "When do flamingos arrive?") {
            $0["citations"]?[0]?["path"]?.stringValue == root + "/b-moved.md"
        })

        try FileSystem.remove(root + "/b-moved.md")
        #expect(try eventually(h, "flamingos") { a in
            !(a["citations"]?.arrayValue ?? []).contains { $0["path"]?.stringValue?.hasSuffix("b-moved.md") == true }
        })
        let s = try h.call("status")
        #expect(s["documents"] == 1)
        #expect(s["watching"]?[0]?.stringValue == root)
        _ = try h.call("unwatch", ["path": .string(root)])
        #expect(try h.call("status")["watching"]?.arrayValue?.isEmpty == true)
    }
}

extension DaemonTests {
    @Test(arguments: DaemonHarness.Mode.allCases)
    func embedMethodCodes(_ mode: DaemonHarness.Mode) throws {
        let h = try DaemonHarness(mode)
        #expect(h.errorCode("embed", ["texts": .array([.string("hello")])]) == .EMODEL)
        #expect(h.errorCode("embed", [:]) == .EPARAMS)
        #expect(h.errorCode("embed", ["texts": .string("not an array")]) == .EPARAMS)
        #expect(h.errorCode("embed", ["texts": .array(Array(repeating: .string("x"), count: 1025))]) == .ETOOBIG)
        guard Paths.miniLMPresent(for: "embedMethodCodes") else { return }
        let m = try DaemonHarness(mode) { $0.embeddingModel = Paths.miniLM }
        let r = try m.call("embed", ["texts": .array([.string("first"), .string("second")])])
        #expect(r["model"] == "all-MiniLM-L6-v2" && r["dimension"] == 384)
        #expect(r["embeddings"]?.arrayValue?.count == 2)
        #expect(r["embeddings"]?[1]?.arrayValue?.count == 384)
    }
}
