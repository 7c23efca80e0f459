// Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Nerve's default local model: Q4_K and Q6_K weights) and the
// 0.5B sibling (Q5_0 and Q8_0 weights, Q5_0 token embeddings, Q8_0 output) against llama.cpp: the
// ChatML rendering, prompt ids, greedy continuations and top-5 logits per position of six prompts
// (three retrieval prompts as Nerve sends them, two chats about code, one raw completion).
// Reference: scripts/reference/qwen_greedy.py. Needs the models from scripts/fetch-models;
// skipped with a printed reason without them.
import Testing

@Suite(.serialized) struct QwenReferenceTests {
    static let coder15 = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    static let coder05 = "qwen2.5-coder-0.5b-instruct.gguf"

    @Test func coder15BMatchesLlamaCpp() throws {
        guard QwenReference.present(Self.coder15, suite: "QwenReferenceTests 1.5B") else { return }
        try QwenReference.check(file: Self.coder15, fixture: "qwen2.5-coder-1.5b-greedy.json",
                                label: "Qwen2.5-Coder-1.5B Q4_K_M")
    }

    @Test func coder05BMatchesLlamaCpp() throws {
        guard QwenReference.present(Self.coder05, suite: "QwenReferenceTests 0.5B") else { return }
        try QwenReference.check(file: Self.coder05, fixture: "qwen2.5-coder-0.5b-greedy.json",
                                label: "Qwen2.5-Coder-0.5B Q5_0/Q8_0")
    }
}
