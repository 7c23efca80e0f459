// Inputs the Corpus fuzz targets (Fuzz/<target>.swift) once failed on, Tests/Fixtures/fuzz/<target>/,
// each fed to its target's entry point with the same limits: the result must be a value or a thrown
// error, within the fuzzers' 10 s hang limit, never a crash.
import Corpus
import Testing
import TestSupport

@Suite struct FuzzRegressionTests {
    static let chunking = ChunkerOptions(maxChars: 200, overlapChars: 20)

    /// Runs one fixture through `body` and checks it finished in time.
    static func run(_ target: String, _ name: String, _ body: ([UInt8]) throws -> Void) throws {
        let bytes = try FuzzFixtures.bytes(target, name)
        let seconds = try FuzzFixtures.seconds { try body(bytes) }
        #expect(seconds < 10, "\(target)/\(name) took \(seconds) s")
    }

    @Test(arguments: FuzzFixtures.names("inflate"))
    func inflate(_ name: String) throws {
        try Self.run("inflate", name) { all in
            guard let mode = all.first else { return }
            let stream = Array(all.dropFirst()), limit = 1 << 20
            let output: [UInt8]?
            switch mode % 4 {
            case 0: output = try? Inflate.raw(stream, maxOutput: limit, expectedSize: stream.count * 4)
            case 1: output = try? Inflate.zlib(stream, maxOutput: limit, expectedSize: stream.count * 4)
            case 2: output = try? Inflate.zlib(stream, maxOutput: limit, expectedSize: stream.count * 4, lenient: true)
            default: output = try? Inflate.gzip(stream, maxOutput: limit, expectedSize: stream.count * 4)
            }
            #expect((output?.count ?? 0) <= limit)
        }
    }

    @Test(arguments: FuzzFixtures.names("zip"))
    func zip(_ name: String) throws {
        let limits = ZipLimits(maxEntrySize: 1 << 20, maxTotalSize: 4 << 20, maxRatio: 200, ratioThreshold: 64 << 10)
        try Self.run("zip", name) { bytes in
            guard let archive = try? ZipArchive(bytes: bytes) else { return }
            for entry in archive.entries.prefix(256) {
                if let output = try? archive.read(entry, limits: limits) { #expect(output.count == entry.uncompressedSize) }
            }
        }
    }

    @Test(arguments: FuzzFixtures.names("office"))
    func office(_ name: String) throws {
        try Self.run("office", name) { all in
            guard let kind = all.first else { return }
            let package = Array(all.dropFirst())
            let document: Document?
            switch kind % 5 {
            case 0: document = try? DOCXExtractor.extract(package)
            case 1: document = try? PPTXExtractor.extract(package)
            case 2: document = try? XLSXExtractor.extract(package)
            case 3: document = try? ODFExtractor.extract(package)
            default: document = try? EPUBExtractor.extract(package)
            }
            if let document { _ = Chunker.chunk(document, options: Self.chunking) }
        }
    }

    @Test(arguments: FuzzFixtures.names("pdf"))
    func pdf(_ name: String) throws {
        try Self.run("pdf", name) { bytes in
            if let r = try? PDFExtractor.read(bytes) { _ = Chunker.chunk(r.document, options: Self.chunking) }
        }
    }

    @Test(arguments: FuzzFixtures.names("html"))
    func html(_ name: String) throws {
        try Self.run("html", name) { bytes in
            if let d = try? HTMLExtractor.extract(bytes, path: name) { _ = Chunker.chunk(d, options: Self.chunking) }
        }
    }

    @Test(arguments: FuzzFixtures.names("xml"))
    func xml(_ name: String) throws {
        try Self.run("xml", name) { bytes in
            if let d = try? XMLExtractor.extract(bytes, path: name) { _ = Chunker.chunk(d, options: Self.chunking) }
        }
    }

    @Test(arguments: FuzzFixtures.names("eml"))
    func eml(_ name: String) throws {
        try Self.run("eml", name) { bytes in
            let d = EmailExtractor.extract(bytes) { part, _ in (try? HTMLExtractor.extract(part, path: name)) ?? Document(blocks: []) }
            _ = Chunker.chunk(d, options: Self.chunking)
        }
    }

    @Test(arguments: FuzzFixtures.names("csv"))
    func csv(_ name: String) throws {
        try Self.run("csv", name) { all in
            guard let mode = all.first else { return }
            let tsv = mode & 1 == 1
            guard let (text, _) = try? TextDecoding.decode(Array(all.dropFirst()), path: name) else { return }
            _ = Chunker.chunk(DelimitedExtractor.extract(text, separator: tsv ? "\t" : nil), options: Self.chunking)
        }
    }

    @Test(arguments: FuzzFixtures.names("markdown"))
    func markdown(_ name: String) throws {
        try Self.run("markdown", name) { bytes in
            guard let (text, _) = try? TextDecoding.decode(bytes, path: name) else { return }
            _ = Chunker.chunk(MarkdownExtractor.extract(text), options: ChunkerOptions(maxChars: 120, overlapChars: 30))
        }
    }
}
