// The index's vectors in memory, derived from the authoritative `chunk_vectors` rows: loaded from
// the saved files at start-up and reconciled with SQLite (ids added or removed since are caught
// up), changed after each commit with exactly what the transaction changed, and saved again
// from time to time. Searches never trust it alone: every match is re-read from SQLite.
import Posix
import SQLite

/// One change a committed transaction made to the vectors.
enum VectorOp {
    case add(Int64, [Float])
    case remove(Int64)
    /// Every vector was deleted (a new embedding model).
    case reset
}

final class VectorIndex: @unchecked Sendable {
    let directory: String
    let indexID: UInt64
    private let lock = PthreadMutex()
    private var current: VectorCollection?
    private(set) var parameters: HNSWParameters
    private(set) var graphThreshold: Int
    /// What start-up and later rebuilds found, for the daemon's log.
    private var noteList: [String] = []
    /// Vector changes applied since the files were last saved.
    private var unsaved = 0

    var collection: VectorCollection? { lock.withLock { current } }
    /// The graph parameters and exact-scan threshold in force.
    var configuration: (parameters: HNSWParameters, graphThreshold: Int) { lock.withLock { (parameters, graphThreshold) } }
    var notes: [String] { lock.withLock { noteList } }
    var unsavedChanges: Int { lock.withLock { unsaved } }

    private func note(_ s: String) { lock.withLock { noteList.append(s) } }

    /// Loads the saved files (discarding them when unreadable) and reconciles with `c`.
    /// - Throws: `IndexError.database` when SQLite fails.
    init(directory: String, connection c: Connection, indexID: UInt64, parameters: HNSWParameters = HNSWParameters(),
         graphThreshold: Int = 20_000) throws {
        self.directory = directory
        self.indexID = indexID
        self.parameters = parameters
        self.graphThreshold = graphThreshold
        do {
            current = try VectorCollection.load(directory: directory, indexID: indexID, parameters: parameters,
                                                graphThreshold: graphThreshold)
            if let loaded = current {
                noteList += loaded.loadNotes
                self.parameters = loaded.parameters
            }
        } catch {
            noteList.append("\(error); rebuilding the vector files from the database")
            VectorCollection.removeFiles(directory: directory)
            current = nil
        }
        try reconcile(c)
    }

    /// Makes the collection hold exactly the vectors of `chunk_vectors`: ids the files lack are
    /// read and added, ids the database no longer has are removed. Builds a missing graph in
    /// the background (searches scan meanwhile).
    func reconcile(_ c: Connection) throws {
        var live: [Int64] = []
        var dimension = 0
        try db("read vector ids") {
            try c.prepare("SELECT chunk_id, length(vector) FROM chunk_vectors").each { r in
                live.append(r.int(0))
                if dimension == 0 { dimension = Int(r.int(1)) / 4 }
            }
        }
        guard !live.isEmpty else {
            if current != nil { VectorCollection.removeFiles(directory: directory) }
            lock.withLock { current = nil }
            return
        }
        if let coll = current, coll.dimension != dimension {
            note("the saved vectors are \(coll.dimension)-dimensional; the database's are \(dimension): rebuilding")
            VectorCollection.removeFiles(directory: directory)
            lock.withLock { current = nil }
        }
        let coll = current ?? VectorCollection(dimension: dimension, parameters: parameters, graphThreshold: graphThreshold)
        let have = coll.ids
        let liveSet = Set(live)
        let stale = have.subtracting(liveSet)
        if !stale.isEmpty { coll.remove(ids: Array(stale)) }
        let missing = live.filter { !have.contains($0) }
        var start = 0
        while start < missing.count {
            let part = Array(missing[start..<min(start + 500, missing.count)])
            var items: [(id: Int64, vector: [Float])] = []
            try db("read vectors") {
                let marks = Array(repeating: "?", count: part.count).joined(separator: ",")
                for r in try c.query("SELECT chunk_id, vector FROM chunk_vectors WHERE chunk_id IN (\(marks))", part.map { .integer($0) }) {
                    if let id = r.int(0), let b = r.blob(1), b.count == 4 * dimension { items.append((id, VectorBlob.decode(b))) }
                }
            }
            try coll.add(items, buildGraph: false)
            start += part.count
        }
        if !stale.isEmpty || !missing.isEmpty {
            note("vector index caught up with the database: \(missing.count) added, \(stale.count) removed")
            lock.withLock { unsaved += missing.count + stale.count }
        }
        lock.withLock { current = coll }
        buildGraphInBackgroundIfNeeded(coll)
    }

    /// The graph is built off the caller's thread: on a large index it takes a while, and
    /// searches are exact (just slower) without it.
    private func buildGraphInBackgroundIfNeeded(_ coll: VectorCollection) {
        guard !coll.hasGraph, coll.count >= coll.graphThreshold else { return }
        do {
            try Threads.spawn(name: "vector-graph") { [weak coll] in coll?.buildGraph() }
        } catch {
            coll.buildGraph()
        }
    }

    /// Applies a committed transaction's changes, in order.
    func apply(_ ops: [VectorOp]) {
        guard !ops.isEmpty else { return }
        var adds: [(id: Int64, vector: [Float])] = []
        var removes: [Int64] = []
        func flushAdds() {
            guard !adds.isEmpty else { return }
            let coll = lock.withLock { () -> VectorCollection in
                if let c = current { return c }
                let c = VectorCollection(dimension: adds[0].vector.count, parameters: parameters, graphThreshold: graphThreshold)
                current = c
                return c
            }
            let fresh = adds.filter { !coll.contains(id: $0.id) }
            do { try coll.add(fresh) } catch {
                // The writer checked model and dimension before committing, so this means the
                // collection and the database disagree: rebuild from the database next start.
                note("vector index: \(error); the saved vector files are discarded")
                VectorCollection.removeFiles(directory: directory)
            }
            adds.removeAll()
        }
        func flushRemoves() {
            guard !removes.isEmpty else { return }
            current?.remove(ids: removes)
            removes.removeAll()
        }
        for op in ops {
            switch op {
            case let .add(id, v):
                flushRemoves()
                adds.append((id, v))
            case let .remove(id):
                flushAdds()
                removes.append(id)
            case .reset:
                flushAdds()
                flushRemoves()
                lock.withLock { current = nil }
                VectorCollection.removeFiles(directory: directory)
            }
        }
        flushAdds()
        flushRemoves()
        lock.withLock { unsaved += ops.count }
    }

    /// New graph parameters (from the ask pipeline); a graph built with others is rebuilt in
    /// the background.
    func configure(parameters p: HNSWParameters, graphThreshold t: Int) {
        let coll = lock.withLock { () -> VectorCollection? in
            parameters = p
            graphThreshold = t
            return current
        }
        guard let coll, coll.parameters != p || coll.graphThreshold != t else { return }
        coll.reconfigure(parameters: p, graphThreshold: t)
        if coll.count >= t {
            note("vector graph parameters changed to M=\(p.m) efConstruction=\(p.efConstruction): rebuilding")
            do {
                try Threads.spawn(name: "vector-graph") { [weak coll] in coll?.buildGraph() }
            } catch {
                coll.buildGraph()
            }
        }
    }

    /// Saves the files when anything changed since the last save (or `force`). The WAL is
    /// checkpointed first, so the files never hold a vector whose commit a power loss could
    /// still undo (chunk ids would then be reissued for other text).
    /// - Throws: `IndexError.vectorFile` when writing fails, `.database` when the checkpoint fails.
    func save(connection c: Connection, generation: Int64, force: Bool = false) throws {
        let (coll, changes) = lock.withLock { (current, unsaved) }
        guard force || changes > 0 else { return }
        guard let coll else {
            VectorCollection.removeFiles(directory: directory)
            lock.withLock { unsaved = 0 }
            return
        }
        try db("checkpoint before saving vectors") { try c.execute("PRAGMA wal_checkpoint(FULL)") }
        try coll.save(directory: directory, generation: generation, indexID: indexID)
        lock.withLock { unsaved = max(0, unsaved - changes) }
    }

    /// Differences between the collection and `chunk_vectors` (none when healthy), and the
    /// saved files' checksums.
    func problems(_ c: Connection) throws -> [String] {
        var live = Set<Int64>()
        try db("read vector ids") { try c.prepare("SELECT chunk_id FROM chunk_vectors").each { live.insert($0.int(0)) } }
        let have = collection?.ids ?? []
        var out: [String] = []
        let missing = live.subtracting(have).count, stale = have.subtracting(live).count
        if missing > 0 { out.append("vector index lacks \(missing) vectors the database holds") }
        if stale > 0 { out.append("vector index holds \(stale) vectors the database no longer has") }
        do { try collection?.verifyFiles() } catch { out.append("\(error)") }
        return out
    }
}

/// The BLOB form of a vector in `chunk_vectors`: little-endian float32 values.
enum VectorBlob {
    static func encode(_ v: [Float]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(v.count * 4)
        for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func decode(_ b: [UInt8]) -> [Float] {
        (0..<(b.count / 4)).map { k in
            Float(bitPattern: UInt32(b[4 * k]) | UInt32(b[4 * k + 1]) << 8 | UInt32(b[4 * k + 2]) << 16 | UInt32(b[4 * k + 3]) << 24)
        }
    }
}
