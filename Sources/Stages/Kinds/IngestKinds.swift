// The ingest-side kinds: the folder walker (source), one extract kind per format family, the
// chunker, and the index writer (sink). Extract kinds share one shape, declared in a table.
import Config
import Corpus
import Index
import Pipeline

/// An extractor: bytes of one file to a document. Throws CorpusError for files it cannot read.
public typealias ExtractFunction = @Sendable (FileInput) throws -> Document

public struct ExtractorSpec: Sendable {
    public let kind: String
    public let summary: String
    public let defaultMatch: [String]
    public let extract: ExtractFunction

    public init(kind: String, summary: String, defaultMatch: [String], extract: @escaping ExtractFunction) {
        self.kind = kind
        self.summary = summary
        self.defaultMatch = defaultMatch
        self.extract = extract
    }
}

enum IngestKinds {
    /// Every built-in format. Formats arrive here as their extractors are written.
    static var extractors: [ExtractorSpec] {
        [
            ExtractorSpec(kind: "extract.text", summary: "plain text in any common encoding",
                          defaultMatch: ["*.txt", "*.text", "*.log", "*.rst", "README", "LICENSE", "*.asc"]) { f in
                let (text, _) = try TextDecoding.decode(f.bytes, path: f.path)
                return PlainTextExtractor.extract(text)
            },
            ExtractorSpec(kind: "extract.markdown", summary: "Markdown with front matter and pipe tables",
                          defaultMatch: ["*.md", "*.markdown", "*.mdown", "*.mkd"]) { f in
                let (text, _) = try TextDecoding.decode(f.bytes, path: f.path)
                return MarkdownExtractor.extract(text)
            },
            MarkupFormats.html,
            MarkupFormats.xml,
            .pdf,
        ] + DataFormats.specs + OfficeFormats.specs
    }

    static func register(into r: Registry, _ env: StageEnvironment) {
        r.register(StageKind(
            name: "walk", summary: "the files under the folder being ingested", pipelines: ["ingest"], role: .source,
            parameters: [
                ParameterSpec("include", .strings, default: .strings(["*"]), "globs of files to ingest"),
                ParameterSpec("exclude", .strings, default: .strings([".*", "*~", "*.tmp", "node_modules", "__pycache__"]),
                              "globs of files and folders to skip"),
                ParameterSpec("max_file_bytes", .integer(1...(1 << 40)), default: .integer(64 << 20), "larger files are skipped"),
                ParameterSpec("follow_symlinks", .boolean, default: .boolean(false), "follow symbolic links (loops are detected)"),
            ],
            outputs: [OutputSpec("file", Port.file)],
            make: { cfg in
                WalkStage(options: WalkOptions(include: cfg.strings("include").map(Glob.init), exclude: cfg.strings("exclude").map(Glob.init),
                                               maxFileBytes: Int64(cfg.int("max_file_bytes")), followSymlinks: cfg.bool("follow_symlinks")))
            }))

        for spec in extractors {
            r.register(StageKind(
                name: spec.kind, summary: spec.summary, pipelines: ["ingest"], role: .transform,
                parameters: [ParameterSpec("match", .strings, default: .strings(spec.defaultMatch), "globs of files this stage extracts")],
                inputs: [InputSpec("file", Port.file)],
                outputs: [OutputSpec("document", Port.document)],
                make: { cfg in ExtractStageKind(kind: spec.kind, match: cfg.strings("match").map(Glob.init), extract: spec.extract) }))
        }

        r.register(ExecExtract.kind)

        r.register(StageKind(
            name: "chunk", summary: "structure-aware chunks with heading paths", pipelines: ["ingest"], role: .transform,
            parameters: [
                ParameterSpec("max_chars", .integer(100...100_000), default: .integer(1200), "target chunk size in characters"),
                ParameterSpec("overlap_chars", .integer(0...10_000), default: .integer(0), "sentence overlap between chunks of a section"),
            ],
            inputs: [InputSpec("document", Port.document, many: true)],
            outputs: [OutputSpec("chunks", Port.chunks)],
            make: { cfg in ChunkStage(options: ChunkerOptions(maxChars: cfg.int("max_chars"), overlapChars: cfg.int("overlap_chars"))) }))

        r.register(StageKind(
            name: "index.write", summary: "store chunks in the index, replacing the file's previous version atomically",
            pipelines: ["ingest"], role: .sink,
            inputs: [InputSpec("chunks", Port.chunks)],
            make: { _ in IndexWriteStage() }))
    }
}

/// The walker's options; the ingest runner enumerates files with them.
public struct WalkOptions: Sendable {
    public var include: [Glob]
    public var exclude: [Glob]
    public var maxFileBytes: Int64
    public var followSymlinks: Bool

    public init(include: [Glob] = [Glob("*")], exclude: [Glob] = [], maxFileBytes: Int64 = 64 << 20, followSymlinks: Bool = false) {
        self.include = include
        self.exclude = exclude
        self.maxFileBytes = maxFileBytes
        self.followSymlinks = followSymlinks
    }
}

struct WalkStage: Stage {
    let options: WalkOptions

    /// Per file, the walker's output is the file the runner is processing.
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let f = context.value(ContextKey.file) as? FileInput else { throw StagesError.missingRequestValue("file") }
        return ["file": f]
    }
}

struct ExtractStageKind: Stage {
    let kind: String
    let match: [Glob]
    let extract: ExtractFunction

    /// Produces nothing when the file is not ours, so another extract stage can take it.
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let f = inputs.one("file", as: FileInput.self) else { return [:] }
        guard match.contains(where: { $0.matches(f.path) }) else { return [:] }
        if let claim = context.value("claim") as? ExtractorClaim, !claim.take(kind) { return [:] }
        return ["document": ExtractedDocument(extractor: kind, document: try extract(f))]
    }
}

/// The first matching extract stage of a file takes it; later matches stand aside.
public final class ExtractorClaim: @unchecked Sendable {
    public private(set) var taker: String?
    public init() {}
    func take(_ kind: String) -> Bool {
        if taker != nil { return false }
        taker = kind
        return true
    }
}

struct ChunkStage: Stage {
    let options: ChunkerOptions

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let doc = inputs.all("document", as: ExtractedDocument.self).first else { return [:] }
        return ["chunks": ChunkSet(extractor: doc.extractor, title: doc.document.title, chunks: Chunker.chunk(doc.document, options: options))]
    }
}

/// Where the index writer stage hands its chunks; the ingest runner implements it per file.
public protocol IngestSink: AnyObject, Sendable {
    func store(_ chunks: ChunkSet) throws
}

struct IndexWriteStage: Stage {
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let set = inputs.one("chunks", as: ChunkSet.self) else { return [:] }
        guard let sink = context.value(ContextKey.sink) as? IngestSink else { throw StagesError.missingRequestValue("sink") }
        try sink.store(set)
        return [:]
    }
}
