// The port types of the built-in stages and the Swift values that travel on them.
import Corpus
import Index
import JSON
import Pipeline

public enum Port {
    /// A question (String).
    public static let text = PortType("text")
    /// Ranked retrieval hits ([Hit]).
    public static let hits = PortType("hits")
    /// An answer with confidence and citations (Answer).
    public static let answer = PortType("answer")
    /// A file to ingest (FileInput).
    public static let file = PortType("file")
    /// An extracted document (ExtractedDocument).
    public static let document = PortType("document")
    /// A document's chunks (ChunkSet), with their embeddings once an `embed` stage ran.
    public static let chunks = PortType("chunks")
    /// A query embedding (QueryVector).
    public static let vector = PortType("vector")
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

/// A file handed to extract stages: its bytes were read once, with the stat taken before reading.
public struct FileInput: Sendable {
    public let path: String
    public let bytes: [UInt8]
    public let facts: FileFacts
    public let sha256: String
    /// How far extractors may decompress this file (the daemon's `max_decompression_ratio`).
    public let limits: DecodeLimits

    public init(path: String, bytes: [UInt8], facts: FileFacts, sha256: String, limits: DecodeLimits = .standard) {
        self.path = path
        self.bytes = bytes
        self.facts = facts
        self.sha256 = sha256
        self.limits = limits
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
    /// The evidence the confidence was computed from (names, values), for calibration.
    public var features: [(name: String, value: Double)] = []

    public init(text: String, confidence: Double, citations: [Citation], passages: [Passage]) {
        self.text = text
        self.confidence = confidence
        self.citations = citations
        self.passages = passages
    }
}

extension Citation {
    /// The citation of a hit: its first document the asker may read.
    static func from(_ hit: Hit) -> Citation {
        let d = hit.documents.first
        return Citation(path: d?.path ?? "", title: d?.title, span: hit.span, chunkHash: hit.hash, headingPath: hit.headingPath)
    }
}
