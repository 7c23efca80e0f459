// `nerve generate`: load a GGUF model in this process (no daemon) and continue a prompt — text
// streamed to stdout, or with --json one object with the token ids, text, timings, expert
// counts (MoE) and optionally the top logits at every prompt position. Benchmarks and reference
// comparisons call it, so its JSON keys are a contract (see `generationJSON`).
import Client
import Generate
import JSON
import Model
import Posix

extension Tools {
    static func generate(_ inv: Invocation) throws -> Int32 {
        let o = try GenerateFlags(inv)
        let loadStart = WallClock.nanoseconds()
        var load = LoadOptions(contextLength: o.context)
        if let threads = o.threads { load.threads = threads }
        load.kvCache = o.kvHalf ? .f16 : .f32
        let model = try LanguageModel(path: o.model, options: load)
        let loadMs = Double(WallClock.nanoseconds() - loadStart) / 1e6
        let generator = try Generator(model: model)
        let prompt = generator.encode(o.prompt)
        let options = GenerationOptions(maxTokens: o.maxTokens,
                                        sampling: SamplingOptions(temperature: o.temperature, seed: o.seed),
                                        ignoreEndOfGeneration: o.ignoreEOS, promptTopLogits: o.topLogits)
        let live = !inv.json
        let result = try generator.generate(tokens: prompt, options: options) { event in
            if live && !event.text.isEmpty { Console.output(event.text) }
            return true
        }
        if inv.json {
            Console.output(generationJSON(result, model: model, loadMs: loadMs).serialized() + "\n")
        } else {
            let t = result.timings
            Console.output("\n")
            Console.error("""
                nerve: \(t.promptTokens) prompt tokens in \(Decimals.fixed(t.prefillMilliseconds, places: 2)) ms \
                (\(Decimals.fixed(t.prefillTokensPerSecond, places: 2)) tok/s), \(t.generatedTokens) generated in \
                \(Decimals.fixed(t.decodeMilliseconds, places: 2)) ms (\(Decimals.fixed(t.decodeTokensPerSecond, places: 2)) tok/s), stop: \(result.stopReason.rawValue)

                """)
        }
        return 0
    }

    /// The --json object. Keys other tools rely on: `prompt_tokens` (ids), `tokens` (generated
    /// ids), `text`, `timings` {`prompt_tokens`, `prefill_ms`, `generated_tokens`, `decode_ms`},
    /// `experts` ([layer][expert] selection counts, MoE models only) and, with --top-logits K,
    /// `top_logits` ([position][K] of {`id`, `logit`}).
    static func generationJSON(_ r: Generation, model: LanguageModel, loadMs: Double) -> JSON {
        let t = r.timings
        var o = JSONObject([
            ("prompt_tokens", .array(r.promptTokens.map { JSON(Int($0)) })),
            ("tokens", .array(r.tokens.map { JSON(Int($0)) })),
            ("text", .string(r.text)),
            ("stop_reason", .string(r.stopReason.rawValue)),
            ("timings", .object(JSONObject([
                ("prompt_tokens", JSON(t.promptTokens)),
                ("prefill_ms", JSON(t.prefillMilliseconds)),
                ("generated_tokens", JSON(t.generatedTokens)),
                ("decode_ms", JSON(t.decodeMilliseconds)),
                ("prefill_tokens_per_second", JSON(t.prefillTokensPerSecond)),
                ("decode_tokens_per_second", JSON(t.decodeTokensPerSecond)),
                ("load_ms", JSON(loadMs)),
            ]))),
            ("confidence", .object(JSONObject([
                ("mean_log_probability", JSON(Double(r.confidence.meanLogProbability))),
                ("min_log_probability", JSON(Double(r.confidence.minimumLogProbability))),
                ("mean_entropy", JSON(Double(r.confidence.meanEntropy))),
            ]))),
            ("model", .object(JSONObject([
                ("path", .string(model.path)),
                ("architecture", .string(model.config.architecture.rawValue)),
                ("layers", JSON(model.config.layers)),
                ("experts", JSON(model.config.experts)),
                ("experts_used", JSON(model.config.expertsUsed)),
                ("threads", JSON(model.threads)),
                ("context", JSON(model.contextLength)),
                ("active_weight_bytes_per_token", JSON(model.activeWeightBytesPerToken)),
            ]))),
        ])
        if let peak = peakResidentBytes() { o["peak_resident_bytes"] = JSON(peak) }
        if model.config.isMixtureOfExperts {
            o["experts"] = .array(r.expertCounts.map { .array($0.map { JSON($0) }) })
        }
        if !r.promptTopLogits.isEmpty {
            o["top_logits"] = .array(r.promptTopLogits.map { row in
                .array(row.map { .object(JSONObject([("id", JSON(Int($0.id))), ("logit", JSON(Double($0.logit)))])) })
            })
        }
        return .object(o)
    }

    /// VmHWM of /proc/self/status (peak resident set), when readable.
    static func peakResidentBytes() -> Int? {
        guard let bytes = try? FileSystem.read("/proc/self/status", limit: 1 << 16) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.dropFirst(6).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}

/// The flags of `nerve generate`, checked.
struct GenerateFlags {
    var model: String
    var prompt: String
    var maxTokens = 128
    var temperature: Float = 0
    var seed: UInt64 = 0
    var threads: Int?
    var context: Int?
    var topLogits = 0
    var ignoreEOS: Bool
    /// --kv-cache f16.
    var kvHalf = false

    /// - Throws: `ClientError.usage` for a missing or malformed flag, `.file` for a missing model.
    init(_ inv: Invocation) throws {
        func usage(_ m: String) -> ClientError { .usage(message: m, command: "generate") }
        guard let model = inv.options["model"] else { throw usage("generate needs --model FILE.gguf") }
        guard let prompt = inv.options["prompt"] else { throw usage("generate needs --prompt TEXT") }
        guard FileSystem.exists(model) else { throw ClientError.file(path: model, reason: "no such file") }
        self.model = model
        self.prompt = prompt
        ignoreEOS = inv.flags.contains("ignore-eos")
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let s = inv.options[key] else { return nil }
            guard let v = Int(s), range.contains(v) else {
                throw usage("--\(key) wants a whole number in \(range.lowerBound)...\(range.upperBound), not '\(s)'")
            }
            return v
        }
        if let v = try int("max-tokens", 0...1_000_000) { maxTokens = v }
        if let v = try int("threads", 1...1024) { threads = v }
        if let v = try int("top-logits", 0...1_000_000) { topLogits = v }
        if let v = try int("context", 1...(1 << 20)) { context = v }
        if let s = inv.options["temperature"] {
            guard let v = Float(s), v.isFinite, v >= 0, v <= 100 else { throw usage("--temperature wants a number in 0...100, not '\(s)'") }
            temperature = v
        }
        if let s = inv.options["kv-cache"] {
            guard s == "f32" || s == "f16" else { throw usage("--kv-cache wants f32 or f16, not '\(s)'") }
            kvHalf = s == "f16"
        }
        if let s = inv.options["seed"] {
            guard let v = UInt64(s) else { throw usage("--seed wants a whole number ≥ 0, not '\(s)'") }
            seed = v
        }
    }
}
