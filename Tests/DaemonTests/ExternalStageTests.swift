// Stages in another process (`socket = ...`): the daemon calls `stage.run` there with the stage's
// parameters, inputs and asker; when that process is gone, the stage fails and the cascade keeps
// the best lower-route answer, flagged.
import Daemon
import Index
import JSON
import Posix
import Stages
import Testing
import TestSupport
import Wire

@Suite struct ExternalStageTests {
    @Test func askUsesAStageServedByAnotherProcessAndSurvivesItsDeath() throws {
        let sockets = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(sockets) }
        let remote = sockets + "/remote.sock"
        let dir = try Paths.pipelineFolder(ask: """
        version = 1
        [[stage]]
        id = "question"
        kind = "query"
        [[stage]]
        id = "bm25"
        kind = "search.bm25"
        in = ["question.text"]
        [[stage]]
        id = "local"
        kind = "answer.extract"
        in = ["question.text", "bm25.hits"]
        accept = 1.0
        [[stage]]
        id = "remote"
        kind = "answer.extract"
        in = ["question.text", "bm25.hits"]
        max_sentences = 1
        socket = "\(remote)"
        accept = 0.01

        """)
        defer { FileSystem.removeTree(dir) }
        let h = try DaemonHarness(.live, pipelines: dir)
        _ = try h.call("ingest", ["path": .string(try h.makeFolder(["p.md": "# Parking\n\nParking permits cost nine dollars a month. Bikes park free."]))])

        // The "other process": a stage server on its own socket, over the same index.
        let env = StageEnvironment(index: try IndexStore(directory: h.dir + "/index"))
        let handler = StageServer(registry: StandardKinds.registry(env), log: Logger(level: .error, sink: { _ in }))
        let server = Server(options: ServerOptions(path: remote), handler: handler, log: { _ in })
        try server.start()

        let a = try h.call("ask", ["question": "What do parking permits cost?"])
        #expect(a["route"] == "remote")
        #expect(a["accepted"] == true)
        #expect(a["answer"] == "Parking permits cost nine dollars a month.", "max_sentences = 1 reached the remote stage")
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/p.md") == true)

        server.drain(timeoutMs: 1000)
        let b = try h.call("ask", ["question": "What do parking permits cost?"])
        #expect(b["route"] == "local")
        #expect(b["accepted"] == false)
        let failed = b["stages"]?.arrayValue?.first { $0["id"] == "remote" }
        #expect(failed?["status"] == "failed")
        #expect(failed?["note"]?.stringValue?.contains("not running") == true)
    }

    @Test func stageServerRejectsUnknownKindsAndBadParameters() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let handler = StageServer(registry: try WorkerKinds.registry(model: nil, threads: nil), log: Logger(level: .error, sink: { _ in }))
        let server = Server(options: ServerOptions(path: dir + "/w.sock"), handler: handler, log: { _ in })
        try server.start()
        defer { server.drain(timeoutMs: 500) }
        let c = try WireClient(path: dir + "/w.sock")
        defer { c.close() }
        do { _ = try c.call("stage.run", ["stage": "x", "kind": "answer.extract"]) ; Issue.record("accepted") } catch let e as WireError {
            #expect(e.code == .EPIPELINE)
        }
        #expect(try c.call("status")["role"] == nil)
    }
}
