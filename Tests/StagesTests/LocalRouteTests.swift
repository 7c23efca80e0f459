// The local route's evidence and accounting with a scripted model: the confidence features by
// their stable names (agreement with the extractive candidate, its confidence, answer length),
// prefill/decode times in the reply, a model file that is not installed standing the stage aside
// with a note (and the cascade answering anyway), long passages cut around the question's words,
// unmarked answers attributed to their passage, declines in other words, and the figures
// `status` reports (recent speed, expert balance).
import Config
import Index
import JSON
import Pipeline
import Posix
import Stages
import Testing
import TestSupport

@Suite struct LocalRouteTests {
    /// Replies with a fixed text, reporting fixed timings and expert counts.
    final class TimedModel: LocalModel, @unchecked Sendable {
        let reply: String
        init(_ reply: String) { self.reply = reply }
        func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
            onToken(reply)
            return LocalResult(text: reply, promptTokens: 400, generatedTokens: 11, meanLogprob: -0.1, minLogprob: -0.9,
                               meanEntropy: 0.3, model: "timed", prefillTokens: 320, prefillMs: 4000, decodeMs: 500)
        }
        var expertCounts: [[Int]] { [[5, 5, 5, 5], [20, 0, 0, 0]] }
        var info: LocalModelInfo { LocalModelInfo(name: "Timed", architecture: "qwen3moe", quantization: "Q4_K_M", context: 2048, experts: 4, expertsUsed: 1) }
    }

    static func pipeline(model: String, accept: Double) -> String {
        """
        \(Paths.lexicalExtractStages)
        [[stage]]
        id = "local"
        kind = "answer.generate"
        in = ["question.text", "bm25.hits", "extract.answer"]
        model = "\(model)"
        accept = \(accept)

        """
    }

    /// `accept`: the local stage's; 0 makes its answer final whatever its confidence.
    func fixture(_ models: ModelCache, model: String = "model.gguf", accept: Double = 0.6) throws -> EngineFixture {
        let f = try EngineFixture(ask: Self.pipeline(model: model, accept: accept), models: models)
        try f.write("parking.md", "# Parking\n\nParking permits cost nine dollars a month at the north garage.")
        try f.write("lunch.md", "# Lunch\n\nThe cafeteria serves lunch from noon until two.")
        try f.ingest()
        return f
    }

    func stage(_ reply: JSON, _ id: String) -> JSON? { reply["stages"]?.arrayValue?.first { $0["id"]?.stringValue == id } }

    @Test func featuresHaveStableNamesAndCompareWithTheExtractiveCandidate() throws {
        let f = try fixture(ModelCache { _, _, _ in TimedModel("Permits cost nine dollars a month [1].") })
        let a = try f.ask("How much is a parking permit?", explain: true)
        let features = stage(a, "local")?["features"]?.objectValue
        #expect(features?.keys.sorted() == ["agreement", "answer_tokens", "check", "cites", "declined", "entropy", "extract_confidence",
                                            "judge", "mean_logprob", "min_logprob", "novel_share", "support", "type_asked", "type_match"])
        let extract = stage(a, "extract")?["confidence"]?.doubleValue ?? -1
        #expect(abs((features?["extract_confidence"]?.doubleValue ?? 0) - extract) < 1e-3, "the candidate's confidence")
        #expect(features?["answer_tokens"] == 11)
        #expect((features?["agreement"]?.doubleValue ?? 0) > 0.5, "both say nine dollars for permits: \(features?["agreement"] ?? .null)")
        // "How much" asks for money, and "nine dollars" is money; of the answer's terms
        // (permit, cost, nine, dollar, month) only "permit" is in the question.
        #expect(features?["type_asked"] == 1 && features?["type_match"] == 1)
        #expect(abs((features?["novel_share"]?.doubleValue ?? 0) - 0.8) < 1e-9, "\(features?["novel_share"] ?? .null)")
    }

    @Test func anAnswerThatOnlyRestatesTheQuestionHasNoValueAndLittleNew() throws {
        let f = try fixture(ModelCache { _, _, _ in TimedModel("For a parking permit, follow the passage [1].") })
        let features = stage(try f.ask("How much is a parking permit?", explain: true), "local")?["features"]?.objectValue
        #expect(features?["type_asked"] == 1 && features?["type_match"] == 0, "no money in it")
        // Terms: park, permit, follow, passag; the question holds park and permit.
        #expect(features?["novel_share"] == 0.5, "\(features?["novel_share"] ?? .null)")
        let declined = try fixture(ModelCache { _, _, _ in TimedModel("NOT IN DOCUMENTS") })
        let d = stage(try declined.ask("Who runs the garage?", explain: true), "local")?["features"]?.objectValue
        #expect(d?["declined"] == 1 && d?["type_match"] == 0 && d?["novel_share"] == 0)
    }

    @Test func citationMarksAreTakenOutWithTheSpaceBeforeThem() {
        #expect(EvidencePrompt.uncited("Permits cost nine dollars a month [1].") == "Permits cost nine dollars a month.")
        #expect(EvidencePrompt.uncited("As [2, 3] say, it is nine[1]dollars [4]") == "As say, it is nine dollars")
        #expect(EvidencePrompt.uncited("See [the garage] and [] [x1]") == "See [the garage] and [] [x1]")
        #expect(EvidencePrompt.uncited("[1] Nine dollars") == " Nine dollars")
    }

    @Test func agreementCountsSharedWordsAndNumbers() {
        let candidate = "Employees above 191,900 dollars get no overtime."
        #expect(AnswerAgreement.score("The limit is $191,900 [1].", candidate) == 0.75, "same figure, other words")
        #expect(AnswerAgreement.score("The limit is $150,000 [1].", candidate) == 0, "another figure")
        #expect(AnswerAgreement.score("No overtime [1].", candidate) == 0.5, "the same words, but no figure")
        #expect(AnswerAgreement.score("Ask the travel desk.", "") == 0)
        #expect(abs(AnswerAgreement.score("Ask the travel desk [2].", "The travel desk books flights.") - 2.0 / 3) < 1e-9)
    }

    @Test func anUnmarkedAnswerIsAttributedToThePassageThatHoldsIt() throws {
        let f = try fixture(ModelCache { _, _, _ in TimedModel("Parking permits cost nine dollars a month.") })
        let a = try f.ask("How much is a parking permit?", explain: true)
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/parking.md") == true)
        #expect(stage(a, "local")?["features"]?["cites"] == 0.0, "the model itself cited nothing")
        let g = try fixture(ModelCache { _, _, _ in TimedModel("Ask your manager about it.") }, accept: 0)
        let b = try g.ask("How much is a parking permit?")
        #expect(b["route"] == "local")
        #expect(b["citations"]?.arrayValue?.isEmpty == true, "nothing supports it")
    }

    @Test func declinesInOtherWordsCountAsDeclines() {
        #expect(EvidencePrompt.declined("NOT IN DOCUMENTS"))
        #expect(EvidencePrompt.declined("The size of the rental car is not specified in the given passages."))
        #expect(EvidencePrompt.declined("The passages do not mention a parking fee."))
        #expect(!EvidencePrompt.declined("Permits cost nine dollars [1]; bikes are not charged."))
    }

    @Test func theReplyCarriesPrefillAndDecodeTimes() throws {
        let f = try fixture(ModelCache { _, _, _ in TimedModel("Permits cost nine dollars a month [1].") })
        let a = try f.ask("How much is a parking permit?")
        let local = stage(a, "local")
        #expect(local?["prefill_ms"] == 4000.0)
        // The answer's 500 ms, then the judge's and the check's one-token replies (each 4,000 ms of
        // prompt and 500 of decoding here): they come after the answer's last token.
        #expect(local?["decode_ms"] == 9500.0)
        #expect(local?["tokens_in"] == 400 && local?["tokens_out"] == 11 && local?["model"] == "timed")
    }

    @Test func aModelNotInstalledIsSkippedWithANoteAndTheCascadeStillAnswers() throws {
        // The engine's own loader: the file is simply not there.
        let f = try fixture(ModelCache(), model: "not-installed.gguf")
        let a = try f.ask("How much is a parking permit?")
        let local = stage(a, "local")
        #expect(local?["status"] == "skipped")
        let note = local?["note"]?.stringValue ?? ""
        #expect(note.contains("not installed") && note.contains("scripts/fetch-models"), "\(note)")
        #expect(a["route"] == "extract")
        #expect(a["answer"]?.stringValue?.contains("nine dollars") == true)
        #expect(a["accepted"] == false)
        #expect((a["passages"]?.arrayValue?.count ?? 0) > 0, "the best passages come with an unsure answer")
        let status = try f.engine.status()
        #expect(status["models"]?[0]?["state"] == "absent")
    }

    @Test func longPassagesAreCutAroundTheQuestionsWords() {
        let filler = (1...12).map { "Sentence \($0) is about the history of the office building." }.joined(separator: " ")
        let text = filler + " Parking permits cost nine dollars a month. They are sold at the front desk. " + filler
        let terms = Set(Analyzer.terms("How much does a parking permit cost?"))
        let cut = EvidencePrompt.excerpt(text, terms: terms, maxChars: 200)
        #expect(cut.contains("Parking permits cost nine dollars a month."))
        #expect(cut.hasPrefix("… ") && cut.hasSuffix(" …"))
        #expect(cut.count <= 200 + 4)
        #expect(EvidencePrompt.excerpt("Short passage.", terms: terms, maxChars: 200) == "Short passage.")
    }

    @Test func statusReportsRecentSpeedAndExpertBalance() throws {
        let models = ModelCache { _, _, _ in TimedModel("Permits cost nine dollars a month [1].") }
        let f = try fixture(models)
        _ = try f.ask("How much is a parking permit?")
        _ = try f.ask("When is lunch served?")
        let m = try f.engine.status()["models"]?[0]
        #expect(m?["state"] == "loaded" && m?["name"] == "Timed" && m?["quantization"] == "Q4_K_M" && m?["context"] == 2048)
        #expect(m?["answers"] == 2)
        #expect(m?["recent"]?["prefill_tokens_per_s"] == 80.0, "640 evaluated tokens in 8 s")
        #expect(m?["recent"]?["decode_tokens_per_s"] == 20.0, "20 tokens after the first ones in 1 s")
        let load = m?["expert_load"]?.arrayValue ?? []
        #expect(load.count == 2)
        #expect(load.first?["cv"] == 0.0, "an even router")
        #expect(abs((load.last?["cv"]?.doubleValue ?? 0) - 3.0.squareRoot()) < 1e-3, "one expert takes all: √(E−1)")
        #expect(load.last?["max_share"] == 1.0)
    }
}
