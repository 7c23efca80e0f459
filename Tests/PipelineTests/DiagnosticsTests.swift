// Pipeline diagnostics: each mistake is reported at the right line and column, with the exact
// message and its notes, and every problem in a file is reported at once.
import Config
import Pipeline
import Testing
import TestSupport

@Suite struct DiagnosticsTests {
    /// Checks that `marked` fails with exactly `expected` (marker, message, notes) in order.
    func expectDiagnostics(_ marked: String, _ expected: [(String, String, [String])], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (text, at) = Markers.strip(marked)
        let got = Toy.diagnostics(text).filter { $0.severity == .error }
        #expect(got.count == expected.count, "\(got.map(\.description))", sourceLocation: sourceLocation)
        for (d, (marker, message, notes)) in zip(got, expected) {
            #expect(d.location == at[marker], "\(d)", sourceLocation: sourceLocation)
            #expect(d.message == message, sourceLocation: sourceLocation)
            #expect(d.notes == notes, sourceLocation: sourceLocation)
        }
    }

    @Test func unknownKindSuggestsTheNearestName() {
        expectDiagnostics("""
        version = 1
        [[stage]]
        id = "s"
        kind = 1️⃣"strat"
        """, [("1️⃣", "unknown stage kind 'strat'", ["did you mean 'start'?", "kinds for ask pipelines: add, answer, fail, liar, start"])])
    }

    @Test func everyProblemIsReportedAtOnce() {
        expectDiagnostics("""
        version = 1
        1️⃣colour = "red"
        [[stage]]
        id = "s"
        kind = "start"
        [[stage]]
        id = "a"
        kind = "add"
        in = ["s.value"]
        2️⃣amout = 2
        mode = 3️⃣"avg"
        [[stage]]
        id = "b"
        kind = "add"
        amount = 4️⃣500
        in = ["s.value"]
        """, [
            ("1️⃣", "unknown top-level key 'colour'", []),
            ("2️⃣", "unknown parameter 'amout' for kind 'add'", ["did you mean 'amount'?", "parameters of 'add': amount, mode"]),
            ("3️⃣", "unknown value 'avg' for parameter 'mode'", ["accepted values: sum, max"]),
            ("4️⃣", "parameter 'amount' must be in -100.0...100.0, found 500.0", []),
        ])
    }

    @Test func badReferencesListWhatExists() {
        expectDiagnostics("""
        version = 1
        [[stage]]
        id = "start"
        kind = "start"
        [[stage]]
        id = "a"
        kind = "add"
        in = [1️⃣"strt.value", 2️⃣"start.valeu", 3️⃣"nodot"]
        """, [
            ("1️⃣", "no stage named 'strt'", ["did you mean 'start'?", "stages in this file: start, a"]),
            ("2️⃣", "stage 'start' has no output 'valeu'", ["did you mean 'value'?", "outputs of 'start': value (number)"]),
            ("3️⃣", "input 'nodot' must name a stage output as \"stage.output\"", []),
        ])
    }

    @Test func typeMismatchNamesBothSides() {
        expectDiagnostics("""
        version = 1
        [[stage]]
        id = "s"
        kind = "start"
        [[stage]]
        id = "ans"
        kind = "answer"
        in = ["s.value"]
        accept = 0.5
        [[stage]]
        id = "a"
        kind = "add"
        in = ["s.value", 1️⃣"ans.answer"]
        """, [
            ("1️⃣", "'ans.answer' is of type 'answer', which stage 'a' (add) does not take", ["its inputs: x (number)"]),
        ])
    }

    @Test func answeringStagesNeedAcceptAndOthersMayNotHaveIt() {
        expectDiagnostics("""
        version = 1
        [[stage]]
        id = "s"
        kind = "start"
        2️⃣accept = 0.3
        1️⃣[[stage]]
        id = "ans"
        kind = "answer"
        in = ["s.value"]
        """, [
            ("2️⃣", "'accept' applies only to answering stages; 'start' does not answer", []),
            ("1️⃣", "answering stage 'ans' needs an 'accept' threshold",
             ["e.g. accept = 0.5, or target_precision = 0.95 at the top with a calibration folder holding ans.toml"]),
        ])
    }

    @Test func cyclesAreNamed() {
        expectDiagnostics("""
        version = 1
        [[stage]]
        id = "s"
        kind = "start"
        1️⃣[[stage]]
        id = "a"
        kind = "add"
        in = ["s.value", "b.value"]
        [[stage]]
        id = "b"
        kind = "add"
        in = ["a.value"]
        [[stage]]
        id = "ans"
        kind = "answer"
        in = ["b.value"]
        accept = 0.5
        """, [("1️⃣", "stages form a cycle: a -> b -> a", [])])
    }

    @Test func unreachableAndMissingPiecesAreErrors() {
        expectDiagnostics("""
        version = 1
        [[stage]]
        id = "s"
        kind = "start"
        1️⃣[[stage]]
        id = "lonely"
        kind = "add"
        """, [
            ("1️⃣", "stage 'lonely' (add) needs an input of type 'number' for 'x'", ["add one of 's.value' to its in = [...]"]),
        ])
    }

    @Test func pipelineWithoutAnswerIsRejected() {
        let d = Toy.diagnostics("version = 1\n[[stage]]\nid = \"s\"\nkind = \"start\"\n")
        #expect(d.map(\.message).contains("the ask pipeline has no answering stage"))
    }

    @Test func futureVersionsAreRefused() {
        expectDiagnostics("version = 1️⃣7\n[[stage]]\nid = \"s\"\nkind = \"start\"\n", [
            ("1️⃣", "file is version 7; this build supports up to 1", []),
        ])
    }

    @Test func tomlSyntaxErrorsCarryTheirPosition() {
        let d = Toy.diagnostics("version = 1\n[[stage]]\nid = \"s\nkind = \"start\"\n")
        #expect(d.count == 1)
        #expect(d.first?.location?.line == 3)
        #expect(d.first?.description.hasPrefix("ask.toml:3:") == true)
    }

    @Test func duplicateIdsPointAtTheSecond() {
        let (text, at) = Markers.strip("version = 1\n[[stage]]\nid = \"s\"\nkind = \"start\"\n[[stage]]\n1️⃣id = \"s\"\nkind = \"start\"\n")
        let d = Toy.diagnostics(text)
        #expect(d.first?.message == "duplicate stage id 's'")
        #expect(d.first?.location == at["1️⃣"])
    }

    @Test func renderedLikeACompiler() {
        let d = Diagnostic(.error, file: "pipelines/ask.toml", at: SourceLocation(line: 23, column: 9), "unknown parameter 'topk'",
                           notes: ["did you mean 'top_k'?"])
        #expect(d.description == "pipelines/ask.toml:23:9: error: unknown parameter 'topk'\npipelines/ask.toml:23:9: note: did you mean 'top_k'?")
    }
}
