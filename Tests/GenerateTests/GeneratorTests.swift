// The decode loop on SmolLM2-135M-Instruct Q4_1 (skipped with a reason when the weights are
// absent): greedy text equals llama.cpp's, streaming pieces add up to the text, a reused prompt
// prefix changes nothing, stop strings and chat templates work, seeds reproduce.
import Generate
import JSON
import Model
import Posix
import Testing
import TestSupport
import Tokenizer

enum SmolLM2Model {
    static let path = Paths.packageRoot + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    /// The loaded model, or nil (with the reason printed) when the file is absent.
    static let shared: LanguageModel? = {
        guard FileSystem.exists(path) else {
            print("GeneratorTests: skipped: \(path) is absent (run scripts/fetch-models)")
            return nil
        }
        return try? LanguageModel(path: path, options: LoadOptions(contextLength: 1024))
    }()
}

@Suite(.serialized) struct GeneratorTests {
    @Test func greedyTextEqualsLlamaCpp() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        let json = try JSON.parse(try FileSystem.read(Paths.fixtures + "/engine/smollm2-greedy.json"))
        let c = try #require(json["cases"]?.arrayValue?.first)
        let expected = (c["tokens"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int32.init) }
        let r = try g.generate(prompt: c["prompt"]?.stringValue ?? "",
                               options: GenerationOptions(maxTokens: 29, ignoreEndOfGeneration: true))
        #expect(r.tokens == Array(expected.prefix(29)))
        #expect(r.text == c["text"]?.stringValue.map { String($0.prefix(r.text.count)) })
        #expect(r.stopReason == .maxTokens)
        #expect(r.timings.generatedTokens == 29 && r.timings.promptTokens == 5)
        #expect(r.confidence.tokens == 29 && r.confidence.meanLogProbability < 0)
        #expect(r.confidence.minimumLogProbability <= r.confidence.meanLogProbability)
        #expect(r.expertCounts.isEmpty)
    }

    @Test func streamedPiecesAddUpToTheTextAndCancellationStops() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        var pieces: [String] = []
        var indices: [Int] = []
        let r = try g.generate(prompt: "Once upon a time,", options: GenerationOptions(maxTokens: 20)) { e in
            pieces.append(e.text)
            indices.append(e.index)
            return true
        }
        #expect(pieces.joined() == r.text)
        #expect(indices == Array(0..<r.tokens.count))
        let cancelled = try g.generate(prompt: "Once upon a time,", options: GenerationOptions(maxTokens: 20)) { $0.index < 4 }
        #expect(cancelled.stopReason == .cancelled && cancelled.tokens.count == 5)
        #expect(cancelled.tokens == Array(r.tokens.prefix(5)))
    }

    @Test func reusingACachedPrefixGivesTheSameTokens() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        let prompt = "The capital of France is Paris. The capital of Italy is"
        g.resetCache()
        let cold = try g.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8))
        _ = try g.generate(prompt: "The capital of France is Paris.", options: GenerationOptions(maxTokens: 3))
        let warm = try g.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8))
        #expect(warm.tokens == cold.tokens)
        #expect(warm.timings.promptTokens < cold.timings.promptTokens)
    }

    /// How answer.generate keeps a model warm: a zero-token generation of the chat up to the
    /// user's message fills the KV cache, and a question's prompt then evaluates only its own part.
    @Test func aZeroTokenGenerationWarmsTheSharedChatPrefix() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        let system = ChatMessage.system("Answer from the numbered passages and cite them like [1].")
        g.resetCache()
        let cold = try g.chat([system, .user("Passages:\n[1] Lunch is at noon.\n\nQuestion: When is lunch?")],
                              options: GenerationOptions(maxTokens: 6))
        g.resetCache()
        let header = try g.render([system, .user("")])
        let warmup = try g.generate(tokens: g.tokenizer.encode(header, addSpecial: false, parseSpecial: true),
                                    options: GenerationOptions(maxTokens: 0))
        #expect(warmup.tokens.isEmpty && warmup.timings.promptTokens > 10)
        let warm = try g.chat([system, .user("Passages:\n[1] Lunch is at noon.\n\nQuestion: When is lunch?")],
                              options: GenerationOptions(maxTokens: 6))
        #expect(warm.tokens == cold.tokens)
        #expect(warm.timings.promptTokens + warmup.timings.promptTokens - 6 <= cold.timings.promptTokens,
                "warm evaluated \(warm.timings.promptTokens) of \(cold.timings.promptTokens) prompt tokens after a \(warmup.timings.promptTokens)-token warm-up")
    }

    @Test func stopStringEndsTheReplyBeforeIt() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        // llama.cpp's greedy continuation is " Paris.\n\nThe answer is: ..." (see the fixture).
        let r = try g.generate(prompt: "The capital of France is",
                               options: GenerationOptions(maxTokens: 30, stopStrings: ["\n\n"]))
        #expect(r.stopReason == .stopString)
        #expect(r.text == " Paris.")
    }

    @Test func chatUsesTheTemplateAndStopsAtEndOfTurn() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        let text = try g.render([.user("What is the boiling point of water?")])
        #expect(text.hasPrefix("<|im_start|>") && text.hasSuffix("<|im_start|>assistant\n"))
        let r = try g.chat([.user("What is the boiling point of water?")], options: GenerationOptions(maxTokens: 200))
        #expect(r.stopReason == .endOfGeneration)
        #expect(r.tokens.last == g.tokenizer.tokenID("<|im_end|>"))
        #expect(!r.text.isEmpty && !r.text.contains("<|im_end|>"))
    }

    @Test func seededSamplingReproduces() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        let o = GenerationOptions(maxTokens: 16, sampling: SamplingOptions(temperature: 0.9, topK: 40, topP: 0.95, seed: 42))
        let a = try g.generate(prompt: "My favourite food is", options: o)
        let b = try g.generate(prompt: "My favourite food is", options: o)
        #expect(a.tokens == b.tokens)
        #expect(a.tokens.count == 16 || a.stopReason == .endOfGeneration)
    }

    @Test func promptTopLogitsCoverEveryPosition() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        let r = try g.generate(prompt: "The capital of France is", options: GenerationOptions(maxTokens: 1, promptTopLogits: 3))
        #expect(r.promptTopLogits.count == 5)
        #expect(r.promptTopLogits.allSatisfy { $0.count == 3 && $0[0].logit >= $0[1].logit && $0[1].logit >= $0[2].logit })
        // The best logit after the last prompt token is the greedy first token (" Paris").
        #expect(r.promptTopLogits.last?.first?.id == r.tokens.first)
    }

    @Test func badInputsAreTypedErrors() throws {
        guard let model = SmolLM2Model.shared else { return }
        let g = try Generator(model: model)
        #expect(throws: GenerateError.emptyPrompt) { try g.generate(tokens: []) }
        #expect(throws: GenerateError.self) { try g.generate(tokens: [1], options: GenerationOptions(maxTokens: -1)) }
        #expect(throws: GenerateError.promptTooLong(tokens: 2000, context: 1024)) {
            try g.generate(tokens: Array(repeating: 1, count: 2000))
        }
        #expect(throws: GenerateError.self) { try g.generate(tokens: [1, 999_999]) }
    }
}
