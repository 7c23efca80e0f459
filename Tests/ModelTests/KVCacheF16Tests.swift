// The f16 KV cache against llama.cpp with its default f16 cache (no flash attention): the
// random-weight fixtures of MoEReferenceTests, references from scripts/reference/llama_reference.py
// --kv-cache f16. Keys, values, queries and softmax weights are rounded to f16 as llama.cpp
// rounds them: with f32 weights logits agree to float rounding (~1e-6), far closer than the
// f16 rounding itself moves them (~5e-4 against the f32-cache reference). With Q4_K weights the
// activations are re-quantised to 8 bits before every product, so a last-bit difference in an
// attention sum (llama.cpp's batched f16 products sum in another order than its one-token ones)
// can flip a rounding and move logits by ~0.05; there the bound is 0.1 with the same top-1
// token at every position. Batch and token-by-token evaluation are both checked.
import JSON
import Model
import Posix
import Tensor
import Testing
import TestSupport

@Suite struct KVCacheF16Tests {
    static let fixtures: [(name: String, tolerance: Float)] = [("olmoe-f32", 1e-5), ("qwen3moe-f32", 1e-5), ("llama-moe-q4_k", 0.1)]

    /// Largest |ours − reference| over every logit of the fixture's tokens, and the positions
    /// whose top-1 token differs.
    static func worst(_ name: String, reference: String, kv: KVFormat, oneByOne: Bool) throws -> (Float, [Int]) {
        let j = try JSON.parse(try FileSystem.read(Paths.fixtures + "/engine/moe/\(reference).json"))
        let tokens = (j["tokens"]?.arrayValue ?? []).compactMap { $0.intValue.map(Int32.init) }
        let logits = (j["logits"]?.arrayValue ?? []).map { row in (row.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) } }
        let model = try LanguageModel(path: Paths.fixtures + "/engine/moe/\(name).gguf",
                                      options: LoadOptions(contextLength: 64, threads: 2, kvCache: kv))
        var worst: Float = 0
        var differs: [Int] = []
        func compare(_ i: Int, _ l: UnsafeBufferPointer<Float>) {
            var best = 0, refBest = 0
            for v in 0..<l.count {
                worst = max(worst, abs(l[v] - logits[i][v]))
                if l[v] > l[best] { best = v }
                if logits[i][v] > logits[i][refBest] { refBest = v }
            }
            if best != refBest { differs.append(i) }
        }
        if oneByOne {
            for (i, t) in tokens.enumerated() { compare(i, try model.evaluate([t])) }
        } else {
            try model.evaluate(tokens) { i, l in compare(i, l) }
        }
        return (worst, differs)
    }

    @Test(arguments: 0..<fixtures.count)
    func f16CacheMatchesLlamaCppF16Cache(_ index: Int) throws {
        let (name, tolerance) = Self.fixtures[index]
        let (batch, batchTop) = try Self.worst(name, reference: name + "-kvf16", kv: .f16, oneByOne: false)
        let (single, singleTop) = try Self.worst(name, reference: name + "-kvf16", kv: .f16, oneByOne: true)
        let (againstF32, _) = try Self.worst(name, reference: name, kv: .f16, oneByOne: false)
        print("KV f16 \(name): max |logit − llama.cpp f16| batch \(batch), one by one \(single) (tolerance \(tolerance)); against the f32 reference \(againstF32)")
        #expect(batch <= tolerance && single <= tolerance)
        #expect(batchTop.isEmpty && singleTop.isEmpty, "top-1 differs at \(batchTop) / \(singleTop)")
        #expect(againstF32 > batch, "the f16 cache should be closer to llama.cpp's f16 cache than to its f32 one")
    }
}
