// One ingest run as the ingest stages see it: the request (root, scope), the index writer and
// its batched commits, the run's report, and the mirror state the index writer keeps across the
// run's files (the ledger as it was, the paths seen, the file in flight). Confined to the thread
// running the ingest.
import Corpus
import Index
import Posix

public final class IngestSession: @unchecked Sendable {
    public let writer: IndexWriter
    /// The absolute folder (or file) being mirrored.
    public let root: String
    /// When set, only these paths under the root are looked at (file-change events).
    public let scope: [String]?
    public var report: IngestReport
    /// Whether the run should stop between files (the daemon is shutting down).
    public let shouldStop: () -> Bool
    /// Decoding bounds for every file of the run.
    public let limits: DecodeLimits

    /// Files the walker found, and how far the run is, for progress.
    public var filesTotal = 0
    public var filesDone = 0
    public var currentFile = ""

    /// The index writer's view of the run: the ledger under the root when the run began, every
    /// path walked (what is not is removed at the end), and the file being processed.
    var ledger: [String: LedgerStat] = [:]
    var seen = Set<String>()
    var inFlight: FileInFlight?

    /// How long a batch of per-file changes may stay uncommitted: often enough that answers see
    /// new files quickly and a crash costs little, rarely enough that commits do not dominate.
    static let batchInterval = Duration.milliseconds(250)
    private var lastCommit = ContinuousClock.now

    public init(writer: IndexWriter, root: String, scope: [String]?, limits: DecodeLimits = .standard,
                shouldStop: @escaping () -> Bool = { false }) {
        self.writer = writer
        self.root = root
        self.scope = scope
        self.limits = limits
        self.shouldStop = shouldStop
        report = IngestReport(root: root)
    }

    /// Whether `path` is inside the run's scope (every path when there is none).
    public func inScope(_ path: String) -> Bool {
        guard let scope else { return true }
        return scope.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    /// Commits the open batch and opens the next when the last commit is old enough.
    public func commitIfDue() throws {
        guard ContinuousClock.now - lastCommit > Self.batchInterval else { return }
        try writer.commitBatch()
        try writer.beginBatch()
        lastCommit = .now
    }
}

/// The file the index writer admitted and is waiting to store.
struct FileInFlight {
    var facts: FileFacts
    let sha256: String
    /// Whether the file was indexed before this run (changed rather than added).
    let wasIndexed: Bool
    var stored: Int?
    var embedded = false
    /// A database failure while storing: not the file's fault, so the run fails instead.
    var error: Error?
}
