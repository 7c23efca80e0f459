// answer.generate in the cascade, with a scripted model standing in for the engine: the prompt
// carries the numbered passages, citations map back to files, a supported and cited answer is
// trusted, an unsupported or declined one is not, and a model that fails leaves the retrieval
// answer standing.
import Config
import Index
import JSON
import Pipeline
import Posix
import Stages
import Testing
import TestSupport

@Suite struct GenerateStageTests {
    /// Answers with a fixed text and fixed token statistics; remembers the prompts it saw.
    final class ScriptedModel: LocalModel, @unchecked Sendable {
        let reply: String
        let meanLogprob: Double
        let fails: Bool
        private(set) var prompts: [String] = []
        init(_ reply: String, meanLogprob: Double = -0.2, fails: Bool = false) {
            self.reply = reply
            self.meanLogprob = meanLogprob
            self.fails = fails
        }
        func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
            prompts.append(request.user)
            if fails { throw StagesError.model(reason: "scripted failure") }
            for word in reply.split(separator: " ") { onToken(String(word) + " ") }
            return LocalResult(text: reply, promptTokens: request.user.utf8.count / 4, generatedTokens: reply.split(separator: " ").count,
                               meanLogprob: meanLogprob, minLogprob: meanLogprob * 3, meanEntropy: 0.5, model: "scripted")
        }
        var expertCounts: [[Int]] { [[3, 1], [2, 2]] }
    }

    struct Setup {
        let dir: String
        let runner: AskRunner
    }

    func setup(_ model: ScriptedModel) throws -> Setup {
        let dir = try Paths.temporaryDirectory()
        let root = dir + "/docs"
        try FileSystem.makeDirectories(root)
        try FileSystem.writeAtomically(root + "/parking.md", Array("# Parking\n\nParking permits cost nine dollars a month at the north garage.".utf8))
        try FileSystem.writeAtomically(root + "/lunch.md", Array("# Lunch\n\nThe cafeteria serves lunch from noon until two.".utf8))
        let env = StageEnvironment(index: try IndexStore(directory: dir + "/index"), models: ModelCache { _, _, _ in model })
        let registry = StandardKinds.registry(env)
        let ingest = try PipelineLoader.load(path: Paths.packageRoot + "/pipelines/ingest.toml", role: "ingest", registry: registry)
        _ = try IngestRunner(env: env, pipeline: ingest).run(root: root)
        let ask = try PipelineLoader.link(bytes: Array("""
        version = 1
        [[stage]]
        id = "question"
        kind = "query"
        [[stage]]
        id = "bm25"
        kind = "search.bm25"
        in = ["question.text"]
        [[stage]]
        id = "extract"
        kind = "answer.extract"
        in = ["question.text", "bm25.hits"]
        accept = 1.0
        [[stage]]
        id = "local"
        kind = "answer.generate"
        in = ["question.text", "bm25.hits", "extract.answer"]
        model = "model.gguf"
        accept = 0.6

        """.utf8), path: dir + "/ask.toml", role: "ask", registry: registry, baseDirectory: dir)
        return Setup(dir: dir, runner: AskRunner(env: env, pipeline: ask))
    }

    @Test func aCitedSupportedAnswerIsAcceptedAndStreamed() throws {
        let model = ScriptedModel("Parking permits cost nine dollars a month [1].")
        let s = try setup(model)
        defer { FileSystem.removeTree(s.dir) }
        let tokens = NotificationLog()
        let a = try s.runner.ask("How much is a parking permit?", viewer: nil, explain: true) { tokens.record($0, $1) }
        #expect(a["route"] == "local")
        #expect(a["accepted"] == true)
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/parking.md") == true)
        #expect(model.prompts.first?.contains("[1] (parking.md — Parking)") == true, "passages are numbered and attributed")
        #expect(model.prompts.first?.contains("Earlier attempts") == true, "the extractive attempt is passed along")
        #expect(tokens.all.filter { $0.method == "answer.token" }.count == 8)
        let stage = a["stages"]?.arrayValue?.first { $0["id"] == "local" }
        #expect(stage?["model"] == "scripted")
        #expect(stage?["features"]?["support"] == 1.0)
        #expect(stage?["features"]?["cites"] == 1.0)
    }

    @Test func anUnsupportedOrDeclinedAnswerIsNotTrusted() throws {
        for (reply, why) in [("Permits are free for all staff on weekends [1].", "says what the passages do not"),
                             ("NOT IN DOCUMENTS", "declined"),
                             ("Parking permits cost nine dollars a month.", "cites nothing, though supported")] {
            let s = try setup(ScriptedModel(reply))
            defer { FileSystem.removeTree(s.dir) }
            let a = try s.runner.ask("How much is a parking permit?", viewer: nil)
            let conf = a["stages"]?.arrayValue?.first { $0["id"] == "local" }?["confidence"]?.doubleValue ?? 1
            #expect(conf < 0.6, "\(why): confidence \(conf)")
            #expect(a["accepted"] == false, "\(why)")
        }
    }

    @Test func unsureTokensLowerTheConfidence() throws {
        let sure = try setup(ScriptedModel("Parking permits cost nine dollars a month [1].", meanLogprob: -0.1))
        let unsure = try setup(ScriptedModel("Parking permits cost nine dollars a month [1].", meanLogprob: -2.5))
        defer { FileSystem.removeTree(sure.dir); FileSystem.removeTree(unsure.dir) }
        func local(_ s: Setup) throws -> Double? {
            try s.runner.ask("parking permit cost", viewer: nil)["stages"]?.arrayValue?.first { $0["id"] == "local" }?["confidence"]?.doubleValue
        }
        let c1 = try local(sure) ?? 0
        let c2 = try local(unsure) ?? 1
        #expect(c1 > c2 + 0.2, "sure \(c1) vs unsure \(c2)")
    }

    @Test func aFailingModelLeavesTheRetrievalAnswerFlagged() throws {
        let s = try setup(ScriptedModel("", fails: true))
        defer { FileSystem.removeTree(s.dir) }
        let a = try s.runner.ask("How much is a parking permit?", viewer: nil)
        #expect(a["route"] == "extract")
        #expect(a["accepted"] == false)
        #expect(a["answer"]?.stringValue?.contains("nine dollars") == true)
        let local = a["stages"]?.arrayValue?.first { $0["id"] == "local" }
        #expect(local?["status"] == "failed")
        #expect(local?["note"]?.stringValue?.contains("scripted failure") == true)
    }
}
