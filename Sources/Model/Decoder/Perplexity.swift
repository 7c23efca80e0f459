// Perplexity of a model on a text, measured the way llama.cpp's llama-perplexity does so the two
// can be compared on the same file: the tokens are cut into windows of `context`, each window is
// evaluated from an empty cache (its first token replaced by BOS when the vocabulary adds one),
// and only the second half of each window is scored, so every scored token has context behind it.
import Foundation

public struct PerplexityResult: Sendable, Equatable {
    /// exp(mean negative log-likelihood) over the scored tokens.
    public var perplexity: Double
    /// Mean negative log-likelihood (nats per token).
    public var meanNLL: Double
    public var windows: Int
    public var scoredTokens: Int
    /// Per-window perplexity so far (the running value llama-perplexity prints).
    public var running: [Double]
}

extension LanguageModel {
    /// - Throws: `ModelError.hyperparameter` when the text is shorter than two windows' worth
    ///   of half-windows (nothing to score) or `context` exceeds the loaded context; model
    ///   errors from `evaluate`.
    public func perplexity(tokens: [Int32], context: Int, maxWindows: Int = .max,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> PerplexityResult {
        guard context >= 4, context <= contextLength else {
            throw ModelError.hyperparameter(key: "context", value: "\(context)", reason: "must be between 4 and the loaded context \(contextLength)")
        }
        let windows = min(tokens.count / context, maxWindows)
        guard windows >= 1 else {
            throw ModelError.hyperparameter(key: "text", value: "\(tokens.count) tokens", reason: "needs at least one window of \(context) tokens")
        }
        let bos = (tokenizer?.addsBOS ?? false) ? tokenizer?.bos : nil
        let first = context / 2
        var nll = 0.0, scored = 0
        var running: [Double] = []
        for w in 0..<windows {
            var window = Array(tokens[(w * context)..<((w + 1) * context)])
            if let bos { window[0] = bos }
            reset()
            try evaluate(window) { i, logits in
                guard i >= first, i + 1 < context else { return }
                nll -= Self.logSoftmax(logits, at: Int(window[i + 1]))
                scored += 1
            }
            running.append(exp(nll / Double(max(scored, 1))))
            progress(w + 1, windows)
        }
        reset()
        let mean = nll / Double(scored)
        return PerplexityResult(perplexity: exp(mean), meanNLL: mean, windows: windows, scoredTokens: scored, running: running)
    }

    /// log p(target) under softmax(logits), in double precision.
    static func logSoftmax(_ logits: UnsafeBufferPointer<Float>, at target: Int) -> Double {
        var m = -Float.infinity
        for v in logits { m = max(m, v) }
        var s = 0.0
        for v in logits { s += exp(Double(v - m)) }
        return Double(logits[target] - m) - log(s)
    }
}

