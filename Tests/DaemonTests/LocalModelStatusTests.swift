// The local route through the daemon: `status` shows each worker's model (name, architecture,
// quantisation, context), its recent speed and expert load, or that the worker is down, as JSON
// and as `nerve status`' table; the default pipeline on a machine without the model weights and
// without a frontier key still answers, with both routes skipped and saying why.
import Daemon
import JSON
import Posix
import Service
import Stages
import Testing
import TestSupport
import Wire

@Suite struct LocalModelStatusTests {
    /// A mixture-of-experts stand-in with fixed timings.
    final class TimedMoE: LocalModel, @unchecked Sendable {
        func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
            onToken("Parking permits cost nine dollars [1].")
            return LocalResult(text: "Parking permits cost nine dollars [1].", promptTokens: 300, generatedTokens: 9, meanLogprob: -0.05,
                               minLogprob: -0.2, meanEntropy: 0.1, model: "Tiny MoE", prefillTokens: 250, prefillMs: 2500, decodeMs: 400)
        }
        var expertCounts: [[Int]] { [[6, 2, 0, 0]] }
        var info: LocalModelInfo { LocalModelInfo(name: "Tiny MoE", architecture: "qwen3moe", quantization: "Q4_K_M", context: 1024, experts: 4, expertsUsed: 2) }
    }

    @Test func statusShowsTheWorkersModelItsSpeedAndWhenItIsDown() throws {
        let sockets = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(sockets) }
        let remote = sockets + "/model.sock"
        let dir = try Paths.pipelineFolder(ask: """
        \(Paths.lexicalExtractStages)
        [[stage]]
        id = "local"
        kind = "answer.generate"
        in = ["question.text", "bm25.hits", "extract.answer"]
        model = "moe.gguf"
        socket = "\(remote)"
        accept = 0.01

        """)
        defer { FileSystem.removeTree(dir) }
        let h = try DaemonHarness(.live, pipelines: dir)
        _ = try h.call("ingest", ["path": .string(try h.makeFolder(["p.md": "# Parking\n\nParking permits cost nine dollars a month."]))])

        let before = try h.call("status")
        #expect(before["workers"]?[0]?["socket"]?.stringValue == remote)
        #expect(before["workers"]?[0]?["state"] == "down", "nothing serves the socket yet")

        let host = try WorkerHost(model: dir + "/moe.gguf", threads: 1, context: 1024, models: ModelCache { _, _, _ in TimedMoE() })
        let server = Server(options: ServerOptions(path: remote), handler: StageServer(host: host, log: Logger(level: .error, sink: { _ in }),
                                                                                    info: { ["models": host.modelStatus] }), log: { _ in })
        try server.start()
        let a = try h.call("ask", ["question": "What do parking permits cost?"])
        #expect(a["route"] == "local")
        let w = try h.call("status")["workers"]?[0]
        #expect(w?["state"] == "up")
        let m = w?["models"]?[0]
        #expect(m?["name"] == "Tiny MoE" && m?["architecture"] == "qwen3moe" && m?["quantization"] == "Q4_K_M" && m?["context"] == 1024)
        #expect(m?["answers"] == 1)
        #expect(m?["recent"]?["prefill_tokens_per_s"] == 100.0, "250 tokens in 2.5 s")
        #expect(m?["recent"]?["decode_tokens_per_s"] == 20.0, "8 tokens after the first in 0.4 s")
        #expect(m?["expert_load"]?[0]?["shares"] == [0.75, 0.25, 0.0, 0.0])
        #expect(m?["expert_balance"]?["mean_cv"] != nil)

        let text = try Binaries.run("nerve", ["--socket", h.socket, "status"])
        #expect(text.status == 0)
        for part in ["local models", "Tiny MoE", "qwen3moe", "Q4_K_M", "100.0", "20.0", "expert load", "CV by layer"] {
            #expect(text.stdout.contains(part), "`nerve status` lacks \(part):\n\(text.stdout)")
        }

        server.drain(timeoutMs: 1000)
        let after = try h.call("status")["workers"]?[0]
        #expect(after?["state"] == "down")
        let down = try Binaries.run("nerve", ["--socket", h.socket, "status"])
        #expect(down.stdout.contains("down"), "\(down.stdout)")
    }

    /// `toml` with the answer.extract stage's `accept` raised to 1.0.
    static func neverAcceptExtract(_ toml: String) -> String {
        toml.split(separator: "[[stage]]", omittingEmptySubsequences: false).map { block in
            guard block.contains("kind = \"answer.extract\"") else { return String(block) }
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("accept") }
            return lines.joined(separator: "\n").replacing("kind = \"answer.extract\"", with: "kind = \"answer.extract\"\naccept = 1.0")
        }.joined(separator: "[[stage]]")
    }

    @Test func theDefaultPipelineWithoutWeightsOrKeyAnswersAndSaysWhy() throws {
        let h = try DaemonHarness(.live) { c in
            // The repository's pipelines, copied so that their model path finds no file (and the
            // frontier's key variable is one never set); a real `nerved worker` serves the local stage.
            c.workerExecutable = Binaries.folder + "/nerved"
            // The extractive stage is never accepted here, so every question escalates.
            if let ask = try? FileSystem.read(c.pipelines + "/ask.toml") {
                let text = Self.neverAcceptExtract(String(decoding: ask, as: UTF8.self))
                try? FileSystem.writeAtomically(c.pipelines + "/ask.toml", Array(text.utf8))
            }
        }
        _ = try h.call("ingest", ["path": .string(try h.makeFolder([
            "p.md": "# Parking\n\nParking permits cost nine dollars a month. Bikes park free.",
            "l.md": "# Lunch\n\nThe cafeteria serves lunch from noon until two.",
        ]))])
        var worker: JSON?
        for _ in 0..<100 {
            worker = try h.call("status")["workers"]?[0]
            if worker?["state"] == "up" { break }
            Threads.sleep(ms: 100)
        }
        #expect(worker?["state"] == "up", "the supervised worker starts without the model: \(worker ?? .null)")
        #expect(worker?["models"]?[0]?["state"] == "absent")

        let a = try h.call("ask", ["question": "How many moons does the cafeteria's planet have?"])
        let stages = a["stages"]?.arrayValue ?? []
        let local = stages.first { $0["id"] == "local" }
        let frontier = stages.first { $0["id"] == "frontier" }
        #expect(local?["status"] == "skipped")
        #expect(local?["note"]?.stringValue?.contains("scripts/fetch-models") == true, "\(local ?? .null)")
        #expect(frontier?["status"] == "skipped")
        #expect(frontier?["note"]?.stringValue?.contains("set \(DaemonHarness.noKeyVariable)") == true, "\(frontier ?? .null)")
        #expect(a["accepted"] == false)
        #expect(a["note"]?.stringValue?.hasPrefix("The documents do not seem to answer this") == true)
        #expect((a["passages"]?.arrayValue?.count ?? 0) > 0)

        let text = try Binaries.run("nerve", ["--socket", h.socket, "ask", "How", "many", "moons", "does", "the", "cafeteria's", "planet", "have?"])
        #expect(text.stdout.contains("The documents do not seem to answer this"))
        #expect(text.stdout.contains("skipped: frontier — no API key: set \(DaemonHarness.noKeyVariable)"), "\(text.stdout)")
        #expect(text.stdout.contains("skipped: local — the local model"), "\(text.stdout)")
    }
}
