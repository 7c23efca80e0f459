// answer.generate in the cascade, with a scripted model standing in for the engine: the prompt
// carries the numbered passages, citations map back to files, a supported and cited answer is
// trusted, an unsupported or declined one is not, and a model that fails leaves the retrieval
// answer standing.
import Config
import Foundation
import Index
import JSON
import Learn
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
        let fixture: EngineFixture
        func ask(_ q: String, explain: Bool = false, emit: @escaping @Sendable (String, JSONObject) -> Void = { _, _ in }) throws -> JSON {
            try fixture.ask(q, explain: explain, emit: emit)
        }
    }

    static let askPipeline = """
        \(Paths.lexicalExtractStages)
        [[stage]]
        id = "local"
        kind = "answer.generate"
        in = ["question.text", "bm25.hits", "extract.answer"]
        model = "model.gguf"
        accept = 0.6

        """

    func setup(_ model: any LocalModel, pipeline: String = askPipeline) throws -> Setup {
        let f = try EngineFixture(ask: pipeline, models: ModelCache { _, _, _ in model })
        try f.write("parking.md", "# Parking\n\nParking permits cost nine dollars a month at the north garage.")
        try f.write("lunch.md", "# Lunch\n\nThe cafeteria serves lunch from noon until two.")
        try f.ingest()
        return Setup(fixture: f)
    }

    @Test func aCitedSupportedAnswerIsAcceptedAndStreamed() throws {
        let model = ScriptedModel("Parking permits cost nine dollars a month [1].")
        let s = try setup(model)
        let tokens = NotificationLog()
        let a = try s.ask("How much is a parking permit?", explain: true) { tokens.record($0, $1) }
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
            let a = try s.ask("How much is a parking permit?")
            let conf = a["stages"]?.arrayValue?.first { $0["id"] == "local" }?["confidence"]?.doubleValue ?? 1
            #expect(conf < 0.6, "\(why): confidence \(conf)")
            #expect(a["accepted"] == false, "\(why)")
        }
    }

    @Test func unsureTokensLowerTheConfidence() throws {
        let sure = try setup(ScriptedModel("Parking permits cost nine dollars a month [1].", meanLogprob: -0.1))
        let unsure = try setup(ScriptedModel("Parking permits cost nine dollars a month [1].", meanLogprob: -2.5))
        func local(_ s: Setup) throws -> Double? {
            try s.ask("parking permit cost")["stages"]?.arrayValue?.first { $0["id"] == "local" }?["confidence"]?.doubleValue
        }
        let c1 = try local(sure) ?? 0
        let c2 = try local(unsure) ?? 1
        #expect(c1 > c2 + 0.2, "sure \(c1) vs unsure \(c2)")
    }

    /// Answers with `reply`; asked about its answer in the same conversation, replies `verdict`,
    /// and asked to check it against one passage afresh, `check` (each at probability e^-0.1);
    /// remembers every request.
    final class JudgedModel: LocalModel, @unchecked Sendable {
        let reply: String
        let verdict: String
        let check: String
        private(set) var requests: [LocalRequest] = []
        init(_ reply: String, verdict: String, check: String = "Yes") {
            self.reply = reply
            self.verdict = verdict
            self.check = check
        }
        func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
            requests.append(request)
            let text = !request.earlier.isEmpty ? verdict : request.user.hasPrefix("Passage:") ? check : reply
            return LocalResult(text: text, promptTokens: 100, generatedTokens: 1, meanLogprob: -0.1, minLogprob: -0.1,
                               meanEntropy: 0.5, model: "judged")
        }
        var expertCounts: [[Int]] { [] }
    }

    func judged(_ model: JudgedModel, pipeline: String = askPipeline) throws -> JSON {
        try setup(model, pipeline: pipeline).ask("How much is a parking permit?", explain: true)
    }

    @Test func theModelIsAskedWhetherThePassagesStateItsAnswer() throws {
        for (verdict, check, judge, checked) in [("Yes", "No", exp(-0.1), 1 - exp(-0.1)), ("No.", "Yes", 1 - exp(-0.1), exp(-0.1)),
                                                 ("Maybe", "Perhaps", 0.5, 0.5)] {
            let model = JudgedModel("Parking permits cost nine dollars a month [1].", verdict: verdict, check: check)
            let features = try judged(model)["stages"]?.arrayValue?.first { $0["id"] == "local" }?["features"]
            let j = features?["judge"]?.doubleValue ?? -1, c = features?["check"]?.doubleValue ?? -1
            #expect(abs(j - judge) < 1e-9 && abs(c - checked) < 1e-9, "\(verdict)/\(check): judge \(j), check \(c)")
            try #require(model.requests.count == 3)
            // The judge repeats the conversation (so the model reuses its cached prompt) and asks
            // one token of it.
            let follow = model.requests[1]
            #expect(follow.earlier.first?.user == model.requests[0].user)
            #expect(follow.earlier.first?.assistant == "Parking permits cost nine dollars a month [1].")
            #expect(follow.user == EvidencePrompt.judge && follow.maxTokens == 1)
            // The check shows the cited passage alone, and the answer as a proposal without its marks.
            let fresh = model.requests[2]
            #expect(fresh.earlier.isEmpty && fresh.maxTokens == 1)
            #expect(fresh.user.contains("north garage") && !fresh.user.contains("cafeteria"), "\(fresh.user)")
            #expect(fresh.user.contains("Proposed answer: Parking permits cost nine dollars a month.\n"), "\(fresh.user)")
        }
    }

    @Test func aDeclineOrJudgeOffAsksNoFollowUp() throws {
        for (reply, pipeline) in [("NOT IN DOCUMENTS", Self.askPipeline),
                                  ("Parking permits cost nine dollars [1].", Self.askPipeline + "judge = false\n")] {
            let model = JudgedModel(reply, verdict: "Yes")
            let features = try judged(model, pipeline: pipeline)["stages"]?.arrayValue?.first { $0["id"] == "local" }?["features"]
            #expect(model.requests.count == 1, "\(reply)")
            #expect(features?["judge"] == 0.0 && features?["check"] == 0.0, "\(reply)")
        }
    }

    /// judge = false leaves `judge` and `check` at 0: a calibration that weighs them is refused at
    /// plan time, one fitted with them at 0 (weight 0) is not.
    @Test func judgeOffRefusesACalibrationThatWeighsTheJudgement() throws {
        let catalog = StandardKinds.registry().catalog
        let names = try #require(catalog.kind("answer.generate")?.features)
        func diagnostics(judgeWeight: Double) throws -> [String] {
            let weights = names.map { $0 == "judge" ? judgeWeight : ($0 == "check" ? 0 : 0.5) }
            let model = LearnedModel(name: "local", features: names,
                                     model: .logistic(LogisticRegression(mean: names.map { _ in 0 }, sd: names.map { _ in 1 }, weights: weights, bias: 0)),
                                     calibrator: .platt(a: 1, b: 0),
                                     thresholds: [Threshold(name: "accept", targetPrecision: 0.95, accept: 0.9, samples: 100, accepted: 50, correct: 49)])
            let dir = try Paths.temporaryDirectory()
            defer { FileSystem.removeTree(dir) }
            try FileSystem.makeDirectories(dir + "/calibration")
            try FileSystem.writeAtomically(dir + "/calibration/local.toml", Array(model.render().utf8))
            let text = "calibration = \"calibration\"\ntarget_precision = 0.95\n[[stage]]\nid = \"question\"\nkind = \"query\"\n"
                + "[[stage]]\nid = \"local\"\nkind = \"answer.generate\"\nin = [\"question.text\"]\nmodel = \"model.gguf\"\njudge = false\n"
            try FileSystem.writeAtomically(dir + "/ask.toml", Array(text.utf8))
            do { _ = try PipelineLoader.plan(path: dir + "/ask.toml", role: "ask", catalog: catalog); return [] } catch let e as PipelineError {
                return e.diagnostics.map(\.message)
            }
        }
        let refused = try diagnostics(judgeWeight: 1.2)
        #expect(refused.contains { $0.contains("judge = false leaves the features 'judge' at 0") }, "\(refused)")
        #expect(try diagnostics(judgeWeight: 0).isEmpty)
    }

    @Test func aFailingModelLeavesTheRetrievalAnswerFlagged() throws {
        let s = try setup(ScriptedModel("", fails: true))
        let a = try s.ask("How much is a parking permit?")
        #expect(a["route"] == "extract")
        #expect(a["accepted"] == false)
        #expect(a["answer"]?.stringValue?.contains("nine dollars") == true)
        let local = a["stages"]?.arrayValue?.first { $0["id"] == "local" }
        #expect(local?["status"] == "failed")
        #expect(local?["note"]?.stringValue?.contains("scripted failure") == true)
    }
}
