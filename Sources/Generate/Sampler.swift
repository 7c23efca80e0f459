// Picks the next token from a row of logits: repetition penalty, then greedy argmax or the
// filters top-k → top-p → min-p → temperature → a seeded draw (llama.cpp's default chain order,
// common/sampling.cpp). Also measures the model's own confidence in the pick (log-probability
// and entropy of the unmodified distribution). Buffers are sized once for the vocabulary.
import Foundation   // expf, logf
import Random

/// How the next token is chosen.
public struct SamplingOptions: Sendable, Equatable {
    /// Softmax temperature; 0 (or less) picks the most likely token (greedy, deterministic).
    public var temperature: Float
    /// Keep only the k most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the most likely tokens whose probabilities add up to at least p; 1 keeps all.
    public var topP: Float
    /// Drop tokens less likely than minP × the most likely one's probability; 0 keeps all.
    public var minP: Float
    /// Divide positive logits (multiply negative ones) of recently generated tokens by this;
    /// 1 turns it off. Each distinct token is penalised once (llama.cpp's penalty_repeat).
    public var repetitionPenalty: Float
    /// How many of the last tokens (prompt included) the penalty looks at.
    public var repetitionWindow: Int
    /// Seed of the random draw (same seed, same options, same model: same tokens).
    public var seed: UInt64

    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0,
                repetitionPenalty: Float = 1, repetitionWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.seed = seed
    }

    /// Greedy decoding (the default).
    public static let greedy = SamplingOptions()

    /// Checks every option's range.
    /// - Throws: `GenerateError.invalidOption`.
    public func validate() throws {
        func bad(_ name: String, _ value: Any, _ reason: String) -> GenerateError {
            .invalidOption(name: name, value: "\(value)", reason: reason)
        }
        if !temperature.isFinite || temperature > 100 { throw bad("temperature", temperature, "must be a number in 0...100") }
        if topK < 0 { throw bad("top_k", topK, "must be 0 (off) or positive") }
        if !(topP > 0 && topP <= 1) { throw bad("top_p", topP, "must be in (0, 1]") }
        if !(minP >= 0 && minP < 1) { throw bad("min_p", minP, "must be in [0, 1)") }
        if !(repetitionPenalty > 0 && repetitionPenalty.isFinite) {
            throw bad("repetition_penalty", repetitionPenalty, "must be positive (1 = off)")
        }
        if repetitionWindow < 0 { throw bad("repetition_window", repetitionWindow, "must be 0 or positive") }
    }
}

/// One sampled token and how sure the model was of it.
public struct TokenChoice: Sendable, Equatable {
    /// The token.
    public var id: Int32
    /// ln p(token) under the model's distribution (softmax of the raw logits, temperature 1,
    /// before penalties and filters): what the model itself believed, whatever the sampler did.
    public var logProbability: Float
    /// Entropy (nats) of that same distribution: low when the model is sure of *some* token.
    public var entropy: Float

    public init(id: Int32, logProbability: Float, entropy: Float) {
        self.id = id
        self.logProbability = logProbability
        self.entropy = entropy
    }
}

/// Samples tokens for one generation at a time; reusable (call `reset` between generations to
/// restart the random sequence).
public final class Sampler {
    public let options: SamplingOptions
    public let vocabulary: Int
    private var random: RandomSource
    private let work: UnsafeMutableBufferPointer<Float>          // [vocabulary] penalised logits
    private let candidates: UnsafeMutableBufferPointer<Candidate> // [vocabulary] survivors of the filters
    private var penalised: Set<Int32> = []

    struct Candidate {
        var logit: Float
        var id: Int32
    }

    /// A sampler for logits of `vocabulary` entries.
    /// - Throws: `GenerateError.invalidOption`.
    public init(options: SamplingOptions, vocabulary: Int) throws {
        try options.validate()
        if vocabulary <= 0 { throw GenerateError.invalidOption(name: "vocabulary", value: "\(vocabulary)", reason: "must be positive") }
        self.options = options
        self.vocabulary = vocabulary
        random = RandomSource(seed: options.seed)
        work = .allocate(capacity: vocabulary)
        candidates = .allocate(capacity: vocabulary)
    }

    deinit {
        work.deallocate()
        candidates.deallocate()
    }

    /// Restarts the random sequence from the seed.
    public func reset() { random = RandomSource(seed: options.seed) }

    /// Chooses the next token from `logits` (`[vocabulary]`), penalising tokens among the last
    /// `repetitionWindow` of `history`.
    public func sample(_ logits: UnsafeBufferPointer<Float>, history: [Int32] = []) -> TokenChoice {
        precondition(logits.count >= vocabulary, "logits shorter than the vocabulary")
        let (logP, entropy) = Self.confidence(logits, vocabulary)
        for i in 0..<vocabulary { work[i] = logits[i] }
        applyPenalty(history)
        let id = options.temperature <= 0 ? argmax() : draw()
        return TokenChoice(id: id, logProbability: logits[Int(id)] - logP, entropy: entropy)
    }

    // MARK: - Steps

    private func applyPenalty(_ history: [Int32]) {
        let p = options.repetitionPenalty
        guard p != 1, options.repetitionWindow > 0, !history.isEmpty else { return }
        penalised.removeAll(keepingCapacity: true)
        for t in history.suffix(options.repetitionWindow) where t >= 0 && Int(t) < vocabulary {
            guard penalised.insert(t).inserted else { continue }
            let l = work[Int(t)]
            work[Int(t)] = l > 0 ? l / p : l * p
        }
    }

    /// The most likely token (the lowest id among equals, as a first-max scan gives).
    private func argmax() -> Int32 {
        var best = 0
        var top = work[0]
        for i in 1..<vocabulary where work[i] > top { top = work[i]; best = i }
        return Int32(best)
    }

    /// top-k → top-p → min-p → temperature → draw.
    private func draw() -> Int32 {
        var top = -Float.infinity
        for i in 0..<vocabulary where work[i] > top { top = work[i] }
        if !top.isFinite { return argmax() }
        // Tokens more than 30·T below the best have relative weight < e^-30 after the
        // temperature: dropping them first keeps the sort short without changing the draw.
        let floor = top - 30 * max(1, options.temperature)
        var n = 0
        for i in 0..<vocabulary where work[i] >= floor {
            candidates[n] = Candidate(logit: work[i], id: Int32(i))
            n += 1
        }
        var live = UnsafeMutableBufferPointer(rebasing: candidates[0..<n])
        live.sort { $0.logit > $1.logit || ($0.logit == $1.logit && $0.id < $1.id) }
        if options.topK > 0 { n = min(n, options.topK) }

        // top-p and min-p on the untempered distribution of the survivors.
        if options.topP < 1 || options.minP > 0 {
            var sum: Float = 0
            for i in 0..<n { sum += expf(candidates[i].logit - top) }
            if options.topP < 1 {
                var cumulative: Float = 0
                var keep = n
                for i in 0..<n {
                    cumulative += expf(candidates[i].logit - top) / sum
                    if cumulative >= options.topP { keep = i + 1; break }
                }
                n = keep
            }
            if options.minP > 0 {
                // p_i ≥ minP · p_max  ⇔  logit_i ≥ top + ln(minP)
                let cut = top + logf(options.minP)
                var keep = 1
                while keep < n && candidates[keep].logit >= cut { keep += 1 }
                n = keep
            }
        }

        // Temperature, then one draw.
        let t = options.temperature
        var total: Float = 0
        for i in 0..<n {
            let w = expf((candidates[i].logit - top) / t)
            candidates[i].logit = w
            total += w
        }
        var u = random.nextUnit() * total
        for i in 0..<n {
            u -= candidates[i].logit
            if u < 0 { return candidates[i].id }
        }
        return candidates[n - 1].id
    }

    /// log Σ exp(logits) and the entropy of softmax(logits), over the first `count` entries.
    static func confidence(_ logits: UnsafeBufferPointer<Float>, _ count: Int) -> (logSumExp: Float, entropy: Float) {
        var top = -Float.infinity
        for i in 0..<count where logits[i] > top { top = logits[i] }
        if !top.isFinite { return (top, 0) }
        var sum: Double = 0, weighted: Double = 0
        for i in 0..<count {
            let d = logits[i] - top
            let e = Double(expf(d))
            sum += e
            weighted += e * Double(d)
        }
        let logSum = log(sum)
        // H = −Σ p ln p = ln Σe^d − Σ p·d, with d = logit − max.
        return (top + Float(logSum), Float(logSum - weighted / sum))
    }
}
