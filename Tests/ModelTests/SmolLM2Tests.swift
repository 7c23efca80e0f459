// SmolLM2-135M-Instruct Q4_1 (real weights, llama architecture, tied Q8_0 embeddings) against
// llama.cpp: prompt tokenisation and the greedy continuation of six prompts, reference ids from
// scripts/reference/smollm2_greedy.py (llama-cpp-python, F32 KV cache). Needs
// models/SmolLM2-135M-Instruct.Q4_1.gguf (scripts/fetch-models); skipped with a reason without it.
import JSON
import Model
import Posix
import Testing
import TestSupport

enum SmolLM2 {
    static let path = Paths.packageRoot + "/models/SmolLM2-135M-Instruct.Q4_1.gguf"

    static let present: Bool = {
        let ok = FileSystem.exists(path)
        if !ok { print("SmolLM2Tests: skipped: \(path) is absent (run scripts/fetch-models)") }
        return ok
    }()

    /// The reference cases: prompt, llama.cpp's prompt ids and its greedy ids.
    static func cases() throws -> [(prompt: String, promptTokens: [Int32], tokens: [Int32])] {
        let json = try JSON.parse(try FileSystem.read(Paths.fixtures + "/engine/smollm2-greedy.json"))
        return (json["cases"]?.arrayValue ?? []).map { c in
            (c["prompt"]?.stringValue ?? "",
             (c["prompt_tokens"]?.arrayValue ?? []).map { Int32($0.intValue ?? -1) },
             (c["tokens"]?.arrayValue ?? []).map { Int32($0.intValue ?? -1) })
        }
    }
}

@Suite(.serialized) struct SmolLM2Tests {
    @Test func greedyContinuationsMatchLlamaCpp() throws {
        guard SmolLM2.present else { return }
        let model = try LanguageModel(path: SmolLM2.path, options: LoadOptions(contextLength: 512))
        let tokenizer = try #require(model.tokenizer)
        let cases = try SmolLM2.cases()
        #expect(cases.count >= 4)
        for c in cases {
            #expect(tokenizer.encode(c.prompt, addSpecial: true, parseSpecial: true) == c.promptTokens, "tokens of \(c.prompt)")
            model.reset()
            var logits = try model.evaluate(c.promptTokens)
            var generated: [Int32] = []
            for _ in 0..<c.tokens.count {
                var best = 0
                for i in 1..<logits.count where logits[i] > logits[best] { best = i }
                generated.append(Int32(best))
                logits = try model.evaluate([Int32(best)])
            }
            let matching = zip(generated, c.tokens).prefix { $0 == $1 }.count
            print("SmolLM2 greedy \(String(reflecting: c.prompt)): \(matching)/\(c.tokens.count) tokens match llama.cpp")
            #expect(matching >= 32, "\(c.prompt): ours \(generated), llama.cpp \(c.tokens)")
        }
    }
}
