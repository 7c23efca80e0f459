// A PDF through the default ingest pipeline: extract.pdf takes *.pdf files, and a sentence from
// page 2 is found by lexical search with its page number as the citation.
import Index
import Pipeline
import Posix
import Stages
import Testing
import TestSupport

@Suite struct PDFIngestTests {
    @Test func pageTwoSentenceIsCitedWithItsPage() throws {
        let f = try EngineFixture()
        let root = f.root
        try FileSystem.writeAtomically(root + "/manual.pdf", try FileSystem.read(Paths.fixtures + "/pdf/multipage.pdf"))
        try FileSystem.writeAtomically(root + "/locked.pdf", try FileSystem.read(Paths.fixtures + "/pdf/password.pdf"))
        let report = try f.ingest()
        #expect(report.added == 1)
        let locked = report.problems.first { $0.path.hasSuffix("locked.pdf") }
        #expect(locked?.reason.contains("encrypted") == true, "\(String(describing: locked))")

        let hits = try f.index.read { try $0.searchLexical("quartermaster inspects", limit: 5) }
        let hit = try #require(hits.first)
        #expect(hit.span.page == 2)
        #expect(hit.text.contains("The quartermaster inspects the lighthouse on Tuesdays."))
        #expect(hit.documents.map(\.path) == [root + "/manual.pdf"])
    }
}
