// The bridge from answer.generate's LocalModel protocol to Nerve's own inference engine
// (the Generate module): loads a GGUF once, renders the chat with the model's template,
// generates, and reports the token statistics the confidence gate reads.
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
    let name: String
    /// A model's KV cache and scratch state are single-use: generations take turns.
    private let lock = PthreadMutex()

    init(path: String, threads: Int, context: Int) throws {
        do {
            let model = try LanguageModel(path: path, options: LoadOptions(contextLength: context,
                                                                           threads: threads > 0 ? threads : Parallel.processors))
            generator = try Generator(model: model)
            name = (try? model.file.metadata.string("general.name")) ?? String(path.split(separator: "/").last ?? "")
        } catch {
            throw StagesError.model(reason: "\(path): \(error)")
        }
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
                    try generator.chat([.system(request.system), .user(request.user)], options: options) { event in
                        if !event.text.isEmpty { emit(event.text) }
                        return true
                    }
                }
            } catch {
                throw StagesError.model(reason: "\(error)")
            }
            return LocalResult(text: g.text, promptTokens: g.promptTokens.count, generatedTokens: g.tokens.count,
                               meanLogprob: Double(g.confidence.meanLogProbability), minLogprob: Double(g.confidence.minimumLogProbability),
                               meanEntropy: Double(g.confidence.meanEntropy), model: name)
        }
    }

    public var expertCounts: [[Int]] { lock.withLock { generator.model.expertCounts } }
}
