// The bridge from answer.generate's LocalModel protocol to Nerve's own inference engine
// (the Generate module): loads a GGUF once, renders the chat with the model's template,
// generates (the Generator reuses the KV state of the prompt prefix the previous question shared,
// i.e. the system message), and reports the token statistics and timings the stage reads.
import Generate
import Model
import Posix
import Tensor
import Tokenizer

public final class EngineModel: LocalModel, @unchecked Sendable {
    public static let load: ModelCache.Loader = { path, threads, context in
        try EngineModel(path: path, threads: threads, context: context)
    }

    let generator: Generator
    public let info: LocalModelInfo
    /// A model's KV cache and scratch state are single-use: generations take turns.
    private let lock = PthreadMutex()
    /// Expert counts as of the last finished generation, behind their own lock so `status`
    /// never waits for a generation in progress.
    private let countsLock = PthreadMutex()
    private var counts: [[Int]] = []

    /// - Throws: `StagesError.modelMissing` when there is no file at `path`, `.model` when it does not load.
    init(path: String, threads: Int, context: Int) throws {
        guard FileSystem.exists(path) else { throw StagesError.modelMissing(path: path) }
        let model: LanguageModel
        do {
            model = try LanguageModel(path: path, options: LoadOptions(contextLength: context,
                                                                       threads: threads > 0 ? threads : Parallel.processors))
            generator = try Generator(model: model)
        } catch {
            throw StagesError.model(reason: "\(path): \(error)")
        }
        let m = model.file.metadata
        let c = model.config
        info = LocalModelInfo(
            name: (try? m.string("general.name")) ?? String(path.split(separator: "/").last ?? ""),
            architecture: c.architecture.rawValue,
            quantization: Self.quantization(fileType: try? m.int("general.file_type"),
                                            matrixTypes: model.file.tensors.filter { $0.dims.count >= 2 }.map(\.type.name)),
            context: model.contextLength,
            trainingContext: c.contextLength, layers: c.layers, width: c.embedding, experts: c.experts, expertsUsed: c.expertsUsed,
            threads: model.threads, fileBytes: model.file.bytes.count)
        counts = model.expertCounts
    }

    public func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
        try lock.withLock {
            let options = GenerationOptions(maxTokens: request.maxTokens,
                                            sampling: SamplingOptions(temperature: Float(request.temperature), seed: request.seed),
                                            stopStrings: request.stop)
            let g: Generation
            do {
                // The engine takes an optional (so formally escaping) callback; it calls it only
                // during this generation.
                g = try withoutActuallyEscaping(onToken) { emit in
                    let turns = request.earlier.flatMap { [ChatMessage.user($0.user), .assistant($0.assistant)] }
                    return try generator.chat([.system(request.system)] + turns + [.user(request.user)], options: options) { event in
                        if !event.text.isEmpty { emit(event.text) }
                        return true
                    }
                }
            } catch {
                throw StagesError.model(reason: "\(error)")
            }
            let after = generator.model.expertCounts
            countsLock.withLock { counts = after }
            return LocalResult(text: g.text, promptTokens: g.promptTokens.count, generatedTokens: g.tokens.count,
                               meanLogprob: Double(g.confidence.meanLogProbability), minLogprob: Double(g.confidence.minimumLogProbability),
                               meanEntropy: Double(g.confidence.meanEntropy), model: info.name, prefillTokens: g.timings.promptTokens,
                               prefillMs: g.timings.prefillMilliseconds, decodeMs: g.timings.decodeMilliseconds)
        }
    }

    /// Evaluates the chat up to where the user's message begins; the next question's prompt
    /// starts with the same tokens, so the Generator reuses them instead of evaluating them again.
    public func warm(system: String) throws {
        try lock.withLock {
            do {
                let text = try generator.render([.system(system), .user("")])
                let tokens = generator.tokenizer.encode(text, addSpecial: false, parseSpecial: true)
                _ = try generator.generate(tokens: tokens, options: GenerationOptions(maxTokens: 0))
            } catch {
                throw StagesError.model(reason: "warming up: \(error)")
            }
        }
    }

    public var expertCounts: [[Int]] { countsLock.withLock { counts } }

    /// llama.cpp's name for the file's `general.file_type` (its LLAMA_FTYPE_MOSTLY_* list), else
    /// the most common type among its weight matrices.
    static func quantization(fileType: Int?, matrixTypes: [String]) -> String {
        let names = [0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
                     12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
                     19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
                     26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S"]
        if let t = fileType, let n = names[t] { return n }
        var seen: [String: Int] = [:]
        for t in matrixTypes { seen[t, default: 0] += 1 }
        return seen.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? "?"
    }
}
