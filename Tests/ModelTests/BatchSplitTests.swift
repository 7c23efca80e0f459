// A prompt longer than the prefill batch is evaluated in several batches; every token's result
// must not depend on where the batches split (the linear kernels work per 32-token block, the
// attention per token): SmolLM2 on 300 tokens with batches of 128 (the dense default), 512 and
// 7, compared bit for bit at the last position. Needs the SmolLM2 GGUF (skipped without).
import Model
import Testing

@Suite(.serialized) struct BatchSplitTests {
    @Test func logitsDoNotDependOnTheBatchSize() throws {
        guard SmolLM2.present else { return }
        let tokens = (0..<300).map { Int32(($0 * 7919) % 40000 + 100) }
        var results: [[UInt32]] = []
        for batch in [nil, 512, 7] as [Int?] {
            let model = try LanguageModel(path: SmolLM2.path, options: LoadOptions(contextLength: 320, threads: 2, batchSize: batch))
            let logits = try model.evaluate(tokens)
            results.append(logits.map(\.bitPattern))
        }
        #expect(results[0] == results[1])
        #expect(results[0] == results[2])
    }
}
