// What `status` reports about a local model: what it is (name, architecture, quantisation,
// context), how fast its recent answers ran (prefill and decode tokens per second), and for a
// mixture of experts how evenly each layer's router spread tokens over its experts. The same JSON
// comes from a worker's `status` and from models loaded in the daemon.
import JSON

/// What a loaded model is.
public struct LocalModelInfo: Sendable, Equatable {
    /// `general.name`, else the file name.
    public var name: String
    /// `general.architecture` ("qwen2", "qwen3moe", ...).
    public var architecture: String
    /// The file's quantisation mix ("Q4_K_M"), or its most common weight type.
    public var quantization: String
    /// KV cache positions allocated at load, and the context the model was trained for.
    public var context: Int
    public var trainingContext: Int
    public var layers: Int
    public var width: Int
    /// Experts per MoE layer and experts chosen per token (0 and 0 for a dense model).
    public var experts: Int
    public var expertsUsed: Int
    public var threads: Int
    public var fileBytes: Int

    public init(name: String, architecture: String = "", quantization: String = "", context: Int = 0, trainingContext: Int = 0,
                layers: Int = 0, width: Int = 0, experts: Int = 0, expertsUsed: Int = 0, threads: Int = 0, fileBytes: Int = 0) {
        self.name = name
        self.architecture = architecture
        self.quantization = quantization
        self.context = context
        self.trainingContext = trainingContext
        self.layers = layers
        self.width = width
        self.experts = experts
        self.expertsUsed = expertsUsed
        self.threads = threads
        self.fileBytes = fileBytes
    }
}

/// The timings of one answer.
public struct AnswerTiming: Sendable, Equatable {
    public var promptTokens: Int
    public var prefillTokens: Int
    public var prefillMs: Double
    public var generatedTokens: Int
    public var decodeMs: Double

    public init(_ r: LocalResult) {
        promptTokens = r.promptTokens
        prefillTokens = r.prefillTokens
        prefillMs = r.prefillMs
        generatedTokens = r.generatedTokens
        decodeMs = r.decodeMs
    }
}

public struct LocalModelStatus: Sendable {
    public enum State: Sendable, Equatable {
        case loaded
        /// The file is not there (not installed yet).
        case absent
        /// The file is there but did not load.
        case failed(String)

        init(_ e: StagesError) {
            if case .modelMissing = e { self = .absent } else { self = .failed(e.description) }
        }

        var name: String {
            switch self {
            case .loaded: "loaded"
            case .absent: "absent"
            case .failed: "failed"
            }
        }
    }

    public var path: String
    public var state: State
    public var info: LocalModelInfo?
    /// Answers since the process started, and the timings of the most recent ones.
    public var answers: Int
    public var recent: [AnswerTiming]
    /// `[layer][expert]` tokens routed since load (empty for dense models).
    public var expertCounts: [[Int]]

    /// Prompt tokens evaluated per second over `recent` (reused cached prefixes not counted).
    public var prefillTokensPerSecond: Double {
        let ms = recent.reduce(0) { $0 + $1.prefillMs }
        return ms > 0 ? Double(recent.reduce(0) { $0 + $1.prefillTokens }) * 1000 / ms : 0
    }

    /// Generated tokens per second over `recent` (each answer's first token comes from prefill).
    public var decodeTokensPerSecond: Double {
        let ms = recent.reduce(0) { $0 + $1.decodeMs }
        return ms > 0 ? Double(recent.reduce(0) { $0 + max(0, $1.generatedTokens - 1) }) * 1000 / ms : 0
    }

    /// The `status` JSON of this model.
    public func json() -> JSONObject {
        var o = JSONObject([("path", .string(path)), ("state", .string(state.name))])
        if case let .failed(reason) = state { o["reason"] = .string(reason) }
        if let i = info {
            o["name"] = .string(i.name)
            o["architecture"] = .string(i.architecture)
            o["quantization"] = .string(i.quantization)
            o["context"] = .int(Int64(i.context))
            o["training_context"] = .int(Int64(i.trainingContext))
            o["layers"] = .int(Int64(i.layers))
            o["width"] = .int(Int64(i.width))
            o["experts"] = .int(Int64(i.experts))
            o["experts_used"] = .int(Int64(i.expertsUsed))
            o["threads"] = .int(Int64(i.threads))
            o["file_bytes"] = .int(Int64(i.fileBytes))
        }
        o["answers"] = .int(Int64(answers))
        var r = JSONObject([("answers", .int(Int64(recent.count)))])
        r["prompt_tokens"] = .int(Int64(recent.reduce(0) { $0 + $1.promptTokens }))
        r["prefill_tokens"] = .int(Int64(recent.reduce(0) { $0 + $1.prefillTokens }))
        r["prefill_ms"] = .double(Decimals.rounded(recent.reduce(0) { $0 + $1.prefillMs }, places: 1))
        r["prefill_tokens_per_s"] = .double(Decimals.rounded(prefillTokensPerSecond, places: 2))
        r["generated_tokens"] = .int(Int64(recent.reduce(0) { $0 + $1.generatedTokens }))
        r["decode_ms"] = .double(Decimals.rounded(recent.reduce(0) { $0 + $1.decodeMs }, places: 1))
        r["decode_tokens_per_s"] = .double(Decimals.rounded(decodeTokensPerSecond, places: 2))
        o["recent"] = .object(r)
        let load = ExpertLoad.layers(expertCounts)
        if !load.isEmpty {
            o["expert_load"] = .array(load.map { l in
                .object(JSONObject([("layer", .int(Int64(l.layer))), ("tokens", .int(Int64(l.tokens))),
                                    ("shares", .array(l.shares.map { .double(Decimals.rounded($0, places: 4)) })),
                                    ("cv", .double(Decimals.rounded(l.cv, places: 4))),
                                    ("max_share", .double(Decimals.rounded(l.shares.max() ?? 0, places: 4)))]))
            })
            let cvs = load.map(\.cv)
            o["expert_balance"] = .object(JSONObject([("mean_cv", .double(Decimals.rounded(cvs.reduce(0, +) / Double(cvs.count), places: 4))),
                                                      ("max_cv", .double(Decimals.rounded(cvs.max() ?? 0, places: 4)))]))
        }
        return o
    }
}

/// How evenly a mixture of experts' routers spread tokens, per layer.
public enum ExpertLoad {
    public struct Layer: Sendable, Equatable {
        public var layer: Int
        /// Expert choices counted (tokens × experts used per token).
        public var tokens: Int
        /// Each expert's share of the choices (sums to 1).
        public var shares: [Double]
        /// Coefficient of variation of the per-expert counts (population standard deviation over
        /// the mean): 0 when perfectly balanced, √(E−1) when one expert takes everything.
        public var cv: Double
    }

    /// The layers of `counts` (`[layer][expert]`) that have experts and routed tokens.
    public static func layers(_ counts: [[Int]]) -> [Layer] {
        counts.enumerated().compactMap { l, row in
            let total = row.reduce(0, +)
            guard !row.isEmpty, total > 0 else { return nil }
            let mean = Double(total) / Double(row.count)
            let variance = row.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(row.count)
            return Layer(layer: l, tokens: total, shares: row.map { Double($0) / Double(total) }, cv: variance.squareRoot() / mean)
        }
    }
}
