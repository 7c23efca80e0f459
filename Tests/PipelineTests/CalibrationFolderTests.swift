// A pipeline's calibration folder: each answering stage's learned model is read at plan time, its
// feature names must be the kind's, the target precision picks the stage's accept threshold from
// the file, and a damaged file is reported at its own file, line and column.
import Config
import Learn
import Pipeline
import Posix
import Testing
import TestSupport

@Suite struct CalibrationFolderTests {
    static let model = LearnedModel(name: "answer", features: ["x"], model: .logistic(LogisticRegression(mean: [0], sd: [1], weights: [1], bias: 0)),
                                    calibrator: .platt(a: 1, b: 0),
                                    thresholds: [Threshold(name: "accept", targetPrecision: 0.95, accept: 0.8, samples: 100, accepted: 60, correct: 59),
                                                 Threshold(name: "accept", targetPrecision: 0.99, accept: nil, samples: 100, accepted: 0, correct: 0)])

    func plan(_ top: String, files: [String: String]) throws -> PipelinePlan {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.makeDirectories(dir + "/calibration")
        for (name, text) in files { try FileSystem.writeAtomically(dir + "/calibration/" + name, Array(text.utf8)) }
        let text = top + "\n[[stage]]\nid = \"s\"\nkind = \"start\"\n[[stage]]\nid = \"a\"\nkind = \"answer\"\nin = [\"s.value\"]\n"
        try FileSystem.writeAtomically(dir + "/ask.toml", Array(text.utf8))
        let registry = Toy.registry(features: ["x"])
        return try PipelineLoader.plan(path: dir + "/ask.toml", role: "ask", catalog: registry.catalog)
    }

    func diagnostics(_ top: String, files: [String: String]) -> [Diagnostic] {
        do { _ = try plan(top, files: files); return [] } catch let e as PipelineError { return e.diagnostics } catch { return [] }
    }

    @Test func theTargetPrecisionPicksTheThreshold() throws {
        let p = try plan("calibration = \"calibration\"\ntarget_precision = 0.95", files: ["a.toml": Self.model.render()])
        #expect(p.stage("a")?.accept == 0.8)
        #expect(p.stage("a")?.calibration == Self.model)
        // No threshold met 0.99 on the calibration data: the stage accepts nothing.
        #expect(try plan("calibration = \"calibration\"\ntarget_precision = 0.99", files: ["a.toml": Self.model.render()]).stage("a")?.accept == 1)
    }

    @Test func aTargetTheFileLacksIsAnError() {
        let d = diagnostics("calibration = \"calibration\"\ntarget_precision = 0.9", files: ["a.toml": Self.model.render()])
        #expect(d.contains { $0.message.contains("no threshold for target_precision 0.9") })
        #expect(d.flatMap(\.notes).contains { $0.contains("0.95, 0.99") })
    }

    @Test func featuresMustBeTheKinds() {
        var other = Self.model
        other.features = ["y"]
        let d = diagnostics("calibration = \"calibration\"\ntarget_precision = 0.95", files: ["a.toml": other.render()])
        #expect(d.contains { $0.message.contains("are not the ones 'answer' computes") })
    }

    @Test func aDamagedFileIsReportedWhereItIs() {
        let text = Self.model.render().replacing("weights = [1.0]", with: "weights = [1.0, 2.0]")
        let d = diagnostics("calibration = \"calibration\"\ntarget_precision = 0.95", files: ["a.toml": text])
        let e = d.first { $0.file.hasSuffix("calibration/a.toml") }
        #expect(e?.message.contains("'weights' has 2 elements; expected 1") == true, "\(d)")
        #expect(e?.location != nil)
    }

    @Test func aMissingFolderIsAnError() {
        let d = diagnostics("calibration = \"nowhere\"\ntarget_precision = 0.95", files: [:])
        #expect(d.contains { $0.message.contains("calibration folder") && $0.message.contains("does not exist") })
    }
}
