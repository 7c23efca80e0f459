// A stage bound in a worker is the same stage: the plan (parameters and calibration) travels
// with the request and is bound by the same code, so the same question gets the same answer,
// confidence and features in process and through `stage.run` — with a calibration file honoured
// on both sides.
import Foundation
import JSON
import Learn
import Pipeline
import Posix
import Service
import Stages
import Testing
import TestSupport

@Suite struct WorkerParityTests {
    /// A model that answers the same text for every prompt.
    final class FixedModel: LocalModel, @unchecked Sendable {
        func generate(_ request: LocalRequest, onToken: (String) -> Void) throws -> LocalResult {
            let text = "Parking permits cost nine dollars a month [1]."
            onToken(text)
            return LocalResult(text: text, promptTokens: request.user.utf8.count / 4, generatedTokens: 9, meanLogprob: -0.4,
                               minLogprob: -1.3, meanEntropy: 0.7, model: "fixed")
        }
        var expertCounts: [[Int]] { [] }
    }

    /// The worker side in this process: `stage.run` requests served by a WorkerHost.
    struct InProcessWorker: StageTransport {
        let host: WorkerHost
        func call(socket: String, request: JSONObject, onEvent: @escaping @Sendable (String, JSONObject) -> Void) throws -> JSON {
            // Through JSON text and back, as over the socket.
            let wire = try JSON.parse(JSON.object(request).serialized())
            return try JSON.parse(try host.run(wire.objectValue ?? JSONObject(), emit: onEvent).serialized())
        }
    }

    static func pipeline(socket: Bool) -> String {
        """
        version = 1
        calibration = "calibration"
        target_precision = 0.95
        [[stage]]
        id = "question"
        kind = "query"
        [[stage]]
        id = "bm25"
        kind = "search.bm25"
        in = ["question.text"]
        [[stage]]
        id = "local"
        kind = "answer.generate"
        in = ["question.text", "bm25.hits"]
        model = "model.gguf"
        passages = 2
        \(socket ? "socket = \"worker.sock\"" : "")
        """
    }

    static let weights = [1.0, 0.5, -0.25, 2.0, 1.5, -6.0, 0.5, 0.75, -0.0625, 0.375, 0.25, -0.5, 0.625, 0.875]
    /// A learned model for the local stage: a logistic on its fourteen features and a Platt calibrator.
    static let calibration = LearnedModel(
        name: "answer.generate",
        features: ["mean_logprob", "min_logprob", "entropy", "cites", "support", "declined", "agreement", "extract_confidence", "answer_tokens",
                   "judge", "check", "type_asked", "type_match", "novel_share"],
        model: .logistic(LogisticRegression(mean: .init(repeating: 0, count: 14), sd: .init(repeating: 1, count: 14), weights: weights, bias: 0.125)),
        calibrator: .platt(a: 1, b: 0),
        thresholds: [Threshold(name: "accept", targetPrecision: 0.95, accept: 0.7, samples: 10, accepted: 5, correct: 5)]).render()

    func answer(socket: Bool) throws -> JSON {
        let models = ModelCache { _, _, _ in FixedModel() }
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.makeDirectories(dir + "/pipelines")
        try FileSystem.writeAtomically(dir + "/pipelines/ask.toml", Array(Self.pipeline(socket: socket).utf8))
        try FileSystem.writeAtomically(dir + "/pipelines/ingest.toml", try FileSystem.read(Paths.packageRoot + "/pipelines/ingest.toml"))
        try FileSystem.makeDirectories(dir + "/pipelines/calibration")
        try FileSystem.writeAtomically(dir + "/pipelines/calibration/local.toml", Array(Self.calibration.utf8))
        try FileSystem.makeDirectories(dir + "/docs")
        try FileSystem.writeAtomically(dir + "/docs/p.md", Array("# Parking\n\nParking permits cost nine dollars a month.".utf8))
        let worker = InProcessWorker(host: try WorkerHost(model: nil, threads: 1, context: 512, models: ModelCache { _, _, _ in FixedModel() }))
        let engine = try Engine(config: EngineConfig(index: dir + "/index", pipelines: dir + "/pipelines"),
                                transport: socket ? worker : nil, models: models)
        _ = try engine.ingest(root: dir + "/docs")
        return try engine.ask("How much is a parking permit?", asker: nil, explain: true)
    }

    @Test func theSameStageInProcessAndInAWorker() throws {
        let here = try answer(socket: false)
        let there = try answer(socket: true)
        #expect(here["route"] == "local" && there["route"] == "local")
        #expect(here["answer"] == there["answer"])
        #expect(here["confidence"] == there["confidence"])
        #expect(here["accepted"] == there["accepted"])
        let local = { (a: JSON) in a["stages"]?.arrayValue?.first { $0["id"] == "local" } }
        #expect(local(here)?["features"] == local(there)?["features"], "the features travel back for calibration")
        // The calibration's weights decide the confidence on both sides (not the built-in ones).
        let f = local(here)?["features"]
        let z = 0.125 + 1.0 * (f?["mean_logprob"]?.doubleValue ?? 0) + 0.5 * (f?["min_logprob"]?.doubleValue ?? 0)
            - 0.25 * (f?["entropy"]?.doubleValue ?? 0) + 2.0 * (f?["cites"]?.doubleValue ?? 0)
            + 1.5 * (f?["support"]?.doubleValue ?? 0) - 6.0 * (f?["declined"]?.doubleValue ?? 0)
            + 0.5 * (f?["agreement"]?.doubleValue ?? 0) + 0.75 * (f?["extract_confidence"]?.doubleValue ?? 0)
            - 0.0625 * (f?["answer_tokens"]?.doubleValue ?? 0)
            + 0.375 * (f?["judge"]?.doubleValue ?? 0) + 0.25 * (f?["check"]?.doubleValue ?? 0)
            - 0.5 * (f?["type_asked"]?.doubleValue ?? 0) + 0.625 * (f?["type_match"]?.doubleValue ?? 0)
            + 0.875 * (f?["novel_share"]?.doubleValue ?? 0)
        let expected = Decimals.rounded(1 / (1 + Foundation.exp(-z)), places: 4)
        #expect(here["confidence"]?.doubleValue == expected)
        #expect(there["confidence"]?.doubleValue == expected)
        #expect(there["accepted"] == .bool(expected >= 0.7), "the calibration's accept for target precision 0.95 applies")
    }
}
