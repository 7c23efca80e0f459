// The ingest-side kinds: the folder walker (source), one extract kind per format family, the
// chunker, and the index writer (sink). Extract kinds share one shape, declared in a table.
import Config
import Corpus
import Index
import Pipeline
import Posix

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

    static func register(into r: Registry<StageResources>) {
        r.register(Kind(
            name: "walk", summary: "the files under the folder being ingested", pipelines: ["ingest"], role: .source,
            parameters: [
                ParameterSpec("include", .strings, default: .strings(["*"]), "globs of files to ingest"),
                ParameterSpec("exclude", .strings, default: .strings([".*", "*~", "*.tmp", "node_modules", "__pycache__"]),
                              "globs of files and folders to skip"),
                ParameterSpec("max_file_bytes", .integer(1...(1 << 40)), default: .integer(64 << 20), "larger files are skipped"),
                ParameterSpec("follow_symlinks", .boolean, default: .boolean(false), "follow symbolic links (loops are detected)"),
            ],
            outputs: [OutputSpec("file", Ports.file)],
            bind: { plan, res in
                WalkStage(id: plan.id, options: WalkOptions(
                    include: plan.strings("include").map(Glob.init), exclude: plan.strings("exclude").map(Glob.init),
                    maxFileBytes: min(Int64(plan.int("max_file_bytes")), res.maxFileBytes), followSymlinks: plan.bool("follow_symlinks")))
            }))

        for spec in extractors {
            r.register(Kind(
                name: spec.kind, summary: spec.summary, pipelines: ["ingest"], role: .transform,
                parameters: [ParameterSpec("match", .strings, default: .strings(spec.defaultMatch), "globs of files this stage extracts")],
                inputs: [InputSpec("file", Ports.file)],
                outputs: [OutputSpec("document", Ports.document)],
                bind: { plan, _ in ExtractStageKind(kind: spec.kind, match: plan.strings("match").map(Glob.init), extract: spec.extract) }))
        }

        r.register(ExecExtract.kind)

        r.register(Kind(
            name: "chunk", summary: "structure-aware chunks with heading paths", pipelines: ["ingest"], role: .transform,
            parameters: [
                ParameterSpec("max_chars", .integer(100...100_000), default: .integer(1200), "target chunk size in characters"),
                ParameterSpec("overlap_chars", .integer(0...10_000), default: .integer(0), "sentence overlap between chunks of a section"),
            ],
            // The extract stages in `in` order: the first that takes the file decides.
            inputs: [InputSpec("document", Ports.document, .first)],
            outputs: [OutputSpec("chunks", Ports.chunks)],
            bind: { plan, _ in ChunkStage(options: ChunkerOptions(maxChars: plan.int("max_chars"), overlapChars: plan.int("overlap_chars"))) }))

        r.register(Kind(
            name: "index.write", summary: "mirror the folder: store changed files' chunks atomically, skip unchanged ones, remove vanished ones",
            pipelines: ["ingest"], role: .sink,
            inputs: [InputSpec("chunks", Ports.chunks)],
            bind: { plan, _ in IndexWriteStage(id: plan.id) }))
    }
}

/// The walker's options.
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

/// Walks the run's root (or only its scope) with stat alone and yields each file; the index
/// writer decides which of them need reading.
struct WalkStage: ProducingStage {
    let id: String
    let options: WalkOptions

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        throw StagesError.parameter(stage: id, reason: "the walker yields files one by one; run it through an ingest")
    }

    func produce(_ context: RunContext, _ each: (StageOutputs) throws -> Void) throws {
        let session = try context.require(RequestKeys.ingest, for: id)
        let root = session.root
        var files: [WalkedFile] = []
        var problems: [WalkProblem] = []
        if let scope = session.scope {
            for path in Set(scope) where path == root || path.hasPrefix(root + "/") {
                guard FileSystem.exists(path) else { continue }
                let rel = path == root ? "" : String(path.dropFirst(root.count + 1))
                let (f, p) = Walker.walk(root: path, options: options, relativePrefix: rel)
                files += f
                problems += p
            }
            var unique = Set<String>()
            files = files.filter { unique.insert($0.path).inserted }.sorted { $0.path < $1.path }
        } else {
            (files, problems) = Walker.walk(root: root, options: options)
        }
        session.report.files = files.count
        session.filesTotal = files.count
        for p in problems { session.report.problems.append(IngestProblem(path: p.path, status: "skipped", reason: p.reason)) }
        for f in files {
            if session.shouldStop() {
                session.report.cancelled = true
                return
            }
            let facts = FileFacts(path: f.path, root: root, size: f.status.size, mtimeNs: f.status.mtimeNs, uid: f.status.uid,
                                  gid: f.status.gid, mode: f.status.mode)
            try each(StageOutputs("file", Ports.file, FileInput(path: f.path, relative: f.relative, facts: facts,
                                                                 readLimit: options.maxFileBytes, limits: session.limits)))
            session.filesDone += 1
        }
    }
}

struct ExtractStageKind: Stage {
    let kind: String
    let match: [Glob]
    let extract: ExtractFunction

    /// Produces nothing when the file is not ours, so the next extract stage can take it.
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        let f = try inputs.one("file", Ports.file)
        guard match.contains(where: { $0.matches(f.path) }) else { return StageOutputs() }
        guard f.isLoaded else { throw StagesError.parameter(stage: kind, reason: "\(f.path) was not read before extraction") }
        return StageOutputs("document", Ports.document, ExtractedDocument(extractor: kind, document: try extract(f)))
    }
}

struct ChunkStage: Stage {
    let options: ChunkerOptions

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let doc = try inputs.all("document", Ports.document).first?.value else { return StageOutputs() }
        return StageOutputs("chunks", Ports.chunks, ChunkSet(extractor: doc.extractor, title: doc.document.title,
                                                              chunks: Chunker.chunk(doc.document, options: options)))
    }
}
