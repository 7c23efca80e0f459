// answer.generate: the local model answers from the top passages, numbered, and must cite them.
// Its confidence joins how sure the model was of its own tokens with whether the passages it
// cites actually contain what it said. With `socket = ...` it runs in a supervised `nerved
// worker`, so a model crash or out-of-memory kill costs one answer, never the daemon.
import Config
import Foundation
import Index
import Learn
import Pipeline

enum GenerateKind {
    static let kind = Kind(
            name: "answer.generate", summary: "the local language model answers from the numbered passages, cited",
            pipelines: ["ask"], role: .answering,
            parameters: [
                ParameterSpec("model", .string, default: nil, "GGUF file (relative to the pipeline folder)"),
                ParameterSpec("threads", .integer(0...256), default: .integer(0), "compute threads (0: one per core)"),
                ParameterSpec("context", .integer(256...131_072), default: .integer(2048), "context length allocated at load"),
                ParameterSpec("max_tokens", .integer(1...4096), default: .integer(160), "answer length cap"),
                ParameterSpec("temperature", .float(0...2), default: .float(0), "sampling temperature (0: greedy)"),
                ParameterSpec("seed", .integer(0...Int(Int32.max)), default: .integer(0), "sampling seed"),
                ParameterSpec("passages", .integer(1...20), default: .integer(4), "passages put in the prompt"),
                ParameterSpec("passage_chars", .integer(100...8000), default: .integer(700), "characters kept per passage"),
                ParameterSpec("stream", .boolean, default: .boolean(true), "stream tokens to the asker"),
            ],
            inputs: [InputSpec("question", Ports.text), InputSpec("hits", Ports.hits, optional: true),
                     InputSpec("previous", Ports.answer, .many, optional: true)],
            outputs: [OutputSpec("answer", Ports.answer)],
            features: GenerateFeatures.names,
            worker: { plan in ["--model", plan.path("model"), "--threads", String(plan.int("threads")), "--context", String(plan.int("context"))] },
            bind: { plan, res in
                let calibration = GenerateCalibration(model: plan.calibration)
                return GenerateStage(
                    id: plan.id, models: res.models, modelPath: plan.path("model"), threads: plan.int("threads"), context: plan.int("context"),
                    maxTokens: plan.int("max_tokens"), temperature: plan.double("temperature"), seed: UInt64(plan.int("seed")),
                    passages: plan.int("passages"), passageChars: plan.int("passage_chars"), stream: plan.bool("stream"),
                    calibration: calibration)
            })
}

struct GenerateStage: Stage {
    let id: String
    let models: ModelCache
    let modelPath: String
    let threads: Int
    let context: Int
    let maxTokens: Int
    let temperature: Double
    let seed: UInt64
    let passages: Int
    let passageChars: Int
    let stream: Bool
    let calibration: GenerateCalibration

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let question = try inputs.one("question", Ports.text)
        let hits = try inputs.optional("hits", Ports.hits) ?? []
        let previous = try inputs.all("previous", Ports.answer).map { ("earlier stage", $0.value) }
        let model = try models.model(path: modelPath, threads: threads, context: self.context)
        let request = LocalRequest(
            system: EvidencePrompt.system,
            user: EvidencePrompt.user(question: question, hits: hits, previous: previous, maxPassages: passages,
                                      maxCharsPerPassage: passageChars),
            maxTokens: maxTokens, temperature: temperature, seed: seed, stop: ["\nQuestion:", "\n\n\n"])
        let stageID = id
        let r = try model.generate(request) { piece in
            if stream { context.emit("answer.token", ["stage": .string(stageID), "text": .string(piece)]) }
        }
        let shown = Array(hits.prefix(passages))
        let text = r.text.trimmingCharacters()
        let cited = EvidencePrompt.citedNumbers(text).filter { $0 <= shown.count }
        let features = GenerateFeatures(result: r, text: text, cited: cited, shown: shown)
        var a = Answer(text: text, confidence: calibration.probability(features), citations: cited.map { Citation.from(shown[$0 - 1]) },
                       passages: hits.prefix(3).map { Passage(text: $0.text, score: $0.score, citation: Citation.from($0)) })
        a.tokensIn = r.promptTokens
        a.tokensOut = r.generatedTokens
        a.model = r.model
        a.features = zip(GenerateFeatures.names, features.vector).map { ($0, $1) }
        return StageOutputs("answer", Ports.answer, a)
    }
}

/// The evidence behind a generated answer's confidence.
struct GenerateFeatures {
    static let names = ["mean_logprob", "min_logprob", "entropy", "cites", "support", "declined"]
    var vector: [Double]

    init(result r: LocalResult, text: String, cited: [Int], shown: [Hit]) {
        let declined = EvidencePrompt.declined(text)
        let sources = cited.isEmpty ? shown : cited.map { shown[$0 - 1] }
        vector = [r.meanLogprob, r.minLogprob, r.meanEntropy, cited.isEmpty ? 0 : 1,
                  Self.support(text, in: sources), declined ? 1 : 0]
    }

    /// The share of the answer's content words found in the passages it rests on: a model that
    /// says something the passages do not contain is guessing, however sure its tokens were.
    static func support(_ answer: String, in hits: [Hit]) -> Double {
        let words = Set(Analyzer.tokens(answer).filter { $0.count > 1 && !Analyzer.stopwords.contains($0) })
        guard !words.isEmpty else { return 0 }
        let evidence = Set(hits.flatMap { Analyzer.tokens($0.text) })
        return Double(words.filter { evidence.contains($0) }.count) / Double(words.count)
    }
}

/// GenerateFeatures to a probability: the stage's learned model from the pipeline's calibration
/// folder, or, until one is fitted, a hand-set logistic (not a calibrated probability).
struct GenerateCalibration {
    let model: LearnedModel?

    /// Hand-set until fitted: confident tokens and well-supported, cited text; a decline is
    /// never an answer.
    static let fallbackWeights = [2.0, 0.15, -0.5, 1.5, 3.0, -8.0]
    static let fallbackBias = -2.2

    func probability(_ f: GenerateFeatures) -> Double {
        if let model, let z = try? model.model.margin(f.vector) { return model.probability(margin: z) }
        var z = Self.fallbackBias
        for (w, x) in zip(Self.fallbackWeights, f.vector) { z += w * x }
        return min(logistic(z), Confidence.maximum)
    }
}
