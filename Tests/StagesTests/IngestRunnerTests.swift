// Ingest mirrors a folder: unchanged files decided by stat alone, renames and duplicates linked
// without extraction, bad files skipped with reasons, deletions removed.
import Config
import Index
import JSON
import Pipeline
import Posix
import Service
import Stages
import Testing
import TestSupport

@Suite struct IngestRunnerTests {
    typealias Fixture = EngineFixture

    @Test func secondRunReadsNothing() throws {
        let f = try Fixture()
        for i in 0..<20 { try f.write("d\(i).md", "# Doc \(i)\n\nBody text \(i).") }
        let first = try f.ingest()
        #expect(first.added == 20 && first.contentReads == 20)
        let second = try f.ingest()
        #expect(second.unchanged == 20)
        #expect(second.contentReads == 0, "unchanged files must be decided by stat alone")
        #expect(second.generation == first.generation)
    }

    @Test func renameIsLinkedWithoutExtraction() throws {
        let f = try Fixture()
        try f.write("old.md", "# Title\n\nThe capybara is the largest rodent.")
        _ = try f.ingest()
        try FileSystem.rename(f.root + "/old.md", to: f.root + "/new.md")
        let r = try f.ingest()
        #expect(r.linked == 1 && r.removed == 1 && r.added == 0)
        let hits = try f.index.read { try $0.searchLexical("capybara", limit: 5) }
        #expect(hits.first?.documents.map(\.path) == [f.root + "/new.md"])
    }

    @Test func duplicatesAreStoredOnce() throws {
        let f = try Fixture()
        try f.write("a.txt", "Identical content about otters.")
        try f.write("b/copy.txt", "Identical content about otters.")
        let r = try f.ingest()
        #expect(r.added + r.linked == 2 && r.linked == 1)
        let s = try f.index.read { try $0.status() }
        #expect(s.documents == 2 && s.contents == 1)
    }

    @Test func badFilesAreSkippedWithReasons() throws {
        let f = try Fixture()
        try f.write("good.md", "Fine text.")
        try f.write("empty.txt", "")
        try FileSystem.writeAtomically(f.root + "/binary.txt", [0x7F, 0x45, 0x4C, 0x46, 0, 0, 0, 1, 2, 3])
        try f.write("image.png", "not really a png")
        try FileSystem.symlink(target: f.root, at: f.root + "/loop")
        let r = try f.ingest()
        #expect(r.added == 1)
        let reasons = Dictionary(uniqueKeysWithValues: r.problems.map { ($0.path.split(separator: "/").last.map(String.init) ?? "", $0.reason) })
        #expect(reasons["empty.txt"] == "empty file")
        #expect(reasons["binary.txt"]?.contains("binary content") == true)
        #expect(reasons["image.png"] == "no extract stage matches this file")
        #expect(reasons["loop"] == nil, "symlinks are not followed by default")
        #expect(try f.index.read { try $0.status() }.skipped == 3)
    }

    @Test func changedContentReplacesTheOldText() throws {
        let f = try Fixture()
        try f.write("a.md", "The meeting is on Monday.")
        _ = try f.ingest()
        try f.write("a.md", "The meeting moved to Thursday afternoon.")
        let r = try f.ingest()
        #expect(r.changed == 1)
        #expect(try f.index.read { try $0.searchLexical("Monday", limit: 5) }.isEmpty)
        #expect(try f.index.read { try $0.searchLexical("Thursday", limit: 5) }.count == 1)
    }

    @Test func missingRootIsAClearError() throws {
        let f = try Fixture()
        #expect(throws: ServiceError.self) { try f.ingest(f.dir + "/nope") }
    }
}
