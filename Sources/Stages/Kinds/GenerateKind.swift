// answer.generate: the local model answers from the top passages, numbered, and must cite them.
// Its confidence joins how sure the model was of its own tokens with whether the passages it
// cites actually contain what it said, and with what it replies when asked to check its answer.
// With `socket = ...` it runs in a supervised `nerved worker`, so a model crash or out-of-memory
// kill costs one answer, never the daemon. Without the model file it stands aside with a note
// (the cascade goes on), and it loads the file at the next question once it is installed.
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
                ParameterSpec("passage_chars", .integer(100...8000), default: .integer(700),
                              "characters kept per passage (the sentences around the question's words)"),
                ParameterSpec("earlier", .boolean, default: .boolean(true), "show earlier stages' answers in the prompt"),
                ParameterSpec("stream", .boolean, default: .boolean(true), "stream tokens to the asker"),
                ParameterSpec("judge", .boolean, default: .boolean(true),
                              "ask the model, one token each, whether the passages state its answer (`judge`, `check` features)"),
            ],
            inputs: [InputSpec("question", Ports.text), InputSpec("hits", Ports.hits, optional: true),
                     InputSpec("previous", Ports.answer, .many, optional: true)],
            outputs: [OutputSpec("answer", Ports.answer)],
            features: GenerateFeatures.names,
            check: { plan in
                // With judge = false the two features stay 0, so a calibration fitted with the
                // model's judgement would read every answer as one the model doubted.
                guard !plan.bool("judge"), let c = plan.calibration else { return [] }
                let used = ["judge", "check"].filter { name in c.features.firstIndex(of: name).map { c.model.uses(feature: $0) } ?? false }
                guard !used.isEmpty else { return [] }
                return ["judge = false leaves the features \(used.map { "'\($0)'" }.joined(separator: " and ")) at 0, but its calibration was fitted "
                        + "with them; set judge = true, or fit a calibration with judge = false (`nerve calibrate`)"]
            },
            worker: { plan in ["--model", plan.path("model"), "--threads", String(plan.int("threads")), "--context", String(plan.int("context"))] },
            bind: { plan, res in
                let calibration = GenerateCalibration(model: plan.calibration)
                return GenerateStage(
                    id: plan.id, models: res.models, modelPath: plan.path("model"), threads: plan.int("threads"), context: plan.int("context"),
                    maxTokens: plan.int("max_tokens"), temperature: plan.double("temperature"), seed: UInt64(plan.int("seed")),
                    passages: plan.int("passages"), passageChars: plan.int("passage_chars"), earlier: plan.bool("earlier"),
                    stream: plan.bool("stream"), judge: plan.bool("judge"), calibration: calibration)
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
    let earlier: Bool
    let stream: Bool
    let judge: Bool
    let calibration: GenerateCalibration

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let question = try inputs.one("question", Ports.text)
        let hits = try inputs.optional("hits", Ports.hits) ?? []
        let previous = try inputs.all("previous", Ports.answer).map(\.value)
        let model: any LocalModel
        do { model = try models.model(path: modelPath, threads: threads, context: self.context) } catch StagesError.modelMissing {
            throw PipelineError.skipped(stage: id, reason: "the local model \(modelPath) is not installed; run scripts/fetch-models to answer with it")
        }
        // The answer is a sentence or two: a blank line starts something else (a restated source
        // list, a question of the model's own), which costs decode time and says nothing more.
        let request = LocalRequest(
            system: EvidencePrompt.system,
            user: EvidencePrompt.user(question: question, hits: hits, previous: earlier ? previous.map { ("earlier stage", $0) } : [],
                                      maxPassages: passages, maxCharsPerPassage: passageChars),
            maxTokens: maxTokens, temperature: temperature, seed: seed, stop: ["\nQuestion:", "\n\n"])
        let stageID = id
        let r = try model.generate(request) { piece in
            if stream { context.emit("answer.token", ["stage": .string(stageID), "text": .string(piece)]) }
        }
        models.record(path: modelPath, r)
        let shown = Array(hits.prefix(passages))
        let text = r.text.trimmingCharacters()
        let cited = EvidencePrompt.citedNumbers(text).filter { $0 <= shown.count }
        let declined = EvidencePrompt.declined(text)
        // An answer without [n] marks still names its source when one shown passage holds most of
        // what it says (`cites` stays 0: the model did not cite, and its confidence says so).
        let supported = cited.isEmpty && !declined ? GenerateFeatures.bestSupport(text, shown) : nil
        let sources = cited.isEmpty && !declined ? supported.map { [$0] } ?? [] : cited
        let (judged, checked, judgeMs) = judge && !text.isEmpty && !declined
            ? try verify(model, request, reply: r.text, text: text, question: question,
                         passage: cited.first ?? supported ?? 1, shown: shown)
            : (0, 0, 0)
        let features = GenerateFeatures(result: r, text: text, declined: declined, question: question, cited: cited, shown: shown,
                                        previous: previous, judge: judged, check: checked)
        var a = Answer(text: text, confidence: calibration.probability(features), citations: sources.map { Citation.from(shown[$0 - 1]) },
                       passages: hits.prefix(3).map { Passage(text: $0.text, score: $0.score, citation: Citation.from($0)) })
        a.tokensIn = r.promptTokens
        a.tokensOut = r.generatedTokens
        a.model = r.model
        a.prefillMs = r.prefillMs
        // The two follow-ups come after the answer's last token: they count as decode time.
        a.decodeMs = r.decodeMs + judgeMs
        a.features = zip(GenerateFeatures.names, features.vector).map { ($0, $1) }
        return StageOutputs("answer", Ports.answer, a)
    }

    /// The `judge` and `check` features (P(Yes) each) and the milliseconds both took: the model
    /// asked about `reply` in the same conversation, then afresh against shown passage number
    /// `passage` (the one it cites, or the one holding most of its words, else the first).
    private func verify(_ model: any LocalModel, _ request: LocalRequest, reply: String, text: String, question: String,
                        passage source: Int, shown: [Hit]) throws -> (judge: Double, check: Double, ms: Double) {
        let j = try model.generate(LocalRequest(system: request.system, earlier: [LocalTurn(user: request.user, assistant: reply)],
                                                user: EvidencePrompt.judge, maxTokens: 1)) { _ in }
        var out = (judge: EvidencePrompt.yesProbability(reply: j.text, logprob: j.meanLogprob), check: 0.0, ms: j.prefillMs + j.decodeMs)
        if source <= shown.count {
            let c = try model.generate(LocalRequest(system: request.system, user: EvidencePrompt.check(
                question: question, answer: text, passage: shown[source - 1].text, maxChars: passageChars), maxTokens: 1)) { _ in }
            out.check = EvidencePrompt.yesProbability(reply: c.text, logprob: c.meanLogprob)
            out.ms += c.prefillMs + c.decodeMs
        }
        return out
    }
}

/// The evidence behind a generated answer's confidence, by stable name (they appear in the
/// answer's `features`, in `explain` output and in calibration files).
struct GenerateFeatures {
    static let names = ["mean_logprob", "min_logprob", "entropy", "cites", "support", "declined", "agreement",
                        "extract_confidence", "answer_tokens", "judge", "check", "type_asked", "type_match", "novel_share"]
    var vector: [Double]

    /// - Parameter declined: `EvidencePrompt.declined(text)`, decided once by the stage.
    /// - Parameter previous: earlier stages' answers; the most confident one is the candidate the
    ///   answer is compared with. `judge`, `check`: the model's P(Yes) that the passages state
    ///   its answer, asked in the conversation and afresh (`EvidencePrompt.judge`, `.check`; 0
    ///   for a decline or when not asked). `type_asked`: the question asks for a kind of value
    ///   (`AnswerType.of` is not `.other`); `type_match`: the answer holds a value of that kind
    ///   (1 when none is asked); `novel_share`: the share of the answer's terms the question does
    ///   not already hold (an answer that only restates the question, "you should follow the
    ///   instructions in [1]", says nothing). The last two are 0 for a decline.
    init(result r: LocalResult, text: String, declined: Bool, question: String, cited: [Int], shown: [Hit], previous: [Answer],
         judge: Double = 0, check: Double = 0) {
        let sources = cited.isEmpty ? shown : cited.map { shown[$0 - 1] }
        let candidate = previous.max { $0.confidence < $1.confidence }
        let asked = AnswerType.of(question)
        let plain = EvidencePrompt.uncited(text)
        let typeMatch: Double = declined ? 0 : asked == .other || asked.isIn(AnswerType.values(in: plain)) ? 1 : 0
        vector = [r.meanLogprob, r.minLogprob, r.meanEntropy, cited.isEmpty ? 0 : 1,
                  Self.support(text, in: sources), declined ? 1 : 0,
                  declined ? 0 : candidate.map { AnswerAgreement.score(text, $0.text) } ?? 0,
                  candidate?.confidence ?? 0, Double(r.generatedTokens), judge, check,
                  asked == .other ? 0 : 1, typeMatch, declined ? 0 : Self.novelShare(plain, question: question)]
    }

    /// The share of `answer`'s distinct terms (stemmed, stopwords out) that `question` lacks.
    static func novelShare(_ answer: String, question: String) -> Double {
        let own = Set(Analyzer.terms(answer))
        guard !own.isEmpty else { return 0 }
        return Double(own.subtracting(Analyzer.terms(question)).count) / Double(own.count)
    }

    /// The shown passage (numbered from 1) holding the largest share of the answer's content
    /// words, when that share is at least `minimum`.
    static func bestSupport(_ answer: String, _ shown: [Hit], minimum: Double = 0.6) -> Int? {
        let scored = shown.enumerated().map { ($0.offset + 1, support(answer, in: [$0.element])) }
        guard let best = scored.max(by: { $0.1 < $1.1 || $0.1 == $1.1 && $0.0 > $1.0 }), best.1 >= minimum else { return nil }
        return best.0
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
    /// never an answer. The later features (agreement onwards) weigh nothing until `nerve
    /// calibrate` fits them.
    static let fallbackWeights = [2.0, 0.15, -0.5, 1.5, 3.0, -8.0, 0, 0, 0, 0, 0, 0, 0, 0]
    static let fallbackBias = -2.2

    func probability(_ f: GenerateFeatures) -> Double {
        if let model, let z = try? model.model.margin(f.vector) { return model.probability(margin: z) }
        var z = Self.fallbackBias
        for (w, x) in zip(Self.fallbackWeights, f.vector) { z += w * x }
        return min(logistic(z), Confidence.maximum)
    }
}

/// Agreement between two answers to one question: the `agreement` feature.
public enum AnswerAgreement {
    /// How much the answer agrees with an earlier stage's, 0...1: the shared share of content
    /// words (of the shorter side); when both give numbers, the shared share of numbers counts
    /// three times as much, and when only one does, the score is halved. Two routes that reach
    /// the same figure or name independently are more often right. Citation marks are ignored.
    public static func score(_ answer: String, _ candidate: String) -> Double {
        let a = KeyTerms(answer), c = KeyTerms(candidate)
        guard !a.words.isEmpty || !a.numbers.isEmpty, !c.words.isEmpty || !c.numbers.isEmpty else { return 0 }
        let words = KeyTerms.overlap(a.words, c.words)
        if a.numbers.isEmpty && c.numbers.isEmpty { return words }
        if a.numbers.isEmpty || c.numbers.isEmpty { return words / 2 }
        return 0.25 * words + 0.75 * KeyTerms.overlap(a.numbers, c.numbers)
    }

    /// A text's stemmed content words and its numbers ("$191,900" gives 191 and 900).
    struct KeyTerms {
        var words: Set<String> = []
        var numbers: Set<String> = []

        init(_ text: String) {
            for t in Analyzer.tokens(EvidencePrompt.uncited(text)) where !Analyzer.stopwords.contains(t) {
                if t.allSatisfy(\.isNumber) { numbers.insert(t) } else if t.count > 1 { words.insert(PorterStemmer.stem(t)) }
            }
        }

        /// |a ∩ b| / min(|a|, |b|); 0 when either is empty.
        static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
            let n = min(a.count, b.count)
            return n == 0 ? 0 : Double(a.intersection(b).count) / Double(n)
        }
    }
}
