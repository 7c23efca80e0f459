// `nerve eval`'s and `nerve calibrate`'s data: every question of a labelled file asked through the
// daemon with `explain` (each answering stage's confidence, features, answer, citations and, when
// the stage sends them, its scored candidates), judged per stage and for the final reply, as one
// `EvalRecord` per question. EvalReport sums the records up.
import JSON
import Posix
import Wire

/// What one answering stage that ran did for one question.
public struct StageOutcome: Sendable {
    public var stage: String
    public var kind: String
    public var confidence: Double
    /// The evidence behind `confidence` (explain's `features`), in the daemon's order.
    public var features: [(String, Double)]
    public var answer: String
    /// The stage's citations, absolute paths as the daemon sent them.
    public var citations: [String]
    /// The stage's explain `candidates` array, untouched; nil when the stage sends none.
    public var candidates: JSON?
    public var ms: Double
    /// Dollars this stage spent on the question (model stages).
    public var cost: Double
    /// The judge's finding on this stage's own answer.
    public var verdict: Verdict
    /// Whether this stage's answer would be right if accepted (text and file).
    public var correct: Bool { verdict.right }

    public init(stage: String, kind: String = "", confidence: Double, features: [(String, Double)] = [], answer: String,
                citations: [String] = [], candidates: JSON? = nil, ms: Double = 0, cost: Double = 0, verdict: Verdict) {
        self.stage = stage
        self.kind = kind
        self.confidence = confidence
        self.features = features
        self.answer = answer
        self.citations = citations
        self.candidates = candidates
        self.ms = ms
        self.cost = cost
        self.verdict = verdict
    }
}

public struct EvalRecord: Sendable {
    public var question: EvalQuestion
    /// The final route: the answering stage whose answer the reply carries ("" when the ask failed).
    public var route: String
    public var accepted: Bool
    public var confidence: Double
    public var answer: String
    public var citations: [String]
    /// The judge's finding on the final answer (counted as right only when also accepted).
    public var verdict: Verdict
    /// Answering stages that ran, in pipeline order.
    public var stages: [StageOutcome]
    /// Every answering stage of the pipeline, in order, whether it ran or not.
    public var pipeline: [String]
    /// Wall time of the ask as the client saw it, in milliseconds.
    public var ms: Double
    public var cost: Double
    /// The daemon's error when the ask failed (then nothing was accepted).
    public var error: String?

    /// The final answer is right (text and file); judged whether or not it was accepted.
    public var correct: Bool { verdict.right }

    public init(question: EvalQuestion, route: String, accepted: Bool, confidence: Double = 0, answer: String = "",
                citations: [String] = [], verdict: Verdict, stages: [StageOutcome], pipeline: [String] = [],
                ms: Double, cost: Double, error: String? = nil) {
        self.question = question
        self.route = route
        self.accepted = accepted
        self.confidence = confidence
        self.answer = answer
        self.citations = citations
        self.verdict = verdict
        self.stages = stages
        self.pipeline = pipeline.isEmpty ? stages.map(\.stage) : pipeline
        self.ms = ms
        self.cost = cost
        self.error = error
    }
}

/// The frontier stage's declared prices, from the daemon's `status`.
public struct FrontierPrice: Sendable, Equatable {
    public var stage: String
    public var model: String
    /// Dollars per million tokens.
    public var priceIn: Double, priceOut: Double
    /// Dollars one typical question costs there.
    public var typicalCost: Double

    public init(stage: String, model: String, priceIn: Double, priceOut: Double, typicalCost: Double) {
        self.stage = stage
        self.model = model
        self.priceIn = priceIn
        self.priceOut = priceOut
        self.typicalCost = typicalCost
    }
}

public enum Evaluation {
    /// Asks every question over one connection; `progress` gets (done, total). A question the
    /// daemon fails on is recorded with its error (nothing accepted) rather than ending the run,
    /// except when the index is missing or the daemon is going away.
    public static func run(_ questions: [EvalQuestion], socket: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> [EvalRecord] {
        let client = try WireClient(path: socket)
        defer { client.close() }
        var out: [EvalRecord] = []
        for (i, q) in questions.enumerated() {
            let start = ContinuousClock.now
            do {
                let r = try client.call("ask", ["question": .string(q.question), "explain": true])
                out.append(record(q, reply: r, ms: (ContinuousClock.now - start).milliseconds))
            } catch let WireError.rpc(code, message, _) where ![.ENOINDEX, .ESHUTDOWN, .EPROTO].contains(code) {
                out.append(EvalRecord(question: q, route: "", accepted: false, verdict: Verdict(rightText: false, rightFile: false),
                                      stages: [], ms: (ContinuousClock.now - start).milliseconds, cost: 0,
                                      error: "\(code.rawValue): \(message)"))
            }
            progress(i + 1, questions.count)
        }
        return out
    }

    /// The record of one `ask` reply (with `explain`) to `q`.
    public static func record(_ q: EvalQuestion, reply r: JSON, ms: Double) -> EvalRecord {
        var stages: [StageOutcome] = []
        var pipeline: [String] = []
        for s in r["stages"]?.arrayValue ?? [] {
            let id = s["id"]?.stringValue ?? "?", kind = s["kind"]?.stringValue ?? ""
            let confidence = s["confidence"]?.doubleValue
            // Answering stages: the built-in kinds are all answer.*; any stage with a confidence answers.
            guard kind.hasPrefix("answer.") || confidence != nil || s["features"] != nil else { continue }
            pipeline.append(id)
            guard s["status"] == "ran", let conf = confidence else { continue }
            let text = s["answer"]?.stringValue ?? ""
            let cites = paths(s["citations"])
            let features = (s["features"]?.objectValue ?? JSONObject()).map { ($0.key, $0.value.doubleValue ?? 0) }
            stages.append(StageOutcome(stage: id, kind: kind, confidence: conf, features: features, answer: text, citations: cites,
                                       candidates: s["candidates"], ms: s["ms"]?.doubleValue ?? 0, cost: s["cost"]?.doubleValue ?? 0,
                                       verdict: Judge.verdict(answer: text, citations: cites, q)))
        }
        let answer = r["answer"]?.stringValue ?? ""
        let cites = paths(r["citations"])
        return EvalRecord(question: q, route: r["route"]?.stringValue ?? "", accepted: r["accepted"]?.boolValue ?? false,
                          confidence: r["confidence"]?.doubleValue ?? 0, answer: answer, citations: cites,
                          verdict: Judge.verdict(answer: answer, citations: cites, q), stages: stages, pipeline: pipeline,
                          ms: ms, cost: r["cost"]?.doubleValue ?? 0)
    }

    static func paths(_ citations: JSON?) -> [String] {
        (citations?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
    }

    /// The ask pipeline's priced stage from the daemon's `status` (`frontier`), nil when it has none.
    public static func frontier(socket: String) throws -> FrontierPrice? {
        let client = try WireClient(path: socket)
        defer { client.close() }
        return frontier(status: try client.call("status", JSONObject()))
    }

    public static func frontier(status: JSON) -> FrontierPrice? {
        guard let f = status["frontier"], let stage = f["stage"]?.stringValue else { return nil }
        return FrontierPrice(stage: stage, model: f["model"]?.stringValue ?? "", priceIn: f["price_in"]?.doubleValue ?? 0,
                             priceOut: f["price_out"]?.doubleValue ?? 0, typicalCost: f["typical_cost"]?.doubleValue ?? 0)
    }
}
