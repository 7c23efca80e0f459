// Judging: the text must contain an accepted answer as whole words after SQuAD normalisation,
// the citation must be one of the question's files (paths compared after resolving symlinks),
// and an unanswerable question is never answered right.
import Client
import Posix
import Testing
import TestSupport

@Suite struct JudgeTests {
    let q = EvalQuestion(question: "How much leave?", answers: ["6 hours", "six hours"], unanswerable: false)

    @Test func textContainsAnAcceptedAnswerAfterNormalisation() {
        #expect(SQuADScoring.correct("You accrue 6 Hours per pay period.", q))
        #expect(SQuADScoring.correct("Six hours!", q))
        #expect(!SQuADScoring.correct("You accrue 16 hours per pay period.", q), "whole words only: 16 is not 6")
        #expect(!SQuADScoring.correct("eight hours", q))
        #expect(SQuADScoring.normalize("The Leave, an Act!") == "leave act")
    }

    @Test func aHyphenatedAnswerMatchesItsSpacedForm() {
        // Punctuation becomes a space, so "six-hours" normalises to "six hours".
        #expect(SQuADScoring.correct("the six-hours rule", q))
    }

    @Test func unanswerableIsNeverRight() {
        let u = EvalQuestion(question: "Parking?", answers: ["x"], unanswerable: true)
        let v = Judge.verdict(answer: "x", citations: [], u)
        #expect(!v.rightText && !v.right)
    }

    @Test func theCitationMustBeOneOfTheFiles() throws {
        let dir = try Paths.temporaryDirectory("nerve-judge")
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/leave.md", Array("six hours".utf8))
        try FileSystem.writeAtomically(dir + "/other.md", Array("six hours".utf8))
        let real = try FileSystem.realPath(dir)
        var withFiles = q
        withFiles.files = [real + "/leave.md"]

        let right = Judge.verdict(answer: "six hours", citations: [real + "/other.md", real + "/leave.md"], withFiles)
        #expect(right.rightText && right.rightFile && right.right)
        let wrongFile = Judge.verdict(answer: "six hours", citations: [real + "/other.md"], withFiles)
        #expect(wrongFile.rightText && !wrongFile.rightFile && !wrongFile.right)
        let noCitation = Judge.verdict(answer: "six hours", citations: [], withFiles)
        #expect(!noCitation.right)
        let wrongText = Judge.verdict(answer: "eight hours", citations: [real + "/leave.md"], withFiles)
        #expect(!wrongText.rightText && wrongText.rightFile && !wrongText.right)
        // Without files any citation (or none) will do.
        #expect(Judge.verdict(answer: "six hours", citations: [], q).right)
        // Dots and doubled slashes in a cited path do not matter (`sub` does not exist, so `..`
        // is taken lexically).
        #expect(Judge.citesRightFile([real + "/./sub/..//leave.md"], withFiles))
        #expect(Judge.citesRightFile([real + "//./leave.md"], withFiles))
    }

    @Test func symlinksAreResolvedOnBothSides() throws {
        let dir = try Paths.temporaryDirectory("nerve-judge")
        defer { FileSystem.removeTree(dir) }
        let real = try FileSystem.realPath(dir)
        try FileSystem.makeDirectories(real + "/docs")
        try FileSystem.writeAtomically(real + "/docs/leave.md", Array("six hours".utf8))
        try FileSystem.symlink(target: real + "/docs", at: real + "/link")

        // The question names the file through the link; the daemon cites the real path.
        var viaLink = q
        viaLink.files = [real + "/link/leave.md"]
        #expect(Judge.citesRightFile([real + "/docs/leave.md"], viaLink))
        // The question file resolves links when it loads, so its files are real paths; a
        // citation through a link matches too.
        try FileSystem.writeAtomically(real + "/q.jsonl", Array(#"{"question": "Q?", "answers": ["six hours"], "files": ["link/leave.md"]}"#.utf8))
        let loaded = try EvalQuestion.load(real + "/q.jsonl", dataRoot: real)
        #expect(loaded[0].files == [real + "/docs/leave.md"])
        #expect(Judge.citesRightFile([real + "/link/leave.md"], loaded[0]))
        #expect(!Judge.citesRightFile([real + "/link/other.md"], loaded[0]))
    }

    @Test func canonicalCleansPathsThatDoNotExist() {
        #expect(Judge.canonical("/nonexistent-nerve/a/./b/../c.md") == "/nonexistent-nerve/a/c.md")
        #expect(Judge.canonical("/nonexistent-nerve//x.md") == "/nonexistent-nerve/x.md")
    }
}
