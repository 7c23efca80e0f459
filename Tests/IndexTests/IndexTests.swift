// The index mirrors what it is told exactly: stores, links duplicates, replaces and removes
// atomically, bumps the generation once per changing run, and passes its integrity check after
// every mutation (FTS5 'integrity-check', PRAGMA integrity_check, chunk counts).
import Corpus
import Index
import Posix
import Testing
import TestSupport

@Suite struct IndexTests {
    final class Fixture {
        let dir: String
        let store: IndexStore
        init() throws {
            dir = try Paths.temporaryDirectory()
            store = try IndexStore(directory: dir + "/index")
        }
        deinit { FileSystem.removeTree(dir) }

        func facts(_ path: String, size: Int64 = 10, mtime: Int64 = 1, mode: UInt32 = 0o644, uid: UInt32 = 1000) -> FileFacts {
            FileFacts(path: path, root: "/docs", size: size, mtimeNs: mtime, uid: uid, gid: 1000, mode: mode)
        }

        func chunks(_ texts: [String]) -> [Chunk] {
            texts.enumerated().map { Chunk(ordinal: $0, text: $1, headingPath: "Guide > Part", span: SourceSpan(lineStart: $0 + 1, lineEnd: $0 + 1)) }
        }
    }

    @Test func storesSearchesAndCites() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md"), sha256: "aa", extractor: "extract.markdown", title: "Guide",
                      chunks: f.chunks(["Employees earn annual leave every pay period.", "Sick leave is separate."]))
        }
        try f.store.checkIntegrity()
        let hits = try f.store.read { try $0.searchLexical("How is annual leave earned?", limit: 5) }
        #expect(hits.first?.text == "Employees earn annual leave every pay period.")
        #expect(hits.first?.documents.map(\.path) == ["/docs/a.md"])
        #expect(hits.first?.span.lineStart == 1)
        #expect(hits.first?.hash.count == 16)
        #expect(try f.store.read { try $0.status() }.documents == 1)
        #expect(try f.store.read { try $0.generation() } == 1)
    }

    @Test func identicalContentIsStoredOnceAndCitedUnderBothPaths() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md"), sha256: "same", extractor: "x", title: nil, chunks: f.chunks(["Unique phrase zebra."]))
            let id = try #require(try w.content(sha256: "same"))
            try w.link(f.facts("/docs/copy.md"), sha256: "same", contentID: id, extractor: "x")
        }
        try f.store.checkIntegrity()
        let s = try f.store.read { try $0.status() }
        #expect(s.documents == 2 && s.contents == 1 && s.chunks == 1)
        let hit = try #require(try f.store.read { try $0.searchLexical("zebra", limit: 3) }.first)
        #expect(hit.documents.map(\.path) == ["/docs/a.md", "/docs/copy.md"])

        try f.store.write { w in w.beginRun(); _ = try w.remove(path: "/docs/a.md") }
        try f.store.checkIntegrity()
        #expect(try f.store.read { try $0.searchLexical("zebra", limit: 3) }.first?.documents.map(\.path) == ["/docs/copy.md"])
        try f.store.write { w in w.beginRun(); _ = try w.remove(path: "/docs/copy.md") }
        try f.store.checkIntegrity()
        #expect(try f.store.read { try $0.searchLexical("zebra", limit: 3) }.isEmpty)
        let after = try f.store.read { try $0.status() }
        #expect(after.contents == 0 && after.chunks == 0)
    }

    @Test func replacingAFileReplacesEveryChunk() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md"), sha256: "v1", extractor: "x", title: nil, chunks: f.chunks(["old walrus text", "more walrus"]))
        }
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md", mtime: 2), sha256: "v2", extractor: "x", title: nil, chunks: f.chunks(["new penguin text"]))
        }
        try f.store.checkIntegrity()
        #expect(try f.store.read { try $0.searchLexical("walrus", limit: 5) }.isEmpty)
        #expect(try f.store.read { try $0.searchLexical("penguin", limit: 5) }.count == 1)
        #expect(try f.store.read { try $0.generation() } == 2)
    }

    @Test func generationBumpsOncePerRunAndNotForNoChange() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            for i in 0..<3 {
                try w.put(f.facts("/docs/\(i).md"), sha256: "s\(i)", extractor: "x", title: nil, chunks: f.chunks(["text \(i)"]))
            }
        }
        #expect(try f.store.read { try $0.generation() } == 1)
        try f.store.write { w in
            w.beginRun()
            try w.touch(f.facts("/docs/0.md", mtime: 9))
            #expect(try w.remove(path: "/docs/none.md") == false)
        }
        #expect(try f.store.read { try $0.generation() } == 1)
        try f.store.checkIntegrity()
    }

    @Test func skippedFilesDropWhatTheyHadIndexed() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md"), sha256: "v1", extractor: "x", title: nil, chunks: f.chunks(["quokka"]))
            try w.markUnindexed(f.facts("/docs/a.md", mtime: 5), status: .failed, reason: "corrupt", extractor: nil, sha256: "v2")
        }
        try f.store.checkIntegrity()
        #expect(try f.store.read { try $0.searchLexical("quokka", limit: 5) }.isEmpty)
        let e = try #require(try f.store.read { try $0.entry(path: "/docs/a.md") })
        #expect(e.status == .failed && e.reason == "corrupt")
    }

    @Test func viewerFilterHidesUnreadableDocuments() throws {
        let f = try Fixture()
        let secret = f.dir + "/secret.md", open = f.dir + "/public.md"
        try FileSystem.writeAtomically(secret, Array("x".utf8), mode: 0o600)
        try FileSystem.writeAtomically(open, Array("x".utf8), mode: 0o644)
        try FileSystem.chmod(f.dir, 0o755)
        let me = Identity.userID
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts(secret, mode: 0o600, uid: me), sha256: "s", extractor: "x", title: nil, chunks: f.chunks(["salary bands"]))
            try w.put(f.facts(open, mode: 0o644, uid: me), sha256: "p", extractor: "x", title: nil, chunks: f.chunks(["salary policy"]))
        }
        let other = Viewer(uid: me &+ 4242, gids: [4242])
        let owner = Viewer(uid: me, gids: [Identity.groupID])
        #expect(try f.store.read { try $0.searchLexical("salary", limit: 5, viewer: other) }.flatMap { $0.documents.map(\.path) } == [open])
        #expect(try f.store.read { try $0.searchLexical("salary", limit: 5, viewer: owner) }.count == 2)
        // A readable file inside a folder the viewer cannot search is not readable.
        try FileSystem.chmod(f.dir, 0o700)
        #expect(PermissionCheck(viewer: other).mayRead(open) == (me == 0 ? false : false))
        #expect(PermissionCheck(viewer: owner).mayRead(open))
    }

    @Test func refusesAnIndexFromTheFuture() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        _ = try IndexStore(directory: dir)
        try SQLiteHelper.setUserVersion(dir + "/nerve.sqlite", 99)
        #expect(throws: IndexError.self) { try IndexStore(directory: dir) }
        do { _ = try IndexStore(directory: dir) } catch {
            #expect("\(error)".contains("version 99; this build supports up to 2"))
        }
    }

    @Test func queryTermsCannotInjectFTSSyntax() throws {
        let f = try Fixture()
        try f.store.write { w in
            w.beginRun()
            try w.put(f.facts("/docs/a.md"), sha256: "a", extractor: "x", title: nil, chunks: f.chunks(["NEAR AND OR NOT quotes"]))
        }
        #expect(throws: Never.self) { try f.store.read { try $0.searchLexical(#"" OR * NEAR( AND) "unbalanced"#, limit: 5) } }
        #expect(try f.store.read { try $0.searchLexical("???", limit: 5) }.isEmpty)
    }
}

@Suite struct AnalyzerTests {
    @Test(arguments: [
        ("caresses", "caress"), ("ponies", "poni"), ("cats", "cat"), ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"),
        ("motoring", "motor"), ("sing", "sing"), ("conflated", "conflat"), ("hopping", "hop"), ("filing", "file"), ("happy", "happi"),
        ("relational", "relat"), ("conditional", "condit"), ("vietnamization", "vietnam"), ("triplicate", "triplic"),
        ("electrical", "electr"), ("revival", "reviv"), ("adjustment", "adjust"), ("adoption", "adopt"), ("controll", "control"),
        ("rate", "rate"), ("generalizations", "gener"), ("weeks", "week"), ("employees", "employe"),
    ])
    func porterMatchesThePublishedExamples(_ word: String, _ stem: String) {
        #expect(PorterStemmer.stem(word) == stem)
    }

    @Test func tokensFoldCaseAndAccents() {
        #expect(Analyzer.tokens("Café, naïve RÉSUMÉ 2024-05!") == ["cafe", "naive", "resume", "2024", "05"])
        #expect(Analyzer.terms("How many weeks of leave?") == ["week", "leav"])
        #expect(Analyzer.matchExpression("the a of") == "\"the\" OR \"a\" OR \"of\"")
        #expect(Analyzer.matchExpression("!!!") == nil)
    }
}
