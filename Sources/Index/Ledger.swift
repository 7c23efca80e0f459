// Ledger records: what the index knows about each file path, enough to decide from `stat` alone
// whether a file must be read again.
import Corpus
import Posix

public enum LedgerStatus: String, Sendable {
    case indexed, skipped, failed
}

public struct LedgerEntry: Sendable, Equatable {
    public var path: String
    public var root: String
    public var size: Int64
    public var mtimeNs: Int64
    public var sha256: String?
    public var uid: UInt32
    public var gid: UInt32
    public var mode: UInt32
    public var extractor: String?
    public var status: LedgerStatus
    public var reason: String?
    public var contentID: Int64?
    public var generation: Int64

    public init(path: String, root: String, size: Int64, mtimeNs: Int64, sha256: String? = nil, uid: UInt32, gid: UInt32,
                mode: UInt32, extractor: String? = nil, status: LedgerStatus, reason: String? = nil,
                contentID: Int64? = nil, generation: Int64 = 0) {
        self.path = path
        self.root = root
        self.size = size
        self.mtimeNs = mtimeNs
        self.sha256 = sha256
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.extractor = extractor
        self.status = status
        self.reason = reason
        self.contentID = contentID
        self.generation = generation
    }
}

/// What the ledger knows about a path that decides, from `stat` alone, whether it changed.
public struct LedgerStat: Sendable, Equatable {
    public var size: Int64
    public var mtimeNs: Int64
    public var uid: UInt32
    public var gid: UInt32
    public var mode: UInt32
    public var indexed: Bool

    public init(size: Int64, mtimeNs: Int64, uid: UInt32, gid: UInt32, mode: UInt32, indexed: Bool) {
        self.size = size
        self.mtimeNs = mtimeNs
        self.uid = uid
        self.gid = gid
        self.mode = mode
        self.indexed = indexed
    }
}

/// The file facts the writer records (taken from stat at the time the file was read).
public struct FileFacts: Sendable, Equatable {
    public var path: String
    public var root: String
    public var size: Int64
    public var mtimeNs: Int64
    public var uid: UInt32
    public var gid: UInt32
    public var mode: UInt32

    public init(path: String, root: String, size: Int64, mtimeNs: Int64, uid: UInt32, gid: UInt32, mode: UInt32) {
        self.path = path
        self.root = root
        self.size = size
        self.mtimeNs = mtimeNs
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }
}

/// A document that holds a hit's content (identical content may sit under several paths).
public struct DocumentRef: Sendable, Equatable {
    public var path: String
    public var title: String?
    public var uid: UInt32
    public var gid: UInt32
    public var mode: UInt32

    public init(path: String, title: String?, uid: UInt32, gid: UInt32, mode: UInt32) {
        self.path = path
        self.title = title
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }
}

/// A retrieved chunk with its score and where it came from.
public struct Hit: Sendable, Equatable {
    public var chunkID: Int64
    public var contentID: Int64
    public var ordinal: Int
    public var text: String
    public var headingPath: String
    public var span: SourceSpan
    /// Short content hash of the chunk text (first 16 hex digits of its SHA-256).
    public var hash: String
    /// Higher is better. For BM25 this is the negated FTS5 bm25() value.
    public var score: Double
    public var documents: [DocumentRef]
    /// What each retriever that found this chunk scored it, by retriever ("lexical": BM25,
    /// "dense": cosine similarity): fusion keeps them, so later stages can weigh the evidence.
    public var signals: [String: Double] = [:]

    public init(chunkID: Int64, contentID: Int64, ordinal: Int, text: String, headingPath: String, span: SourceSpan,
                hash: String, score: Double, documents: [DocumentRef]) {
        self.chunkID = chunkID
        self.contentID = contentID
        self.ordinal = ordinal
        self.text = text
        self.headingPath = headingPath
        self.span = span
        self.hash = hash
        self.score = score
        self.documents = documents
    }
}

/// Who is asking, for filtering documents by their recorded owner, group and mode.
public struct Viewer: Sendable, Equatable {
    public var uid: UInt32
    public var gids: [UInt32]

    public init(uid: UInt32, gids: [UInt32]) {
        self.uid = uid
        self.gids = gids
    }

    /// Unix read permission from the ledger's uid/gid/mode (root reads everything).
    public func mayRead(_ d: DocumentRef) -> Bool {
        allows(uid: d.uid, gid: d.gid, mode: d.mode, bit: 4)
    }

    /// Whether owner/group/other bits grant `bit` (4 read, 1 search) to this viewer.
    func allows(uid fileUID: UInt32, gid fileGID: UInt32, mode: UInt32, bit: UInt32) -> Bool {
        if uid == 0 { return true }
        if fileUID == uid { return mode & (bit << 6) != 0 }
        if gids.contains(fileGID) { return mode & (bit << 3) != 0 }
        return mode & bit != 0
    }
}

/// The live permission check behind answers: the file as it is now, and every folder above it
/// (a 0644 file in a 0700 folder is not readable by others). Folder results are cached for the
/// life of one question, so a page of hits from the same folder costs a few stats.
public final class PermissionCheck {
    public let viewer: Viewer
    private var folders: [String: Bool] = [:]

    public init(viewer: Viewer) { self.viewer = viewer }

    /// True when the viewer may read `path` now; false when it vanished or cannot be checked.
    public func mayRead(_ path: String) -> Bool {
        if viewer.uid == 0 { return true }
        guard let st = try? FileSystem.status(path) else { return false }
        guard viewer.allows(uid: st.uid, gid: st.gid, mode: st.mode, bit: 4) else { return false }
        var dir = Substring(path)
        while let slash = dir.lastIndex(of: "/"), slash > dir.startIndex {
            dir = dir[..<slash]
            let d = String(dir)
            if let known = folders[d] { if !known { return false }; continue }
            let ok = (try? FileSystem.status(d)).map { viewer.allows(uid: $0.uid, gid: $0.gid, mode: $0.mode, bit: 1) } ?? false
            folders[d] = ok
            if !ok { return false }
        }
        return true
    }
}

/// One answered question, as the query log keeps it.
public struct QueryLogEntry: Sendable, Equatable {
    public var atNs: Int64?
    public var question: String
    public var route: String
    public var accepted: Bool
    public var confidence: Double
    public var generation: Int64
    public var totalMs: Double
    public var tokensIn: Int
    public var tokensOut: Int
    public var cost: Double
    /// JSON: per-stage status, confidence, time, tokens and cost.
    public var detail: String

    public init(atNs: Int64? = nil, question: String, route: String, accepted: Bool, confidence: Double, generation: Int64,
                totalMs: Double, tokensIn: Int = 0, tokensOut: Int = 0, cost: Double = 0, detail: String = "{}") {
        self.atNs = atNs
        self.question = question
        self.route = route
        self.accepted = accepted
        self.confidence = confidence
        self.generation = generation
        self.totalMs = totalMs
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
        self.cost = cost
        self.detail = detail
    }
}
