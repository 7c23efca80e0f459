// Stages in another process (`socket = ...`): the daemon sends `stage.run` there with the stage's
// plan, inputs and asker; the process binds the plan with the same code and streams tokens back;
// when that process is gone, the stage fails and the cascade keeps the best lower-route answer,
// flagged. A plan the process cannot accept is refused with the pipeline loader's diagnostics.
import Daemon
import JSON
import Posix
import Service
import Stages
import Testing
import TestSupport
import Wire

@Suite struct ExternalStageTests {
    final class EchoModel: LocalModel, @unchecked Sendable {
        func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
            for piece in ["Parking ", "permits ", "cost ", "nine ", "dollars ", "[1]."] { onToken(piece) }
            return LocalResult(text: "Parking permits cost nine dollars [1].", promptTokens: 40, generatedTokens: 6, meanLogprob: -0.05,
                               minLogprob: -0.2, meanEntropy: 0.1, model: "echo")
        }
        var expertCounts: [[Int]] { [] }
    }

    /// A worker on its own socket, serving answer.generate with the echo model.
    static func worker(at socket: String) throws -> Server {
        let host = try WorkerHost(model: nil, threads: 1, context: 512, models: ModelCache { _, _, _ in EchoModel() })
        let server = Server(options: ServerOptions(path: socket), handler: StageServer(host: host, log: Logger(level: .error, sink: { _ in })),
                            log: { _ in })
        try server.start()
        return server
    }

    @Test func aWorkerThatIsStartingIsWaitedForAndOneNobodyStartsIsNot() throws {
        let sockets = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(sockets) }
        let remote = sockets + "/late.sock"
        // An empty request: the worker refuses it, which proves the call reached a worker.
        let request = JSONObject([("plan", .object(JSONObject([("id", "local")])))])
        #expect {
            _ = try WorkerTransport().call(socket: remote, request: request) { _, _ in }
        } throws: { "\($0)".contains("not running") }

        let started = PthreadMutex()
        nonisolated(unsafe) var server: Server?
        try Threads.spawn(name: "late-worker") {
            Threads.sleep(ms: 300)
            let s = try? Self.worker(at: remote)
            started.withLock { server = s }
        }
        defer { started.withLock { server?.drain(timeoutMs: 1000) } }
        #expect {
            _ = try WorkerTransport(starting: { _ in true }).call(socket: remote, request: request) { _, _ in }
        } throws: { e in
            let text = "\(e)"
            return !text.contains("not running") && text.contains(remote)
        }
    }

    @Test func askUsesAStageServedByAnotherProcessAndSurvivesItsDeath() throws {
        let sockets = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(sockets) }
        let remote = sockets + "/remote.sock"
        let dir = try Paths.pipelineFolder(ask: Paths.lexicalExtractStages + """

        [[stage]]
        id = "remote"
        kind = "answer.generate"
        in = ["question.text", "bm25.hits", "extract.answer"]
        model = "model.gguf"
        socket = "\(remote)"
        accept = 0.01

        """)
        defer { FileSystem.removeTree(dir) }
        let h = try DaemonHarness(.live, pipelines: dir) { $0.workerExecutable = "" }
        _ = try h.call("ingest", ["path": .string(try h.makeFolder(["p.md": "# Parking\n\nParking permits cost nine dollars a month. Bikes park free."]))])

        let server = try Self.worker(at: remote)
        let log = NotificationLog()
        let a = try h.call("ask", ["question": "What do parking permits cost?"], notifications: log)
        #expect(a["route"] == "remote")
        #expect(a["accepted"] == true)
        #expect(a["answer"] == "Parking permits cost nine dollars [1].")
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/p.md") == true)
        #expect(log.all.filter { $0.method == "answer.token" && $0.params["stage"] == "remote" }.count == 6, "tokens stream back")

        server.drain(timeoutMs: 1000)
        let b = try h.call("ask", ["question": "What do parking permits cost?"])
        #expect(b["route"] == "extract")
        #expect(b["accepted"] == false)
        let failed = b["stages"]?.arrayValue?.first { $0["id"] == "remote" }
        #expect(failed?["status"] == "failed")
        #expect(failed?["note"]?.stringValue?.contains("not running") == true)
    }

    @Test func aWorkerRefusesUnknownKindsAndBadPlansWithTheLoadersDiagnostics() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        let server = try Self.worker(at: dir + "/w.sock")
        defer { server.drain(timeoutMs: 500) }
        let c = try WireClient(path: dir + "/w.sock")
        defer { c.close() }
        do {
            _ = try c.call("stage.run", ["plan": ["id": "x", "kind": "answer.extract", "accept": 0.5]])
            Issue.record("a kind the worker does not host was accepted")
        } catch let e as WireError {
            #expect(e.code == .EPIPELINE)
            #expect(e.description.contains("cannot run stages of kind 'answer.extract'"))
        }
        do {
            _ = try c.call("stage.run", ["plan": ["id": "g", "kind": "answer.generate", "accept": 0.5,
                                                  "parameters": ["model": "m.gguf", "passage_chars": -1]]])
            Issue.record("passage_chars = -1 was accepted")
        } catch let e as WireError {
            #expect(e.code == .EPIPELINE)
            #expect(e.description.contains("parameter 'passage_chars' must be in 100...8000, found -1"))
        }
        #expect(try c.call("status")["role"] == nil)
    }
}
