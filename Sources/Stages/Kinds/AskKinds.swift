// The ask-side kinds of the core route: the question source, BM25 search, and the extractive
// answerer. The vector kinds, generation and the frontier register beside them.
import Config
import Corpus
import Index
import Pipeline

enum AskKinds {
    static func register(into r: Registry<StageResources>) {
        r.register(FrontierKind.kind)
        r.register(GenerateKind.kind)
        r.register(Kind(
            name: "query", summary: "the question being asked", pipelines: ["ask"], role: .source,
            outputs: [OutputSpec("text", Ports.text)],
            bind: { plan, _ in QueryStage(id: plan.id) }))

        r.register(Kind(
            name: "search.bm25", summary: "BM25 full-text search over chunk text and headings", pipelines: ["ask"],
            role: .transform,
            parameters: [ParameterSpec("top_k", .integer(1...1000), default: .integer(20), "hits to return")],
            inputs: [InputSpec("question", Ports.text)],
            outputs: [OutputSpec("hits", Ports.hits)],
            bind: { plan, _ in BM25Stage(id: plan.id, topK: plan.int("top_k")) }))

        r.register(Kind(
            name: "answer.extract", summary: "answer with the best sentences of the best passages, cited",
            pipelines: ["ask"], role: .answering,
            parameters: [
                ParameterSpec("passages", .integer(1...50), default: .integer(5), "top hits to read sentences from"),
                ParameterSpec("max_sentences", .integer(1...5), default: .integer(2), "sentences in the answer"),
                ParameterSpec("show_passages", .integer(0...20), default: .integer(3), "passages returned with a low-confidence answer"),
            ],
            inputs: [InputSpec("question", Ports.text), InputSpec("hits", Ports.hits)],
            outputs: [OutputSpec("answer", Ports.answer)],
            features: AnswerVerifier.featureNames, selectorFeatures: AnswerCandidates.featureNames,
            bind: { plan, _ in
                ExtractStage(id: plan.id, options: ExtractiveOptions(
                    passages: plan.int("passages"), maxSentences: plan.int("max_sentences"),
                    showPassages: plan.int("show_passages"), selector: plan.selector, verifier: plan.calibration))
            }))
    }
}

struct QueryStage: Stage {
    let id: String

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        StageOutputs("text", Ports.text, try context.require(RequestKeys.question, for: id))
    }
}

struct BM25Stage: Stage {
    let id: String
    let topK: Int

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let q = try inputs.one("question", Ports.text)
        let snapshot = try context.require(RequestKeys.snapshot, for: id)
        let hits = try snapshot.searchLexical(q, limit: topK, viewer: context.value(RequestKeys.viewer)).map { h in
            var h = h
            h.signals["lexical"] = h.score
            return h
        }
        return StageOutputs("hits", Ports.hits, hits)
    }
}

struct ExtractStage: Stage {
    let id: String
    let options: ExtractiveOptions

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let q = try inputs.one("question", Ports.text)
        let hits = try inputs.one("hits", Ports.hits)
        let snapshot = try context.require(RequestKeys.snapshot, for: id)
        let answer = try ExtractiveAnswerer(options: options).answer(question: q, hits: hits, stats: snapshot)
        return StageOutputs("answer", Ports.answer, answer)
    }
}
