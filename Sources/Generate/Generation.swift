// What a generation is asked to do and what it reports: options (sampling, length, stop rules),
// the per-token streaming event, and the result with timings and confidence statistics.
import Model

/// How long to generate and when to stop.
public struct GenerationOptions: Sendable {
    /// Tokens to generate at most.
    public var maxTokens: Int
    /// How each token is chosen.
    public var sampling: SamplingOptions
    /// Stop as soon as the reply contains one of these; the reply ends before it.
    public var stopStrings: [String]
    /// Stop after any of these tokens (in addition to the model's end-of-generation tokens).
    public var stopTokens: Set<Int32>
    /// Keep generating past end-of-generation tokens (eos, eot, <|im_end|>...), e.g. to
    /// measure speed over a fixed number of tokens.
    public var ignoreEndOfGeneration: Bool
    /// When > 0, `Generation.promptTopLogits` holds the k best logits at every prompt position
    /// (the whole prompt is then evaluated, without reusing cached tokens).
    public var promptTopLogits: Int

    public init(maxTokens: Int = 256, sampling: SamplingOptions = .greedy, stopStrings: [String] = [],
                stopTokens: Set<Int32> = [], ignoreEndOfGeneration: Bool = false, promptTopLogits: Int = 0) {
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopStrings = stopStrings
        self.stopTokens = stopTokens
        self.ignoreEndOfGeneration = ignoreEndOfGeneration
        self.promptTopLogits = promptTopLogits
    }

    /// - Throws: `GenerateError.invalidOption`.
    public func validate() throws {
        if maxTokens < 0 { throw GenerateError.invalidOption(name: "max_tokens", value: "\(maxTokens)", reason: "must be 0 or positive") }
        if promptTopLogits < 0 {
            throw GenerateError.invalidOption(name: "top_logits", value: "\(promptTopLogits)", reason: "must be 0 or positive")
        }
        try sampling.validate()
    }
}

/// Why a generation ended.
public enum StopReason: String, Sendable, Equatable {
    /// The model produced an end-of-generation token (eos, eot...).
    case endOfGeneration = "eos"
    /// A token from `GenerationOptions.stopTokens`.
    case stopToken = "stop_token"
    /// The reply reached one of `GenerationOptions.stopStrings`.
    case stopString = "stop_string"
    /// `maxTokens` were generated.
    case maxTokens = "length"
    /// The KV cache is full.
    case contextFull = "context"
    /// The streaming callback asked to stop.
    case cancelled
}

/// One generated token, as streamed.
public struct TokenEvent: Sendable {
    /// 0 for the first generated token.
    public var index: Int
    /// The token and the model's confidence in it.
    public var choice: TokenChoice
    /// Text that became final with this token (may be empty: an incomplete UTF-8 character,
    /// a control token, or text held back because it may start a stop string).
    public var text: String
}

/// How confident the model was over a whole reply (from each token's `TokenChoice`).
public struct Confidence: Sendable, Equatable {
    /// Tokens measured.
    public var tokens: Int
    /// Mean ln p of the chosen tokens (0 = certain; more negative = less sure).
    public var meanLogProbability: Float
    /// The least likely chosen token's ln p (one wild guess shows here).
    public var minimumLogProbability: Float
    /// Mean entropy (nats) of the distributions the tokens were drawn from.
    public var meanEntropy: Float

    /// Statistics of `choices` (all zero for none).
    public init(_ choices: [TokenChoice]) {
        tokens = choices.count
        if choices.isEmpty {
            meanLogProbability = 0
            minimumLogProbability = 0
            meanEntropy = 0
            return
        }
        var sum: Double = 0, entropy: Double = 0
        var least = Float.infinity
        for c in choices {
            sum += Double(c.logProbability)
            entropy += Double(c.entropy)
            least = min(least, c.logProbability)
        }
        meanLogProbability = Float(sum / Double(choices.count))
        minimumLogProbability = least
        meanEntropy = Float(entropy / Double(choices.count))
    }
}

/// Wall-clock time of the two phases.
public struct GenerationTimings: Sendable, Equatable {
    /// Prompt tokens evaluated (fewer than the prompt when a cached prefix was reused).
    public var promptTokens: Int
    public var prefillMilliseconds: Double
    /// Tokens generated.
    public var generatedTokens: Int
    /// Time of the token loop (evaluation and sampling) after the first token.
    public var decodeMilliseconds: Double

    /// Prompt tokens per second.
    public var prefillTokensPerSecond: Double { prefillMilliseconds > 0 ? Double(promptTokens) * 1000 / prefillMilliseconds : 0 }
    /// Generated tokens per second (the first one comes from prefill and is not counted).
    public var decodeTokensPerSecond: Double {
        decodeMilliseconds > 0 ? Double(max(0, generatedTokens - 1)) * 1000 / decodeMilliseconds : 0
    }
}

/// A logit and its token.
public struct TokenLogit: Sendable, Equatable {
    public var id: Int32
    public var logit: Float
}

/// The result of one generation.
public struct Generation: Sendable {
    /// The prompt as token ids (what was asked, cached prefix included).
    public var promptTokens: [Int32]
    /// Generated ids, the stopping token included.
    public var tokens: [Int32]
    /// The reply: generated text without end-of-generation tokens and without the stop string.
    public var text: String
    public var stopReason: StopReason
    /// One entry per generated token.
    public var choices: [TokenChoice]
    public var confidence: Confidence
    public var timings: GenerationTimings
    /// With `GenerationOptions.promptTopLogits` k > 0: for each prompt position, the k best
    /// next-token logits, best first.
    public var promptTopLogits: [[TokenLogit]]
    /// For mixtures of experts, how often each expert was chosen during this generation
    /// (prompt included): `[layer][expert]`; empty for dense models.
    public var expertCounts: [[Int]]
}
