// The ask-side kinds of the skeleton: the question source, BM25 search, and the extractive
// answerer. Later kinds (vector search, fusion, generation, frontier) register beside them.
import Config
import Corpus
import Index
import Pipeline

enum AskKinds {
    static func register(into r: Registry, _ env: StageEnvironment) {
        r.register(FrontierKind.kind(env))
        r.register(GenerateKind.kind(env.models))
        r.register(StageKind(
            name: "query", summary: "the question being asked", pipelines: ["ask"], role: .source,
            outputs: [OutputSpec("text", Port.text)],
            make: { _ in QueryStage() }))

        r.register(StageKind(
            name: "search.bm25", summary: "BM25 full-text search over chunk text and headings", pipelines: ["ask"],
            role: .transform,
            parameters: [ParameterSpec("top_k", .integer(1...1000), default: .integer(20), "hits to return")],
            inputs: [InputSpec("question", Port.text)],
            outputs: [OutputSpec("hits", Port.hits)],
            make: { cfg in BM25Stage(env: env, topK: cfg.int("top_k")) }))

        r.register(StageKind(
            name: "answer.extract", summary: "answer with the best sentences of the best passages, cited",
            pipelines: ["ask"], role: .answering,
            parameters: [
                ParameterSpec("passages", .integer(1...50), default: .integer(5), "top hits to read sentences from"),
                ParameterSpec("max_sentences", .integer(1...5), default: .integer(2), "sentences in the answer"),
                ParameterSpec("show_passages", .integer(0...20), default: .integer(3), "passages returned with a low-confidence answer"),
            ],
            inputs: [InputSpec("question", Port.text), InputSpec("hits", Port.hits)],
            outputs: [OutputSpec("answer", Port.answer)],
            make: { cfg in
                var calibration = Calibration.default
                if let c = cfg.calibration {
                    guard c.features == AnswerFeatures.names else {
                        throw StagesError.calibration(stage: cfg.id, reason: "the file's features \(c.features) are not the ones answer.extract computes \(AnswerFeatures.names); re-run `nerve calibrate`")
                    }
                    calibration = Calibration(weights: c.weights, bias: c.bias)
                }
                return ExtractStage(env: env, options: ExtractiveOptions(passages: cfg.int("passages"), maxSentences: cfg.int("max_sentences"),
                                                                         showPassages: cfg.int("show_passages"), calibration: calibration))
            }))
    }
}

struct QueryStage: Stage {
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let q = context.value(ContextKey.question) as? String else { throw StagesError.missingRequestValue("question") }
        return ["text": q]
    }
}

struct BM25Stage: Stage {
    let env: StageEnvironment
    let topK: Int

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let q = inputs.one("question", as: String.self) ?? ""
        let viewer = context.value(ContextKey.viewer) as? Viewer
        let hits = try env.index.read { try $0.searchLexical(q, limit: topK, viewer: viewer) }
        return ["hits": hits]
    }
}

struct ExtractStage: Stage {
    let env: StageEnvironment
    let options: ExtractiveOptions

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let q = inputs.one("question", as: String.self) ?? ""
        let hits = inputs.one("hits", as: [Hit].self) ?? []
        let answer = try env.index.read { reader in
            try ExtractiveAnswerer(options: options).answer(question: q, hits: hits, stats: reader)
        }
        return ["answer": answer]
    }
}
