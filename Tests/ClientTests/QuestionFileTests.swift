// Question files: the plain, SQuAD and corporate forms load with their files resolved under the
// data root; every malformed line stops the load with FILE:LINE and a reason.
import Client
import Posix
import Testing
import TestSupport

@Suite struct QuestionFileTests {
    /// A temporary folder with a data root holding two files and `questions.jsonl` = `lines`.
    func fixture(_ lines: [String]) throws -> (dir: String, file: String, root: String) {
        let dir = try Paths.temporaryDirectory("nerve-questions")
        let root = dir + "/data"
        try FileSystem.makeDirectories(root + "/docs/a")
        try FileSystem.writeAtomically(root + "/docs/a/leave.md", Array("# Leave\n\nSix hours per pay period.\n".utf8))
        try FileSystem.writeAtomically(root + "/docs/b.md", Array("# B\n".utf8))
        try FileSystem.writeAtomically(dir + "/questions.jsonl", Array(lines.joined(separator: "\n").utf8))
        return (dir, dir + "/questions.jsonl", try FileSystem.realPath(root))
    }

    @Test func theThreeFormsLoad() throws {
        let f = try fixture([
            #"{"question": "How much leave?", "answers": ["six hours"], "unanswerable": false}"#,
            "",
            #"{"id": "sq-1", "question": "What is B?", "answers": [], "unanswerable": true, "path": "PATH"}"#,
            #"{"id": "18f-1", "question": "Leave per pay period?", "answers": ["6 hours", "six hours"], "files": ["docs/a/leave.md", "docs/b.md"], "unanswerable": false, "near_miss": false, "type": "duration", "evidence": "6 hours", "split": "dev"}"#,
            #"{"id": "18f-2", "question": "Parking?", "answers": [], "files": [], "unanswerable": true, "near_miss": true, "type": "other", "split": "train"}"#,
        ].map { $0.replacingOccurrences(of: "PATH", with: "") })
        defer { FileSystem.removeTree(f.dir) }
        // The SQuAD line's path must exist: point it at b.md.
        var lines = try String(decoding: FileSystem.read(f.file), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: #""path": """#, with: #""path": "\#(f.root)/docs/b.md""#)
        try FileSystem.writeAtomically(f.file, Array(lines.joined(separator: "\n").utf8))

        let qs = try EvalQuestion.load(f.file, dataRoot: f.root)
        #expect(qs.count == 4)
        #expect(qs[0].id == "line 1" && qs[0].answers == ["six hours"] && !qs[0].unanswerable && qs[0].files.isEmpty)
        #expect(qs[1].id == "sq-1" && qs[1].unanswerable && qs[1].files == [f.root + "/docs/b.md"])
        #expect(qs[2].files == [f.root + "/docs/a/leave.md", f.root + "/docs/b.md"])
        #expect(qs[2].type == "duration" && qs[2].split == "dev" && !qs[2].nearMiss)
        #expect(qs[3].nearMiss && qs[3].unanswerable && qs[3].split == "train")
    }

    @Test func unanswerableDefaultsToHavingNoAnswers() throws {
        let f = try fixture([#"{"question": "Anything?", "answers": []}"#, #"{"question": "Leave?", "answers": ["six"]}"#])
        defer { FileSystem.removeTree(f.dir) }
        let qs = try EvalQuestion.load(f.file)
        #expect(qs.map(\.unanswerable) == [true, false])
    }

    @Test(arguments: [
        ("not json at all", "not JSON"),
        (#"["question"]"#, "expected a JSON object, found array"),
        (#"{"answers": ["x"]}"#, "\"question\" must be a non-empty string"),
        (#"{"question": "  ", "answers": ["x"]}"#, "\"question\" must be a non-empty string"),
        (#"{"question": "Q?", "answers": "x"}"#, "\"answers\" must be an array of strings, found string"),
        (#"{"question": "Q?", "answers": [1]}"#, "\"answers\" must be an array of strings"),
        (#"{"question": "Q?", "answers": ["x"], "unanswerable": "no"}"#, "\"unanswerable\" must be true or false, found string"),
        (#"{"question": "Q?", "answers": [], "unanswerable": false}"#, "an answerable question needs at least one accepted answer"),
        (#"{"question": "Q?", "answers": ["..."], "unanswerable": false}"#, "an answerable question needs at least one accepted answer"),
        (#"{"question": "Q?", "answers": ["x"], "files": ["docs/missing.md"]}"#, "file 'docs/missing.md' does not exist under data root"),
        (#"{"question": "Q?", "answers": ["x"], "files": "docs/b.md"}"#, "\"files\" must be an array of strings"),
        (#"{"question": "Q?", "answers": ["x"], "path": "/nonexistent/p.md"}"#, "file '/nonexistent/p.md' does not exist"),
        (#"{"question": "Q?", "answers": ["x"], "id": 7}"#, "\"id\" must be a string, found"),
    ])
    func aBadLineIsAnErrorNamingFileAndLine(line: String, reason: String) throws {
        let f = try fixture([#"{"question": "Fine?", "answers": ["yes"]}"#, "", line])
        defer { FileSystem.removeTree(f.dir) }
        do {
            _ = try EvalQuestion.load(f.file, dataRoot: f.root)
            Issue.record("line '\(line)' was accepted")
        } catch let e as ClientError {
            let text = "\(e)"
            #expect(text.hasPrefix(f.file + ":3: "), "\(text)")
            #expect(text.contains(reason), "\(text)")
            #expect(e.exitCode == 1)
        }
    }

    @Test func relativeFilesNeedADataRoot() throws {
        let f = try fixture([#"{"question": "Q?", "answers": ["x"], "files": ["docs/b.md"]}"#])
        defer { FileSystem.removeTree(f.dir) }
        #expect(throws: ClientError.self) { try EvalQuestion.load(f.file, dataRoot: nil) }
        #expect(try EvalQuestion.load(f.file, dataRoot: f.root + "/")[0].files == [f.root + "/docs/b.md"])
    }

    @Test func theCorporateDevSplitLoadsWhenTheDataIsPresent() throws {
        guard let shared = Paths.sharedData else {
            print("QuestionFileTests: corporate dev split skipped: ../shared/data is absent")
            return
        }
        let qs = try EvalQuestion.load(Paths.packageRoot + "/eval/corporate/dev.jsonl", dataRoot: shared)
        #expect(qs.count == 245)
        #expect(qs.allSatisfy { $0.split == "dev" })
        #expect(qs.filter { !$0.unanswerable }.allSatisfy { !$0.files.isEmpty && $0.files.allSatisfy(FileSystem.exists) })
    }
}
