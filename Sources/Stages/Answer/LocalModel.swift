// What answer.generate needs from a local language model, and the per-process cache of loaded
// models. The stage knows only this protocol; the engine adapter (EngineModel.swift) implements
// it, and tests substitute a scripted model.
import Posix

/// One generation request: a chat (system + user) rendered by the model's own template.
public struct LocalRequest: Sendable {
    public var system: String
    public var user: String
    public var maxTokens: Int
    public var temperature: Double
    public var seed: UInt64
    public var stop: [String]

    public init(system: String, user: String, maxTokens: Int, temperature: Double = 0, seed: UInt64 = 0, stop: [String] = []) {
        self.system = system
        self.user = user
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.seed = seed
        self.stop = stop
    }
}

/// What came back, with the statistics the confidence gate reads.
public struct LocalResult: Sendable {
    public var text: String
    public var promptTokens: Int
    public var generatedTokens: Int
    /// Mean and minimum natural-log probability of the generated tokens under the model.
    public var meanLogprob: Double
    public var minLogprob: Double
    /// Mean entropy (nats) of the next-token distributions the tokens were drawn from.
    public var meanEntropy: Double
    public var model: String

    public init(text: String, promptTokens: Int, generatedTokens: Int, meanLogprob: Double, minLogprob: Double,
                meanEntropy: Double, model: String) {
        self.text = text
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.meanLogprob = meanLogprob
        self.minLogprob = minLogprob
        self.meanEntropy = meanEntropy
        self.model = model
    }
}

public protocol LocalModel: AnyObject, Sendable {
    /// Generates an answer; `onToken` receives each piece of text as it is decoded.
    func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult
    /// Per layer, how many tokens each expert was chosen for since load (empty: a dense model).
    var expertCounts: [[Int]] { get }
}

/// Loads each model file once per process and hands out the shared instance. A model is large
/// and its state is allocated at load, so generations on one model are serialised.
public final class ModelCache: @unchecked Sendable {
    public typealias Loader = @Sendable (_ path: String, _ threads: Int, _ context: Int) throws -> any LocalModel
    private let loader: Loader
    private let lock = PthreadMutex()
    private var models: [String: any LocalModel] = [:]

    public init(loader: @escaping Loader = EngineModel.load) { self.loader = loader }

    /// The first caller's threads and context size win: one copy of the weights per file.
    public func model(path: String, threads: Int, context: Int) throws -> any LocalModel {
        try lock.withLock {
            if let m = models[path] { return m }
            let m = try loader(path, threads, context)
            models[path] = m
            return m
        }
    }

    /// Expert load of every loaded model, by path.
    public var expertCounts: [(path: String, counts: [[Int]])] {
        lock.withLock { models.map { ($0.key, $0.value.expertCounts) } }
    }
}
