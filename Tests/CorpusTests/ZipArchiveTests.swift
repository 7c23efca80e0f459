// ZipArchive on archives written by Python's zipfile and by hand (ZIP64, CP437 names, prefixed
// data, duplicates), and on every office document and EPUB in the shared data folder.
import Corpus
import Posix
import Testing
import TestSupport

@Suite struct ZipArchiveTests {
    struct ManifestRow { let index: Int, size: Int, sha256: String, name: String }

    static func manifest() throws -> [String: [ManifestRow]] {
        var rows: [String: [ManifestRow]] = [:]
        for line in try CorpusFixtures.lines("zip-manifest.txt") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 5, let i = Int(f[1]), let n = Int(f[2]) else { continue }
            rows[String(f[0]), default: []].append(ManifestRow(index: i, size: n, sha256: String(f[3]), name: String(f[4])))
        }
        return rows
    }

    @Test func agreesWithPythonZipfile() throws {
        let manifest = try Self.manifest()
        #expect(manifest.count == 6)
        for (file, rows) in manifest {
            let zip = try ZipArchive(bytes: try CorpusFixtures.bytes(file))
            #expect(zip.entries.count == rows.count, "\(file)")
            for row in rows where row.index < zip.entries.count {
                let entry = zip.entries[row.index]
                #expect(entry.name == row.name, "\(file)")
                let body = try zip.read(entry)
                #expect(body.count == row.size && SHA256.hex(body) == row.sha256, "\(file): \(row.name)")
            }
        }
    }

    @Test func entryDetails() throws {
        let zip = try ZipArchive(path: CorpusFixtures.directory + "/python-zipfile.zip")
        let dir = try #require(zip.entry(named: "word/"))
        #expect(dir.isDirectory && dir.uncompressedSize == 0)
        let doc = try #require(zip.entry(named: "word/document.xml"))
        #expect(doc.method == 8 && !doc.isDirectory && !doc.isEncrypted && doc.uncompressedSize == 30_000)
        #expect(doc.compressedSize < doc.uncompressedSize)
        let stored = try #require(zip.entry(named: "stored.bin"))
        #expect(stored.method == 0 && stored.compressedSize == 3000)
        #expect(zip.entry(named: "café/naïve €.txt")?.flags ?? 0 & 0x800 != 0)
        #expect(zip.entry(named: "missing") == nil)
        #expect(try zip.read(named: "missing") == nil)
        #expect(try zip.read(named: "empty.txt") == [])
    }

    @Test func namesAreCP437UnlessFlaggedUTF8() throws {
        let zip = try ZipArchive(bytes: try CorpusFixtures.bytes("cp437-name.zip"))
        #expect(zip.entries.map(\.name) == ["résumè.txt", "€.txt"])
    }

    @Test func duplicateNamesResolveToTheFirst() throws {
        let zip = try ZipArchive(bytes: try CorpusFixtures.bytes("duplicate-names.zip"))
        #expect(zip.entries.count == 2)
        #expect(try zip.read(named: "same.txt") == Array("first\n".utf8))
        #expect(try zip.read(zip.entries[1]) == Array("second\n".utf8))
    }

    @Test func zip64AndPrefixedArchives() throws {
        let zip64 = try ZipArchive(bytes: try CorpusFixtures.bytes("zip64.zip"))
        #expect(zip64.entries.map(\.uncompressedSize) == [2000, 500])
        let prefixed = try ZipArchive(bytes: try CorpusFixtures.bytes("prefixed.zip"))
        #expect(prefixed.entries.first?.localHeaderOffset == 170) // after 10 lines of 17 bytes
        #expect(try prefixed.read(named: "inner.txt")?.count == 1000)
    }

    @Test func emptyArchive() throws {
        let zip = try ZipArchive(bytes: ZipBuilder().build().bytes) // just the 22-byte end record
        #expect(zip.entries.isEmpty && zip.entry(named: "") == nil)
    }

    @Test func signatureInsideCommentIsNotTheEnd() throws {
        var b = ZipBuilder()
        b.stored("a.txt", Array("hello".utf8))
        b.comment = Array("PK\u{05}\u{06}".utf8) + [UInt8](repeating: 0, count: 18) + Array(" trailing comment".utf8)
        let zip = try ZipArchive(bytes: b.build().bytes)
        #expect(try zip.read(named: "a.txt") == Array("hello".utf8))
    }

    @Test func totalSizeLimitSpansReads() throws {
        var b = ZipBuilder()
        b.stored("a", [UInt8](repeating: 1, count: 600))
        b.stored("b", [UInt8](repeating: 2, count: 600))
        let zip = try ZipArchive(bytes: b.build().bytes)
        let limits = ZipLimits(maxTotalSize: 1000)
        #expect(try zip.read(zip.entries[0], limits: limits).count == 600)
        expectCorpusError("second read", { if case .totalSizeExceeded(entry: "b", total: 1200, limit: 1000) = $0 { true } else { false } }) {
            try zip.read(zip.entries[1], limits: limits)
        }
    }

    /// Every DOCX, XLSX, PPTX, ODT and EPUB in ../shared/data: open, read and CRC-check each entry.
    @Test func realDocuments() throws {
        guard let shared = Paths.sharedData else {
            print("realDocuments: skipped, ../shared/data is absent")
            return
        }
        let roots = [shared + "/corp-docs", shared + "/doc-fixtures/docx-python-docx"]
        var files: [String] = []
        func walk(_ dir: String) {
            for name in (try? FileSystem.list(dir)) ?? [] {
                let path = dir + "/" + name
                if FileSystem.isDirectory(path) { walk(path); continue }
                let lower = name.lowercased()
                if [".docx", ".xlsx", ".pptx", ".odt", ".epub"].contains(where: { lower.hasSuffix($0) }) { files.append(path) }
            }
        }
        roots.forEach(walk)
        #expect(files.count >= 40)
        var entries = 0, bytes = 0
        for path in files.sorted() {
            do {
                let zip = try ZipArchive(path: path)
                #expect(!zip.entries.isEmpty, "\(path)")
                for entry in zip.entries {
                    bytes += try zip.read(entry).count // read() verifies size and CRC-32
                    entries += 1
                }
            } catch {
                Issue.record("\(path): \(error)")
            }
        }
        print("realDocuments: \(files.count) archives, \(entries) entries, \(bytes) bytes inflated and CRC-checked")
    }
}
