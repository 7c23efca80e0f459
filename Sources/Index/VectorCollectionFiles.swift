// Saving and loading a VectorCollection: `vectors.f32` and `vectors.i8` (mapped at load and
// checksummed once, then paged by the kernel) and `vectors.hnsw` (read whole and checked), tied together
// by a random build id so a graph is never paired with vectors it was not built on.
import Posix

extension VectorCollection {
    public static let f32FileName = "vectors.f32"
    public static let i8FileName = "vectors.i8"
    public static let graphFileName = "vectors.hnsw"

    /// Writes the collection's files into `directory`, each atomically (temporary file, fsync,
    /// rename), vectors first. A crash between the renames leaves files of different builds,
    /// which `load` detects: the graph is then rebuilt.
    /// - Throws: `IndexError.vectorFile` when a file cannot be written.
    public func save(directory: String, generation: Int64, indexID: UInt64) throws {
        try mutation.withLock {
            let buildID = UInt64.random(in: 1...UInt64.max)
            let (files, graphBytes) = lock.read {
                (slab.encodeFiles(generation: generation, indexID: indexID, buildID: buildID),
                 graph.map { HNSWFile.encode($0, buildID: buildID) })
            }
            let dir = directory.hasSuffix("/") ? directory : directory + "/"
            func write(_ name: String, _ bytes: [UInt8]) throws {
                do { try FileSystem.writeAtomically(dir + name, bytes) } catch {
                    throw IndexError.vectorFile(path: dir + name, reason: "cannot write: \(error)")
                }
            }
            try write(Self.f32FileName, files.f32)
            try write(Self.i8FileName, files.i8)
            if let graphBytes {
                try write(Self.graphFileName, graphBytes)
            } else {
                try? FileSystem.remove(dir + Self.graphFileName)
            }
        }
    }

    /// Whether `directory` holds saved vector files.
    public static func filesExist(directory: String) -> Bool {
        FileSystem.exists(directory + "/" + f32FileName) || FileSystem.exists(directory + "/" + i8FileName)
    }

    /// Removes the saved files (after they were found corrupt, or the vectors were reset).
    public static func removeFiles(directory: String) {
        for name in [f32FileName, i8FileName, graphFileName] { try? FileSystem.remove(directory + "/" + name) }
    }

    /// Maps the saved vector files of `directory` and loads their graph, whose own M and
    /// efConstruction then become the collection's parameters. A missing, corrupt or mismatched
    /// graph is not an error: it is noted in `loadNotes` and rebuilt when the size calls for one.
    /// - Returns: nil when there are no files.
    /// - Throws: `IndexError.vectorFile` / `.vectorFileVersion` when the vector files are
    ///   unreadable, corrupt, from a newer build, or from another index (`indexID` differs).
    public static func load(directory: String, indexID: UInt64?, parameters: HNSWParameters = HNSWParameters(),
                            graphThreshold: Int = 20_000) throws -> VectorCollection? {
        guard filesExist(directory: directory) else { return nil }
        let f = try VectorFile(path: directory + "/" + f32FileName)
        let q = try VectorFile(path: directory + "/" + i8FileName)
        if let indexID, f.indexID != indexID {
            throw IndexError.vectorFile(path: f.path, reason: "belongs to another index (id \(f.indexID), this index is \(indexID))")
        }
        // Read once at open: a flipped bit in a vector would otherwise silently misrank searches.
        try f.verify()
        try q.verify()
        let slab = try VectorSlab(f32: f, i8: q)
        var graph: HNSWGraph?
        var notes: [String] = []
        let graphPath = directory + "/" + graphFileName
        if FileSystem.exists(graphPath) {
            do {
                graph = try HNSWFile.load(path: graphPath, nodes: slab.count, buildID: f.buildID, seed: parameters.seed)
            } catch {
                notes.append("\(error); the graph will be rebuilt")
            }
        }
        let c = VectorCollection(slab: slab, graph: graph, parameters: graph?.parameters ?? parameters, graphThreshold: graphThreshold)
        c.loadNotes = notes
        c.savedGeneration = f.generation
        return c
    }

    /// Checks the data checksums of the mapped files (reads them whole).
    /// - Throws: `IndexError.vectorFile` on a mismatch.
    public func verifyFiles() throws {
        let files = lock.read { slab.files }
        for f in files { try f.verify() }
    }
}
