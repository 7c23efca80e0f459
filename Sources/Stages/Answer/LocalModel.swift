// What answer.generate needs from a local language model, and the per-process cache of loaded
// models. The stage knows only this protocol; the engine adapter (EngineModel.swift) implements
// it, and tests substitute a scripted model. The cache also keeps each model's recent timings,
// which `status` reports (LocalModelStatus.swift).
import Posix

/// One generation request: a chat (system, earlier turns, user) rendered by the model's own template.
public struct LocalRequest: Sendable {
    public var system: String
    /// Exchanges before `user`, oldest first: a follow-up question about an answer just given
    /// repeats that conversation, so its tokens are the KV cache's prefix and only the follow-up
    /// itself is evaluated.
    public var earlier: [LocalTurn]
    public var user: String
    public var maxTokens: Int
    public var temperature: Double
    public var seed: UInt64
    public var stop: [String]

    public init(system: String, earlier: [LocalTurn] = [], user: String, maxTokens: Int, temperature: Double = 0, seed: UInt64 = 0,
                stop: [String] = []) {
        self.system = system
        self.earlier = earlier
        self.user = user
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.seed = seed
        self.stop = stop
    }
}

/// A user message and the model's reply to it.
public struct LocalTurn: Sendable {
    public var user: String
    public var assistant: String

    public init(user: String, assistant: String) {
        self.user = user
        self.assistant = assistant
    }
}

/// What came back, with the statistics the confidence gate reads and the timings `status` and
/// the answer's accounting report.
public struct LocalResult: Sendable {
    public var text: String
    /// Tokens of the whole rendered prompt (a reused cached prefix included).
    public var promptTokens: Int
    public var generatedTokens: Int
    /// Mean and minimum natural-log probability of the generated tokens under the model.
    public var meanLogprob: Double
    public var minLogprob: Double
    /// Mean entropy (nats) of the next-token distributions the tokens were drawn from.
    public var meanEntropy: Double
    public var model: String
    /// Prompt tokens actually evaluated: `promptTokens` less the prefix reused from the KV cache.
    public var prefillTokens: Int
    /// Wall-clock time of the prompt evaluation (the wait before the first token).
    public var prefillMs: Double
    /// Wall-clock time of the token loop after the first token.
    public var decodeMs: Double

    public init(text: String, promptTokens: Int, generatedTokens: Int, meanLogprob: Double, minLogprob: Double,
                meanEntropy: Double, model: String, prefillTokens: Int? = nil, prefillMs: Double = 0, decodeMs: Double = 0) {
        self.text = text
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.meanLogprob = meanLogprob
        self.minLogprob = minLogprob
        self.meanEntropy = meanEntropy
        self.model = model
        self.prefillTokens = prefillTokens ?? promptTokens
        self.prefillMs = prefillMs
        self.decodeMs = decodeMs
    }
}

public protocol LocalModel: AnyObject, Sendable {
    /// Generates an answer; `onToken` receives each piece of text as it is decoded.
    func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult
    /// Per layer, how many tokens each expert was chosen for since load (empty: a dense model),
    /// as of the last finished generation: reading it never waits for one in progress.
    var expertCounts: [[Int]] { get }
    /// What the model is (name, architecture, quantisation, context).
    var info: LocalModelInfo { get }
    /// Evaluates the start of every prompt (the system message) ahead of the first question, so
    /// that question already reuses its keys and values.
    func warm(system: String) throws
}

extension LocalModel {
    public var info: LocalModelInfo { LocalModelInfo(name: "\(type(of: self))") }
    public func warm(system: String) throws {}
}

/// Loads each model file once per process and hands out the shared instance. A model is large
/// and its state is allocated at load, so generations on one model are serialised.
public final class ModelCache: @unchecked Sendable {
    public typealias Loader = @Sendable (_ path: String, _ threads: Int, _ context: Int) throws -> any LocalModel
    private let loader: Loader
    private let lock = PthreadMutex()
    private var models: [String: any LocalModel] = [:]
    /// Per path: timings of recent answers, and why the last load failed (cleared on success).
    private var records: [String: ModelRecord] = [:]
    /// Answers whose timings are kept per model (the speed `status` reports is over these).
    public static let recentAnswers = 20

    public init(loader: @escaping Loader = EngineModel.load) { self.loader = loader }

    /// The first caller's threads and context size win: one copy of the weights per file. A load
    /// that fails is tried again by the next caller (the file may have been installed since).
    /// - Throws: `StagesError.modelMissing` when the file is absent, `.model` when it does not load.
    public func model(path: String, threads: Int, context: Int) throws -> any LocalModel {
        try lock.withLock {
            if let m = models[path] { return m }
            do {
                let m = try loader(path, threads, context)
                models[path] = m
                records[path, default: ModelRecord()].problem = nil
                return m
            } catch {
                records[path, default: ModelRecord()].problem = error as? StagesError ?? .model(reason: "\(error)")
                throw error
            }
        }
    }

    /// Remembers one answer's timings for `status`.
    public func record(path: String, _ r: LocalResult) {
        lock.withLock {
            var rec = records[path, default: ModelRecord()]
            rec.answers += 1
            rec.recent.append(AnswerTiming(r))
            if rec.recent.count > Self.recentAnswers { rec.recent.removeFirst(rec.recent.count - Self.recentAnswers) }
            records[path] = rec
        }
    }

    /// Every model this process loaded or tried to, by path: loaded ones with their description,
    /// answers, recent timings and expert load; the others with why they are not loaded.
    public var statuses: [LocalModelStatus] {
        let (loaded, recs) = lock.withLock { (models, records) }
        let paths = Set(loaded.keys).union(recs.keys).sorted()
        return paths.map { path in
            let rec = recs[path] ?? ModelRecord()
            guard let m = loaded[path] else {
                return LocalModelStatus(path: path, state: rec.problem.map(LocalModelStatus.State.init) ?? .absent, info: nil,
                                        answers: rec.answers, recent: rec.recent, expertCounts: [])
            }
            return LocalModelStatus(path: path, state: .loaded, info: m.info, answers: rec.answers, recent: rec.recent,
                                    expertCounts: m.expertCounts)
        }
    }

    private struct ModelRecord {
        var answers = 0
        var recent: [AnswerTiming] = []
        var problem: StagesError?
    }
}
