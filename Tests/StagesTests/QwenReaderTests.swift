// The default local model as a reader, end to end in process: Qwen2.5-Coder-1.5B-Instruct reads
// two numbered passages, answers from the right one and cites it, and the second question reuses
// the system prompt's KV state (fewer prompt tokens evaluated than the prompt holds). Two short
// answers: the 1.5B model costs seconds per question on two cores. Skipped without the weights.
import JSON
import Posix
import Stages
import Testing
import TestSupport

@Suite struct QwenReaderTests {
    static let model = Paths.packageRoot + "/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    static let present: Bool = {
        let ok = FileSystem.exists(model)
        if !ok { print("QwenReaderTests: skipped: \(model) is absent (run scripts/fetch-models)") }
        return ok
    }()

    @Test(.enabled(if: present)) func answersFromTheCitedPassageAndReusesTheSystemPrompt() throws {
        let f = try EngineFixture(ask: """
            \(Paths.lexicalExtractStages)
            [[stage]]
            id = "local"
            kind = "answer.generate"
            in = ["question.text", "bm25.hits", "extract.answer"]
            model = "\(Self.model)"
            threads = 2
            context = 1024
            passages = 2
            max_tokens = 40
            accept = 0.0

            """)
        try f.write("parking.md", "# Parking\n\nA parking permit at the north garage costs nine dollars a month. Bicycles park free.")
        try f.write("lunch.md", "# Lunch\n\nThe cafeteria serves lunch from noon until two o'clock on weekdays.")
        try f.ingest()

        let a = try f.ask("How much does a parking permit cost?", explain: true)
        let text = a["answer"]?.stringValue ?? ""
        #expect(a["route"] == "local")
        #expect(text.lowercased().contains("nine") || text.contains("9"), "\(text)")
        #expect(a["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/parking.md") == true, "\(text)")

        let b = try f.ask("Until what time is lunch served?", explain: true)
        let second = b["answer"]?.stringValue ?? ""
        #expect(second.lowercased().contains("two") || second.contains("2"), "\(second)")
        #expect(b["citations"]?[0]?["path"]?.stringValue?.hasSuffix("/lunch.md") == true, "\(second)")

        let m = try f.engine.status()["models"]?[0]
        #expect(m?["name"] == "Qwen2.5 Coder 1.5B Instruct GGUF" && m?["architecture"] == "qwen2" && m?["quantization"] == "Q4_K_M")
        #expect(m?["layers"] == 28 && m?["width"] == 1536 && m?["context"] == 1024)
        let recent = m?["recent"]
        let evaluated = recent?["prefill_tokens"]?.intValue ?? 0, prompt = recent?["prompt_tokens"]?.intValue ?? 0
        // The second prompt starts with the first one's system message and chat header.
        #expect(evaluated + 30 < prompt, "evaluated \(evaluated) of \(prompt) prompt tokens")
        let local = b["stages"]?.arrayValue?.first { $0["id"] == "local" }
        #expect((local?["prefill_ms"]?.doubleValue ?? 0) > 0 && (local?["decode_ms"]?.doubleValue ?? 0) > 0)
        print("QwenReaderTests: \(text) | \(second) | prefill \(recent?["prefill_tokens_per_s"]?.doubleValue ?? 0) tok/s, decode \(recent?["decode_tokens_per_s"]?.doubleValue ?? 0) tok/s")
    }

    /// The judge's follow-up: only its own words are evaluated (the conversation before it is the
    /// KV cache's prefix), and the model is surer that the passage states the right answer than
    /// a wrong one it is shown as its own; so is the fresh check of the answer against the passage.
    @Test(.enabled(if: present)) func theJudgeReusesTheConversationAndPrefersTheStatedAnswer() throws {
        let model = try EngineModel.load(Self.model, 2, 1024)
        let passage = "A parking permit at the north garage costs nine dollars a month."
        let passages = "Passages:\n[1] (parking.md — Parking) \(passage)\n\n"
            + "Question: How much does a parking permit cost?\nAnswer with citations:"
        var yes: [Double] = [], checked: [Double] = []
        for answer in ["A parking permit costs nine dollars a month [1].", "A parking permit costs forty dollars a week [1]."] {
            _ = try model.generate(LocalRequest(system: EvidencePrompt.system, user: passages, maxTokens: 1)) { _ in }
            let j = try model.generate(LocalRequest(system: EvidencePrompt.system, earlier: [LocalTurn(user: passages, assistant: answer)],
                                                    user: EvidencePrompt.judge, maxTokens: 1)) { _ in }
            #expect(j.prefillTokens < 60, "evaluated \(j.prefillTokens) of \(j.promptTokens) prompt tokens")
            yes.append(EvidencePrompt.yesProbability(reply: j.text, logprob: j.meanLogprob))
            let c = try model.generate(LocalRequest(system: EvidencePrompt.system, user: EvidencePrompt.check(
                question: "How much does a parking permit cost?", answer: answer, passage: passage, maxChars: 700), maxTokens: 1)) { _ in }
            checked.append(EvidencePrompt.yesProbability(reply: c.text, logprob: c.meanLogprob))
            print("QwenReaderTests: check of \"\(answer)\": \(c.text) (logprob \(c.meanLogprob))")
            print("QwenReaderTests: judge of \"\(answer)\": \(j.text) (logprob \(j.meanLogprob), \(j.prefillTokens) tokens evaluated)")
        }
        #expect(yes[0] > yes[1], "judge: P(yes) right \(yes[0]) vs wrong \(yes[1])")
        #expect(checked[0] > checked[1], "check: P(yes) right \(checked[0]) vs wrong \(checked[1])")
    }
}
