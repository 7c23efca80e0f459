// The daemon's sentence-embedding model: the folder named in etc/nerved.toml, loaded once (the
// result, model or error, is kept), shared by the `embed` and `embed.query` stages and the
// `embed` wire method. What text a chunk is embedded as is decided here, in one place.
import Corpus
import Model
import Posix

public final class EmbeddingModel: @unchecked Sendable {
    /// The model folder (absolute).
    public let directory: String
    /// The model's name as the index records it: the folder's last component.
    public let name: String
    private let threads: Int?
    private let lock = PthreadMutex()
    private var loaded: Result<SentenceEncoder, StagesError>?

    /// - Parameter threads: threads per forward pass (nil: every core).
    public init(directory: String, threads: Int? = nil) {
        self.directory = directory
        name = directory.split(separator: "/").last.map(String.init) ?? directory
        self.threads = threads
    }

    /// The encoder, loading it on first use.
    /// - Throws: `StagesError.model` when the folder is missing or its files do not load (the
    ///   same error on every later call; the daemon logs it once at start-up).
    public func encoder() throws -> SentenceEncoder {
        try lock.withLock {
            if let loaded { return try loaded.get() }
            let result: Result<SentenceEncoder, StagesError>
            if !FileSystem.isDirectory(directory) {
                result = .failure(.model(reason: "embedding model folder \(directory) does not exist (run scripts/fetch-models, or set embedding_model in etc/nerved.toml)"))
            } else {
                do { result = .success(try SentenceEncoder(directory: directory, threads: threads)) } catch {
                    result = .failure(.model(reason: "cannot load the embedding model in \(directory): \(error)"))
                }
            }
            loaded = result
            return try result.get()
        }
    }

    /// Whether the model loads (loading it now if it was not yet).
    public var isAvailable: Bool { (try? encoder()) != nil }

    /// Unit-length embeddings `[texts.count][dimension]`, in order.
    /// - Throws: `StagesError.model` when the model is unavailable.
    public func embed(_ texts: [String], batchSize: Int = 32) throws -> [[Float]] {
        try encoder().encode(texts, batchSize: Swift.max(1, batchSize))
    }

    /// A question's unit-length embedding (`SentenceEncoder.encodeQuery`: 8-bit where that pays).
    /// - Throws: `StagesError.model` when the model is unavailable.
    public func embedQuery(_ text: String) throws -> [Float] {
        try encoder().encodeQuery(text)
    }

    /// The text a chunk is embedded as: its heading path (or else the document title) before the
    /// chunk text, so a passage that never repeats its topic still lands near questions about it.
    public static func passage(_ chunk: Chunk, title: String?) -> String {
        let context = chunk.headingPath.isEmpty ? (title ?? "") : chunk.headingPath
        return context.isEmpty ? chunk.text : context + "\n" + chunk.text
    }
}
