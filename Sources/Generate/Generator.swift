// The decode loop: encode (or render a chat), evaluate the prompt in one batched prefill
// (reusing the KV cache for a prefix shared with the previous prompt), then sample, stream and
// evaluate one token at a time until a stop rule fires. One generation at a time per model.
import Model
import Tokenizer

/// Generates text with a loaded model.
///
/// Not thread-safe, like `LanguageModel`: run one generation at a time (the daemon serialises).
public final class Generator {
    public let model: LanguageModel
    public let tokenizer: GGUFTokenizer
    /// The model's chat template, when its tokenizer has a recognised one.
    public let chatTemplate: ChatTemplate?
    /// Tokens whose keys and values are in the model's KV cache, in order.
    private var cached: [Int32] = []
    private var sampler: Sampler?

    /// - Throws: `GenerateError.noTokenizer` when the file has no tokenizer.
    public init(model: LanguageModel) throws {
        guard let t = model.tokenizer else { throw GenerateError.noTokenizer(path: model.path) }
        self.model = model
        tokenizer = t
        chatTemplate = try? ChatTemplate(tokenizer: t)
    }

    /// The tokens of `prompt` as the model reads it: BOS when the vocabulary adds one, special
    /// tokens written in the text (e.g. `<|im_start|>`) parsed into their ids.
    public func encode(_ prompt: String) -> [Int32] {
        tokenizer.encode(prompt, addSpecial: true, parseSpecial: true)
    }

    /// The prompt text of a conversation in the model's chat template, ready for the
    /// assistant's reply.
    /// - Throws: `GenerateError.tokenizer` (no or unknown template, unsupported role).
    public func render(_ messages: [ChatMessage]) throws -> String {
        do {
            guard let template = chatTemplate else { throw TokenizerError.missingChatTemplate }
            return try template.render(messages, addGenerationPrompt: true,
                                       options: ChatRenderOptions(includeBOS: tokenizer.addsBOS))
        } catch let e as TokenizerError { throw GenerateError.tokenizer(e) }
    }

    /// Replies to a conversation: `render`, then `generate(tokens:)` (the rendered text carries
    /// its own BOS, so none is added).
    /// - Throws: as `render` and `generate(tokens:)`.
    public func chat(_ messages: [ChatMessage], options: GenerationOptions = GenerationOptions(),
                     onToken: ((TokenEvent) -> Bool)? = nil) throws -> Generation {
        let text = try render(messages)
        return try generate(tokens: tokenizer.encode(text, addSpecial: false, parseSpecial: true),
                            options: options, onToken: onToken)
    }

    /// Continues `prompt` (encoded by `encode`).
    /// - Throws: as `generate(tokens:)`.
    public func generate(prompt: String, options: GenerationOptions = GenerationOptions(),
                         onToken: ((TokenEvent) -> Bool)? = nil) throws -> Generation {
        try generate(tokens: encode(prompt), options: options, onToken: onToken)
    }

    /// Continues the prompt `tokens`, calling `onToken` after each generated token (return
    /// false to stop; the generation then ends with `.cancelled`).
    /// - Throws: `GenerateError.invalidOption`, `.emptyPrompt`, `.promptTooLong`, `.model`.
    public func generate(tokens prompt: [Int32], options: GenerationOptions = GenerationOptions(),
                         onToken: ((TokenEvent) -> Bool)? = nil) throws -> Generation {
        try options.validate()
        if prompt.isEmpty { throw GenerateError.emptyPrompt }
        if prompt.count > model.contextLength { throw GenerateError.promptTooLong(tokens: prompt.count, context: model.contextLength) }
        let sampler = try self.sampler(for: options.sampling)
        let expertsBefore = model.expertCounts
        let clock = ContinuousClock()

        // Prefill: only the part after the longest cached prefix (at least the last token, whose
        // logits start the reply).
        let start = clock.now
        var logits: UnsafeBufferPointer<Float>
        var topLogits: [[TokenLogit]] = []
        var evaluated: Int
        do {
            if options.promptTopLogits > 0 {
                model.reset()
                cached = []
                var best: [[TokenLogit]] = []
                logits = try model.evaluate(prompt) { _, row in best.append(Self.top(row, options.promptTopLogits)) }
                topLogits = best
                evaluated = prompt.count
            } else {
                let keep = reusablePrefix(prompt)
                model.truncate(to: keep)
                cached = Array(prompt[0..<keep])
                logits = try model.evaluate(Array(prompt[keep...]))
                evaluated = prompt.count - keep
            }
        } catch let e as ModelError {
            model.reset()
            cached = []
            throw GenerateError.model(e)
        }
        cached = prompt
        let prefillEnd = clock.now

        // Decode.
        var stops = StopStrings(options.stopStrings)
        var decoder = tokenizer.makeStreamingDecoder()
        var history = prompt
        var generated: [Int32] = []
        var choices: [TokenChoice] = []
        var text = ""
        var reason = StopReason.maxTokens
        let endTokens = options.ignoreEndOfGeneration ? [] : tokenizer.endOfGenerationTokens
        generation: while generated.count < options.maxTokens {
            let choice = sampler.sample(logits, history: history)
            let id = choice.id
            generated.append(id)
            history.append(id)
            choices.append(choice)
            var piece = ""
            var stopped: StopReason?
            if endTokens.contains(id) {
                stopped = .endOfGeneration
            } else if options.stopTokens.contains(id) {
                stopped = .stopToken
            } else {
                let (released, hit) = stops.append(decoder.append(id))
                piece = released
                if hit { stopped = .stopString }
            }
            text += piece
            if let onToken, !onToken(TokenEvent(index: generated.count - 1, choice: choice, text: piece)) {
                reason = .cancelled
                break generation
            }
            if let stopped { reason = stopped; break generation }
            if generated.count >= options.maxTokens { break }
            if model.position >= model.contextLength { reason = .contextFull; break }
            do {
                logits = try model.evaluate([id])
                cached.append(id)
            } catch let e as ModelError {
                model.reset()
                cached = []
                throw GenerateError.model(e)
            }
        }
        if reason != .stopString {
            let rest = stops.flush()
            text += rest
            if !rest.isEmpty, let onToken {
                _ = onToken(TokenEvent(index: generated.count, choice: TokenChoice(id: -1, logProbability: 0, entropy: 0), text: rest))
            }
        }
        let end = clock.now

        let expertsAfter = model.expertCounts
        let experts = zip(expertsAfter, expertsBefore).map { after, before in zip(after, before).map { $0 - $1 } }
        return Generation(
            promptTokens: prompt, tokens: generated, text: text, stopReason: reason, choices: choices,
            confidence: Confidence(choices),
            timings: GenerationTimings(promptTokens: evaluated, prefillMilliseconds: Self.ms(prefillEnd - start),
                                       generatedTokens: generated.count, decodeMilliseconds: Self.ms(end - prefillEnd)),
            promptTopLogits: topLogits,
            expertCounts: model.config.isMixtureOfExperts ? experts : [])
    }

    /// Forgets the cached prompt (the next generation evaluates its whole prompt).
    public func resetCache() {
        model.reset()
        cached = []
    }

    // MARK: - Helpers

    /// A sampler for `options`, reused when the options are unchanged (its buffers are the size
    /// of the vocabulary); restarted from its seed either way.
    private func sampler(for options: SamplingOptions) throws -> Sampler {
        if let s = sampler, s.options == options {
            s.reset()
            return s
        }
        let s = try Sampler(options: options, vocabulary: model.config.vocabulary)
        sampler = s
        return s
    }

    /// Cached tokens that `prompt` starts with, leaving at least its last token to evaluate;
    /// 0 when the cache no longer mirrors `cached` (the model was used directly).
    private func reusablePrefix(_ prompt: [Int32]) -> Int {
        guard model.position == cached.count else { return 0 }
        var n = 0
        let limit = min(cached.count, prompt.count - 1)
        while n < limit && cached[n] == prompt[n] { n += 1 }
        return n
    }

    /// The k largest entries of `row`, best first (ties: lower id first).
    static func top(_ row: UnsafeBufferPointer<Float>, _ k: Int) -> [TokenLogit] {
        var best: [TokenLogit] = []
        best.reserveCapacity(k + 1)
        for i in 0..<row.count {
            let v = row[i]
            if best.count == k, let last = best.last, !(v > last.logit) { continue }
            var j = best.count
            while j > 0 && best[j - 1].logit < v { j -= 1 }
            best.insert(TokenLogit(id: Int32(i), logit: v), at: j)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    static func ms(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) * 1e-15
    }
}
