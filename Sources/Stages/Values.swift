// The port types of the built-in stages and the Swift values that travel on them.
import Corpus
import Index
import JSON
import Pipeline

public enum Ports {
    /// A question.
    public static let text = Port<String>("text")
    /// Ranked retrieval hits, best first.
    public static let hits = Port<[Hit]>("hits")
    /// An answer with confidence and citations.
    public static let answer = Port<Answer>("answer")
    /// A file to ingest (its bytes once the index writer admitted it).
    public static let file = Port<FileInput>("file")
    /// An extracted document.
    public static let document = Port<ExtractedDocument>("document")
    /// A document's chunks, with their embeddings once an `embed` stage ran.
    public static let chunks = Port<ChunkSet>("chunks")
    /// A query embedding.
    public static let vector = Port<QueryVector>("vector")
}

/// The embedding of a question, and the model that made it (vectors of different models never
/// meet: the index refuses the search).
public struct QueryVector: Sendable, Equatable {
    public var model: String
    /// `[dimension]`, unit length.
    public var values: [Float]

    public init(model: String, values: [Float]) {
        self.model = model
        self.values = values
    }
}

/// A file on its way through ingest. The walker yields it with its stat only; the index writer,
/// deciding the file changed, reads its bytes once (stat taken before reading) and hashes them,
/// and only then do extract stages see it.
public struct FileInput: Sendable {
    public let path: String
    /// Path relative to the ingest root (what include/exclude globs match).
    public let relative: String
    public var facts: FileFacts
    /// The file's bytes; empty until `isLoaded`.
    public var bytes: [UInt8]
    /// Hex SHA-256 of `bytes`; empty until `isLoaded`.
    public var sha256: String
    public var isLoaded: Bool
    /// The most bytes ingest may read of it (the walker's `max_file_bytes`, capped by the daemon's).
    public let readLimit: Int64
    /// How far extractors may decompress this file (the daemon's `max_decompression_ratio`).
    public let limits: DecodeLimits

    /// A file as walked: stat only.
    public init(path: String, relative: String, facts: FileFacts, readLimit: Int64, limits: DecodeLimits = .standard) {
        self.path = path
        self.relative = relative
        self.facts = facts
        self.readLimit = readLimit
        self.limits = limits
        bytes = []
        sha256 = ""
        isLoaded = false
    }

    /// A file with its bytes (tests, and the writer once it has read the file).
    public init(path: String, bytes: [UInt8], facts: FileFacts, sha256: String, limits: DecodeLimits = .standard) {
        self.path = path
        relative = path.split(separator: "/").last.map(String.init) ?? path
        self.bytes = bytes
        self.facts = facts
        self.sha256 = sha256
        self.limits = limits
        readLimit = Int64(bytes.count)
        isLoaded = true
    }

    /// The lowercase extension without the dot ("" when none).
    public var fileExtension: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}

public struct ExtractedDocument: Sendable {
    /// The extract stage's kind, recorded in the ledger.
    public let extractor: String
    public let document: Document
}

public struct ChunkSet: Sendable {
    public let extractor: String
    public let title: String?
    public let chunks: [Chunk]
    /// One embedding per chunk, in order (nil: stored without vectors, lexical search only).
    public var vectors: ChunkVectors? = nil
}

/// A candidate answer as `explain` reports it: its text, score, citation and features (in the
/// order of the answer's `candidateFeatureNames`).
public struct AnswerCandidateReport: Sendable, Equatable {
    public var text: String
    public var score: Double
    public var citation: Citation
    public var features: [Double]
}

/// Where an answer sentence came from.
public struct Citation: Sendable, Equatable {
    public var path: String
    public var title: String?
    public var span: SourceSpan
    public var chunkHash: String
    public var headingPath: String

    public func json() -> JSON {
        var o = JSONObject()
        o["path"] = .string(path)
        if let title { o["title"] = .string(title) }
        if let l = span.lineStart { o["line_start"] = .int(Int64(l)) }
        if let l = span.lineEnd { o["line_end"] = .int(Int64(l)) }
        if let p = span.page { o["page"] = .int(Int64(p)) }
        if let loc = span.locator { o["locator"] = .string(loc) }
        if !headingPath.isEmpty { o["heading"] = .string(headingPath) }
        o["chunk"] = .string(chunkHash)
        return .object(o)
    }
}

/// A passage shown when no stage was confident.
public struct Passage: Sendable, Equatable {
    public var text: String
    public var score: Double
    public var citation: Citation
}

public struct Answer: ConfidenceCarrying, Sendable {
    public var text: String
    public var confidence: Double
    public var citations: [Citation]
    /// The best passages behind the answer (shown when it is not accepted).
    public var passages: [Passage]
    /// Model accounting, when a model produced the answer.
    public var tokensIn: Int = 0
    public var tokensOut: Int = 0
    public var cost: Double = 0
    public var model: String?
    /// For a local model: time to evaluate the prompt (until the first token) and to generate
    /// the rest, in milliseconds (0 when no local model ran).
    public var prefillMs: Double = 0
    public var decodeMs: Double = 0
    /// The evidence the confidence was computed from (names, values), for calibration.
    public var features: [(name: String, value: Double)] = []
    /// Every candidate the stage weighed, for `explain` and for fitting its selector (empty for
    /// stages that do not choose among candidates).
    public var candidates: [AnswerCandidateReport] = []
    /// The names of the candidates' features, in order.
    public var candidateFeatureNames: [String] = []

    public init(text: String, confidence: Double, citations: [Citation], passages: [Passage]) {
        self.text = text
        self.confidence = confidence
        self.citations = citations
        self.passages = passages
    }
}

extension Citation {
    /// The citation of a hit: its first document the asker may read.
    public static func from(_ hit: Hit) -> Citation {
        let d = hit.documents.first
        return Citation(path: d?.path ?? "", title: d?.title, span: hit.span, chunkHash: hit.hash, headingPath: hit.headingPath)
    }
}
