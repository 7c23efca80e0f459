// An engine on a fresh temporary index and pipelines folder, for tests of stages and of the
// application layer without a daemon: write files under `root`, ingest them, ask.
import Index
import JSON
import Posix
import Service
import Stages

public final class EngineFixture: @unchecked Sendable {
    public let dir: String
    /// The folder tests write documents into.
    public let root: String
    public let engine: Engine

    /// - Parameters: `ask`/`ingest`: pipeline texts (default: the repository's files); relative
    ///   paths in them resolve against the fixture's pipelines folder.
    public init(ask: String? = nil, ingest: String? = nil, embeddingModel: String = "", models: ModelCache = ModelCache(),
                configure: (inout EngineConfig) -> Void = { _ in }) throws {
        dir = try Paths.temporaryDirectory("nerve-engine")
        root = dir + "/docs"
        try FileSystem.makeDirectories(root)
        let pipelines = dir + "/pipelines"
        try Paths.copyRepositoryPipelines(to: pipelines) { name, text in (name == "ask.toml" ? ask : ingest) ?? text }
        var config = EngineConfig(index: dir + "/index", pipelines: pipelines, embeddingModel: embeddingModel)
        configure(&config)
        engine = try Engine(config: config, models: models)
    }

    deinit { FileSystem.removeTree(dir) }

    public var index: IndexStore { engine.index }

    /// Writes `text` at `rel` under the root, making folders as needed.
    public func write(_ rel: String, _ text: String) throws {
        let path = root + "/" + rel
        try FileSystem.makeDirectories(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
        try FileSystem.writeAtomically(path, Array(text.utf8))
    }

    /// Ingests the root (or `path`), then checks the index's integrity.
    @discardableResult
    public func ingest(_ path: String? = nil, scope: [String]? = nil) throws -> IngestReport {
        let r = try engine.ingest(root: path ?? root, scope: scope).report
        try engine.index.checkIntegrity()
        return r
    }

    public func ask(_ question: String, explain: Bool = false, emit: @escaping @Sendable (String, JSONObject) -> Void = { _, _ in }) throws -> JSON {
        try engine.ask(question, asker: nil, explain: explain, emit: emit)
    }
}
